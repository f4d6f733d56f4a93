/**
 * The transaction archive port: a record of every finished payment, one JSON line per record in
 * one file (or object) per UTC day, for reconciliation and long-term keeping (S3 on AWS).
 * Appends are at-least-once: a step re-run after a crash may write a record twice, so readers
 * keep the last record per transaction id.
 */
import type { JsonObject } from '../../asl/json.js';

export interface ArchivedTransaction {
  readonly transaction_id: string;
  readonly status: string;
  /** Epoch milliseconds; decides the day the record is filed under. */
  readonly archived_at: number;
  readonly transaction: JsonObject;
}

export interface TransactionArchive {
  append(record: ArchivedTransaction): Promise<void>;
  /** The records filed under one UTC day (`YYYY-MM-DD`), one per transaction id (the last). */
  readDay(day: string): Promise<readonly ArchivedTransaction[]>;
}

/** The UTC day (`YYYY-MM-DD`) an epoch-millisecond time falls on. */
export function archiveDay(at: number): string {
  return new Date(at).toISOString().slice(0, 10);
}
