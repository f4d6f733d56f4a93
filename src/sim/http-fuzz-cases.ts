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
import type { RandomSource } from '../adapters/gateway/seeded-random.js';

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

/** A valid payment body, the base every payment mutation starts from. */
function basePayment(n: number): Record<string, unknown> {
  return {
    transaction_id: `TXN-FUZZ-${n}`,
    payment_amount: '42.00',
    currency: 'USD',
    payment_method: 'debit_card',
    customer_id: `CUST-FUZZ-${n}`,
    customer_email: 'fuzz@example.com',
    metadata: { order: `order-${n}` },
    payment_details: { token: 'tok_visa', last4: '4242' },
  };
}

function baseEvent(n: number, data: Record<string, unknown> = basePayment(n)) {
  return { id: `evt_fuzz_${n}`, type: 'payment.created', created: 1_767_225_600, data } as Record<
    string,
    unknown
  >;
}

const pick = <T>(random: RandomSource, items: readonly T[]): T =>
  items[Math.floor(random() * items.length)] as T;

/** Values the payment request's JSON Schema refuses, by field. */
const BAD_PAYMENT_VALUES: Readonly<Record<string, readonly unknown[]>> = {
  transaction_id: [null, true, 123, [], {}, '', 'x'.repeat(81), 'bad id!', '-start', 'a:b', 'a/b'],
  payment_amount: [null, true, [], {}, '', 'abc', '1e5', '-5', '1.2345', -5, 'NaN', ' 1.00'],
  payment_method: [null, 1, 'cash', 'CREDIT_CARD', '', ['debit_card']],
  customer_id: [null, 5, '', 'a b', '-x', 'x'.repeat(129)],
  currency: [5, 'US', 'USDD', '12a', '', null],
  customer_email: [5, 'x'.repeat(300), {}, []],
  merchant_id: [5, '', 'bad merchant'],
  metadata: [
    [],
    'str',
    5,
    { k: 5 },
    { k: {} },
    { k: 'x'.repeat(501) },
    Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, 'v'])),
  ],
  payment_details: [
    'str',
    [],
    { token: 'bad token!' },
    { last4: '12345' },
    { card_number: '4242424242424242' },
    { cvv: '123' },
    { token: 'tok_visa', last4: 4242 },
  ],
};

/**
 * Values the schema admits but the payment rules refuse. `POST /payments` checks the rules before
 * it starts anything (422); a webhook event's payment is left to its workflow, which rejects it,
 * so these are no hostile input for the webhook route.
 */
const RULE_BREAKING_VALUES: Readonly<Record<string, readonly unknown[]>> = {
  payment_amount: ['0', 0, '99999999999', '25000.00', '0.01'],
  currency: ['XXX', 'zzz'],
};

/** Fields no payment may carry: unknown, card data, prototype keys. */
const BAD_EXTRA_FIELDS: readonly [string, unknown][] = [
  ['card_number', '4242424242424242'],
  ['cvv', '123'],
  ['pan', '4111 1111 1111 1111'],
  ['amount', 100],
  ['__proto__', { admin: true }],
  ['constructor', { prototype: { admin: true } }],
  ['', ''],
];

const BAD_EVENT_VALUES: Readonly<Record<string, readonly unknown[]>> = {
  id: [null, 5, '', 'bad id!', 'x'.repeat(129), ['evt']],
  type: [null, 5, '', 'payment.refunded', 'PAYMENT.CREATED'],
  created: [null, 'now', -1, 1.5, '1767225600', {}],
  data: [null, [], 'x', 5],
};

/** A body mutation: a name, and the body text or bytes. */
type Mutation = { name: string; body: string | Buffer };

/** Mutations of a payment object that leave it something the server must refuse. */
function mutatePayment(
  random: RandomSource,
  payment: Record<string, unknown>,
  target: FuzzTarget,
): { name: string; value: unknown } {
  const roll = random();
  if (roll < 0.55) {
    const table =
      target === FuzzTarget.Payment && random() < 0.2 ? RULE_BREAKING_VALUES : BAD_PAYMENT_VALUES;
    const field = pick(random, Object.keys(table));
    const value = pick(random, table[field] ?? []);
    return { name: `${field} = ${short(value)}`, value: { ...payment, [field]: value } };
  }
  if (roll < 0.7) {
    const field = pick(random, [
      'transaction_id',
      'payment_amount',
      'payment_method',
      'customer_id',
    ]);
    const { [field]: _removed, ...rest } = payment;
    return { name: `without ${field}`, value: rest };
  }
  if (roll < 0.85) {
    const [field, value] = pick(random, BAD_EXTRA_FIELDS);
    // JSON.stringify drops a `__proto__` set by spread; build the text so the key is really sent.
    return { name: `extra field ${JSON.stringify(field)}`, value: withKey(payment, field, value) };
  }
  if (roll < 0.93) {
    const note = pick(random, ['4242 4242 4242 4242', '4111-1111-1111-1111', '5555555555554444']);
    return { name: 'card number in metadata', value: { ...payment, metadata: { note } } };
  }
  return { name: 'not an object', value: pick(random, [[], 'payment', 5, null, true, [payment]]) };
}

