/**
 * Counts the statements a database connection prepares from now on, for tests proving that an
 * adapter prepares its statements once rather than on every call (preparing costs more than
 * running a statement, and a simulated day runs each one thousands of times).
 */
import type { SqliteDatabase } from '../../../src/sqlite/database.js';

/** Wraps `db.prepare` in place; the returned function tells how many calls it has seen. */
export function countPrepares(db: SqliteDatabase): () => number {
  let count = 0;
  const prepare = db.prepare.bind(db);
  db.prepare = (source: string) => {
    count++;
    return prepare(source);
  };
  return () => count;
}
