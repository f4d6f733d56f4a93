/**
 * SqliteOutboxNotifier: the default {@link CustomerNotifier}. Notifications are written to an
 * outbox table in the local SQLite file, where a relay (see `relayOutbox`) or a person picks
 * them up. Queuing is idempotent by notification id. Outbox rows are operational records: they
 * are purged after a retention period (90 days by default), unlike transactions and audit.
 */
import { migrate, type SqliteDatabase } from '../../sqlite/database.js';
import type {
  CustomerNotification,
  CustomerNotifier,
  NotificationKind,
  NotificationReceipt,
} from '../../payments/ports/customer-notifier.js';
import { guard } from './sqlite-guard.js';

const MIGRATIONS = [
  `CREATE TABLE notification_outbox (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     id TEXT NOT NULL UNIQUE,
     transaction_id TEXT NOT NULL,
     customer_id TEXT NOT NULL,
     email TEXT,
     kind TEXT NOT NULL,
     subject TEXT NOT NULL,
     body TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     sent_at INTEGER,
     attempts INTEGER NOT NULL DEFAULT 0,
     last_error TEXT
   );
   CREATE INDEX notification_outbox_pending ON notification_outbox (sent_at, seq);
   CREATE INDEX notification_outbox_created ON notification_outbox (created_at);`,
];

/** Ninety days, in milliseconds: how long outbox rows are kept by default. */
export const DEFAULT_OUTBOX_RETENTION_MS = 90 * 24 * 60 * 60 * 1000;

export interface SqliteOutboxNotifierOptions {
  /** How long a row is kept after it was queued. @default DEFAULT_OUTBOX_RETENTION_MS (90 days) */
  readonly retentionMs?: number;
}

/** A queued notification with its delivery state. */
export interface OutboxEntry extends CustomerNotification {
  readonly sent_at?: number;
  readonly attempts: number;
  readonly last_error?: string;
}

interface Row {
  id: string;
  transaction_id: string;
  customer_id: string;
  email: string | null;
  kind: string;
  subject: string;
  body: string;
  created_at: number;
  sent_at: number | null;
  attempts: number;
  last_error: string | null;
}

export class SqliteOutboxNotifier implements CustomerNotifier {
  readonly #retentionMs: number;
  // Prepared once: every finished payment queues a notification.
  readonly #statements: ReturnType<typeof prepareStatements>;

  constructor(db: SqliteDatabase, options: SqliteOutboxNotifierOptions = {}) {
    this.#retentionMs = options.retentionMs ?? DEFAULT_OUTBOX_RETENTION_MS;
    migrate(db, 'notification-outbox', MIGRATIONS);
    this.#statements = prepareStatements(db);
  }

  notify(notification: CustomerNotification): Promise<NotificationReceipt> {
    return guard(() => {
      this.#statements.insert.run(
        notification.id,
        notification.transaction_id,
        notification.customer_id,
        notification.email ?? null,
        notification.kind,
        notification.subject,
        notification.body,
        notification.created_at,
      );
      return { id: notification.id, channel: 'outbox', status: 'queued' } as const;
    });
  }

  /** Notifications not yet sent, oldest first. */
  pending(limit = 100): Promise<readonly OutboxEntry[]> {
    return guard(() => this.#statements.pending.all(limit).map(fromRow));
  }

  /** Every notification of one transaction, oldest first. */
  forTransaction(transactionId: string): Promise<readonly OutboxEntry[]> {
    return guard(() => this.#statements.forTransaction.all(transactionId).map(fromRow));
  }

  markSent(id: string, at: number): Promise<void> {
    return guard(() => {
      this.#statements.markSent.run(at, id);
    });
  }

  markFailed(id: string, error: string): Promise<void> {
    return guard(() => {
      this.#statements.markFailed.run(error.slice(0, 500), id);
    });
  }

  /** Deletes rows queued more than the retention period before `now`. Returns how many. */
  purgeExpired(now: number): Promise<number> {
    return guard(() => this.#statements.purge.run(now - this.#retentionMs).changes);
  }
}

function prepareStatements(db: SqliteDatabase) {
  return {
    insert: db.prepare(
      `INSERT INTO notification_outbox (id, transaction_id, customer_id, email, kind, subject, body, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
    ),
    pending: db.prepare<[number], Row>(
      'SELECT * FROM notification_outbox WHERE sent_at IS NULL ORDER BY seq LIMIT ?',
    ),
    forTransaction: db.prepare<[string], Row>(
      'SELECT * FROM notification_outbox WHERE transaction_id = ? ORDER BY seq',
    ),
    markSent: db.prepare(
      'UPDATE notification_outbox SET sent_at = ?, attempts = attempts + 1 WHERE id = ? AND sent_at IS NULL',
    ),
    markFailed: db.prepare(
      'UPDATE notification_outbox SET attempts = attempts + 1, last_error = ? WHERE id = ?',
    ),
    purge: db.prepare('DELETE FROM notification_outbox WHERE created_at < ?'),
  };
}

function fromRow(row: Row): OutboxEntry {
  return {
    id: row.id,
    transaction_id: row.transaction_id,
    customer_id: row.customer_id,
    ...(row.email === null ? {} : { email: row.email }),
    kind: row.kind as NotificationKind,
    subject: row.subject,
    body: row.body,
    created_at: row.created_at,
    ...(row.sent_at === null ? {} : { sent_at: row.sent_at }),
    attempts: row.attempts,
    ...(row.last_error === null ? {} : { last_error: row.last_error }),
  };
}
