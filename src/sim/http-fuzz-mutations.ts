/**
 * The raw material of the HTTP fuzz cases (http-fuzz-cases.ts): a valid payment and webhook event
 * to start from, the values each field must refuse, and seeded mutations of a body's fields and of
 * its JSON text (truncation, comments, duplicate keys, deep nesting, huge strings and key counts,
 * invalid UTF-8) that leave it something the server must refuse.
 */
import type { RandomSource } from '../adapters/gateway/seeded-random.js';

/** A valid payment body, the base every payment mutation starts from. */
export function basePayment(n: number): Record<string, unknown> {
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

export function baseEvent(n: number, data: Record<string, unknown> = basePayment(n)) {
  return { id: `evt_fuzz_${n}`, type: 'payment.created', created: 1_767_225_600, data } as Record<
    string,
    unknown
  >;
}

export const pick = <T>(random: RandomSource, items: readonly T[]): T =>
  items[Math.floor(random() * items.length)] as T;

/** Values the payment request's JSON Schema refuses, by field. */
export const BAD_PAYMENT_VALUES: Readonly<Record<string, readonly unknown[]>> = {
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

export const BAD_EVENT_VALUES: Readonly<Record<string, readonly unknown[]>> = {
  id: [null, 5, '', 'bad id!', 'x'.repeat(129), ['evt']],
  type: [null, 5, '', 'payment.refunded', 'PAYMENT.CREATED'],
  created: [null, 'now', -1, 1.5, '1767225600', {}],
  data: [null, [], 'x', 5],
};

/** A body mutation: a name, and the body text or bytes. */
export type Mutation = { name: string; body: string | Buffer };

/**
 * Mutations of a payment object that leave it something the server must refuse; with
 * `ruleBreaking`, also values only the payment rules refuse (see RULE_BREAKING_VALUES).
 */
export function mutatePayment(
  random: RandomSource,
  payment: Record<string, unknown>,
  options: { ruleBreaking: boolean },
): { name: string; value: unknown } {
  const roll = random();
  if (roll < 0.55) {
    const table =
      options.ruleBreaking && random() < 0.2 ? RULE_BREAKING_VALUES : BAD_PAYMENT_VALUES;
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
export function mutateText(random: RandomSource, valid: string, badMember: string): Mutation {
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
export function badUtf8(text: string, where: RegExp, random: RandomSource): Buffer {
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
export function badMember(
  random: RandomSource,
  values: Readonly<Record<string, readonly unknown[]>>,
): string {
  const field = pick(random, Object.keys(values));
  return `${JSON.stringify(field)}:${JSON.stringify(pick(random, values[field] ?? []))}`;
}

export function short(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

export const WRONG_CONTENT_TYPES = [
  'text/plain',
  'application/x-www-form-urlencoded',
  'application/xml',
  'multipart/form-data; boundary=x',
  'application/octet-stream',
  'application/jsonx',
  'json',
];
