/**
 * The payment gateway port: what paystep asks of whoever moves the money (charge a tokenised
 * payment method, look a charge up by its idempotency key, refund it), and the errors that can
 * come back. A decline is an answer, not an error; an operational error carries its ASL error name
 * so the workflow's Retry and Catch match it by string.
 */
import type { Money } from '../money.js';

/** Why an issuer or the gateway refused a charge (Stripe's decline codes, the common ones). */
export const DeclineCode = {
  InsufficientFunds: 'insufficient_funds',
  CardDeclined: 'card_declined',
  ExpiredCard: 'expired_card',
  DoNotHonor: 'do_not_honor',
  IncorrectCvc: 'incorrect_cvc',
  LostCard: 'lost_card',
  StolenCard: 'stolen_card',
  Fraudulent: 'fraudulent',
  ProcessingError: 'processing_error',
} as const;
export type DeclineCode = (typeof DeclineCode)[keyof typeof DeclineCode];

/** True if `value` is one of the decline codes this port knows. */
export function isDeclineCode(value: unknown): value is DeclineCode {
  return typeof value === 'string' && Object.values<string>(DeclineCode).includes(value);
}

/** A request to take money from a customer's payment method for a merchant. */
export interface ChargeRequest {
  /**
   * The transaction id. The gateway applies at most one charge per key, so a task re-run after a
   * crash or a retry after a timeout can never charge twice.
   */
  readonly idempotencyKey: string;
  readonly amount: Money;
  /** An opaque token for the payment method (`tok_...`), never a card number. */
  readonly paymentMethodToken: string;
  readonly customerId: string;
  readonly merchantId: string;
  /** Free text shown on the gateway's dashboard; never card data. */
  readonly description?: string;
}

interface ChargeFields {
  /** The gateway's id of the charge (`ch_...`); a refund names it. */
  readonly chargeId: string;
  readonly idempotencyKey: string;
  readonly amount: Money;
  /** When the gateway decided, as an ISO 8601 UTC timestamp from the gateway's clock. */
  readonly createdAt: string;
}

/** The money moved. */
export interface SucceededCharge extends ChargeFields {
  readonly status: 'succeeded';
}

/** The issuer or gateway refused; nothing moved, and retrying the same request will not help. */
export interface DeclinedCharge extends ChargeFields {
  readonly status: 'declined';
  readonly declineCode: DeclineCode;
  readonly declineMessage: string;
}

/** What the gateway decided for a charge. Both outcomes are final for their idempotency key. */
export type ChargeResult = SucceededCharge | DeclinedCharge;

export const ChargeStatus = { Succeeded: 'succeeded', Declined: 'declined' } as const;
export type ChargeStatus = (typeof ChargeStatus)[keyof typeof ChargeStatus];

/** A request to give back all or part of a succeeded charge. */
export interface RefundRequest {
  /** Names this refund; the same key never refunds twice. */
  readonly idempotencyKey: string;
  /** The `chargeId` of the succeeded charge to refund. */
  readonly chargeId: string;
  /** How much to give back; the whole amount not yet refunded when absent. */
  readonly amount?: Money;
  readonly reason?: string;
}

export interface RefundResult {
  readonly refundId: string;
  readonly chargeId: string;
  readonly idempotencyKey: string;
  readonly status: 'succeeded';
  readonly amount: Money;
  /** ISO 8601 UTC timestamp from the gateway's clock. */
  readonly createdAt: string;
}

/** Moves money. Adapters: a deterministic simulator, and an HTTP client of a gateway server. */
export interface PaymentGateway {
  /**
   * Charges the payment method, at most once per idempotency key: a repeat with the same key and
   * the same parameters returns the first result. Resolves with a decline rather than throwing one.
   * @throws GatewayError — `Gateway.Timeout` means the outcome is unknown: ask `getCharge`.
   */
  charge(request: ChargeRequest): Promise<ChargeResult>;
  /**
   * What the gateway decided under an idempotency key, or `undefined` if it never applied a charge
   * with it: the truth after a `Gateway.Timeout`.
   */
  getCharge(idempotencyKey: string): Promise<ChargeResult | undefined>;
  /** Refunds a succeeded charge, at most once per refund idempotency key. */
  refund(request: RefundRequest): Promise<RefundResult>;
}

