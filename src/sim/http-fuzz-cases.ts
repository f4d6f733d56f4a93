/**
 * Hostile HTTP requests for paystep's server, generated from a seed: webhooks unsigned, badly
 * signed, signed too long ago or in the future, and correctly signed but with malformed bodies;
 * payment submissions without a usable key or with malformed bodies; and, for both, wrong types,
 * missing and unknown fields, card data, huge and deeply nested JSON, invalid UTF-8 bytes,
 * duplicate keys, truncated or non-JSON text, wrong content types, oversized bodies and bad
 * Idempotency-Keys. Every case is one the server must refuse with a 4xx and store nothing for.
 * Signatures are made when a case is sent (they depend on the server's clock), so a case holds
 * how to sign, not the signature.
 */
import { mulberry32 } from '../adapters/gateway/seeded-random.js';
import {
  BAD_EVENT_VALUES,
  BAD_PAYMENT_VALUES,
  badMember,
  badUtf8,
  baseEvent,
  basePayment,
  mutatePayment,
  mutateText,
  pick,
  short,
  WRONG_CONTENT_TYPES,
} from './http-fuzz-mutations.js';

/** How a webhook case is signed when sent. */
export const Signing = {
  /** Correctly, now: the body itself is what is wrong. */
  Valid: 'valid',
  None: 'none',
  /** With a secret the server does not know. */
  WrongSecret: 'wrong-secret',
  /** Over other bytes than those sent. */
  OtherBody: 'other-body',
  /** Correctly, but `offsetSeconds` away from now (beyond the tolerance). */
  Skewed: 'skewed',
  /** A literal header value (malformed). */
  Literal: 'literal',
} as const;
export type Signing = (typeof Signing)[keyof typeof Signing];

export const FuzzTarget = { Webhook: 'webhook', Payment: 'payment' } as const;
export type FuzzTarget = (typeof FuzzTarget)[keyof typeof FuzzTarget];

export interface HttpFuzzCase {
  /** Category and what was done, e.g. `payment/body: payment_amount = "1e5"`. */
  readonly name: string;
  readonly target: FuzzTarget;
  readonly method: string;
  readonly path: string;
  /** Headers besides authentication and signature. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer | undefined;
  /** Webhooks: how to sign. */
  readonly signing?: { kind: Signing; offsetSeconds?: number; header?: string };
  /** Payments: which API key to present. */
  readonly auth?: 'submit' | 'read' | 'none' | { literal: string };
}

/**
 * Generates `count` hostile requests from `seed`. The same seed and count give the same cases.
 * @example for (const c of generateHttpFuzzCases(1, 1000)) await send(c);
 */
