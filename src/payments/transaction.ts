/**
 * A payment transaction as the transaction store keeps it: the validated payment, its lifecycle
 * status, and what each step learned (fraud assessment, charge, failure, pending review). It
 * never holds card numbers or CVVs: only the payment token and last four digits.
 */
import type { JsonObject } from '../asl/json.js';
import type { FraudAssessment } from './fraud.js';
import type { TransactionStatus } from './lifecycle.js';
import type { Payment } from './payment.js';

/** Why a transaction failed or needs attention, as data (an ASL error name and cause). */
export interface TransactionFailure {
  readonly error: string;
  readonly cause: string;
}

/** What an operator decided about a payment sent to manual review. */
export interface ReviewDecision {
  readonly decision: 'approve' | 'reject' | 'expired';
  readonly reviewer?: string;
  readonly note?: string;
}

/** The facts steps add to a transaction as it moves through its lifecycle. */
export interface TransactionFacts {
  readonly fraud?: FraudAssessment;
  /** The gateway's charge id, once charged. */
  readonly charge_id?: string;
  readonly decline_code?: string;
  readonly decline_message?: string;
  readonly failure?: TransactionFailure;
  /** The task token a manual review waits on, while IN_REVIEW. */
  readonly review_task_token?: string;
  readonly review?: ReviewDecision;
  /** The workflow execution processing this payment, for operators to find its history. */
  readonly execution_arn?: string;
}

export interface Transaction extends Payment, TransactionFacts {
  readonly status: TransactionStatus;
  /** The status before the last move; absent for a transaction still in its first status. */
  readonly previous_status?: TransactionStatus;
  /** Epoch milliseconds. */
  readonly created_at: number;
  readonly updated_at: number;
}

/** The transaction as JSON, e.g. for an API response or the archive. */
export function transactionToJson(transaction: Transaction): JsonObject {
  return JSON.parse(JSON.stringify(transaction)) as JsonObject;
}
