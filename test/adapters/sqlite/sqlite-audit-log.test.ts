import { describe, expect, it } from 'vitest';
import { SqliteAuditLog } from '../../../src/adapters/sqlite/sqlite-audit-log.js';
import { openDatabase } from '../../../src/sqlite/database.js';
import { auditLogContract } from '../../payments/ports/audit-log-contract.js';
import { countPrepares } from './count-prepares.js';

auditLogContract('SqliteAuditLog', () => new SqliteAuditLog(openDatabase(':memory:')));

describe('SqliteAuditLog', () => {
  it('lives in its own table, apart from transactions', () => {
    const db = openDatabase(':memory:');
    new SqliteAuditLog(db);
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all();
    expect(tables).toContainEqual({ name: 'audit_log' });
    expect(tables).not.toContainEqual({ name: 'transactions' });
  });

  it('prepares its statements once, not on every call', async () => {
    const db = openDatabase(':memory:');
    const audit = new SqliteAuditLog(db);
    const prepared = countPrepares(db);
    for (const id of ['a', 'b']) {
      await audit.append({ id, transaction_id: 'T1', at: 1, actor: 'test', action: 'note' });
      await audit.list('T1');
    }
    expect(prepared()).toBe(0);
  });
});
