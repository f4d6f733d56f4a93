/**
 * RequestManualReview: parks a payment that fraud screening sent to review (SCREENED ->
 * IN_REVIEW) and records the task token the workflow waits on, so an operator can approve or
 * reject it later (SendTaskSuccess with `{"decision":"approve"|"reject","reviewer":...}`).
 * It runs as a `lambda:invoke.waitForTaskToken` task: it returns at once, and the workflow waits
 * for the operator, not for this function.
 */
import type { Json } from '../../asl/json.js';
import { isJsonObject } from '../../asl/json.js';
import { InvalidInputError } from '../errors.js';
import { TransactionStatus } from '../lifecycle.js';
import { paymentFromJson } from '../payment.js';
import { moveStatus, unexpectedStatus } from './status-step.js';
import type { PaymentPorts, PaymentTaskHandler } from './task-handler.js';

/** Builds the handler. Input: `{ TaskToken, payment, fraud? }`. Result: `{ status }`. */
export function requestManualReview(
  ports: Pick<PaymentPorts, 'store' | 'audit' | 'clock'>,
): PaymentTaskHandler {
  return async (input: Json): Promise<Json> => {
    if (!isJsonObject(input)) throw new InvalidInputError('Input must be an object');
    const payment = paymentFromJson(input['payment']);
    const token = input['TaskToken'];
    if (typeof token !== 'string' || token.length === 0) {
      throw new InvalidInputError('Input has no TaskToken ("TaskToken.$": "$$.Task.Token")');
    }
    const id = payment.transaction_id;
    const at = ports.clock.now();
    const moved = await moveStatus(ports, {
      transactionId: id,
      to: TransactionStatus.InReview,
      at,
      actor: 'step:RequestManualReview',
      facts: { review_task_token: token },
      details: { reason: 'fraud_screening_review' },
    });
    if (moved.outcome === 'unchanged') {
      // A retried task waits on a new token: the operator must answer that one.
      await ports.store.annotate(id, TransactionStatus.InReview, at, { review_task_token: token });
    } else if (moved.outcome !== 'applied') {
      throw unexpectedStatus('RequestManualReview', moved);
    }
    return { transaction_id: id, status: TransactionStatus.InReview };
  };
}
