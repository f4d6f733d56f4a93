import { describe, expect, it } from 'vitest';
import { migrate, openDatabase } from '../../src/sqlite/database.js';
import { EngineStore, engineMigrations } from '../../src/engine/store.js';

const arn = 'arn:aws:states:us-east-1:000000000000:execution:m:e1';

describe('EngineStore migrations', () => {
  it('moves history written under the first schema into the rowid table, events intact', () => {
    const db = openDatabase(':memory:');
    migrate(db, 'engine', engineMigrations.slice(0, 1));
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

  it('refuses a second chunk starting at the same event of an execution', () => {
    const store = new EngineStore(openDatabase(':memory:'));
    store.write(['insertHistory', arn, 1, 1, '[]']);
    expect(() => store.write(['insertHistory', arn, 1, 2, '[]'])).toThrow(/UNIQUE/);
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
