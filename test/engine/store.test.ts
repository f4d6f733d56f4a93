import { describe, expect, it } from 'vitest';
import { migrate, openDatabase } from '../../src/sqlite/database.js';
import type { SqliteDatabase } from '../../src/sqlite/database.js';
import { EngineStore, engineMigrations, writeStatements } from '../../src/engine/store.js';

const arn = 'arn:aws:states:us-east-1:000000000000:execution:m:e1';

/** An execution row as the first two schemas wrote it. */
function insertOldExecution(db: SqliteDatabase, executionArn: string, startDate: number): void {
  db.prepare(
    `INSERT INTO executions (arn, state_machine_arn, name, definition_hash, status, input,
       output, start_date, stop_date, seed)
     VALUES (?, 'arn:aws:states:us-east-1:000000000000:stateMachine:m', ?, 'h', 'SUCCEEDED',
       '{}', '{"ok":true}', ?, ?, 'seed')`,
  ).run(executionArn, executionArn.split(':').pop(), startDate, startDate + 5);
}

describe('EngineStore migrations', () => {
  it('moves history written under the first schema into the rowid table, events intact', () => {
    const db = openDatabase(':memory:');
    migrate(db, 'engine', engineMigrations.slice(0, 1));
    insertOldExecution(db, arn, 1_000);
    const insert = db.prepare(
      'INSERT INTO history (execution_arn, first_id, last_id, events) VALUES (?, ?, ?, ?)',
    );
    insert.run(arn, 1, 2, '[{"id":1},{"id":2}]');
    insert.run(arn, 3, 3, '[{"id":3}]');

    const store = new EngineStore(db);

    expect(store.historyOf.all(arn)).toEqual([
      { first_id: 1, last_id: 2, events: '[{"id":1},{"id":2}]' },
      { first_id: 3, last_id: 3, events: '[{"id":3}]' },
    ]);
    expect(store.lastEventId.get(arn)).toEqual({ id: 3 });
    expect(
      db.prepare("SELECT version FROM schema_migrations WHERE component = 'engine'").get(),
    ).toEqual({ version: engineMigrations.length });
  });

  it('numbers executions in the order they were stored and keys their history by that id', () => {
    const db = openDatabase(':memory:');
    migrate(db, 'engine', engineMigrations.slice(0, 2));
    const arns = ['e-zulu', 'e-alpha', 'e-mike'].map((name) => `${arn.slice(0, -2)}${name}`);
    const insert = db.prepare(
      'INSERT INTO history (execution_arn, first_id, last_id, events) VALUES (?, ?, ?, ?)',
    );
    arns.forEach((executionArn, i) => {
      insertOldExecution(db, executionArn, 1_000 + i);
      insert.run(executionArn, 1, 1, `[{"id":1,"n":${i}}]`);
      insert.run(executionArn, 2, 4, `[{"id":2,"n":${i}}]`);
    });

    const store = new EngineStore(db);

    arns.forEach((executionArn, i) => {
      expect(store.getExecution.get(executionArn)).toMatchObject({
        id: i + 1,
        arn: executionArn,
        name: executionArn.split(':').pop(),
        status: 'SUCCEEDED',
        output: '{"ok":true}',
        start_date: 1_000 + i,
        stop_date: 1_005 + i,
        redrive_count: 0,
        seed: 'seed',
      });
      expect(store.historyOf.all(executionArn).map((chunk) => chunk.events)).toEqual([
        `[{"id":1,"n":${i}}]`,
        `[{"id":2,"n":${i}}]`,
      ]);
      expect(store.lastEventId.get(executionArn)).toEqual({ id: 4 });
    });
    expect(store.maxExecutionId.get()).toEqual({ id: 3 });
    const indexes = db
      .prepare<[], { name: string }>(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('executions', 'history') AND sql IS NOT NULL ORDER BY name",
      )
      .all()
      .map((row) => row.name);
    expect(indexes).toEqual([
      'executions_by_machine',
      'executions_by_start',
      'executions_by_status',
      'history_by_execution',
    ]);
  });

  it('refuses a second chunk starting at the same event of an execution', () => {
    const store = new EngineStore(openDatabase(':memory:'));
    store.write(['insertHistory', 1, 1, 1, '[]']);
    expect(() => store.write(['insertHistory', 1, 1, 2, '[]'])).toThrow(/UNIQUE/);
  });
});

describe('EngineStore query plans', () => {
  it("finds an execution's timers and runs through an index, never a scan", () => {
    const store = new EngineStore(openDatabase(':memory:'));
    const plan = (sql: string) =>
      store.db
        .prepare<unknown[], { detail: string }>(`EXPLAIN QUERY PLAN ${sql}`)
        .all(...Array.from(sql.matchAll(/\?/g), () => 'x'))
        .map((row) => row.detail)
        .join('; ');
    for (const sql of [
      writeStatements.deleteTimersOfExecution,
      writeStatements.deleteRunsOfExecution,
      store.timersOfExecution.source,
      store.runsOfExecution.source,
    ]) {
      expect(plan(sql), sql).toMatch(/USING INDEX (timers|runs)_by_execution/);
      expect(plan(sql), sql).not.toMatch(/SCAN (timers|runs)(?! USING)/);
    }
  });
});

describe('EngineStore state machine rows', () => {
  it('reads a changed or removed state machine as it now is', () => {
    const store = new EngineStore(openDatabase(':memory:'));
    const row = {
      arn: 'arn:aws:states:us-east-1:000000000000:stateMachine:m',
      name: 'm',
      definition_hash: 'h1',
      role_arn: 'role',
      type: 'STANDARD',
      status: 'ACTIVE',
      revision_id: 'r1',
      created_at: 1,
      updated_at: 1,
      description: '',
    };
    expect(store.stateMachine(row.arn)).toBeUndefined();
    store.createStateMachine(row);
    expect(store.stateMachine(row.arn)?.definition_hash).toBe('h1');
    store.changeStateMachine({ ...row, definition_hash: 'h2', revision_id: 'r2', updated_at: 2 });
    expect(store.stateMachine(row.arn)?.definition_hash).toBe('h2');
    store.removeStateMachine(row.arn);
    expect(store.stateMachine(row.arn)).toBeUndefined();
  });
});
