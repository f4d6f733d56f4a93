/**
 * A payment gateway that lives in this process: idempotent by key the way Stripe is, with a
 * ledger proving nothing was charged twice, and with the failures real gateways have (declines,
 * throttling, timeouts before or after the charge is applied, outages, latency), all drawn from
 * a seed so that a simulated day replays the same way. Time is injected: it reads `now()` and
 * waits with `delay(ms)`, so a virtual clock runs it at full speed.
 */
import type { Money } from '../../payments/money.js';
import {
  DeclineCode,
  GatewayIdempotencyConflictError,
  GatewayInvalidRequestError,
  GatewayTimeoutError,
  GatewayTransientError,
  GatewayUnavailableError,
  isDeclineCode,
} from '../../payments/ports/gateway.js';
import type {
  ChargeRequest,
  ChargeResult,
  PaymentGateway,
  RefundRequest,
  RefundResult,
} from '../../payments/ports/gateway.js';
import type { SqliteDatabase } from '../../sqlite/database.js';
import { checkChargeRequest, checkIdempotencyKey, checkRefundRequest } from './gateway-requests.js';
import { MemoryGatewayLedger, SqliteGatewayLedger } from './gateway-ledger.js';
import type { GatewayLedger, LedgerEntry } from './gateway-ledger.js';
import { noLatency } from './latency.js';
import type { LatencyModel } from './latency.js';
import { randomFor, stableHex } from './seeded-random.js';
import type { RandomSource } from './seeded-random.js';

/** What goes wrong with one call, decided before it runs. */
export const Fault = {
  None: 'none',
  /** Throttled or a 5xx before the gateway acted: nothing applied (`Gateway.Transient`). */
  Transient: 'transient',
  /** No answer, and nothing applied (`Gateway.Timeout`). */
  TimeoutBeforeApply: 'timeout-before-apply',
  /** No answer, but the charge or refund WAS applied: the unknown outcome (`Gateway.Timeout`). */
  TimeoutAfterApply: 'timeout-after-apply',
  /** The gateway is down (`Gateway.Unavailable`). */
  Unavailable: 'unavailable',
} as const;
export type Fault = (typeof Fault)[keyof typeof Fault];

export const GatewayOperation = {
  Charge: 'charge',
  GetCharge: 'getCharge',
  Refund: 'refund',
} as const;
export type GatewayOperation = (typeof GatewayOperation)[keyof typeof GatewayOperation];

/** One call as a fault plan sees it. */
export interface GatewayCall {
  readonly operation: GatewayOperation;
  readonly idempotencyKey: string;
  /** 1 for the first call of this operation with this key in this process, then 2, 3... */
  readonly attempt: number;
  /** The injected clock's time when the call arrived, epoch ms. */
  readonly now: number;
}

/** A window of epoch milliseconds, [startMs, endMs), during which every call fails. */
export interface OutageWindow {
  readonly startMs: number;
  readonly endMs: number;
  /** How calls fail inside the window. @default 'unavailable' */
  readonly fault?: typeof Fault.Unavailable | typeof Fault.Transient;
}

export interface SimulatedGatewayOptions {
  /** Reads the current time, epoch ms (the engine's clock, real or virtual). */
  readonly now: () => number;
  /** Waits `ms` milliseconds of the same clock's time. */
  readonly delay: (ms: number) => Promise<void>;
  /** Fixes every random decision. @default 1 */
  readonly seed?: number;
  /** Share of new charges declined, 0 to 1. @default 0 */
  readonly declineRate?: number;
  /** Codes a random decline is drawn from, evenly. @default insufficient_funds, card_declined, expired_card, do_not_honor */
  readonly declineCodes?: readonly DeclineCode[];
  /** Share of charge and refund calls failing `Gateway.Transient` before acting. @default 0 */
  readonly transientErrorRate?: number;
  /** Share of charge and refund calls timing out. @default 0 */
  readonly timeoutRate?: number;
  /** Share of those timeouts that happen after the operation was applied. @default 0.5 */
  readonly timeoutAfterApplyRate?: number;
  /** Share of `getCharge` calls failing `Gateway.Transient`. @default 0 */
  readonly lookupErrorRate?: number;
  /** How long each call takes. @default noLatency */
  readonly latency?: LatencyModel;
  /** How long a timed-out call hangs before it fails, ms. @default 30000 */
  readonly timeoutMs?: number;
  /** Windows in which everything fails. @default none */
  readonly outages?: readonly OutageWindow[];
  /**
   * Decides a call's fault ahead of the rates (outage windows still win); `undefined` leaves the
   * decision to the rates. For tests: "the first charge times out after applying".
   */
  readonly plan?: (call: GatewayCall) => Fault | undefined;
  /** Keeps the ledger in this SQLite file (table `gateway_sim_ledger`). @default in memory */
  readonly db?: SqliteDatabase;
}

