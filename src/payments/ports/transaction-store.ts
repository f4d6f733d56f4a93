/**
 * The transaction store port: durable payment transactions, keyed by transaction id, whose
 * status only moves forward along the lifecycle. Every status change is a conditional write
 * (the row moves only if it is in one of the target's allowed predecessors), so a step that runs
 * twice, or two runs racing, cannot move a transaction backwards or apply a move twice.
 * Transaction records never expire. Adapters: SQLite (local) and DynamoDB (AWS).
 */
import type { CustomerActivity } from '../fraud.js';
import type { TransactionStatus } from '../lifecycle.js';
import type { Payment } from '../payment.js';
import type { Transaction, TransactionFacts } from '../transaction.js';

/** What `create` did: inserted the payment, or found a transaction with that id already there. */
export type CreateResult =
  | { readonly created: true; readonly transaction: Transaction }
  | { readonly created: false; readonly transaction: Transaction };

/**
 * What `transition` did:
 * - `applied`: the status moved from `from` to the target, and the facts were written;
 * - `unchanged`: the transaction was already in the target status (a repeated step): nothing written;
 * - `conflict`: the transaction is in a status the target cannot be entered from: nothing written;
 * - `not_found`: no transaction has that id.
 */
export type TransitionResult =
  | {
      readonly outcome: 'applied';
      readonly from: TransactionStatus;
      readonly transaction: Transaction;
    }
  | { readonly outcome: 'unchanged' | 'conflict'; readonly transaction: Transaction }
  | { readonly outcome: 'not_found' };

export interface TransactionStore {
  /**
   * Inserts a new transaction in `status` (normally RECEIVED) unless one with the same id
   * exists, in which case it is returned untouched.
   * @throws StoreUnavailableError if storage fails.
   */
  create(payment: Payment, status: TransactionStatus, at: number): Promise<CreateResult>;

  /** The transaction with this id, if any. */
  get(transactionId: string): Promise<Transaction | undefined>;

  /**
   * Moves the transaction to `to` if its status is an allowed predecessor of `to`, writing
   * `facts` in the same conditional write.
   * @throws StoreUnavailableError if storage fails.
   */
  transition(
    transactionId: string,
    to: TransactionStatus,
    at: number,
    facts?: TransactionFacts,
  ): Promise<TransitionResult>;

  /**
   * Writes `facts` without moving the status, only if the transaction is in `status` (e.g. a new
   * task token for a review that is re-requested). True if it wrote.
   * @throws StoreUnavailableError if storage fails.
   */
  annotate(
    transactionId: string,
    status: TransactionStatus,
    at: number,
    facts: TransactionFacts,
  ): Promise<boolean>;

  /**
   * The customer's payments created at or after `since` (epoch ms), other than `excludeId`:
   * how many in any currency, and their total in `currency`. Rejected payments are never
   * stored, so they do not count; declined ones do.
   */
  customerActivity(
    customerId: string,
    since: number,
    currency: string,
    excludeId: string,
  ): Promise<CustomerActivity>;
}
