/**
 * ChargePayment: takes the money at the gateway, with the transaction id as idempotency key, so a
 * re-run after a crash or a retry can never charge twice. SCREENED or IN_REVIEW -> CHARGING ->
 * CHARGED, or DECLINED when the issuer refuses (a business outcome, returned as a result, never
 * retried). A gateway timeout is an unknown outcome: before failing, the handler asks the gateway
 * what it decided under the key, and acts on the answer.
 */
import type { Json } from '../../asl/json.js';
import { isJsonObject } from '../../asl/json.js';
import { errorName } from '../errors.js';
import { TransactionStatus } from '../lifecycle.js';
import type { Payment } from '../payment.js';
import { paymentFromJson } from '../payment.js';
import type { ChargeResult } from '../ports/gateway.js';
import { GatewayErrorCode, GatewayTransientError } from '../ports/gateway.js';
import type { Transaction } from '../transaction.js';
import { moveStatus, requireTransaction, unexpectedStatus } from './status-step.js';
import type { PaymentPorts, PaymentTaskHandler } from './task-handler.js';

const ACTOR = 'step:ChargePayment';

/**
 * Builds the handler. Input: `{ payment }`. Result:
 * `{ outcome: 'charged' | 'declined', status, charge_id, decline_code, decline_message }`.
 */
export function chargePayment(
  ports: Pick<PaymentPorts, 'store' | 'audit' | 'clock' | 'gateway'>,
): PaymentTaskHandler {
  return async (input: Json): Promise<Json> => {
    const payment = paymentFromJson(isJsonObject(input) ? input['payment'] : undefined);
    const id = payment.transaction_id;

    // A re-run after the outcome was recorded returns it without calling the gateway again.
    const known = decidedResult(await requireTransaction(ports.store, id));
    if (known !== undefined) return known;

    const charging = await moveStatus(ports, {
      transactionId: id,
      to: TransactionStatus.Charging,
      at: ports.clock.now(),
      actor: ACTOR,
      details: { idempotency_key: id },
    });
    // `unchanged` is a retry after a failed or unknown attempt: charging again is safe.
    if (charging.outcome !== 'applied' && charging.outcome !== 'unchanged') {
      throw unexpectedStatus('ChargePayment', charging);
    }

    const result = await chargeOnce(ports, payment);
    const at = ports.clock.now();
    if (result.status === 'succeeded') {
      const moved = await moveStatus(ports, {
        transactionId: id,
        to: TransactionStatus.Charged,
        at,
        actor: ACTOR,
        facts: { charge_id: result.chargeId },
        details: { charge_id: result.chargeId },
      });
      if (moved.outcome !== 'applied' && moved.outcome !== 'unchanged') {
        throw unexpectedStatus('ChargePayment', moved);
      }
      return chargedJson(result.chargeId, TransactionStatus.Charged);
    }
    const moved = await moveStatus(ports, {
      transactionId: id,
      to: TransactionStatus.Declined,
      at,
      actor: ACTOR,
      facts: { decline_code: result.declineCode, decline_message: result.declineMessage },
      details: { decline_code: result.declineCode },
    });
    if (moved.outcome !== 'applied' && moved.outcome !== 'unchanged') {
      throw unexpectedStatus('ChargePayment', moved);
    }
    return declinedJson(result.declineCode, result.declineMessage);
  };
}

/**
 * One charge attempt. On `Gateway.Timeout` the gateway is asked what it decided under the key:
 * a decision is used as if the charge had answered; "never applied" means nothing moved, which
 * is `Gateway.Transient` (retry safely); a failed look-up leaves the outcome unknown, so the
 * timeout is rethrown and the workflow retries with the same key, which cannot charge twice.
 */
async function chargeOnce(
  ports: Pick<PaymentPorts, 'gateway'>,
  payment: Payment,
): Promise<ChargeResult> {
  try {
    return await ports.gateway.charge({
      idempotencyKey: payment.transaction_id,
      amount: payment.amount,
      // Without a token the gateway charges the customer's default saved method.
      paymentMethodToken: payment.payment_token ?? `customer_default:${payment.customer_id}`,
      customerId: payment.customer_id,
      merchantId: payment.merchant_id,
      description: `paystep ${payment.transaction_id}`,
    });
  } catch (error) {
    if (errorName(error) !== GatewayErrorCode.Timeout) throw error;
    let decided: ChargeResult | undefined;
    try {
      decided = await ports.gateway.getCharge(payment.transaction_id);
    } catch {
      throw error;
    }
    if (decided !== undefined) return decided;
    throw new GatewayTransientError(
      `Charge ${payment.transaction_id} timed out and the gateway applied nothing under its key; safe to retry`,
      { cause: error },
    );
  }
}

/** The result a step already recorded, if the charge was decided before this run. */
function decidedResult(transaction: Transaction): Json | undefined {
  const charged: readonly string[] = [
    TransactionStatus.Charged,
    TransactionStatus.Recorded,
    TransactionStatus.Completed,
  ];
  if (charged.includes(transaction.status) && transaction.charge_id !== undefined) {
    return chargedJson(transaction.charge_id, transaction.status);
  }
  if (transaction.status === TransactionStatus.Declined) {
    return declinedJson(
      transaction.decline_code ?? 'declined',
      transaction.decline_message ?? 'Declined',
    );
  }
  return undefined;
}

// Both results carry every field (null where it does not apply), so the workflow's
// ResultSelector can name each one: a missing path there would fail the state.
function chargedJson(chargeId: string, status: TransactionStatus): Json {
  return {
    outcome: 'charged',
    status,
    charge_id: chargeId,
    decline_code: null,
    decline_message: null,
  };
}

function declinedJson(code: string, message: string): Json {
  return {
    outcome: 'declined',
    status: TransactionStatus.Declined,
    charge_id: null,
    decline_code: code,
    decline_message: message,
  };
}