/**
 * Payment method tokens that force a decline, like Stripe's test cards: `tok_decline_<code>`
 * (`tok_decline_insufficient_funds`, `tok_decline_expired_card`...) is always declined with that
 * code. Any other token follows `declineRate`.
 */
export const FORCED_DECLINE_TOKEN_PREFIX = 'tok_decline_';

const DEFAULT_DECLINE_CODES: readonly DeclineCode[] = [
  DeclineCode.InsufficientFunds,
  DeclineCode.CardDeclined,
  DeclineCode.ExpiredCard,
  DeclineCode.DoNotHonor,
];

const DECLINE_MESSAGES: Readonly<Record<DeclineCode, string>> = {
  insufficient_funds: 'The card has insufficient funds to complete the purchase.',
  card_declined: 'The card was declined.',
  expired_card: 'The card has expired.',
  do_not_honor: 'The card was declined for an unknown reason (do not honor).',
  incorrect_cvc: "The card's security code is incorrect.",
  lost_card: 'The card was declined because it is reported lost.',
  stolen_card: 'The card was declined because it is reported stolen.',
  fraudulent: 'The charge was declined as suspected fraud.',
  processing_error: 'An error occurred while processing the card.',
};

/**
 * A deterministic, in-process payment gateway with a ledger.
 *
 * Idempotency follows Stripe: the first request with a key that the gateway acts on fixes the
 * result; repeats with the same parameters get that result back, and repeats with other
 * parameters fail `Gateway.IdempotencyConflict`. Stripe saves a result only once the endpoint
 * began executing, so throttling and validation failures are not saved and a retry can succeed;
 * here every `Transient`, `Unavailable` and `TimeoutBeforeApply` fault is of that kind.
 *
 * @example
 * const gateway = new SimulatedGateway({ now: clock.now, delay: clock.delay, seed: 7, declineRate: 0.05 });
 */
export class SimulatedGateway implements PaymentGateway {
  readonly #options: SimulatedGatewayOptions;
  readonly #seed: number;
  readonly #ledger: GatewayLedger;
  readonly #attempts = new Map<string, number>();

  constructor(options: SimulatedGatewayOptions) {
    for (const name of [
      'declineRate',
      'transientErrorRate',
      'timeoutRate',
      'timeoutAfterApplyRate',
      'lookupErrorRate',
    ] as const) {
      const rate = options[name];
      if (rate !== undefined && !(rate >= 0 && rate <= 1)) {
        throw new RangeError(`${name} must be between 0 and 1`);
      }
    }
    if ((options.transientErrorRate ?? 0) + (options.timeoutRate ?? 0) > 1) {
      throw new RangeError('transientErrorRate + timeoutRate must not exceed 1');
    }
    if (options.declineCodes?.length === 0) throw new RangeError('declineCodes must not be empty');
    this.#options = options;
    this.#seed = options.seed ?? 1;
    this.#ledger =
      options.db === undefined ? new MemoryGatewayLedger() : new SqliteGatewayLedger(options.db);
  }

  async charge(request: ChargeRequest): Promise<ChargeResult> {
    const key = checkIdempotencyKey(request.idempotencyKey);
    const { fault } = await this.#arrive(GatewayOperation.Charge, key);
    const checked = checkChargeRequest(key, request);
    if (fault === Fault.TimeoutBeforeApply) await this.#timeOut();
    const result = this.#applyCharge(checked);
    if (fault === Fault.TimeoutAfterApply) await this.#timeOut();
    return result;
  }

