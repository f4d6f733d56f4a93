/**
 * The HTTP shape of the gateway, shared by the client (HttpGateway) and the gateway-sim server so
 * the two cannot drift: routes, the status code of each outcome, and the problem+json body of an
 * error. Request and result bodies are the port's types as JSON; the idempotency key travels in
 * the `Idempotency-Key` header, as with Stripe.
 *
 *   POST /v1/charges            200 succeeded charge, 402 declined charge
 *   GET  /v1/charges/{key}      200 charge (either status), 404 no charge under that key
 *   POST /v1/refunds            200 refund
 */
import { GatewayErrorCode } from '../../payments/ports/gateway.js';

export const GatewayRoute = {
  Charges: '/v1/charges',
  Refunds: '/v1/refunds',
  Health: '/health',
} as const;

export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** The path of the charge made under an idempotency key. */
export function chargePath(idempotencyKey: string): string {
  return `${GatewayRoute.Charges}/${encodeURIComponent(idempotencyKey)}`;
}

/** HTTP status of a declined charge: Stripe's 402 "request failed" for card errors. */
export const DECLINED_STATUS = 402;

/** The status the server answers each error with. `statusToErrorCode` maps each back. */
export const ERROR_STATUS: Readonly<Record<GatewayErrorCode, number>> = {
  [GatewayErrorCode.InvalidRequest]: 422,
  [GatewayErrorCode.Unauthorized]: 401,
  [GatewayErrorCode.IdempotencyConflict]: 409,
  [GatewayErrorCode.Transient]: 500,
  [GatewayErrorCode.Unavailable]: 503,
  [GatewayErrorCode.Timeout]: 504,
};

/**
 * The error a non-success status stands for. The status decides, not the body, so the client
 * reads any gateway (or proxy in front of one) that speaks HTTP sensibly: a 504 from a proxy means
 * the request may have reached the gateway, so it is a timeout (unknown outcome), and a 503 is an
 * outage.
 */
export function statusToErrorCode(status: number): GatewayErrorCode {
  if (status === 401 || status === 403) return GatewayErrorCode.Unauthorized;
  if (status === 409) return GatewayErrorCode.IdempotencyConflict;
  if (status === 429) return GatewayErrorCode.Transient;
  if (status === 503) return GatewayErrorCode.Unavailable;
  if (status === 504) return GatewayErrorCode.Timeout;
  if (status >= 400 && status < 500) return GatewayErrorCode.InvalidRequest;
  return GatewayErrorCode.Transient;
}

/** An RFC 9457 problem document, with the gateway error code as an extension member. */
export interface GatewayProblem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly code: string;
  readonly retryable: boolean;
}
