/**
 * The requests of an HTTP load test, generated from a seed: distinct payments arriving either as
 * signed `payment.created` webhooks or as `POST /payments`, a share of them meant to fail (forced
 * issuer declines, payments the domain rejects, review decisions for payments that never come),
 * and the hostile repeats a real provider and real clients produce: webhook retries under the same
 * event id, client retries under the same Idempotency-Key, another payment under a transaction id
 * already taken, and an Idempotency-Key reused for another body. Each request says what it is, so
 * the accounting (http-load-accounting.ts) knows what every answer and every stored row must be.
 */
import { mulberry32 } from '../adapters/gateway/seeded-random.js';
import type { RandomSource } from '../adapters/gateway/seeded-random.js';
import { FORCED_DECLINE_TOKEN_PREFIX } from '../adapters/gateway/simulated-gateway.js';

/** How a payment is meant to end. */
export const LoadIntent = {
  /** Valid and approved: COMPLETED, charged once. */
  Approve: 'approve',
  /** Declined by the issuer (a `tok_decline_` token): DECLINED, a declined ledger entry. */
  Decline: 'decline',
  /**
   * Well-formed but against the payment rules (above the largest amount): `POST /payments`
   * answers 422 and stores nothing; a webhook is accepted and its workflow REJECTS it.
   */
  Invalid: 'invalid',
  /**
   * Large enough for the fraud rules to hold it for review (IN_REVIEW); a `review.closed` webhook
   * sent once it waits decides it: COMPLETED if approved, DECLINED if rejected.
   */
  Review: 'review',
  /** A `review.closed` webhook for a payment that never arrives: retried, then dead-lettered. */
  OrphanReview: 'orphan-review',
} as const;
export type LoadIntent = (typeof LoadIntent)[keyof typeof LoadIntent];

/** What a request is relative to the others of its payment. */
export const LoadRole = {
  Original: 'original',
  /** The same request again: same event id and bytes, or same Idempotency-Key (or none) and body. */
  Duplicate: 'duplicate',
  /** Another payment under the same transaction id (webhook: a new event id; payment: no key). */
  Conflict: 'conflict',
  /** `POST /payments` with the original's Idempotency-Key and another body. */
  KeyReuse: 'key-reuse',
} as const;
export type LoadRole = (typeof LoadRole)[keyof typeof LoadRole];

export const LoadChannel = { Webhook: 'webhook', Payment: 'payment' } as const;
export type LoadChannel = (typeof LoadChannel)[keyof typeof LoadChannel];

export interface LoadRequest {
  readonly channel: LoadChannel;
  readonly role: LoadRole;
  readonly intent: LoadIntent;
  readonly transactionId: string;
  /** Webhooks: the event id. */
  readonly eventId?: string;
  /** Payments: the Idempotency-Key sent, if any. */
  readonly idempotencyKey?: string;
  /** The JSON body, exactly as sent (and, for webhooks, signed). */
  readonly body: string;
}

export interface LoadPlanOptions {
  /** Fixes every choice. */
  readonly seed: number;
  /** Distinct payments. @default 200 */
  readonly payments?: number;
  /** Share of payments sent as webhooks; the rest are `POST /payments`. @default 0.5 */
  readonly webhookShare?: number;
  /** @default 0.1 */
  readonly declineShare?: number;
  /** @default 0.05 */
  readonly invalidShare?: number;
  /** Share of payments held for manual review, then decided by a webhook. @default 0.05 */
  readonly reviewShare?: number;
  /** Share of requests repeated (1 to 3 more copies each). @default 0.25 */
  readonly duplicateShare?: number;
  /** Share of payments for which another payment is sent under the same transaction id. @default 0.03 */
  readonly conflictShare?: number;
  /** Share of keyed `POST /payments` whose key is reused for another body. @default 0.03 */
  readonly keyReuseShare?: number;
  /** Review decisions for payments that never arrive. @default 2 */
  readonly orphanReviews?: number;
  /** Prefixes every id, so several runs can share one database. @default `L<seed>` */
  readonly runId?: string;
  /** `created` of the webhook events, unix seconds. @default 1767225600 */
  readonly createdAt?: number;
}

export interface LoadPlan {
  readonly runId: string;
  /** In send order: shuffled, so repeats race their originals. */
  readonly requests: readonly LoadRequest[];
  /**
   * The second burst, once every payment of the first has finished or waits for review: the
   * `review.closed` events (and provider retries of them) deciding the payments held for review.
   */
  readonly reviews: readonly LoadRequest[];
  /** The distinct payments planned, by transaction id, with how each is meant to end. */
  readonly payments: ReadonlyMap<string, PlannedPayment>;
}

export interface PlannedPayment {
  readonly channel: LoadChannel;
  readonly intent: LoadIntent;
  /** Review payments: the decision their review.closed event carries. */
  readonly decision?: 'approve' | 'reject';
}

/**
 * Plans a load test. The same options give the same requests in the same order.
 * @example const plan = planHttpLoad({ seed: 1, payments: 300 });
 */
