import { describe, expect, it } from 'vitest';
import { formatMoney, parseMoney } from '../../src/payments/money.js';

describe('parseMoney', () => {
  it.each([
    { amount: 100.5, currency: 'USD', minor: 10050 },
    { amount: '100.50', currency: 'USD', minor: 10050 },
    { amount: '0.1', currency: 'USD', minor: 10 },
    { amount: 0.1, currency: 'USD', minor: 10 },
    { amount: 0.29, currency: 'USD', minor: 29 },
    { amount: 1.005, currency: 'KWD', minor: 1005 },
    { amount: '1.234', currency: 'KWD', minor: 1234 },
    { amount: 1000, currency: 'JPY', minor: 1000 },
    { amount: '1000', currency: 'JPY', minor: 1000 },
    { amount: 1e3, currency: 'USD', minor: 100000 },
    { amount: '-5.25', currency: 'USD', minor: -525 },
    { amount: 0, currency: 'USD', minor: 0 },
    { amount: '90071992547409.91', currency: 'USD', minor: 9007199254740991 },
  ])('reads $amount $currency as $minor minor units', ({ amount, currency, minor }) => {
    expect(parseMoney(amount, currency)).toEqual({
      ok: true,
      money: { amount_minor: minor, currency },
    });
  });

  it.each([
    { amount: 1e-7, currency: 'USD', code: 'TOO_MANY_DECIMALS' },
    { amount: 0.1 + 0.2, currency: 'USD', code: 'TOO_MANY_DECIMALS' },
    { amount: '100.500', currency: 'USD', code: 'TOO_MANY_DECIMALS' },
    { amount: '1.5', currency: 'JPY', code: 'TOO_MANY_DECIMALS' },
    { amount: '1.2345', currency: 'KWD', code: 'TOO_MANY_DECIMALS' },
    { amount: 1e21, currency: 'USD', code: 'AMOUNT_TOO_LARGE' },
    { amount: '90071992547409.92', currency: 'USD', code: 'AMOUNT_TOO_LARGE' },
    { amount: '9'.repeat(400), currency: 'JPY', code: 'AMOUNT_TOO_LARGE' },
    { amount: 'abc', currency: 'USD', code: 'INVALID_AMOUNT' },
    { amount: '1e3', currency: 'USD', code: 'INVALID_AMOUNT' },
    { amount: ' 10', currency: 'USD', code: 'INVALID_AMOUNT' },
    { amount: '.5', currency: 'USD', code: 'INVALID_AMOUNT' },
    { amount: true, currency: 'USD', code: 'INVALID_AMOUNT' },
    { amount: null, currency: 'USD', code: 'INVALID_AMOUNT' },
    { amount: Number.NaN, currency: 'USD', code: 'INVALID_AMOUNT' },
    { amount: 10, currency: 'XYZ', code: 'UNSUPPORTED_CURRENCY' },
  ])('rejects $amount $currency with $code', ({ amount, currency, code }) => {
    const result = parseMoney(amount, currency);
    expect(result.ok).toBe(false);
    expect(result.ok ? undefined : result.code).toBe(code);
  });
});

describe('formatMoney', () => {
  it.each([
    { minor: 10050, currency: 'USD', text: '100.50' },
    { minor: 5, currency: 'USD', text: '0.05' },
    { minor: 1234, currency: 'KWD', text: '1.234' },
    { minor: 1000, currency: 'JPY', text: '1000' },
    { minor: -525, currency: 'USD', text: '-5.25' },
  ])('writes $minor $currency as $text', ({ minor, currency, text }) => {
    expect(formatMoney({ amount_minor: minor, currency })).toBe(text);
  });
});
