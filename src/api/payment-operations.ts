/**
 * What the API and the webhook consumer do to payments, in one place: submit one (validate, then
 * start its workflow named by the transaction id), apply a manual-review decision (complete the
 * workflow's waiting task), and notify the customer again. Routes and the queue consumer are thin
 * callers of this class; it knows the engine only through StepFunctionsControl.
 */
import { createHash } from 'node:crypto';
import type { Json, JsonObject } from '../asl/json.js';
import { EngineErrorCode } from '../engine/errors.js';
import { notifyCustomer } from '../payments/handlers/notify-customer.js';
import { TransactionStatus } from '../payments/lifecycle.js';
import { paymentToJson } from '../payments/payment.js';
import type { AuditLog } from '../payments/ports/audit-log.js';
import type { Clock } from '../payments/ports/clock.js';
import type { CustomerNotifier } from '../payments/ports/customer-notifier.js';
import type { TransactionStore } from '../payments/ports/transaction-store.js';
import type { ValidationConfig } from '../payments/validation.js';
import { DEFAULT_VALIDATION_CONFIG, validatePaymentRequest } from '../payments/validation.js';
import { ApiError } from './problem.js';

/**
 * What the operations need of a Step Functions control plane: the local engine's
 * StepFunctionsControl has this shape, and so does the AWS adapter over Step Functions
 * (src/adapters/aws/sfn-workflow-control.ts). Errors carry Step Functions' error names as `code`.
 */
export interface WorkflowControl {
  readonly engine: {
    startExecution(request: {
      stateMachineArn: string;
      name: string;
      input: string;
    }): Promise<{ executionArn: string; created: boolean }>;
    sendTaskSuccess(taskToken: string, output: string): Promise<void>;
    readonly arn: { execution(stateMachineName: string, executionName: string): string };
  };
  describeExecution(executionArn: string): { input: string } | Promise<{ input: string }>;
}

export interface PaymentOperationsDeps {
  control: WorkflowControl;
  /** The payment workflow's state machine. */
  stateMachineArn: string;
  store: TransactionStore;
  audit: AuditLog;
  notifier: CustomerNotifier;
  clock: Clock;
  /** @default DEFAULT_VALIDATION_CONFIG */
  validation?: ValidationConfig;
}

export interface SubmitResult {
  transaction_id: string;
  execution_arn: string;
  /** False when the payment's workflow already existed with the same input (a retry). */
  created: boolean;
}

export type ReviewDecisionValue = 'approve' | 'reject';

export class PaymentOperations {
  constructor(private readonly deps: PaymentOperationsDeps) {}

  /** The ARN the payment's execution has (or will have): executions are named by transaction id. */
  executionArnOf(transactionId: string): string {
    const machine = this.deps.stateMachineArn.split(':').pop() ?? '';
    return this.deps.control.engine.arn.execution(machine, transactionId);
  }

  /**
   * Validates a payment request and starts its workflow. An invalid request stores nothing and
   * throws `PaymentInvalid` with the reasons (codes and fields, never values). Submitting the same
   * payment again returns its execution; another payment under the same transaction id conflicts.
   * With `prevalidate: false` (events already accepted from a provider) an invalid payment is
   * left to the workflow, whose ValidatePayment rejects it and audits why.
   */
  async submit(
    request: JsonObject,
    options: { prevalidate?: boolean } = {},
  ): Promise<SubmitResult> {
    let transactionId =
      typeof request['transaction_id'] === 'string' ? request['transaction_id'] : '';
    if (options.prevalidate ?? true) {
      const validation = validatePaymentRequest(
        request,
        this.deps.validation ?? DEFAULT_VALIDATION_CONFIG,
      );
      if (!validation.ok) {
        throw new ApiError(
          'PaymentInvalid',
          validation.reasons.map((r) => `${r.field}: ${r.message}`).join('; '),
          { reasons: validation.reasons },
        );
      }
      transactionId = validation.payment.transaction_id;
    }
    const input = JSON.stringify(request);
    try {
      const started = await this.deps.control.engine.startExecution({
        stateMachineArn: this.deps.stateMachineArn,
        name: transactionId,
        input,
      });
      return {
        transaction_id: transactionId,
        execution_arn: started.executionArn,
        created: started.created,
      };
    } catch (error) {
      if ((error as { code?: unknown }).code !== EngineErrorCode.ExecutionAlreadyExists)
        throw error;
      const arn = this.executionArnOf(transactionId);
      const existing = await this.deps.control.describeExecution(arn);
      if (sameJson(existing.input, input)) {
        return { transaction_id: transactionId, execution_arn: arn, created: false };
      }
      throw new ApiError(
        'Conflict',
        `Transaction ${transactionId} already exists with a different payment.`,
      );
    }
  }

