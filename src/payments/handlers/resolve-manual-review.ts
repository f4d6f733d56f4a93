/**
 * ResolveManualReview: applies an operator's decision on a payment in review. Approval leaves the
 * transaction IN_REVIEW for ChargePayment to move on (IN_REVIEW -> CHARGING); rejection, or a
 * review nobody answered in time (`expired`), declines it (IN_REVIEW -> DECLINED): a business
 * outcome the customer is told about, not an error.
 */
import type { Json } from '../../asl/json.js';
import { isJsonObject } from '../../asl/json.js';
import { InvalidInputError } from '../errors.js';
import { TransactionStatus } from '../lifecycle.js';
import { paymentFromJson } from '../payment.js';
import type { ReviewDecision } from '../transaction.js';
import { moveStatus, unexpectedStatus } from './status-step.js';
import type { PaymentPorts, PaymentTaskHandler } from './task-handler.js';

/**
 * Builds the handler. Input: `{ payment, review: { decision, reviewer?, note? } }`.
 * Result: `{ approved, status }`.
 */
export function resolveManualReview(
  ports: Pick<PaymentPorts, 'store' | 'audit' | 'clock'>,
): PaymentTaskHandler {
  return async (input: Json): Promise<Json> => {
    if (!isJsonObject(input)) throw new InvalidInputError('Input must be an object');
    const payment = paymentFromJson(input['payment']);
    const review = reviewDecision(input['review']);
    const id = payment.transaction_id;
    const at = ports.clock.now();
    const actor =
      review.reviewer === undefined ? 'step:ResolveManualReview' : `operator:${review.reviewer}`;
    const details = {
      decision: review.decision,
      ...(review.reviewer === undefined ? {} : { reviewer: review.reviewer }),
      ...(review.note === undefined ? {} : { note: review.note }),
    };

    if (review.decision === 'approve') {
      const transaction = await ports.store.get(id);
      if (
        transaction?.status !== TransactionStatus.InReview &&
        transaction?.review?.decision !== 'approve'
      ) {
        throw new InvalidInputError(`Transaction ${id} is not in review`);
      }
      await ports.store.annotate(id, TransactionStatus.InReview, at, { review });
      await ports.audit.append({
        id: `${id}:review:approve`,
        transaction_id: id,
        at,
        actor,
        action: 'review_approved',
        details,
      });
      return { transaction_id: id, approved: true, status: TransactionStatus.InReview };
    }

    const moved = await moveStatus(ports, {
      transactionId: id,
      to: TransactionStatus.Declined,
      at,
      actor,
      facts: {
        review,
        decline_code: review.decision === 'expired' ? 'review_expired' : 'review_rejected',
        decline_message:
          review.decision === 'expired'
            ? 'Manual review was not completed in time'
            : 'Rejected in manual review',
      },
      details,
    });
    if (moved.outcome !== 'applied' && moved.outcome !== 'unchanged') {
      throw unexpectedStatus('ResolveManualReview', moved);
    }
    return { transaction_id: id, approved: false, status: TransactionStatus.Declined };
  };
}

function reviewDecision(value: Json | undefined): ReviewDecision {
  if (!isJsonObject(value)) throw new InvalidInputError('Input has no review object');
  const decision = value['decision'];
  if (decision !== 'approve' && decision !== 'reject' && decision !== 'expired') {
    throw new InvalidInputError('review.decision must be approve, reject or expired');
  }
  const reviewer = value['reviewer'];
  const note = value['note'];
  return {
    decision,
    ...(typeof reviewer === 'string' ? { reviewer } : {}),
    ...(typeof note === 'string' ? { note: note.slice(0, 500) } : {}),
  };
}
