import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../src/asl/json.js';
import { validatePaymentRequest } from '../../src/payments/validation.js';

const base: JsonObject = {
  transaction_id: 'TXN-001',
  payment_amount: 100.5,
  payment_method: 'credit_card',
  customer_id: 'CUST-123',
};

describe('validatePaymentRequest', () => {
  it('accepts the minimal request with USD and the default merchant', () => {
    expect(validatePaymentRequest(base)).toEqual({
      ok: true,
      payment: {
        transaction_id: 'TXN-001',
        amount: { amount_minor: 10050, currency: 'USD' },
        payment_method: 'credit_card',
        customer_id: 'CUST-123',
        merchant_id: 'MERCHANT-DEFAULT',
        metadata: {},
      },
    });
  });

  it('keeps the token, last four, email, merchant and metadata', () => {
    const result = validatePaymentRequest({
      ...base,
      payment_amount: '2500',
      currency: 'jpy',
      merchant_id: 'M-9',
      customer_email: 'a@example.com',
      metadata: { order: 'A-1' },
      payment_details: { token: 'tok_visa', last4: '4242' },
    });
    expect(result).toEqual({
      ok: true,
      payment: {
        transaction_id: 'TXN-001',
        amount: { amount_minor: 2500, currency: 'JPY' },
        payment_method: 'credit_card',
        customer_id: 'CUST-123',
        merchant_id: 'M-9',
        customer_email: 'a@example.com',
        payment_token: 'tok_visa',
        last4: '4242',
        metadata: { order: 'A-1' },
      },
    });
  });

  it.each([
    {
      name: 'no transaction_id',
      patch: { transaction_id: undefined },
      code: 'MISSING_FIELD',
      field: '$.transaction_id',
    },
    {
      name: 'no customer_id',
      patch: { customer_id: '' },
      code: 'MISSING_FIELD',
      field: '$.customer_id',
    },
    {
      name: 'no payment_method',
      patch: { payment_method: undefined },
      code: 'MISSING_FIELD',
      field: '$.payment_method',
    },
    {
      name: 'no amount',
      patch: { payment_amount: undefined },
      code: 'MISSING_FIELD',
      field: '$.payment_amount',
    },
    {
      name: 'a malformed id',
      patch: { transaction_id: 'has space' },
      code: 'INVALID_FIELD',
      field: '$.transaction_id',
    },
    {
      name: 'an unknown method',
      patch: { payment_method: 'cheque' },
      code: 'UNSUPPORTED_METHOD',
      field: '$.payment_method',
    },
    {
      name: 'an unknown currency',
      patch: { currency: 'XYZ' },
      code: 'UNSUPPORTED_CURRENCY',
      field: '$.currency',
    },
    {
      name: 'a currency without limits',
      patch: { currency: 'SEK' },
      code: 'UNSUPPORTED_CURRENCY',
      field: '$.currency',
    },
    {
      name: 'a malformed currency',
      patch: { currency: 'US' },
      code: 'INVALID_FIELD',
      field: '$.currency',
    },
    {
      name: 'a text amount',
      patch: { payment_amount: 'ten' },
      code: 'INVALID_AMOUNT',
      field: '$.payment_amount',
    },
    {
      name: 'too many decimals',
      patch: { payment_amount: 1e-7 },
      code: 'TOO_MANY_DECIMALS',
      field: '$.payment_amount',
    },
    {
      name: 'a huge amount',
      patch: { payment_amount: 1e300 },
      code: 'AMOUNT_TOO_LARGE',
      field: '$.payment_amount',
    },
    {
      name: 'a negative amount',
      patch: { payment_amount: -1 },
      code: 'AMOUNT_NOT_POSITIVE',
      field: '$.payment_amount',
    },
    {
      name: 'a zero amount',
      patch: { payment_amount: 0 },
      code: 'AMOUNT_NOT_POSITIVE',
      field: '$.payment_amount',
    },
    {
      name: 'an amount below the limit',
      patch: { payment_amount: 0.49 },
      code: 'AMOUNT_BELOW_LIMIT',
      field: '$.payment_amount',
    },
    {
      name: 'an amount above the limit',
      patch: { payment_amount: 10000.01 },
      code: 'AMOUNT_ABOVE_LIMIT',
      field: '$.payment_amount',
    },
    {
      name: 'a raw card number',
      patch: { payment_details: { number: '4111111111111111' } },
      code: 'RAW_CARD_NUMBER',
      field: '$.payment_details.number',
    },
    {
      name: 'a card number in metadata',
      patch: { metadata: { note: '4111 1111 1111 1111' } },
      code: 'RAW_CARD_NUMBER',
      field: '$.metadata.note',
    },
    {
      name: 'a CVV',
      patch: { payment_details: { token: 'tok_1', cvv: '123' } },
      code: 'CVV_PRESENT',
      field: '$.payment_details.cvv',
    },
    {
      name: 'a bad email',
      patch: { customer_email: 'nope' },
      code: 'INVALID_FIELD',
      field: '$.customer_email',
    },
    {
      name: 'bad last four',
      patch: { payment_details: { last4: '42' } },
      code: 'INVALID_FIELD',
      field: '$.payment_details.last4',
    },
    {
      name: 'non-string metadata',
      patch: { metadata: { n: 1 } },
      code: 'INVALID_FIELD',
      field: '$.metadata.n',
    },
  ])('rejects $name with $code at $field', ({ patch, code, field }) => {
    const input = { ...base, ...patch } as Record<string, unknown>;
    for (const key of Object.keys(input)) if (input[key] === undefined) delete input[key];
    const result = validatePaymentRequest(input as JsonObject);
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.reasons.map((r) => [r.code, r.field])).toContainEqual([
      code,
      field,
    ]);
  });

  it('reports every problem, not only the first', () => {
    const result = validatePaymentRequest({ payment_method: 'cheque', payment_amount: -1 });
    expect(result.ok ? [] : result.reasons.map((r) => r.code).sort()).toEqual([
      'AMOUNT_NOT_POSITIVE',
      'MISSING_FIELD',
      'MISSING_FIELD',
      'UNSUPPORTED_METHOD',
    ]);
  });

  it('never quotes card data in its messages', () => {
    const result = validatePaymentRequest({
      ...base,
      transaction_id: '4111111111111111',
      payment_details: { cvv: '987' },
    });
    expect(JSON.stringify(result)).not.toContain('4111111111111111');
    expect(JSON.stringify(result)).not.toContain('987');
  });

  it('rejects a request that is not an object', () => {
    expect(validatePaymentRequest([1, 2])).toMatchObject({
      ok: false,
      reasons: [{ code: 'INVALID_FIELD' }],
    });
  });
});