  async getCharge(idempotencyKey: string): Promise<ChargeResult | undefined> {
    const key = checkIdempotencyKey(idempotencyKey);
    const { fault } = await this.#arrive(GatewayOperation.GetCharge, key);
    if (fault === Fault.TimeoutBeforeApply || fault === Fault.TimeoutAfterApply) {
      await this.#timeOut();
    }
    return this.#ledger.findCharge(key)?.result;
  }

  async refund(request: RefundRequest): Promise<RefundResult> {
    const key = checkIdempotencyKey(request.idempotencyKey);
    const { fault } = await this.#arrive(GatewayOperation.Refund, key);
    const checked = checkRefundRequest(key, request);
    if (fault === Fault.TimeoutBeforeApply) await this.#timeOut();
    const result = this.#applyRefund(checked);
    if (fault === Fault.TimeoutAfterApply) await this.#timeOut();
    return result;
  }

  /** Every charge and refund applied, in order. A key appears at most once per kind. */
  ledger(): readonly LedgerEntry[] {
    return this.#ledger.entries();
  }

  /** How many charges (succeeded or declined) the ledger holds for a key: never more than 1. */
  chargeCount(idempotencyKey: string): number {
    return this.#ledger
      .entries()
      .filter((entry) => entry.kind === 'charge' && entry.idempotencyKey === idempotencyKey).length;
  }

  /** How many times `operation` was called with a key in this process, failed calls included. */
  attempts(operation: GatewayOperation, idempotencyKey: string): number {
    return this.#attempts.get(`${operation}\u0000${idempotencyKey}`) ?? 0;
  }

