import { describe, expect, it } from 'vitest';
import type { FraudConfig } from '../../src/payments/fraud.js';
import { DEFAULT_FRAUD_CONFIG, screenPayment } from '../../src/payments/fraud.js';
import type { Payment } from '../../src/payments/payment.js';

const payment: Payment = {
  transaction_id: 'TXN-1',
  amount: { amount_minor: 10_000, currency: 'USD' },
  payment_method: 'debit_card',
  customer_id: 'CUST-1',
  merchant_id: 'M-1',
  customer_email: 'buyer@example.com',
  metadata: {},
};
const quiet = { count: 0, amount_minor: 0 };

function with_(patch: Partial<Payment>): Payment {
  return { ...payment, ...patch };
}

describe('screenPayment', () => {
  it('approves an ordinary payment with no rules fired', () => {
    expect(screenPayment(payment, quiet)).toEqual({ outcome: 'approve', score: 0, rules: [] });
  });

  it.each([
    {
      name: 'a high amount',
      payment: with_({ amount: { amount_minor: 200_000, currency: 'USD' } }),
      activity: quiet,
      rules: ['HIGH_AMOUNT'],
      score: 30,
      outcome: 'approve',
    },
    {
      name: 'a very high amount',
      payment: with_({ amount: { amount_minor: 500_000, currency: 'USD' } }),
      activity: quiet,
      rules: ['HIGH_AMOUNT', 'VERY_HIGH_AMOUNT'],
      score: 50,
      outcome: 'review',
    },
    {
      name: 'many recent payments',
      payment,
      activity: { count: 5, amount_minor: 0 },
      rules: ['VELOCITY_COUNT'],
      score: 40,
      outcome: 'approve',
    },
    {
      name: 'many recent payments by credit card',
      payment: with_({ payment_method: 'credit_card' }),
      activity: { count: 5, amount_minor: 0 },
      rules: ['VELOCITY_COUNT', 'METHOD_RISK'],
      score: 50,
      outcome: 'review',
    },
    {
      name: 'a large recent total',
      payment,
      activity: { count: 1, amount_minor: 990_001 },
      rules: ['VELOCITY_AMOUNT'],
      score: 30,
      outcome: 'approve',
    },
    {
      name: 'a risky method',
      payment: with_({ payment_method: 'digital_wallet' }),
      activity: quiet,
      rules: ['METHOD_RISK'],
      score: 5,
      outcome: 'approve',
    },
  ])('fires $rules for $name', ({ payment: p, activity, rules, score, outcome }) => {
    const result = screenPayment(p, activity);
    expect(result.rules.map((r) => r.rule)).toEqual(rules);
    expect(result.score).toBe(score);
    expect(result.outcome).toBe(outcome);
    for (const rule of result.rules) expect(rule.reason.length).toBeGreaterThan(0);
  });

  it.each([
    { name: 'customer', config: { blockedCustomers: ['CUST-1'] }, rule: 'BLOCKED_CUSTOMER' },
    { name: 'merchant', config: { blockedMerchants: ['M-1'] }, rule: 'BLOCKED_MERCHANT' },
    { name: 'email', config: { blockedEmails: ['BUYER@example.com'] }, rule: 'BLOCKED_EMAIL' },
    { name: 'email domain', config: { blockedEmails: ['@example.com'] }, rule: 'BLOCKED_EMAIL' },
  ])('declines a blocklisted $name outright', ({ config, rule }) => {
    const result = screenPayment(payment, quiet, { ...DEFAULT_FRAUD_CONFIG, ...config });
    expect(result.outcome).toBe('decline');
    expect(result.rules.map((r) => r.rule)).toEqual([rule]);
  });

  it('does not block a different domain ending the same way', () => {
    const config: FraudConfig = { ...DEFAULT_FRAUD_CONFIG, blockedEmails: ['@ample.com'] };
    expect(screenPayment(payment, quiet, config).outcome).toBe('approve');
  });

  it('declines when amount, velocity and method add up past the decline threshold', () => {
    const result = screenPayment(
      with_({ payment_method: 'credit_card', amount: { amount_minor: 200_000, currency: 'USD' } }),
      { count: 6, amount_minor: 0 },
    );
    expect(result).toMatchObject({ outcome: 'decline', score: 80 });
  });

  it('uses the configured thresholds', () => {
    const strict: FraudConfig = {
      ...DEFAULT_FRAUD_CONFIG,
      reviewThreshold: 5,
      declineThreshold: 30,
    };
    expect(screenPayment(with_({ payment_method: 'digital_wallet' }), quiet, strict).outcome).toBe(
      'review',
    );
    expect(
      screenPayment(with_({ amount: { amount_minor: 200_000, currency: 'USD' } }), quiet, strict)
        .outcome,
    ).toBe('decline');
  });

  it('caps the score at 100', () => {
    const config = {
      ...DEFAULT_FRAUD_CONFIG,
      blockedCustomers: ['CUST-1'],
      blockedMerchants: ['M-1'],
    };
    expect(screenPayment(payment, quiet, config).score).toBe(100);
  });
});
