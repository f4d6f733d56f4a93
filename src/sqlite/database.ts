/**
 * The one SQLite file paystep keeps everything in: opening it with the durability settings the
 * guarantees need, versioned schema migrations per component, and online backup.
 *
 * Each component (engine store, transaction store, queue, metrics...) owns its tables and declares
 * its migrations as an ordered list; `migrate` applies the ones a file has not seen yet, so a data
 * file written by an older paystep opens in a newer one.
 */
import Database from 'better-sqlite3';

export type SqliteDatabase = Database.Database;

/** How hard a commit waits for the disk. FULL fsyncs the WAL on every commit. */
export const Synchronous = { Full: 'FULL', Normal: 'NORMAL', Off: 'OFF' } as const;
export type Synchronous = (typeof Synchronous)[keyof typeof Synchronous];

export interface OpenDatabaseOptions {
  /**
   * Durability of each commit.
   * @default 'FULL' (a committed transition survives power loss, not only a process crash)
   */
  synchronous?: Synchronous;
}

/**
 * Opens (creating if needed) a SQLite file in WAL mode. `':memory:'` gives a private in-memory
 * database for tests that do not need a file.
 */
export function openDatabase(file: string, options: OpenDatabaseOptions = {}): SqliteDatabase {
  const db = new Database(file);
  if (file !== ':memory:') db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${options.synchronous ?? Synchronous.Full}`);
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  return db;
}

/** One schema change: SQL run once, in order, inside a transaction. */
export type Migration = string;

/**
 * Applies the migrations of one component that this file has not seen yet, each in its own
 * transaction with the version bump. Migrations are append-only: never edit a released one.
 */
export function migrate(db: SqliteDatabase, component: string, migrations: readonly Migration[]) {
  db.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (component TEXT PRIMARY KEY, version INTEGER NOT NULL)',
  );
  const row = db
    .prepare('SELECT version FROM schema_migrations WHERE component = ?')
    .get(component) as { version: number } | undefined;
  const current = row?.version ?? 0;
  if (current > migrations.length) {
    throw new Error(
      `The data file's ${component} schema is version ${current}, newer than this paystep knows (${migrations.length}); upgrade paystep.`,
    );
  }
  const upsert = db.prepare(
    'INSERT INTO schema_migrations (component, version) VALUES (?, ?) ON CONFLICT (component) DO UPDATE SET version = excluded.version',
  );
  for (let version = current + 1; version <= migrations.length; version++) {
    const sql = migrations[version - 1] as Migration;
    db.transaction(() => {
      db.exec(sql);
      upsert.run(component, version);
    })();
  }
}

/**
 * Takes a consistent copy of a running database into `destination` (SQLite's online backup API:
 * writers carry on while pages are copied).
 */
export async function backupDatabase(db: SqliteDatabase, destination: string): Promise<void> {
  await db.backup(destination);
}