/** The ASL error names of gateway failures, as the workflow's Retry and Catch see them. */
export const GatewayErrorCode = {
  /** Throttling, a 5xx or a reset connection: nothing was decided; retry with the same key. */
  Transient: 'Gateway.Transient',
  /** No answer in time: the charge may or may not have been applied. Ask before deciding. */
  Timeout: 'Gateway.Timeout',
  /** The gateway is down or unreachable (an outage, a refused connection). */
  Unavailable: 'Gateway.Unavailable',
  /** The idempotency key was used before with different parameters. A bug: do not retry. */
  IdempotencyConflict: 'Gateway.IdempotencyConflict',
  /** The gateway rejected the request's content (unknown charge, refund too large...). */
  InvalidRequest: 'Gateway.InvalidRequest',
  /** The gateway rejected our credentials. */
  Unauthorized: 'Gateway.Unauthorized',
} as const;
export type GatewayErrorCode = (typeof GatewayErrorCode)[keyof typeof GatewayErrorCode];

const RETRYABLE: Readonly<Record<GatewayErrorCode, boolean>> = {
  [GatewayErrorCode.Transient]: true,
  // Retrying is safe because the idempotency key makes a repeat return the first outcome.
  [GatewayErrorCode.Timeout]: true,
  [GatewayErrorCode.Unavailable]: true,
  [GatewayErrorCode.IdempotencyConflict]: false,
  [GatewayErrorCode.InvalidRequest]: false,
  [GatewayErrorCode.Unauthorized]: false,
};

/** True if `value` is one of the gateway error codes. */
export function isGatewayErrorCode(value: unknown): value is GatewayErrorCode {
  return typeof value === 'string' && Object.hasOwn(RETRYABLE, value);
}

/** A gateway error as data, for crossing a process or storage boundary (matched by `code`). */
export interface GatewayErrorData {
  readonly code: GatewayErrorCode;
  readonly message: string;
  readonly retryable: boolean;
}

/**
 * A gateway operation failed. `name` and `code` are both the ASL error name.
 *
 * AWS: a Lambda function's error reaches Step Functions as `errorType`, which the Node.js runtime
 * takes from `error.name`; so `name` must be the string a Retry's `ErrorEquals` lists.
 */
export class GatewayError extends Error {
  override readonly name: GatewayErrorCode;
  readonly code: GatewayErrorCode;
  readonly retryable: boolean;

  constructor(code: GatewayErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = code;
    this.code = code;
    this.retryable = RETRYABLE[code];
  }

  toData(): GatewayErrorData {
    return { code: this.code, message: this.message, retryable: this.retryable };
  }
}

/** Throttling (429), a server error (5xx) or a reset connection. Nothing was decided. */
export class GatewayTransientError extends GatewayError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(GatewayErrorCode.Transient, message, options);
  }
}

/** No answer in time. The charge may have been applied: the outcome is unknown until asked. */
export class GatewayTimeoutError extends GatewayError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(GatewayErrorCode.Timeout, message, options);
  }
}

/** The gateway is down (an outage window, a 503) or refuses connections. */
export class GatewayUnavailableError extends GatewayError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(GatewayErrorCode.Unavailable, message, options);
  }
}

/** The idempotency key was first used with other parameters; the request was not applied. */
export class GatewayIdempotencyConflictError extends GatewayError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(GatewayErrorCode.IdempotencyConflict, message, options);
  }
}

/** The gateway refused the request's content; repeating it will not help. */
export class GatewayInvalidRequestError extends GatewayError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(GatewayErrorCode.InvalidRequest, message, options);
  }
}

/** The gateway refused our credentials. */
export class GatewayUnauthorizedError extends GatewayError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(GatewayErrorCode.Unauthorized, message, options);
  }
}

const ERROR_CLASSES: Readonly<
  Record<GatewayErrorCode, new (message: string, options?: { cause?: unknown }) => GatewayError>
> = {
  [GatewayErrorCode.Transient]: GatewayTransientError,
  [GatewayErrorCode.Timeout]: GatewayTimeoutError,
  [GatewayErrorCode.Unavailable]: GatewayUnavailableError,
  [GatewayErrorCode.IdempotencyConflict]: GatewayIdempotencyConflictError,
  [GatewayErrorCode.InvalidRequest]: GatewayInvalidRequestError,
  [GatewayErrorCode.Unauthorized]: GatewayUnauthorizedError,
};

/** Rebuilds the error of a code, e.g. from a problem+json body or a stored failure. */
export function gatewayErrorFromCode(
  code: GatewayErrorCode,
  message: string,
  options?: { cause?: unknown },
): GatewayError {
  return new ERROR_CLASSES[code](message, options);
}

/** True if `error` is a gateway error, by its code (works across realms and after a round trip). */
export function isGatewayError(error: unknown): error is GatewayError {
  return (
    error instanceof Error &&
    isGatewayErrorCode((error as Partial<GatewayError>).code) &&
    typeof (error as Partial<GatewayError>).retryable === 'boolean'
  );
}
