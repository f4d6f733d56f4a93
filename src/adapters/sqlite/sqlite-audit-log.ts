/**
 * SqliteAuditLog: the {@link AuditLog} port on the local SQLite file, in its own table, apart
 * from the transactions. Entries are append-only and never expire; an entry whose id is already
 * there is ignored, so a re-run step does not duplicate its audit trail.
 */
import { migrate, type SqliteDatabase } from '../../sqlite/database.js';
import type { JsonObject } from '../../asl/json.js';
import { isTransactionStatus } from '../../payments/lifecycle.js';
import type { AuditEntry, AuditLog } from '../../payments/ports/audit-log.js';
import { guard } from './sqlite-guard.js';

const MIGRATIONS = [
  `CREATE TABLE audit_log (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     id TEXT NOT NULL UNIQUE,
     transaction_id TEXT NOT NULL,
     at INTEGER NOT NULL,
     actor TEXT NOT NULL,
     action TEXT NOT NULL,
     from_status TEXT,
     to_status TEXT,
     details TEXT
   );
   CREATE INDEX audit_log_transaction ON audit_log (transaction_id, seq);`,
];

interface Row {
  id: string;
  transaction_id: string;
  at: number;
  actor: string;
  action: string;
  from_status: string | null;
  to_status: string | null;
  details: string | null;
}

export class SqliteAuditLog implements AuditLog {
  // Prepared once: every status change appends, and preparing costs more than inserting.
  readonly #statements: ReturnType<typeof prepareStatements>;

  constructor(db: SqliteDatabase) {
    migrate(db, 'audit', MIGRATIONS);
    this.#statements = prepareStatements(db);
  }

  append(entry: AuditEntry): Promise<void> {
    return guard(() => {
      this.#statements.append.run(
        entry.id,
        entry.transaction_id,
        entry.at,
        entry.actor,
        entry.action,
        entry.from_status ?? null,
        entry.to_status ?? null,
        entry.details === undefined ? null : JSON.stringify(entry.details),
      );
    });
  }

  list(transactionId: string): Promise<readonly AuditEntry[]> {
    return guard(() => {
      return this.#statements.list.all(transactionId).map(fromRow);
    });
  }
}

function prepareStatements(db: SqliteDatabase) {
  return {
    append: db.prepare(
      `INSERT INTO audit_log (id, transaction_id, at, actor, action, from_status, to_status, details)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
    ),
    list: db.prepare<[string], Row>(
      'SELECT * FROM audit_log WHERE transaction_id = ? ORDER BY seq',
    ),
  };
}

function fromRow(row: Row): AuditEntry {
  return {
    id: row.id,
    transaction_id: row.transaction_id,
    at: row.at,
    actor: row.actor,
    action: row.action,
    ...(row.from_status !== null && isTransactionStatus(row.from_status)
      ? { from_status: row.from_status }
      : {}),
    ...(row.to_status !== null && isTransactionStatus(row.to_status)
      ? { to_status: row.to_status }
      : {}),
    ...(row.details === null ? {} : { details: JSON.parse(row.details) as JsonObject }),
  };
}
