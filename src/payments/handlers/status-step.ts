/**
 * The one way handlers move a transaction's status: a conditional transition in the store, then
 * an audit entry with a deterministic id. The audit entry is also written when the store reports
 * the status already set (`unchanged`), which repairs a crash between the two writes; the audit
 * log ignores the duplicate id when there was no crash.
 */
import type { JsonObject } from '../../asl/json.js';
import { InvalidStateError } from '../errors.js';
import type { TransactionStatus } from '../lifecycle.js';
import type { AuditLog } from '../ports/audit-log.js';
import type { TransactionStore, TransitionResult } from '../ports/transaction-store.js';
import type { Transaction, TransactionFacts } from '../transaction.js';

export interface StatusMove {
  readonly transactionId: string;
  readonly to: TransactionStatus;
  readonly at: number;
  /** Who moves it: `step:<name>` or `operator:<name>`. */
  readonly actor: string;
  readonly facts?: TransactionFacts;
  /** Facts for the audit entry; never card data. */
  readonly details?: JsonObject;
}

/** Moves the status and audits the move. Returns the store's answer for the caller to act on. */
export async function moveStatus(
  ports: { store: TransactionStore; audit: AuditLog },
  move: StatusMove,
): Promise<TransitionResult> {
  const result = await ports.store.transition(move.transactionId, move.to, move.at, move.facts);
  if (result.outcome === 'applied' || result.outcome === 'unchanged') {
    const from = result.outcome === 'applied' ? result.from : result.transaction.previous_status;
    await ports.audit.append({
      id: `${move.transactionId}:status:${move.to}`,
      transaction_id: move.transactionId,
      at: move.at,
      actor: move.actor,
      action: 'status_changed',
      ...(from === undefined ? {} : { from_status: from }),
      to_status: move.to,
      ...(move.details === undefined ? {} : { details: move.details }),
    });
  }
  return result;
}

/** The transaction, or `Payment.InvalidState` if the store has none with this id. */
export async function requireTransaction(
  store: TransactionStore,
  transactionId: string,
): Promise<Transaction> {
  const transaction = await store.get(transactionId);
  if (transaction === undefined) {
    throw new InvalidStateError(`Transaction ${transactionId} does not exist`);
  }
  return transaction;
}

/** `Payment.InvalidState` for a transaction a step found in a status it cannot act on. */
export function unexpectedStatus(step: string, result: TransitionResult): InvalidStateError {
  if (result.outcome === 'not_found') {
    return new InvalidStateError(`${step}: the transaction does not exist`);
  }
  const { transaction } = result;
  return new InvalidStateError(
    `${step}: transaction ${transaction.transaction_id} is ${transaction.status}`,
    { transaction_id: transaction.transaction_id, status: transaction.status },
  );
}
