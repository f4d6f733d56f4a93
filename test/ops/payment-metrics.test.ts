import { describe, expect, it } from 'vitest';
import type { ClosedExecution } from '../../src/ops/history-metrics.js';
import { paymentFinishedOf, timedGateway } from '../../src/ops/payment-metrics.js';
import type { PaymentGateway } from '../../src/payments/ports/gateway.js';

const closed = (overrides: Partial<ClosedExecution>): ClosedExecution => ({
  executionArn: 'arn:aws:states:us-east-1:000000000000:execution:payment-workflow:TXN-1',
  stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:payment-workflow',
  status: 'SUCCEEDED',
  startDate: 1000,
  stopDate: 3500,
  input: { payment_amount: '100.50', currency: 'usd' },
  output: { status: 'COMPLETED' },
  ...overrides,
});

describe('paymentFinishedOf', () => {
  it.each([
    {
      name: 'a completed payment',
      execution: closed({}),
      payment: { outcome: 'completed', currency: 'USD', amountMinor: 10_050, durationMs: 2500 },
    },
    {
      name: 'a decline, a business outcome of a succeeded execution',
      execution: closed({ output: { status: 'DECLINED' } }),
      payment: { outcome: 'declined', currency: 'USD', amountMinor: 10_050, durationMs: 2500 },
    },
    {
      name: 'a yen payment, which has no minor digits',
      execution: closed({ input: { payment_amount: 1500, currency: 'JPY' } }),
      payment: { outcome: 'completed', currency: 'JPY', amountMinor: 1500, durationMs: 2500 },
    },
    {
      name: 'a request too malformed to have an amount',
      execution: closed({ input: { payment_amount: 'lots' }, output: { status: 'REJECTED' } }),
      payment: { outcome: 'rejected', currency: 'USD', amountMinor: 0, durationMs: 2500 },
    },
    {
      name: 'a failed execution',
      execution: closed({ status: 'FAILED', output: undefined }),
      payment: { outcome: 'failed', currency: 'USD', amountMinor: 10_050, durationMs: 2500 },
    },
    {
      name: 'a timed-out execution',
      execution: closed({ status: 'TIMED_OUT', output: undefined }),
      payment: { outcome: 'timed_out', currency: 'USD', amountMinor: 10_050, durationMs: 2500 },
    },
  ])('describes $name', ({ execution, payment }) => {
    expect(paymentFinishedOf(execution)).toEqual(payment);
  });

  it('gives nothing when the start of the execution is unknown', () => {
    expect(paymentFinishedOf(closed({ startDate: undefined }))).toBeUndefined();
  });
});

describe('timedGateway', () => {
  it('records the latency of every call on the clock, failed ones too', async () => {
    let now = 0;
    const recorded: string[] = [];
    const inner: PaymentGateway = {
      charge: () => {
        now += 120;
        return Promise.reject(new Error('503'));
      },
      getCharge: () => {
        now += 30;
        return Promise.resolve(undefined);
      },
      refund: () => Promise.reject(new Error('not used')),
    };
    const gateway = timedGateway(
      inner,
      { gatewayCalled: (operation, ms) => recorded.push(`${operation} ${ms}`) },
      () => now,
    );
    await expect(
      gateway.charge({
        idempotencyKey: 'TXN-1',
        amount: { amount_minor: 100, currency: 'USD' },
        paymentMethodToken: 'tok_visa',
        customerId: 'CUST-1',
        merchantId: 'M-1',
      }),
    ).rejects.toThrow('503');
    await gateway.getCharge('TXN-1');
    expect(recorded).toEqual(['charge 120', 'getCharge 30']);
  });
});
