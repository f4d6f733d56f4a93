import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbAuditLog } from '../../../src/adapters/aws/dynamodb-audit-log.js';
import { DynamoDbTransactionStore } from '../../../src/adapters/aws/dynamodb-transaction-store.js';
import { TransactionStatus } from '../../../src/payments/lifecycle.js';
import type { Payment } from '../../../src/payments/payment.js';
import { startDynamo } from './dynalite-harness.js';
import type { DynamoHarness } from './dynalite-harness.js';

let db: DynamoHarness;
let store: DynamoDbTransactionStore;
let audit: DynamoDbAuditLog;

beforeAll(async () => {
  db = await startDynamo();
  store = new DynamoDbTransactionStore({ client: db.client, tableName: db.transactionsTable });
  audit = new DynamoDbAuditLog({ client: db.client, tableName: db.auditTable, ttlDays: 90 });
});
afterAll(async () => {
  await db.close();
});

const payment = (id: string, overrides: Partial<Payment> = {}): Payment => ({
  transaction_id: id,
  amount: { amount_minor: 10050, currency: 'USD' },
  payment_method: 'credit_card',
  customer_id: 'cust-1',
  merchant_id: 'merch-1',
  payment_token: 'tok_visa',
  last4: '4242',
  metadata: { order: 'o-1' },
  ...overrides,
});

describe('DynamoDbTransactionStore', () => {
  it('creates a transaction once and returns the first on a repeat', async () => {
    const first = await store.create(payment('T-create'), TransactionStatus.Received, 1_000);
    const again = await store.create(
      payment('T-create', { last4: '0000' }),
      TransactionStatus.Received,
      2_000,
    );
    expect(first.created).toBe(true);
    expect(again.created).toBe(false);
    expect(again.transaction).toMatchObject({
      last4: '4242',
      created_at: 1_000,
      status: 'RECEIVED',
    });
    expect(again.transaction.amount).toEqual({ amount_minor: 10050, currency: 'USD' });
  });

  it.each([
    ['applies an allowed move', 'RECEIVED', 'VALIDATED', 'applied', 'VALIDATED'],
    ['leaves a repeated move unchanged', 'VALIDATED', 'VALIDATED', 'unchanged', 'VALIDATED'],
    ['refuses a move backwards', 'SCREENED', 'VALIDATED', 'conflict', 'SCREENED'],
  ] as const)('%s', async (_name, start, to, outcome, final) => {
    const id = `T-${start}-${to}`;
    await store.create(payment(id), TransactionStatus.Received, 1);
    const path: Record<string, TransactionStatus[]> = {
      RECEIVED: [],
      VALIDATED: ['VALIDATED'],
      SCREENED: ['VALIDATED', 'SCREENED'],
    };
    for (const step of path[start] ?? []) await store.transition(id, step, 2);
    const result = await store.transition(id, to, 3, { execution_arn: 'arn:x' });
    expect(result.outcome).toBe(outcome);
    expect((await store.get(id))?.status).toBe(final);
  });

  it('writes facts with the move and remembers the previous status', async () => {
    await store.create(payment('T-facts'), TransactionStatus.Received, 1);
    const result = await store.transition('T-facts', TransactionStatus.Validated, 5, {
      execution_arn: 'arn:aws:states:us-east-1:1:execution:sfn:T-facts',
    });
    expect(result).toMatchObject({ outcome: 'applied', from: 'RECEIVED' });
    expect(await store.get('T-facts')).toMatchObject({
      status: 'VALIDATED',
      previous_status: 'RECEIVED',
      updated_at: 5,
      execution_arn: 'arn:aws:states:us-east-1:1:execution:sfn:T-facts',
    });
  });

  it('lets only one of two racing moves apply', async () => {
    await store.create(payment('T-race'), TransactionStatus.Received, 1);
    const results = await Promise.all([
      store.transition('T-race', TransactionStatus.Validated, 2),
      store.transition('T-race', TransactionStatus.Rejected, 2),
    ]);
    expect(results.filter((r) => r.outcome === 'applied')).toHaveLength(1);
  });

  it('says not_found for an unknown transaction', async () => {
    expect(await store.transition('T-none', TransactionStatus.Validated, 1)).toEqual({
      outcome: 'not_found',
    });
  });

  it('annotates only in the given status', async () => {
    await store.create(payment('T-note'), TransactionStatus.Received, 1);
    expect(await store.annotate('T-note', TransactionStatus.Validated, 2, { charge_id: 'x' })).toBe(
      false,
    );
    expect(
      await store.annotate('T-note', TransactionStatus.Received, 2, { charge_id: 'ch_1' }),
    ).toBe(true);
    expect((await store.get('T-note'))?.charge_id).toBe('ch_1');
  });

  it('sums a customer recent payments through the index, excluding the one screened', async () => {
    const c = { customer_id: 'cust-activity' };
    await store.create(payment('A-old', c), TransactionStatus.Received, 100);
    await store.create(payment('A-1', c), TransactionStatus.Received, 1_000);
    await store.create(
      payment('A-2', { ...c, amount: { amount_minor: 500, currency: 'EUR' } }),
      TransactionStatus.Received,
      2_000,
    );
    await store.create(payment('A-self', c), TransactionStatus.Received, 3_000);
    expect(await store.customerActivity('cust-activity', 500, 'USD', 'A-self')).toEqual({
      count: 2,
      amount_minor: 10050,
    });
  });
});

describe('DynamoDbAuditLog', () => {
  it('keeps the first of two appends with the same id', async () => {
    const entry = {
      id: 'L-1:status:VALIDATED',
      transaction_id: 'L-1',
      at: 1_000,
      actor: 'step:ValidatePayment',
      action: 'status_changed',
      from_status: TransactionStatus.Received,
      to_status: TransactionStatus.Validated,
    };
    await audit.append(entry);
    await audit.append({ ...entry, at: 9_999 });
    expect(await audit.list('L-1')).toEqual([entry]);
  });

  it('lists entries oldest first', async () => {
    for (const [id, at] of [
      ['c', 3],
      ['a', 1],
      ['b', 2],
    ] as const) {
      await audit.append({
        id: `L-2:${id}`,
        transaction_id: 'L-2',
        at,
        actor: 'x',
        action: 'status_changed',
      });
    }
    expect((await audit.list('L-2')).map((e) => e.at)).toEqual([1, 2, 3]);
  });

  it.each([
    ['customer_notified', true],
    ['status_changed', false],
  ])('sets a TTL in epoch seconds on %s: %s', async (action, expires) => {
    const id = `L-ttl-${action}`;
    await audit.append({ id, transaction_id: 'L-ttl', at: 1_700_000_000_000, actor: 'x', action });
    const item = await db.client.send(
      new GetCommand({ TableName: db.auditTable, Key: { transaction_id: 'L-ttl', event_key: id } }),
    );
    if (expires) expect(item.Item?.['expires_at']).toBe(1_700_000_000 + 90 * 86_400);
    else expect(item.Item?.['expires_at']).toBeUndefined();
  });
});
