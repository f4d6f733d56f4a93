/**
 * ValidatePayment: checks the workflow's input, and for a valid payment creates the transaction
 * (RECEIVED, then VALIDATED). An invalid request fails with `Payment.ValidationFailed` naming each
 * reason; nothing is stored for it but an audit entry of the reason codes (never the values,
 * which may be card data). Re-running it for the same payment changes nothing.
 */
import type { Json } from '../../asl/json.js';
import { isJsonObject } from '../../asl/json.js';
import { containsCardNumber } from '../card-data.js';
import { PaymentValidationError } from '../errors.js';
import { hasReached, TransactionStatus } from '../lifecycle.js';
import type { Payment } from '../payment.js';
import { paymentToJson } from '../payment.js';
import type { Transaction } from '../transaction.js';
import type { ValidationReason } from '../validation.js';
import { DEFAULT_VALIDATION_CONFIG, validatePaymentRequest } from '../validation.js';
import { moveStatus, unexpectedStatus } from './status-step.js';
import type { PaymentPorts, PaymentTaskHandler } from './task-handler.js';

const ACTOR = 'step:ValidatePayment';

/**
 * Builds the ValidatePayment handler. Input: the payment request. Result: the validated payment
 * (exact money; token and last four only), which the workflow keeps at `$.payment`.
 */
export function validatePayment(
  ports: Pick<PaymentPorts, 'store' | 'audit' | 'clock' | 'validation'>,
): PaymentTaskHandler {
  const config = ports.validation ?? DEFAULT_VALIDATION_CONFIG;
  return async (input: Json): Promise<Json> => {
    const at = ports.clock.now();
    const result = validatePaymentRequest(input, config);
    if (!result.ok) {
      await auditRejection(ports, input, result.reasons, at);
      throw new PaymentValidationError(result.reasons);
    }
    const { payment } = result;
    const created = await ports.store.create(payment, TransactionStatus.Received, at);
    if (!created.created && !samePayment(created.transaction, payment)) {
      const reasons: ValidationReason[] = [
        {
          code: 'DUPLICATE_TRANSACTION',
          field: '$.transaction_id',
          message: 'A different payment already uses this transaction_id',
        },
      ];
      await auditRejection(ports, input, reasons, at);
      throw new PaymentValidationError(reasons);
    }
    const moved = await moveStatus(ports, {
      transactionId: payment.transaction_id,
      to: TransactionStatus.Validated,
      at,
      actor: ACTOR,
      details: { amount_minor: payment.amount.amount_minor, currency: payment.amount.currency },
    });
    // A re-run after later steps finds the transaction further along: nothing to do.
    if (
      moved.outcome === 'not_found' ||
      (moved.outcome === 'conflict' &&
        !hasReached(moved.transaction.status, TransactionStatus.Validated))
    ) {
      throw unexpectedStatus('ValidatePayment', moved);
    }
    return paymentToJson(payment);
  };
}

/** True if a stored transaction is the same payment (a re-run), not another one reusing its id. */
function samePayment(existing: Transaction, payment: Payment): boolean {
  return (
    existing.amount.amount_minor === payment.amount.amount_minor &&
    existing.amount.currency === payment.amount.currency &&
    existing.customer_id === payment.customer_id &&
    existing.merchant_id === payment.merchant_id &&
    existing.payment_method === payment.payment_method
  );
}

/**
 * Audits a rejected request under its transaction id, if it has a usable one. Only codes and
 * field paths are kept. The entry id is per reason set, so a re-run adds nothing.
 */
async function auditRejection(
  ports: Pick<PaymentPorts, 'audit'>,
  input: Json,
  reasons: readonly ValidationReason[],
  at: number,
): Promise<void> {
  const id = isJsonObject(input) ? input['transaction_id'] : undefined;
  if (typeof id !== 'string' || id.length === 0 || id.length > 128 || containsCardNumber(id)) {
    return;
  }
  const codes = reasons.map((r) => `${r.code}@${r.field}`);
  await ports.audit.append({
    id: `${id}:rejected:${codes.join(',')}`,
    transaction_id: id,
    at,
    actor: ACTOR,
    action: 'payment_rejected',
    details: { reasons: reasons.map((r) => ({ code: r.code, field: r.field })) },
  });
}