  /**
   * Applies a manual-review decision to a payment waiting in review: the workflow's
   * RequestManualReview task completes with `{decision, reviewer, note}`. Throws `Conflict` when
   * the payment is not in review (never moving it backwards), `NotFound` when there is no such
   * transaction.
   */
  async decideReview(
    transactionId: string,
    decision: ReviewDecisionValue,
    reviewer: string,
    note?: string,
  ): Promise<{ transaction_id: string; decision: ReviewDecisionValue }> {
    const transaction = await this.deps.store.get(transactionId);
    if (!transaction) throw new ApiError('NotFound', `No transaction ${transactionId}.`);
    const token = transaction.review_task_token;
    if (transaction.status !== TransactionStatus.InReview || token === undefined) {
      throw new ApiError(
        'Conflict',
        `Transaction ${transactionId} is ${transaction.status}, not waiting for a review decision.`,
        { status: transaction.status },
      );
    }
    const output = JSON.stringify({ decision, reviewer, ...(note === undefined ? {} : { note }) });
    try {
      await this.deps.control.engine.sendTaskSuccess(token, output);
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (code === EngineErrorCode.TaskDoesNotExist || code === EngineErrorCode.InvalidToken) {
        throw new ApiError(
          'Conflict',
          `The review of transaction ${transactionId} is no longer waiting (it was decided or timed out).`,
        );
      }
      throw error;
    }
    return { transaction_id: transactionId, decision };
  }

  /**
   * Sends the customer the notification of how their payment ended, again. Idempotent per
   * `requestKey` (the Idempotency-Key of the request): the notification's id is derived from it,
   * so a retried request queues nothing new; without a key the original notification's id is
   * used, which sends it only if it was never queued. Only for COMPLETED or DECLINED payments.
   */
  async notifyAgain(
    transactionId: string,
    actor: string,
    requestKey?: string,
  ): Promise<{ transaction_id: string; notification_id: string; notified: boolean }> {
    const transaction = await this.deps.store.get(transactionId);
    if (!transaction) throw new ApiError('NotFound', `No transaction ${transactionId}.`);
    const completed = transaction.status === TransactionStatus.Completed;
    if (!completed && transaction.status !== TransactionStatus.Declined) {
      throw new ApiError(
        'Conflict',
        `Transaction ${transactionId} is ${transaction.status}; customers are notified of completed or declined payments.`,
        { status: transaction.status },
      );
    }
    const suffix =
      requestKey === undefined
        ? ''
        : `:resend:${createHash('sha256').update(requestKey).digest('hex').slice(0, 16)}`;
    let notificationId = '';
    const notifier: CustomerNotifier = {
      notify: (notification) => {
        notificationId = `${notification.id}${suffix}`;
        return this.deps.notifier.notify({ ...notification, id: notificationId });
      },
    };
    // The workflow's own NotifyCustomer step composes the message: reuse it, so a resend says
    // exactly what the first notification said.
    const handler = notifyCustomer({ ...this.deps, notifier });
    const input: Json = {
      payment: paymentToJson(transaction),
      ...(completed ? { charge: { outcome: 'charged' } } : {}),
    };
    const result = (await handler(input)) as JsonObject;
    await this.deps.audit.append({
      id: `${transactionId}:notify-again:${notificationId}`,
      transaction_id: transactionId,
      at: this.deps.clock.now(),
      actor,
      action: 'customer_notified_again',
      details: { notification_id: notificationId, notified: result['notified'] === true },
    });
    return {
      transaction_id: transactionId,
      notification_id: notificationId,
      notified: result['notified'] === true,
    };
  }
}

function sameJson(a: string, b: string): boolean {
  if (a === b) return true;
  try {
    return canonical(JSON.parse(a)) === canonical(JSON.parse(b));
  } catch {
    return false;
  }
}

/** JSON text with object keys sorted, so two orderings of one payment compare equal. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