export function planHttpLoad(options: LoadPlanOptions): LoadPlan {
  const random = mulberry32(options.seed);
  const runId = options.runId ?? `L${options.seed}`;
  const count = options.payments ?? 200;
  const createdAt = options.createdAt ?? 1_767_225_600;
  const requests: LoadRequest[] = [];
  const reviews: LoadRequest[] = [];
  const payments = new Map<string, PlannedPayment>();
  const chance = (share: number | undefined, fallback: number) => random() < (share ?? fallback);

  for (let i = 0; i < count; i++) {
    const transactionId = `TXN-${runId}-${i}`;
    const channel = chance(options.webhookShare, 0.5) ? LoadChannel.Webhook : LoadChannel.Payment;
    const roll = random();
    const decline = options.declineShare ?? 0.1;
    const invalid = decline + (options.invalidShare ?? 0.05);
    const intent =
      roll < decline
        ? LoadIntent.Decline
        : roll < invalid
          ? LoadIntent.Invalid
          : roll < invalid + (options.reviewShare ?? 0.05)
            ? LoadIntent.Review
            : LoadIntent.Approve;
    if (intent === LoadIntent.Review) {
      const decision = random() < 0.5 ? 'approve' : 'reject';
      payments.set(transactionId, { channel, intent, decision });
      const eventId = `evt_${runId}_${i}_review`;
      const review = {
        channel: LoadChannel.Webhook,
        intent,
        transactionId,
        eventId,
        body: JSON.stringify({
          id: eventId,
          type: 'review.closed',
          created: createdAt,
          data: { transaction_id: transactionId, decision, reviewer: 'load-test' },
        }),
      };
      reviews.push({ ...review, role: LoadRole.Original });
      if (random() < 0.5) reviews.push({ ...review, role: LoadRole.Duplicate });
    } else payments.set(transactionId, { channel, intent });
    const payment = paymentBody(random, runId, i, transactionId, intent);
    const repeats = chance(options.duplicateShare, 0.25) ? 1 + Math.floor(random() * 3) : 0;

    if (channel === LoadChannel.Webhook) {
      const eventId = `evt_${runId}_${i}`;
      const event = (id: string, data: object) =>
        JSON.stringify({ id, type: 'payment.created', created: createdAt, data });
      const original = { channel, intent, transactionId, eventId, body: event(eventId, payment) };
      requests.push({ ...original, role: LoadRole.Original });
      for (let r = 0; r < repeats; r++) requests.push({ ...original, role: LoadRole.Duplicate });
      if (chance(options.conflictShare, 0.03)) {
        const other = { ...payment, payment_amount: bump(payment.payment_amount) };
        const conflictId = `${eventId}_conflict`;
        requests.push({
          channel,
          intent,
          transactionId,
          eventId: conflictId,
          role: LoadRole.Conflict,
          body: event(conflictId, other),
        });
      }
    } else {
      const keyed = random() < 0.7;
      const idempotencyKey = keyed ? `idem-${runId}-${i}` : undefined;
      const original = {
        channel,
        intent,
        transactionId,
        ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
        body: JSON.stringify(payment),
      };
      requests.push({ ...original, role: LoadRole.Original });
      for (let r = 0; r < repeats; r++) requests.push({ ...original, role: LoadRole.Duplicate });
      const other = JSON.stringify({ ...payment, payment_amount: bump(payment.payment_amount) });
      if (idempotencyKey !== undefined && chance(options.keyReuseShare, 0.03)) {
        requests.push({ ...original, role: LoadRole.KeyReuse, body: other });
      } else if (chance(options.conflictShare, 0.03)) {
        requests.push({ channel, intent, transactionId, role: LoadRole.Conflict, body: other });
      }
    }
  }

  for (let i = 0; i < (options.orphanReviews ?? 2); i++) {
    const eventId = `evt_${runId}_orphan_${i}`;
    requests.push({
      channel: LoadChannel.Webhook,
      role: LoadRole.Original,
      intent: LoadIntent.OrphanReview,
      transactionId: `TXN-${runId}-never-${i}`,
      eventId,
      body: JSON.stringify({
        id: eventId,
        type: 'review.closed',
        created: createdAt,
        data: { transaction_id: `TXN-${runId}-never-${i}`, decision: 'approve' },
      }),
    });
  }
  return {
    runId,
    requests: shuffle(requests, random),
    reviews: shuffle(reviews, random),
    payments,
  };
}

const METHODS = ['credit_card', 'debit_card', 'bank_transfer', 'digital_wallet'] as const;

/**
 * A payment the fraud rules approve (one payment per customer, well below the high-amount
 * rule), unless its intent says otherwise.
 */
function paymentBody(
  random: RandomSource,
  runId: string,
  i: number,
  transactionId: string,
  intent: LoadIntent,
) {
  // Above the USD limit of 10,000.00 when invalid: schema-valid, refused by the payment rules.
  // Above 5,000.00 for review: the high- and very-high-amount rules score 50, the review threshold.
  const cents =
    intent === LoadIntent.Invalid
      ? 2_500_000
      : intent === LoadIntent.Review
        ? 600_000 + Math.floor(random() * 100_000)
        : 100 + Math.floor(random() * 49_900);
  return {
    transaction_id: transactionId,
    payment_amount: decimal(cents),
    currency: 'USD',
    payment_method: METHODS[Math.floor(random() * METHODS.length)] ?? 'debit_card',
    customer_id: `CUST-${runId}-${i}`,
    customer_email: `customer-${i}@example.com`,
    payment_details: {
      token:
        intent === LoadIntent.Decline
          ? `${FORCED_DECLINE_TOKEN_PREFIX}insufficient_funds`
          : 'tok_visa',
      last4: '4242',
    },
  };
}

/** Minor units as a decimal string in major units: never through a float. */
function decimal(cents: number): string {
  return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
}

/** Another amount of the same validity: one cent more. */
function bump(amount: string): string {
  const [major = '0', minor = '0'] = amount.split('.');
  return decimal(Number(major) * 100 + Number(minor.padEnd(2, '0')) + 1);
}

function shuffle<T>(items: T[], random: RandomSource): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}
