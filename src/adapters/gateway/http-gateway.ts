/**
 * The payment gateway port over HTTP, with the global fetch: charges and refunds carry their
 * idempotency key in the `Idempotency-Key` header, every call has a deadline, and each way a
 * call can fail (a status, a dropped connection, no answer in time) becomes one gateway error.
 * The API key travels in the Authorization header and nowhere else: no message or log holds it.
 */
import { isMoney } from '../../payments/money.js';
import {
  GatewayTimeoutError,
  GatewayTransientError,
  GatewayUnavailableError,
  gatewayErrorFromCode,
  isDeclineCode,
} from '../../payments/ports/gateway.js';
import type {
  ChargeRequest,
  ChargeResult,
  GatewayError,
  PaymentGateway,
  RefundRequest,
  RefundResult,
} from '../../payments/ports/gateway.js';
import {
  DECLINED_STATUS,
  GatewayRoute,
  IDEMPOTENCY_KEY_HEADER,
  chargePath,
  statusToErrorCode,
} from './http-wire.js';

export interface HttpGatewayOptions {
  /** The gateway's base URL, e.g. `http://127.0.0.1:4010` (a gateway-sim server). */
  readonly baseUrl: string;
  /** Sent as `Authorization: Bearer <apiKey>`. @default no Authorization header */
  readonly apiKey?: string;
  /**
   * Deadline of each call, ms, until the whole answer is read. Past it the call fails
   * `Gateway.Timeout`. @default 10000
   */
  readonly timeoutMs?: number;
  /** The fetch to use. @default globalThis.fetch */
  readonly fetch?: typeof fetch;
}

/** Connection failures before any byte of the request could have reached the gateway. */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);
/** undici's own deadlines: the request was sent, the answer did not come. */
const NO_ANSWER_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

interface Answer {
  readonly status: number;
  readonly body: unknown;
}

/**
 * A PaymentGateway client of a gateway HTTP server.
 *
 * A reset connection is `Gateway.Transient` even though the request may have been applied: a
 * retry carries the same idempotency key, so it returns the first outcome rather than charging
 * again.
 *
 * @example
 * const gateway = new HttpGateway({ baseUrl: config.gatewayUrl, apiKey: config.gatewayApiKey });
 */
export class HttpGateway implements PaymentGateway {
  readonly #baseUrl: string;
  readonly #apiKey: string | undefined;
  readonly #timeoutMs: number;
  readonly #fetch: typeof fetch;

