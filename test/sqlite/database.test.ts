import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backupDatabase, migrate, openDatabase } from '../../src/sqlite/database.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'paystep-db-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const v1 = ['CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL)'];
const v2 = [...v1, "ALTER TABLE notes ADD COLUMN author TEXT NOT NULL DEFAULT 'unknown'"];

describe('SQLite database file', () => {
  it('opens in WAL mode with full fsync by default', () => {
    const db = openDatabase(join(dir, 'a.db'));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    db.close();
  });

  it('upgrades a file written by an older version and keeps its data', () => {
    const file = join(dir, 'a.db');
    const old = openDatabase(file);
    migrate(old, 'notes', v1);
    old.prepare('INSERT INTO notes (text) VALUES (?)').run('kept');
    old.close();

    const db = openDatabase(file);
    migrate(db, 'notes', v2);
    expect(db.prepare('SELECT text, author FROM notes').all()).toEqual([
      { text: 'kept', author: 'unknown' },
    ]);
    migrate(db, 'notes', v2);
    expect(
      db.prepare('SELECT version FROM schema_migrations WHERE component = ?').get('notes'),
    ).toEqual({ version: 2 });
    db.close();
  });

  it('refuses a file written by a newer version instead of guessing', () => {
    const db = openDatabase(join(dir, 'a.db'));
    migrate(db, 'notes', v2);
    expect(() => migrate(db, 'notes', v1)).toThrow(/newer than this paystep knows/);
    db.close();
  });

  it('takes a consistent online backup while another connection keeps writing', async () => {
    const file = join(dir, 'live.db');
    const db = openDatabase(file);
    migrate(db, 'notes', v1);
    const insert = db.prepare('INSERT INTO notes (text) VALUES (?)');
    for (let i = 0; i < 500; i++) insert.run(`note ${i}`);
    const writer = openDatabase(file);
    const writes = writer.prepare('INSERT INTO notes (text) VALUES (?)');
    const backup = backupDatabase(db, join(dir, 'copy.db'));
    writes.run('during backup');
    await backup;
    writer.close();
    db.close();
    const copy = openDatabase(join(dir, 'copy.db'));
    expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
    const count = (copy.prepare('SELECT COUNT(*) AS n FROM notes').get() as { n: number }).n;
    expect(count).toBeGreaterThanOrEqual(500);
    copy.close();
  });
});
