/**
 * The webhook event log: which provider events have been processed, by event id, so a provider's
 * retry or duplicate of an event is answered without being enqueued or applied again. The queue's
 * own deduplication covers its five-minute window (SQS's); this log covers everything after.
 * Rows are operational records, purged after a retention period (30 days by default, beyond any
 * provider's retry schedule: Stripe retries for three days).
 *
 * The port and its SQLite adapter live together here, the only user being the webhook route and
 * its consumer; on AWS a DynamoDB table with a conditional put plays the same part.
 */
import { migrate, type SqliteDatabase } from '../../sqlite/database.js';
import { BloomFilter } from './bloom-filter.js';

export interface ProcessedEvent {
  eventId: string;
  type: string;
  transactionId: string;
  /** What processing did: `started`, `already_started`, `review_applied`, `ignored_stale`... */
  outcome: string;
  processedAt: number;
}

export interface WebhookEventLog {
  /** True if the event was already processed: exact, as stored. */
  has(eventId: string): boolean;
  /**
   * A cheap pre-check for the request path: false when this log knows of no such event, so
   * `has` would be false and need not be asked; true when `has` must settle it. An adapter may
   * miss events recorded elsewhere since it opened (another process on the same store): the
   * queue's deduplication and the consumer's `has` catch those.
   */
  mightHave(eventId: string): boolean;
  /** Records a processed event; recording an id twice keeps the first. */
  record(event: ProcessedEvent): void;
  /** Records several processed events in one commit. */
  recordAll(events: readonly ProcessedEvent[]): void;
  get(eventId: string): ProcessedEvent | undefined;
  /** Forgets events processed before `before` (epoch ms). Returns how many. */
  purge(before: number): number;
}

const MIGRATIONS = [
  `CREATE TABLE webhook_events (
     event_id TEXT PRIMARY KEY,
     type TEXT NOT NULL,
     transaction_id TEXT NOT NULL,
     outcome TEXT NOT NULL,
     processed_at INTEGER NOT NULL
   ) WITHOUT ROWID;
   CREATE INDEX webhook_events_processed ON webhook_events (processed_at);`,
];

interface Row {
  event_id: string;
  type: string;
  transaction_id: string;
  outcome: string;
  processed_at: number;
}

/** Thirty days in ms: how long processed event ids are remembered by default. */
export const DEFAULT_EVENT_RETENTION_MS = 30 * 24 * 3600 * 1000;

/**
 * `mightHave` answers from a Bloom filter of every event id in the table when the log opened and
 * every id recorded through it since, so a new event costs no SQLite read (a read transaction
 * is several system calls; on a 2-core VM, about as much CPU as the HMAC check). The filter is
 * filled by one scan when the log opens, sized for twice the events stored then (10 bits per
 * event at 1%, rounded up to a power of two: 2.5-5 MB per million stored events).
 * Purged ids stay in it until the next start: a "maybe" that `has` answers false.
 */
export class SqliteWebhookEventLog implements WebhookEventLog {
  private readonly statements;
  private readonly insertAll: (events: readonly ProcessedEvent[]) => void;
  private readonly known: BloomFilter;

  constructor(db: SqliteDatabase) {
    migrate(db, 'webhook-events', MIGRATIONS);
    const stored = db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM webhook_events').get();
    this.known = new BloomFilter(Math.max(1 << 16, 2 * (stored?.n ?? 0)));
    const ids = db.prepare<[], string>('SELECT event_id FROM webhook_events').pluck();
    for (const id of ids.iterate()) this.known.add(id);
    this.statements = {
      has: db.prepare<[string], { one: number }>(
        'SELECT 1 AS one FROM webhook_events WHERE event_id = ?',
      ),
      get: db.prepare<[string], Row>('SELECT * FROM webhook_events WHERE event_id = ?'),
      insert: db.prepare(
        `INSERT INTO webhook_events (event_id, type, transaction_id, outcome, processed_at)
         VALUES (?, ?, ?, ?, ?) ON CONFLICT (event_id) DO NOTHING`,
      ),
      purge: db.prepare('DELETE FROM webhook_events WHERE processed_at < ?'),
    };
    this.insertAll = db.transaction((events: readonly ProcessedEvent[]) => {
      for (const event of events) this.record(event);
    });
  }

  has(eventId: string): boolean {
    return this.statements.has.get(eventId) !== undefined;
  }

  mightHave(eventId: string): boolean {
    return this.known.mightContain(eventId);
  }

  record(event: ProcessedEvent): void {
    // Before the insert: a rolled-back recordAll leaves a false "maybe", never a false "no".
    this.known.add(event.eventId);
    this.statements.insert.run(
      event.eventId,
      event.type,
      event.transactionId,
      event.outcome,
      event.processedAt,
    );
  }

  recordAll(events: readonly ProcessedEvent[]): void {
    this.insertAll(events);
  }

  get(eventId: string): ProcessedEvent | undefined {
    const row = this.statements.get.get(eventId);
    return row
      ? {
          eventId: row.event_id,
          type: row.type,
          transactionId: row.transaction_id,
          outcome: row.outcome,
          processedAt: row.processed_at,
        }
      : undefined;
  }

  purge(before: number): number {
    return this.statements.purge.run(before).changes;
  }
}