  constructor(options: HttpGatewayOptions) {
    this.#baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.#apiKey = options.apiKey;
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    // Called through a wrapper so a fetch that needs its own `this` (as in browsers) still works.
    this.#fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  }

  async charge(request: ChargeRequest): Promise<ChargeResult> {
    const { idempotencyKey, ...body } = request;
    const answer = await this.#call('POST', GatewayRoute.Charges, idempotencyKey, body);
    if (answer.status === 200 || answer.status === DECLINED_STATUS) {
      return readChargeResult(answer.body, idempotencyKey, unreadableOutcome);
    }
    throw errorOf(answer);
  }

  async getCharge(idempotencyKey: string): Promise<ChargeResult | undefined> {
    const answer = await this.#call('GET', chargePath(idempotencyKey), undefined, undefined);
    if (answer.status === 404) return undefined;
    if (answer.status === 200) {
      return readChargeResult(answer.body, idempotencyKey, unreadableLookup);
    }
    throw errorOf(answer);
  }

  async refund(request: RefundRequest): Promise<RefundResult> {
    const { idempotencyKey, ...body } = request;
    const answer = await this.#call('POST', GatewayRoute.Refunds, idempotencyKey, body);
    if (answer.status !== 200) throw errorOf(answer);
    if (!isRefundResult(answer.body, idempotencyKey)) throw unreadableOutcome();
    return answer.body;
  }

  async #call(
    method: 'GET' | 'POST',
    path: string,
    idempotencyKey: string | undefined,
    body: object | undefined,
  ): Promise<Answer> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.#apiKey !== undefined) headers['authorization'] = `Bearer ${this.#apiKey}`;
    if (idempotencyKey !== undefined) headers[IDEMPOTENCY_KEY_HEADER] = idempotencyKey;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const init: RequestInit = {
      method,
      headers,
      // One deadline for connecting, sending and reading the whole answer.
      signal: AbortSignal.timeout(this.#timeoutMs),
    };
    if (body !== undefined) init.body = JSON.stringify(body);
    try {
      const response = await this.#fetch(`${this.#baseUrl}${path}`, init);
      const text = await response.text();
      return { status: response.status, body: parseJson(text) };
    } catch (error) {
      throw connectionError(error, `${method} ${path}`, this.#timeoutMs);
    }
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function errorOf(answer: Answer): GatewayError {
  const code = statusToErrorCode(answer.status);
  const detail =
    typeof answer.body === 'object' &&
    answer.body !== null &&
    typeof (answer.body as { detail?: unknown }).detail === 'string'
      ? (answer.body as { detail: string }).detail
      : 'no detail';
  return gatewayErrorFromCode(code, `The payment gateway answered ${answer.status}: ${detail}`);
}

/** The error for a thrown fetch: no answer in time, or a connection that failed. */
function connectionError(error: unknown, call: string, timeoutMs: number): GatewayError {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return new GatewayTimeoutError(
      `${call} got no answer within ${timeoutMs} ms; the outcome is unknown until looked up`,
      { cause: error },
    );
  }
  const codes = errorCodes(error);
  if (codes.some((code) => NO_ANSWER_CODES.has(code))) {
    return new GatewayTimeoutError(`${call} got no answer; the outcome is unknown`, {
      cause: error,
    });
  }
  const reason = codes[0] ?? (error instanceof Error ? error.message : 'unknown error');
  if (codes.length > 0 && codes.every((code) => UNREACHABLE_CODES.has(code))) {
    return new GatewayUnavailableError(`${call} could not reach the payment gateway (${reason})`, {
      cause: error,
    });
  }
  return new GatewayTransientError(`${call} failed on the connection (${reason})`, {
    cause: error,
  });
}

/** The `code`s of an error and of its causes (fetch wraps them: TypeError -> cause -> errors). */
function errorCodes(error: unknown, depth = 0): string[] {
  if (typeof error !== 'object' || error === null || depth > 5) return [];
  const { code, cause, errors } = error as { code?: unknown; cause?: unknown; errors?: unknown };
  const own = typeof code === 'string' ? [code] : [];
  const nested = Array.isArray(errors) ? errors.flatMap((e) => errorCodes(e, depth + 1)) : [];
  return [...own, ...nested, ...errorCodes(cause, depth + 1)];
}

function unreadableOutcome(): GatewayError {
  // The gateway answered, but not with anything we can read: whether it acted is unknown.
  return new GatewayTimeoutError(
    'The payment gateway answered with an unreadable body; the outcome is unknown until looked up',
  );
}

function unreadableLookup(): GatewayError {
  return new GatewayTransientError('The payment gateway answered a lookup with an unreadable body');
}

function readChargeResult(
  body: unknown,
  idempotencyKey: string,
  unreadable: () => GatewayError,
): ChargeResult {
  if (!isChargeResult(body, idempotencyKey)) throw unreadable();
  return body;
}

function isChargeResult(value: unknown, idempotencyKey: string): value is ChargeResult {
  if (typeof value !== 'object' || value === null) return false;
  const fields = value as Record<string, unknown>;
  const common =
    typeof fields['chargeId'] === 'string' &&
    fields['idempotencyKey'] === idempotencyKey &&
    isMoney(fields['amount']) &&
    typeof fields['createdAt'] === 'string';
  if (!common) return false;
  if (fields['status'] === 'succeeded') return true;
  return (
    fields['status'] === 'declined' &&
    isDeclineCode(fields['declineCode']) &&
    typeof fields['declineMessage'] === 'string'
  );
}

function isRefundResult(value: unknown, idempotencyKey: string): value is RefundResult {
  if (typeof value !== 'object' || value === null) return false;
  const fields = value as Record<string, unknown>;
  return (
    typeof fields['refundId'] === 'string' &&
    typeof fields['chargeId'] === 'string' &&
    fields['idempotencyKey'] === idempotencyKey &&
    fields['status'] === 'succeeded' &&
    isMoney(fields['amount']) &&
    typeof fields['createdAt'] === 'string'
  );
}
