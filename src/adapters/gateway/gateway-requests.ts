/**
 * Checking charge and refund requests the way a gateway would before acting on them: shape,
 * positive integer amounts, and no card numbers where a token belongs. Used by the simulator
 * (for direct callers) and by the gateway-sim server (for JSON bodies of unknown shape), so both
 * reject the same requests with the same `Gateway.InvalidRequest` message.
 */
import { containsCardNumber } from '../../payments/card-data.js';
import { isMoney } from '../../payments/money.js';
import type { Money } from '../../payments/money.js';
import { GatewayInvalidRequestError } from '../../payments/ports/gateway.js';
import type { ChargeRequest, RefundRequest } from '../../payments/ports/gateway.js';

/** Stripe's limit on idempotency keys. */
const MAX_KEY_LENGTH = 255;
const MAX_TEXT_LENGTH = 1000;

/** The idempotency key, or a `Gateway.InvalidRequest` error naming what is wrong with it. */
export function checkIdempotencyKey(value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_KEY_LENGTH) {
    throw new GatewayInvalidRequestError(
      `An idempotency key must be a string of 1 to ${MAX_KEY_LENGTH} characters`,
    );
  }
  return value;
}

/** A well-formed charge request built from `body`, or `Gateway.InvalidRequest`. */
export function checkChargeRequest(idempotencyKey: unknown, body: unknown): ChargeRequest {
  const key = checkIdempotencyKey(idempotencyKey);
  const fields = record(body, 'A charge request');
  const amount = positiveMoney(fields['amount'], 'amount');
  const token = text(fields['paymentMethodToken'], 'paymentMethodToken');
  if (containsCardNumber(token)) {
    // Never echo the value: it may be a real card number.
    throw new GatewayInvalidRequestError(
      'paymentMethodToken looks like a card number; send a payment method token instead',
    );
  }
  const request: ChargeRequest = {
    idempotencyKey: key,
    amount,
    paymentMethodToken: token,
    customerId: text(fields['customerId'], 'customerId'),
    merchantId: text(fields['merchantId'], 'merchantId'),
  };
  const description = fields['description'];
  if (description === undefined) return request;
  const checked = text(description, 'description');
  if (containsCardNumber(checked)) {
    throw new GatewayInvalidRequestError('description must not contain a card number');
  }
  return { ...request, description: checked };
}

/** A well-formed refund request built from `body`, or `Gateway.InvalidRequest`. */
export function checkRefundRequest(idempotencyKey: unknown, body: unknown): RefundRequest {
  const key = checkIdempotencyKey(idempotencyKey);
  const fields = record(body, 'A refund request');
  let request: RefundRequest = {
    idempotencyKey: key,
    chargeId: text(fields['chargeId'], 'chargeId'),
  };
  if (fields['amount'] !== undefined) {
    request = { ...request, amount: positiveMoney(fields['amount'], 'amount') };
  }
  if (fields['reason'] !== undefined) {
    request = { ...request, reason: text(fields['reason'], 'reason') };
  }
  return request;
}

function record(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new GatewayInvalidRequestError(`${what} must be a JSON object`);
  }
  return value as Record<string, unknown>;
}

function text(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_TEXT_LENGTH) {
    throw new GatewayInvalidRequestError(
      `${name} must be a string of 1 to ${MAX_TEXT_LENGTH} characters`,
    );
  }
  return value;
}

function positiveMoney(value: unknown, name: string): Money {
  if (!isMoney(value) || value.amount_minor <= 0) {
    throw new GatewayInvalidRequestError(
      `${name} must be money: a positive integer amount_minor and a three-letter currency`,
    );
  }
  // Copy only the two fields, so nothing else a caller attached travels on.
  return { amount_minor: value.amount_minor, currency: value.currency };
}
