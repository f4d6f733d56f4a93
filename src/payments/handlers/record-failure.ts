/**
 * RecordFailure: the workflow's catch-all after retries are exhausted. It marks the transaction
 * FAILED if no charge was attempted, or NEEDS_ATTENTION if money may have moved, and returns the
 * facts the ops alert carries.
 *
 * Why park as NEEDS_ATTENTION rather than refund automatically when a charge succeeded but
 * recording kept failing: the charge is what the customer asked for and is correct at the
 * gateway (its idempotency key holds the truth); recording failures are almost always a store
 * outage, which a refund would not survive either, being one more write that can fail half-way.
 * An automatic refund would turn a bookkeeping delay into a cancelled purchase the merchant did
 * not choose. So the payment is parked, operations are alerted, and an operator completes it
 * (NEEDS_ATTENTION -> COMPLETED) or refunds it (-> REFUNDED) once the store is back.
 */
import type { Json } from '../../asl/json.js';
import { isJsonObject } from '../../asl/json.js';
import { TransactionStatus } from '../lifecycle.js';
import { moveStatus, unexpectedStatus } from './status-step.js';
import type { PaymentPorts, PaymentTaskHandler } from './task-handler.js';

// Statuses in which a charge may have been applied at the gateway.
const MONEY_MAY_HAVE_MOVED: readonly string[] = [
  TransactionStatus.Charging,
  TransactionStatus.Charged,
  TransactionStatus.Recorded,
];
// Statuses in which no charge was attempted yet.
const NOTHING_MOVED: readonly string[] = [
  TransactionStatus.Received,
  TransactionStatus.Validated,
  TransactionStatus.Screened,
  TransactionStatus.InReview,
];

/**
 * Builds the handler. Input: `{ state, execution_arn? }`, where `state` is the workflow state
 * with the caught error at `error` (`{ Error, Cause }`); a bare state is accepted too. Result:
 * `{ transaction_id, status, needs_attention, error, cause }`.
 */
export function recordFailure(
  ports: Pick<PaymentPorts, 'store' | 'audit' | 'clock'>,
): PaymentTaskHandler {
  return async (input: Json): Promise<Json> => {
    const wrapper = isJsonObject(input) ? input : {};
    const state = isJsonObject(wrapper['state']) ? wrapper['state'] : wrapper;
    const caught = isJsonObject(state['error']) ? state['error'] : {};
    const error = typeof caught['Error'] === 'string' ? caught['Error'] : 'States.TaskFailed';
    // Causes are produced by our own handlers and the engine; cap them for storage and alerts.
    const cause = typeof caught['Cause'] === 'string' ? caught['Cause'].slice(0, 2000) : '';
    const executionArn =
      typeof wrapper['execution_arn'] === 'string' ? wrapper['execution_arn'] : undefined;
    const id = transactionIdOf(state);
    const summary = { transaction_id: id ?? null, error, cause };
    if (id === undefined) return { ...summary, status: null, needs_attention: false };

    const transaction = await ports.store.get(id);
    if (transaction === undefined) return { ...summary, status: null, needs_attention: false };

    let to: TransactionStatus | undefined;
    if (MONEY_MAY_HAVE_MOVED.includes(transaction.status)) to = TransactionStatus.NeedsAttention;
    else if (NOTHING_MOVED.includes(transaction.status)) to = TransactionStatus.Failed;
    if (to === undefined) {
      // Already terminal (e.g. declined): nothing to change; the alert still goes out.
      return {
        ...summary,
        status: transaction.status,
        needs_attention: transaction.status === TransactionStatus.NeedsAttention,
      };
    }
    const moved = await moveStatus(ports, {
      transactionId: id,
      to,
      at: ports.clock.now(),
      actor: 'step:RecordFailure',
      facts: {
        failure: { error, cause },
        ...(executionArn === undefined ? {} : { execution_arn: executionArn }),
      },
      details: { error, from_status: transaction.status },
    });
    if (moved.outcome === 'not_found') throw unexpectedStatus('RecordFailure', moved);
    const status = moved.outcome === 'applied' ? to : moved.transaction.status;
    return {
      ...summary,
      status,
      needs_attention: status === TransactionStatus.NeedsAttention,
    };
  };
}

function transactionIdOf(state: Record<string, Json>): string | undefined {
  const payment = state['payment'];
  const fromPayment = isJsonObject(payment) ? payment['transaction_id'] : undefined;
  if (typeof fromPayment === 'string') return fromPayment;
  const top = state['transaction_id'];
  return typeof top === 'string' && top.length > 0 ? top : undefined;
}
