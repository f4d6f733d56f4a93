/**
 * The errors payment task handlers throw. Each carries its ASL error name as `name` and `code`,
 * so the workflow's Retry and Catch match it by string, and a `retryable` flag that says whether
 * repeating the same step can help. Declines are not errors: handlers return them as results.
 */
import type { JsonObject } from '../asl/json.js';

/** The ASL error names payment handlers raise (gateway names live with the gateway port). */
export const PaymentErrorCode = {
  /** The payment request is invalid; `details.reasons` names each problem. Never retried. */
  ValidationFailed: 'Payment.ValidationFailed',
  /** The transaction is in a status from which this step cannot run (e.g. charging a decline). */
  InvalidState: 'Payment.InvalidState',
  /** A step's input lacks what an earlier step should have put there: a workflow wiring bug. */
  InvalidInput: 'Payment.InvalidInput',
  /** The transaction store or audit log could not be reached or written. Retried. */
  StoreUnavailable: 'Store.Unavailable',
} as const;
export type PaymentErrorCode = (typeof PaymentErrorCode)[keyof typeof PaymentErrorCode];

const RETRYABLE: Readonly<Record<PaymentErrorCode, boolean>> = {
  [PaymentErrorCode.ValidationFailed]: false,
  [PaymentErrorCode.InvalidState]: false,
  [PaymentErrorCode.InvalidInput]: false,
  [PaymentErrorCode.StoreUnavailable]: true,
};

/** A payment error as data, for crossing a process or storage boundary (matched by `code`). */
export interface PaymentErrorData {
  readonly code: string;
  readonly message: string;
  readonly retryable: boolean;
  readonly details?: JsonObject;
}

/**
 * A payment step failed. `name` is the ASL error name.
 *
 * AWS: the Node.js Lambda runtime reports `error.name` as `errorType`, which is the error name
 * Step Functions matches in Retry and Catch; so `name` must equal `code`.
 */
export class PaymentError extends Error {
  override readonly name: PaymentErrorCode;
  readonly code: PaymentErrorCode;
  readonly retryable: boolean;
  readonly details: JsonObject | undefined;

  constructor(
    code: PaymentErrorCode,
    message: string,
    options: { cause?: unknown; details?: JsonObject } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = code;
    this.code = code;
    this.retryable = RETRYABLE[code];
    this.details = options.details;
  }

  toData(): PaymentErrorData {
    return {
      code: this.code,
      message: this.message,
      retryable: this.retryable,
      ...(this.details === undefined ? {} : { details: this.details }),
    };
  }
}

/** The payment request is invalid. The message lists the reason codes, never the input values. */
export class PaymentValidationError extends PaymentError {
  constructor(reasons: readonly { code: string; field: string; message: string }[]) {
    super(
      PaymentErrorCode.ValidationFailed,
      `Payment request is invalid: ${reasons.map((r) => `${r.code} (${r.field})`).join(', ')}`,
      { details: { reasons: reasons.map((r) => ({ ...r })) } },
    );
  }
}

/** The transaction is not in a status this step can act on. */
export class InvalidStateError extends PaymentError {
  constructor(message: string, details?: JsonObject) {
    super(PaymentErrorCode.InvalidState, message, details === undefined ? {} : { details });
  }
}

/** A step's input is missing something the workflow should have given it. */
export class InvalidInputError extends PaymentError {
  constructor(message: string) {
    super(PaymentErrorCode.InvalidInput, message);
  }
}

/** Storage failed; retrying the step may succeed. Adapters wrap their driver errors in this. */
export class StoreUnavailableError extends PaymentError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(PaymentErrorCode.StoreUnavailable, message, options);
  }
}

/** The ASL error name of any thrown value: its `code`, else its `name`, else `Error`. */
export function errorName(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' && code.includes('.') ? code : error.name;
  }
  return 'Error';
}
