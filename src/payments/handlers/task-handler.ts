/**
 * What a payment task handler is and what it is given: a function from the task's JSON input to
 * its JSON result, built by a factory from the ports it needs. On AWS only the input payload
 * reaches the Lambda function, so handlers read everything from `input`; the context is extra.
 */
import type { Json } from '../../asl/json.js';
import type { FraudConfig } from '../fraud.js';
import type { PaymentGateway } from '../ports/gateway.js';
import type { AuditLog } from '../ports/audit-log.js';
import type { Clock } from '../ports/clock.js';
import type { CustomerNotifier } from '../ports/customer-notifier.js';
import type { TransactionArchive } from '../ports/transaction-archive.js';
import type { TransactionStore } from '../ports/transaction-store.js';
import type { ValidationConfig } from '../validation.js';

/** What the engine (or the Lambda wrapper) may tell a handler beyond its input. */
export interface PaymentTaskContext {
  readonly executionArn?: string;
  readonly stateName?: string;
}

/** A task handler: fails by throwing an error whose `name` is the ASL error name. */
export type PaymentTaskHandler = (input: Json, context?: PaymentTaskContext) => Promise<Json>;

/** Every port and setting the payment handlers use; each factory takes the ones it needs. */
export interface PaymentPorts {
  readonly store: TransactionStore;
  readonly audit: AuditLog;
  readonly gateway: PaymentGateway;
  readonly notifier: CustomerNotifier;
  readonly archive: TransactionArchive;
  readonly clock: Clock;
  /** @default DEFAULT_VALIDATION_CONFIG */
  readonly validation?: ValidationConfig;
  /** @default DEFAULT_FRAUD_CONFIG */
  readonly fraud?: FraudConfig;
}