/** An object with `key` set, even `__proto__`, as JSON text would carry it. */
function withKey(object: Record<string, unknown>, key: string, value: unknown): unknown {
  const copy = { ...object };
  Object.defineProperty(copy, key, { value, enumerable: true, configurable: true, writable: true });
  return copy;
}

/** Mutations of the text of a JSON body (valid or not) that leave it something to refuse. */
function mutateText(random: RandomSource, valid: string, badMember: string): Mutation {
  const choices: (() => Mutation)[] = [
    () => {
      const at = Math.floor(random() * (valid.length - 1));
      return { name: `truncated at ${at}`, body: valid.slice(0, at) };
    },
    () => ({ name: 'trailing garbage', body: `${valid}x` }),
    () => ({ name: 'two documents', body: `${valid}${valid}` }),
    () => ({ name: 'single quotes', body: valid.replace(/"/g, "'") }),
    () => ({ name: 'comment', body: `/* hi */${valid}` }),
    () => ({ name: 'NaN literal', body: valid.replace(/"42\.00"/, 'NaN') }),
    () => ({ name: 'empty body', body: '' }),
    () => ({ name: 'whitespace only', body: ' \n\t ' }),
    // Duplicate keys: the last occurrence is invalid. JSON.parse keeps the last, so it is refused.
    () => ({
      name: `duplicate key, last ${badMember}`,
      body: `${valid.slice(0, -1)},${badMember}}`,
    }),
    () => {
      const depth = pick(random, [1000, 10_000, 20_000]);
      return {
        name: `nested ${depth} deep in a field`,
        body: valid.replace(/^\{/, `{"deep":${'['.repeat(depth)}${']'.repeat(depth)},`),
      };
    },
    () => {
      const depth = pick(random, [5000, 30_000]);
      return {
        name: `top-level array nested ${depth} deep`,
        body: `${'['.repeat(depth)}${']'.repeat(depth)}`,
      };
    },
    () => {
      const depth = pick(random, [500, 5000]);
      return {
        name: `object nested ${depth} deep`,
        body: `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`,
      };
    },
    () => {
      const keys = pick(random, [2000, 4000]);
      const extra = Array.from({ length: keys }, (_, i) => `"k${i}":${i}`).join(',');
      return { name: `${keys} unknown keys`, body: valid.replace(/^\{/, `{${extra},`) };
    },
    () => ({
      name: 'huge string in an id',
      body: valid.replace(/"TXN-FUZZ-\d+"/, `"${'A'.repeat(60_000)}"`),
    }),
    () => ({ name: 'bad UTF-8 in an id', body: badUtf8(valid, /TXN-FUZZ-/, random) }),
    () => ({ name: 'bad UTF-8 in a quoted key', body: badUtf8(valid, /payment_method/, random) }),
    () => ({
      name: 'invalid UTF-8 whole body',
      body: Buffer.from([0xff, 0xfe, 0x7b, 0x7d, 0xc0, 0xaf]),
    }),
  ];
  return pick(random, choices)();
}

/** The bytes of `text` with invalid UTF-8 spliced in just after `where`. */
function badUtf8(text: string, where: RegExp, random: RandomSource): Buffer {
  const at = text.search(where);
  const bytes = pick(random, [
    [0xff],
    [0xc0, 0xaf],
    [0xed, 0xa0, 0x80],
    [0xe2, 0x82],
    [0xf8, 0x88, 0x80, 0x80, 0x80],
  ]);
  const cut = at < 0 ? 1 : at + 3;
  return Buffer.concat([
    Buffer.from(text.slice(0, cut)),
    Buffer.from(bytes),
    Buffer.from(text.slice(cut)),
  ]);
}

/** A `"field":value` member with a value the field must refuse. */
function badMember(
  random: RandomSource,
  values: Readonly<Record<string, readonly unknown[]>>,
): string {
  const field = pick(random, Object.keys(values));
  return `${JSON.stringify(field)}:${JSON.stringify(pick(random, values[field] ?? []))}`;
}

function short(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

const WRONG_CONTENT_TYPES = [
  'text/plain',
  'application/x-www-form-urlencoded',
  'application/xml',
  'multipart/form-data; boundary=x',
  'application/octet-stream',
  'application/jsonx',
  'json',
];

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
        const mutation = mutatePayment(random, basePayment(n), target);
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
        const mutation = mutatePayment(random, base, target);
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