  /**
   * Counts the call, decides its fault and waits out its latency; throws at once for the faults
   * that stop a call before it reaches the books.
   */
  async #arrive(operation: GatewayOperation, key: string): Promise<{ fault: Fault }> {
    const counter = `${operation}\u0000${key}`;
    const attempt = (this.#attempts.get(counter) ?? 0) + 1;
    this.#attempts.set(counter, attempt);
    const call: GatewayCall = { operation, idempotencyKey: key, attempt, now: this.#options.now() };
    const fault = this.#decideFault(call, randomFor(this.#seed, 'fault', operation, key, attempt));
    const latency = this.#options.latency ?? noLatency;
    await this.#options.delay(latency(randomFor(this.#seed, 'latency', operation, key, attempt)));
    if (fault === Fault.Unavailable) {
      throw new GatewayUnavailableError('The payment gateway is unavailable');
    }
    if (fault === Fault.Transient) {
      throw new GatewayTransientError(
        'The payment gateway could not take the request now; retry with the same idempotency key',
      );
    }
    return { fault };
  }

  #decideFault(call: GatewayCall, random: RandomSource): Fault {
    const outage = this.#options.outages?.find(
      (window) => call.now >= window.startMs && call.now < window.endMs,
    );
    if (outage !== undefined) return outage.fault ?? Fault.Unavailable;
    const planned = this.#options.plan?.(call);
    if (planned !== undefined) return planned;
    // Always draw the same number of values, so a rate change moves no other decision.
    const draw = random();
    const side = random();
    if (call.operation === GatewayOperation.GetCharge) {
      return draw < (this.#options.lookupErrorRate ?? 0) ? Fault.Transient : Fault.None;
    }
    const transientRate = this.#options.transientErrorRate ?? 0;
    if (draw < transientRate) return Fault.Transient;
    if (draw < transientRate + (this.#options.timeoutRate ?? 0)) {
      return side < (this.#options.timeoutAfterApplyRate ?? 0.5)
        ? Fault.TimeoutAfterApply
        : Fault.TimeoutBeforeApply;
    }
    return Fault.None;
  }

  async #timeOut(): Promise<never> {
    await this.#options.delay(this.#options.timeoutMs ?? 30_000);
    throw new GatewayTimeoutError(
      'The payment gateway did not answer in time; the outcome is unknown until looked up',
    );
  }

  #applyCharge(request: ChargeRequest): ChargeResult {
    const fingerprint = canonical([
      request.amount.amount_minor,
      request.amount.currency,
      request.paymentMethodToken,
      request.customerId,
      request.merchantId,
      request.description ?? null,
    ]);
    return this.#ledger.atomically(() => {
      const existing = this.#ledger.findCharge(request.idempotencyKey);
      if (existing !== undefined) {
        assertSameRequest(existing.fingerprint, fingerprint);
        return existing.result;
      }
      const result = this.#decideCharge(request);
      this.#ledger.append({
        kind: 'charge',
        idempotencyKey: request.idempotencyKey,
        fingerprint,
        result,
      });
      return result;
    });
  }

  #decideCharge(request: ChargeRequest): ChargeResult {
    const base = {
      chargeId: `ch_${stableHex(this.#seed, 24, 'charge', request.idempotencyKey)}`,
      idempotencyKey: request.idempotencyKey,
      amount: request.amount,
      createdAt: new Date(this.#options.now()).toISOString(),
    };
    const declineCode = this.#declineCode(request);
    if (declineCode === undefined) return { ...base, status: 'succeeded' };
    return {
      ...base,
      status: 'declined',
      declineCode,
      declineMessage: DECLINE_MESSAGES[declineCode],
    };
  }

  #declineCode(request: ChargeRequest): DeclineCode | undefined {
    const token = request.paymentMethodToken;
    if (token.startsWith(FORCED_DECLINE_TOKEN_PREFIX)) {
      const forced = token.slice(FORCED_DECLINE_TOKEN_PREFIX.length);
      return isDeclineCode(forced) ? forced : DeclineCode.CardDeclined;
    }
    // Keyed by the idempotency key alone: whether a payment is declined is a property of it.
    const random = randomFor(this.#seed, 'decline', request.idempotencyKey);
    if (random() >= (this.#options.declineRate ?? 0)) return undefined;
    const codes = this.#options.declineCodes ?? DEFAULT_DECLINE_CODES;
    return codes[Math.floor(random() * codes.length)] ?? DeclineCode.CardDeclined;
  }

  #applyRefund(request: RefundRequest): RefundResult {
    const fingerprint = canonical([
      request.chargeId,
      request.amount?.amount_minor ?? null,
      request.amount?.currency ?? null,
      request.reason ?? null,
    ]);
    return this.#ledger.atomically(() => {
      const existing = this.#ledger.findRefund(request.idempotencyKey);
      if (existing !== undefined) {
        assertSameRequest(existing.fingerprint, fingerprint);
        return existing.result;
      }
      const charge = this.#ledger.findChargeById(request.chargeId)?.result;
      if (charge === undefined) {
        throw new GatewayInvalidRequestError('No charge has this chargeId');
      }
      if (charge.status !== 'succeeded') {
        throw new GatewayInvalidRequestError('Only a succeeded charge can be refunded');
      }
      const amount = this.#refundAmount(charge.amount, request);
      const result: RefundResult = {
        refundId: `re_${stableHex(this.#seed, 24, 'refund', request.idempotencyKey)}`,
        chargeId: charge.chargeId,
        idempotencyKey: request.idempotencyKey,
        status: 'succeeded',
        amount,
        createdAt: new Date(this.#options.now()).toISOString(),
      };
      this.#ledger.append({
        kind: 'refund',
        idempotencyKey: request.idempotencyKey,
        fingerprint,
        result,
      });
      return result;
    });
  }

  #refundAmount(charged: Money, request: RefundRequest): Money {
    const refunded = this.#ledger
      .refundsOf(request.chargeId)
      .reduce((sum, entry) => sum + entry.result.amount.amount_minor, 0);
    const remaining = charged.amount_minor - refunded;
    const wanted = request.amount ?? { amount_minor: remaining, currency: charged.currency };
    if (wanted.currency !== charged.currency) {
      throw new GatewayInvalidRequestError('A refund must be in the currency of its charge');
    }
    if (remaining <= 0)
      throw new GatewayInvalidRequestError('The charge is already fully refunded');
    if (wanted.amount_minor > remaining) {
      throw new GatewayInvalidRequestError(
        `The refund exceeds what is left to refund (${remaining} minor units)`,
      );
    }
    return wanted;
  }
}

function canonical(parts: readonly (string | number | null)[]): string {
  return JSON.stringify(parts);
}

function assertSameRequest(first: string, now: string) {
  if (first !== now) {
    throw new GatewayIdempotencyConflictError(
      'This idempotency key was first used with other parameters; use a new key for a new request',
    );
  }
}
