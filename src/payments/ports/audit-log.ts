/**
 * The audit log port: who did what to which transaction, when, with the status before and after.
 * It is kept apart from the transaction store (a separate table locally, a separate DynamoDB
 * table on AWS) and never expires. Entries have deterministic ids (e.g. `TXN-1:status:CHARGED`),
 * and appending an id twice keeps the first, so a step re-run after a crash leaves one entry.
 */
import type { JsonObject } from '../../asl/json.js';
import type { TransactionStatus } from '../lifecycle.js';

export interface AuditEntry {
  /** Unique and deterministic for the fact it records, so appends are idempotent. */
  readonly id: string;
  readonly transaction_id: string;
  /** Epoch milliseconds. */
  readonly at: number;
  /** Who: a workflow step (`step:ChargePayment`) or a person (`operator:alice`). */
  readonly actor: string;
  /** What, as a stable verb phrase: `status_changed`, `payment_rejected`, `customer_notified`... */
  readonly action: string;
  readonly from_status?: TransactionStatus;
  readonly to_status?: TransactionStatus;
  /** Facts about the action; never card data or secrets. */
  readonly details?: JsonObject;
}

export interface AuditLog {
  /**
   * Records an entry; a second entry with the same id is ignored.
   * @throws StoreUnavailableError if storage fails.
   */
  append(entry: AuditEntry): Promise<void>;
  /** The entries of one transaction, oldest first. */
  list(transactionId: string): Promise<readonly AuditEntry[]>;
}
