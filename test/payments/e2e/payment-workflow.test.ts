/**
 * The payment workflow through the real engine, real SQLite stores and the simulated gateway:
 * each outcome path a payments team cares about, and exactly-once charging.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { examplePayment, paymentWorld } from './payment-harness.js';
import type { PaymentWorld } from './payment-harness.js';
import { DEFAULT_FRAUD_CONFIG } from '../../../src/payments/fraud.js';

let world: PaymentWorld;
afterEach(async () => {
  await world.close();
});

async function reviewToken(world: PaymentWorld, id: string): Promise<string> {
  for (;;) {
    const transaction = await world.store.get(id);
    if (transaction?.status === 'IN_REVIEW') {
      return (transaction as unknown as { review_task_token: string }).review_task_token;
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
}

const stateNames = (world: PaymentWorld, arn: string) =>
  world.control
    .history(arn)
    .filter((event) => event.type.endsWith('StateEntered'))
    .map((event) => (event.stateEnteredEventDetails as { name: string }).name);

describe('payment workflow on the durable engine', () => {
  it('approves, charges once, records, notifies and completes the requirements example', async () => {
    world = paymentWorld();
    const payment = examplePayment();
    const result = await world.pay(payment);
    expect(result.status).toBe('SUCCEEDED');
    const id = payment.transaction_id as string;
    const transaction = await world.store.get(id);
    expect(transaction?.status).toBe('COMPLETED');
    expect(transaction?.amount).toEqual({ amount_minor: 10050, currency: 'USD' });
    expect(world.gateway.chargeCount(id)).toBe(1);
    expect(stateNames(world, result.executionArn)).toEqual(
      expect.arrayContaining([
        'ValidatePayment',
        'ScreenFraud',
        'ChargePayment',
        'RecordTransaction',
        'NotifyCustomer',
        'PaymentCompleted',
      ]),
    );
    expect(world.alerts).toEqual([]);
  });

  it('records a decline as a business outcome: no retry, no ops alert', async () => {
    world = paymentWorld();
    const payment = examplePayment({
      payment_details: { token: 'tok_decline_insufficient_funds', last4: '0002' },
    });
    const result = await world.pay(payment);
    expect(result.status).toBe('SUCCEEDED');
    const transaction = await world.store.get(payment.transaction_id as string);
    expect(transaction?.status).toBe('DECLINED');
    expect(world.gateway.attempts('charge', payment.transaction_id as string)).toBe(1);
    expect(world.alerts).toEqual([]);
    expect(stateNames(world, result.executionArn)).toContain('PaymentDeclined');
  });

  it('rejects invalid input with named reasons, stores nothing and charges nothing', async () => {
    world = paymentWorld();
    const payment = examplePayment({ payment_method: 'cheque', payment_amount: -5 });
    const result = await world.pay(payment);
    expect(result.status).toBe('SUCCEEDED');
    expect(stateNames(world, result.executionArn)).toContain('PaymentRejected');
    expect(JSON.stringify(result.output)).toContain('UNSUPPORTED_METHOD');
    expect(world.gateway.ledger()).toEqual([]);
    expect(world.alerts).toEqual([]);
  });

  it('never stores or echoes a raw card number', async () => {
    world = paymentWorld();
    const payment = examplePayment({ payment_details: { token: '4242424242424242' } });
    const result = await world.pay(payment);
    const everything = JSON.stringify([result.output, world.control.history(result.executionArn)]);
    expect(everything).toContain('RAW_CARD_NUMBER');
    // Validation rejects it before anything is stored: no transaction, no audit record, no
    // notification. (The engine keeps an execution's input as given; the HTTP API rejects card
    // data before a workflow starts, so it never reaches the engine that way.)
    expect(await world.store.get(payment.transaction_id as string)).toBeUndefined();
    for (const table of ['transactions', 'audit_log', 'notification_outbox']) {
      const exists = world.db
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?")
        .get(table);
      if (!exists) continue;
      expect(JSON.stringify(world.db.prepare(`SELECT * FROM ${table}`).all())).not.toContain(
        '4242424242424242',
      );
    }
    expect(world.gateway.ledger()).toEqual([]);
  });

  it('retries transient gateway errors with backoff and succeeds', async () => {
    world = paymentWorld({
      gateway: {
        plan: (call) =>
          call.operation === 'charge' && call.attempt <= 2 ? 'transient' : undefined,
      },
    });
    const payment = examplePayment();
    const before = world.clock.now();
    const result = await world.pay(payment);
    expect(result.status).toBe('SUCCEEDED');
    const id = payment.transaction_id as string;
    expect(world.gateway.attempts('charge', id)).toBe(3);
    expect(world.gateway.chargeCount(id)).toBe(1);
    // IntervalSeconds 2, BackoffRate 2: waits of 2 s and 4 s.
    expect(world.clock.now() - before).toBeGreaterThanOrEqual(6000);
  });

  it('alerts operations and fails the execution when retries are exhausted', async () => {
    world = paymentWorld({
      gateway: { plan: (call) => (call.operation === 'charge' ? 'unavailable' : undefined) },
    });
    const payment = examplePayment();
    const result = await world.pay(payment);
    expect(result.status).toBe('FAILED');
    const id = payment.transaction_id as string;
    expect(world.gateway.attempts('charge', id)).toBe(4);
    expect(world.gateway.chargeCount(id)).toBe(0);
    expect(world.alerts).toHaveLength(1);
    const alert = JSON.parse(world.alerts[0]?.Message ?? '{}') as Record<string, unknown>;
    expect(JSON.stringify(alert)).toContain(id);
    expect(JSON.stringify(alert)).toContain('Gateway.Unavailable');
    expect(JSON.stringify(alert)).toContain(result.executionArn);
    // The gateway never applied anything, yet the charge step was attempted: the domain parks
    // such a payment for a person rather than calling it failed (see record-failure.ts).
    expect((await world.store.get(id))?.status).toBe('NEEDS_ATTENTION');
  });

  it.each([
    ['after the charge was applied', 'timeout-after-apply', 1],
    ['before the charge was applied', 'timeout-before-apply', 1],
  ] as const)(
    'resolves a gateway timeout %s by asking the gateway, charging exactly once',
    async (_label, fault, charges) => {
      world = paymentWorld({
        gateway: {
          plan: (call) => (call.operation === 'charge' && call.attempt === 1 ? fault : undefined),
        },
      });
      const payment = examplePayment();
      const result = await world.pay(payment);
      expect(result.status).toBe('SUCCEEDED');
      const id = payment.transaction_id as string;
      expect(world.gateway.chargeCount(id)).toBe(charges);
      expect((await world.store.get(id))?.status).toBe('COMPLETED');
    },
  );

  it('parks a risky payment for manual review until an operator approves it', async () => {
    world = paymentWorld();
    const payment = examplePayment({ payment_amount: '5000.00' });
    const id = payment.transaction_id as string;
    const executionArn = await world.start(payment);
    let transaction = await world.store.get(id);
    while (transaction?.status !== 'IN_REVIEW') {
      await new Promise((resolve) => setImmediate(resolve));
      transaction = await world.store.get(id);
    }
    const token = (transaction as unknown as { review_task_token: string }).review_task_token;
    await world.engine.sendTaskSuccess(
      token,
      JSON.stringify({ decision: 'approve', reviewer: 'ops@example.com' }),
    );
    const row = await world.engine.waitForExecution(executionArn);
    expect(row.status).toBe('SUCCEEDED');
    expect((await world.store.get(id))?.status).toBe('COMPLETED');
    expect(world.gateway.chargeCount(id)).toBe(1);
  });

  it('declines a reviewed payment the operator rejects, without charging', async () => {
    world = paymentWorld();
    const payment = examplePayment({ payment_amount: '5000.00' });
    const id = payment.transaction_id as string;
    const executionArn = await world.start(payment);
    const token = await reviewToken(world, id);
    await world.engine.sendTaskSuccess(
      token,
      JSON.stringify({ decision: 'reject', reviewer: 'ops@example.com' }),
    );
    expect((await world.engine.waitForExecution(executionArn)).status).toBe('SUCCEEDED');
    expect((await world.store.get(id))?.status).toBe('DECLINED');
    expect(world.gateway.ledger()).toEqual([]);
  });

  it('declines a reviewed payment nobody answered once the review times out', async () => {
    world = paymentWorld();
    const payment = examplePayment({ payment_amount: '5000.00' });
    const id = payment.transaction_id as string;
    const before = world.clock.now();
    const result = await world.pay(payment);
    expect(result.status).toBe('SUCCEEDED');
    expect((await world.store.get(id))?.status).toBe('DECLINED');
    expect(stateNames(world, result.executionArn)).toContain('ReviewExpired');
    expect(world.clock.now() - before).toBeGreaterThanOrEqual(43_200_000);
    expect(world.gateway.ledger()).toEqual([]);
  });

  it('declines a payment from a blocked customer without charging', async () => {
    world = paymentWorld({
      fraud: { ...DEFAULT_FRAUD_CONFIG, blockedCustomers: ['CUST-BLOCKED'] },
    });
    const payment = examplePayment({ customer_id: 'CUST-BLOCKED' });
    const result = await world.pay(payment);
    expect(result.status).toBe('SUCCEEDED');
    expect(world.gateway.ledger()).toEqual([]);
    expect((await world.store.get(payment.transaction_id as string))?.status).toBe('DECLINED');
  });

  it('charges once when the same payment is submitted twice', async () => {
    world = paymentWorld();
    const payment = examplePayment();
    const [first, second] = await Promise.all([world.start(payment), world.start(payment)]);
    expect(second).toBe(first);
    await world.engine.waitForExecution(first);
    await expect(world.start(payment)).rejects.toMatchObject({ code: 'ExecutionAlreadyExists' });
    expect(world.gateway.chargeCount(payment.transaction_id as string)).toBe(1);
  });
});
