import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SqliteTransactionStore } from '../../../src/adapters/sqlite/sqlite-transaction-store.js';
import { StoreUnavailableError } from '../../../src/payments/errors.js';
import { TransactionStatus } from '../../../src/payments/lifecycle.js';
import { transactionStoreContract } from '../../payments/ports/transaction-store-contract.js';
import type { Payment } from '../../../src/payments/payment.js';
import { openDatabase } from '../../../src/sqlite/database.js';
import { countPrepares } from './count-prepares.js';

const S = TransactionStatus;
const payment: Payment = {
  transaction_id: 'TXN-1',
  amount: { amount_minor: 10_050, currency: 'USD' },
  payment_method: 'credit_card',
  customer_id: 'CUST-1',
  merchant_id: 'M-1',
  payment_token: 'tok_1',
  last4: '4242',
  metadata: { order: 'A' },
};

function store() {
  const db = openDatabase(':memory:');
  return { db, store: new SqliteTransactionStore(db) };
}

transactionStoreContract(
  'SqliteTransactionStore',
  () => new SqliteTransactionStore(openDatabase(':memory:')),
);

describe('SqliteTransactionStore', () => {
  it('turns a storage failure into Store.Unavailable', async () => {
    const { db, store: s } = store();
    db.close();
    await expect(s.get('TXN-1')).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(s.get('TXN-1')).rejects.toMatchObject({
      name: 'Store.Unavailable',
      retryable: true,
    });
  });

  it('keeps transactions in a file across reopening', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'paystep-tx-')), 'data.db');
    const first = openDatabase(file);
    await new SqliteTransactionStore(first).create(payment, S.Received, 1);
    first.close();
    const reopened = new SqliteTransactionStore(openDatabase(file));
    expect((await reopened.get('TXN-1'))?.status).toBe(S.Received);
  });

  it('prepares its statements once, not on every call', async () => {
    const { db, store: s } = store();
    const exercise = async (id: string) => {
      await s.create({ ...payment, transaction_id: id }, S.Received, 1);
      await s.create({ ...payment, transaction_id: id }, S.Received, 1);
      await s.transition(id, S.Validated, 2);
      await s.transition(id, S.Validated, 3);
      await s.annotate(id, S.Validated, 4, { execution_arn: 'arn:x' });
      await s.get(id);
      await s.customerActivity('CUST-1', 0, 'USD', id);
    };
    // The first round prepares the conditional move into each status it reaches.
    await exercise('TXN-A');
    const prepared = countPrepares(db);
    await exercise('TXN-B');
    expect(prepared()).toBe(0);
  });
});
