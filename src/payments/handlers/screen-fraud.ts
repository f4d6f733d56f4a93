/**
 * ScreenFraud: scores the payment against the fraud rules, using the customer's recent activity
 * from the transaction store, and records the assessment (VALIDATED -> SCREENED). A decline is a
 * business outcome: the transaction moves on to DECLINED here and the result says so; it is not
 * an error. A re-run returns the assessment already recorded, so the decision never changes.
 */
import type { Json } from '../../asl/json.js';
import { isJsonObject } from '../../asl/json.js';
import type { FraudAssessment } from '../fraud.js';
import { DEFAULT_FRAUD_CONFIG, screenPayment } from '../fraud.js';
import { TransactionStatus } from '../lifecycle.js';
import { paymentFromJson } from '../payment.js';
import { moveStatus, requireTransaction, unexpectedStatus } from './status-step.js';
import type { PaymentPorts, PaymentTaskHandler } from './task-handler.js';

const ACTOR = 'step:ScreenFraud';

/**
 * Builds the ScreenFraud handler. Input: `{ payment }`. Result: `{ outcome, score, rules }`.
 */
export function screenFraud(
  ports: Pick<PaymentPorts, 'store' | 'audit' | 'clock' | 'fraud'>,
): PaymentTaskHandler {
  const config = ports.fraud ?? DEFAULT_FRAUD_CONFIG;
  return async (input: Json): Promise<Json> => {
    const payment = paymentFromJson(isJsonObject(input) ? input['payment'] : undefined);
    const id = payment.transaction_id;
    const at = ports.clock.now();

    let assessment = (await requireTransaction(ports.store, id)).fraud;
    if (assessment === undefined) {
      const activity = await ports.store.customerActivity(
        payment.customer_id,
        at - config.velocityWindowMs,
        payment.amount.currency,
        id,
      );
      const fresh = screenPayment(payment, activity, config);
      const moved = await moveStatus(ports, {
        transactionId: id,
        to: TransactionStatus.Screened,
        at,
        actor: ACTOR,
        facts: { fraud: fresh },
        details: assessmentJson(fresh),
      });
      if (moved.outcome !== 'applied') throw unexpectedStatus('ScreenFraud', moved);
      assessment = fresh;
    }

    if (assessment.outcome === 'decline') {
      const moved = await moveStatus(ports, {
        transactionId: id,
        to: TransactionStatus.Declined,
        at,
        actor: ACTOR,
        facts: {
          decline_code: 'fraud_screening',
          decline_message: `Declined by fraud screening: ${assessment.rules.map((r) => r.rule).join(', ')}`,
        },
        details: { reason: 'fraud_screening', score: assessment.score },
      });
      if (moved.outcome === 'not_found') throw unexpectedStatus('ScreenFraud', moved);
    }
    return assessmentJson(assessment);
  };
}

function assessmentJson(assessment: FraudAssessment) {
  return {
    outcome: assessment.outcome,
    score: assessment.score,
    rules: assessment.rules.map((r) => ({ rule: r.rule, points: r.points, reason: r.reason })),
  };
}