export function* generateHttpFuzzCases(
  seed: number,
  count: number,
  options: { bodyLimitBytes?: number } = {},
): Generator<HttpFuzzCase> {
  const random = mulberry32(seed);
  const bodyLimit = options.bodyLimitBytes ?? 65_536;
  const json = { 'content-type': 'application/json' };
  for (let n = 0; n < count; n++) {
    const target = random() < 0.5 ? FuzzTarget.Webhook : FuzzTarget.Payment;
    const roll = random();
    if (target === FuzzTarget.Webhook) {
      const base = baseEvent(n);
      const valid = JSON.stringify(base);
      const webhook = (
        name: string,
        body: string | Buffer,
        extra: Partial<HttpFuzzCase> = {},
      ): HttpFuzzCase => ({
        name: `webhook/${name}`,
        target,
        method: 'POST',
        path: '/webhooks/payment',
        headers: json,
        body: Buffer.from(body),
        signing: { kind: Signing.Valid },
        ...extra,
      });
      if (roll < 0.1) yield webhook('unsigned', valid, { signing: { kind: Signing.None } });
      else if (roll < 0.18)
        yield webhook('wrong secret', valid, { signing: { kind: Signing.WrongSecret } });
      else if (roll < 0.24)
        yield webhook('signed over other bytes', valid, { signing: { kind: Signing.OtherBody } });
      else if (roll < 0.32) {
        const offsetSeconds = pick(random, [-330, -3600, -86_400 * 365, 330, 7200, 86_400 * 365]);
        yield webhook(`signed ${offsetSeconds} s away`, valid, {
          signing: { kind: Signing.Skewed, offsetSeconds },
        });
      } else if (roll < 0.4) {
        const header = pick(random, [
          '',
          't=',
          'v1=abc',
          't=abc,v1=00',
          't=1,t=2,v1=' + '0'.repeat(64),
          `t=${'9'.repeat(20)},v1=${'0'.repeat(64)}`,
          'garbage',
          `t=1767225600,v1=${'z'.repeat(64)}`,
          `t=1767225600,v0=${'0'.repeat(64)}`,
          `t=1767225600,${'v1=00,'.repeat(500)}v1=00`,
          'x'.repeat(8000),
        ]);
        yield webhook(`signature header ${short(header)}`, valid, {
          signing: { kind: Signing.Literal, header },
        });
      } else if (roll < 0.5) {
        const event = { ...base };
        const field = pick(random, Object.keys(BAD_EVENT_VALUES));
        const value = pick(random, BAD_EVENT_VALUES[field] ?? []);
        if (random() < 0.3) delete event[field];
        else event[field] = value;
        yield webhook(
          `event ${field in event ? `${field} = ${short(value)}` : `without ${field}`}`,
          JSON.stringify(event),
        );
      } else if (roll < 0.62) {
        const mutation = mutatePayment(random, basePayment(n), { ruleBreaking: false });
        yield webhook(
          `payment.created data ${mutation.name}`,
          JSON.stringify({ ...base, data: mutation.value }),
        );
      } else if (roll < 0.67) {
        const data = pick(random, [
          { transaction_id: `TXN-FUZZ-${n}`, decision: 'maybe' },
          { decision: 'approve' },
          { transaction_id: `TXN-FUZZ-${n}`, decision: 'approve', extra: 1 },
          { transaction_id: `TXN-FUZZ-${n}`, decision: 'approve', note: 'x'.repeat(501) },
        ]);
        yield webhook(
          `review.closed data ${short(data)}`,
          JSON.stringify({ ...base, type: 'review.closed', data }),
        );
      } else if (roll < 0.87) {
        const mutation = mutateText(random, valid, badMember(random, BAD_EVENT_VALUES));
        yield webhook(`text ${mutation.name}`, mutation.body);
      } else if (roll < 0.94) {
        const type = pick(random, [...WRONG_CONTENT_TYPES, undefined]);
        yield webhook(`content-type ${type ?? 'absent'}`, valid, {
          headers: type === undefined ? {} : { 'content-type': type },
        });
      } else {
        const size = bodyLimit + 1 + Math.floor(random() * bodyLimit * 4);
        yield webhook(
          `oversized ${size} bytes`,
          valid.replace(/^\{/, `{"pad":"${'p'.repeat(size)}",`),
          {
            signing: { kind: random() < 0.5 ? Signing.Valid : Signing.None },
          },
        );
      }
    } else {
      const base = basePayment(n);
      const valid = JSON.stringify(base);
      const payment = (
        name: string,
        body: string | Buffer | undefined,
        extra: Partial<HttpFuzzCase> = {},
      ): HttpFuzzCase => ({
        name: `payment/${name}`,
        target,
        method: 'POST',
        path: '/payments',
        headers: json,
        body: body === undefined ? undefined : Buffer.from(body),
        auth: 'submit',
        ...extra,
      });
      if (roll < 0.12) {
        const auth = pick(random, [
          'none',
          'read',
          { literal: 'Bearer' },
          { literal: 'Bearer ' },
          { literal: 'Basic dXNlcjpwYXNz' },
          { literal: 'Bearer ps_sub_' + 'A'.repeat(43) },
          { literal: 'Bearer ps_ops_' + 'A'.repeat(43) },
          { literal: 'Bearer ' + 'x'.repeat(4000) },
          { literal: 'bearer  ps_sub_short' },
        ] as const);
        yield payment(`auth ${typeof auth === 'string' ? auth : short(auth.literal)}`, valid, {
          auth,
        });
      } else if (roll < 0.22) {
        const key = pick(random, ['', 'k'.repeat(256), 'k'.repeat(5000)]);
        yield payment(`Idempotency-Key of ${key.length} chars`, valid, {
          headers: { ...json, 'idempotency-key': key },
        });
      } else if (roll < 0.55) {
        const mutation = mutatePayment(random, base, { ruleBreaking: true });
        const body = JSON.stringify(mutation.value);
        yield payment(
          `body ${mutation.name}`,
          body,
          random() < 0.3 ? { headers: { ...json, 'idempotency-key': `fuzz-${n}` } } : {},
        );
      } else if (roll < 0.8) {
        const mutation = mutateText(random, valid, badMember(random, BAD_PAYMENT_VALUES));
        yield payment(`text ${mutation.name}`, mutation.body);
      } else if (roll < 0.9) {
        const type = pick(random, [...WRONG_CONTENT_TYPES, undefined]);
        yield payment(`content-type ${type ?? 'absent'}`, valid, {
          headers: type === undefined ? {} : { 'content-type': type },
        });
      } else if (roll < 0.95) {
        const size = bodyLimit + 1 + Math.floor(random() * bodyLimit * 4);
        yield payment(
          `oversized ${size} bytes`,
          valid.replace(/^\{/, `{"pad":"${'p'.repeat(size)}",`),
        );
      } else {
        const method = pick(random, ['GET', 'PUT', 'DELETE', 'PATCH']);
        yield payment(`method ${method}`, method === 'GET' ? undefined : valid, { method });
      }
    }
  }
}

/**
 * Bodies that are only refused by a strict JSON reader: invalid UTF-8 inside a free-text field
 * (a decoder that substitutes U+FFFD turns it into a valid body) and a duplicate member name whose
 * FIRST occurrence is invalid (a parser that keeps the last one sees a valid body). RFC 8259 says
 * JSON text is UTF-8 and names SHOULD be unique; I-JSON (RFC 7493) makes both a MUST. Otherwise
 * valid and correctly signed, so each one that is accepted is also stored.
 */
export function* generateStrictJsonCases(seed: number, count: number): Generator<HttpFuzzCase> {
  const random = mulberry32(seed);
  for (let n = 0; n < count; n++) {
    const target = n % 2 === 0 ? FuzzTarget.Webhook : FuzzTarget.Payment;
    const id = 1_000_000 + n;
    const valid = JSON.stringify(target === FuzzTarget.Webhook ? baseEvent(id) : basePayment(id));
    const member = badMember(
      random,
      target === FuzzTarget.Webhook ? BAD_EVENT_VALUES : BAD_PAYMENT_VALUES,
    );
    const utf8 = random() < 0.5;
    const body = utf8
      ? badUtf8(valid, /fuzz@example/, random)
      : Buffer.from(`{${member},${valid.slice(1)}`);
    yield {
      name: `${target}/${utf8 ? 'bad UTF-8 in a free-text field' : `duplicate key, first ${member}`}`,
      target,
      method: 'POST',
      path: target === FuzzTarget.Webhook ? '/webhooks/payment' : '/payments',
      headers: { 'content-type': 'application/json' },
      body,
      ...(target === FuzzTarget.Webhook
        ? { signing: { kind: Signing.Valid } }
        : { auth: 'submit' as const }),
    };
  }
}
