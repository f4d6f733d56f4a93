/**
 * The TransactionStore contract: behaviour every adapter of the port must show (SQLite locally,
 * DynamoDB on AWS). An adapter's test file calls `transactionStoreContract` with a factory that
 * returns a fresh, empty store.
 */
import { describe, expect, it } from 'vitest';
import { TransactionStatus } from '../../../src/payments/lifecycle.js';
import type { Payment } from '../../../src/payments/payment.js';
import type { TransactionStore } from '../../../src/payments/ports/transaction-store.js';

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

export function transactionStoreContract(
  adapter: string,
  makeStore: () => TransactionStore | Promise<TransactionStore>,
): void {
  describe(`${adapter} (TransactionStore contract)`, () => {
    it('creates once and returns the existing transaction on a second create', async () => {
      const s = await makeStore();
      const first = await s.create(payment, S.Received, 1000);
      const second = await s.create({ ...payment, customer_id: 'OTHER' }, S.Received, 2000);
      expect(first.created).toBe(true);
      expect(second).toMatchObject({
        created: false,
        transaction: { customer_id: 'CUST-1', created_at: 1000 },
      });
      expect(await s.get('TXN-1')).toEqual({
        ...payment,
        status: S.Received,
        created_at: 1000,
        updated_at: 1000,
      });
    });

    it('moves forward along the lifecycle, writing facts in the same write', async () => {
      const s = await makeStore();
      await s.create(payment, S.Received, 1);
      expect(await s.transition('TXN-1', S.Validated, 2)).toMatchObject({
        outcome: 'applied',
        from: S.Received,
      });
      const fraud = { outcome: 'approve' as const, score: 0, rules: [] };
      const screened = await s.transition('TXN-1', S.Screened, 3, { fraud });
      expect(screened).toMatchObject({
        outcome: 'applied',
        from: S.Validated,
        transaction: { status: S.Screened, previous_status: S.Validated, fraud, updated_at: 3 },
      });
    });

    it('treats a repeated move as a no-op, not an error', async () => {
      const s = await makeStore();
      await s.create(payment, S.Received, 1);
      await s.transition('TXN-1', S.Validated, 2);
      const again = await s.transition('TXN-1', S.Validated, 5);
      expect(again).toMatchObject({
        outcome: 'unchanged',
        transaction: { status: S.Validated, updated_at: 2 },
      });
    });

    it('refuses to move backwards or skip steps, leaving the row untouched', async () => {
      const s = await makeStore();
      await s.create(payment, S.Received, 1);
      await s.transition('TXN-1', S.Validated, 2);
      const skip = await s.transition('TXN-1', S.Charged, 3, { charge_id: 'ch_1' });
      expect(skip).toMatchObject({ outcome: 'conflict', transaction: { status: S.Validated } });
      const back = await s.transition('TXN-1', S.Received, 4);
      expect(back).toMatchObject({ outcome: 'conflict' });
      expect((await s.get('TXN-1'))?.charge_id).toBeUndefined();
    });

    it('lets only one of two racing moves apply', async () => {
      const s = await makeStore();
      await s.create(payment, S.Received, 1);
      await s.transition('TXN-1', S.Validated, 2);
      await s.transition('TXN-1', S.Screened, 3);
      await s.transition('TXN-1', S.Charging, 4);
      const results = await Promise.all([
        s.transition('TXN-1', S.Charged, 5, { charge_id: 'ch_1' }),
        s.transition('TXN-1', S.Declined, 5, { decline_code: 'card_declined' }),
      ]);
      expect(results.map((r) => r.outcome).sort()).toEqual(['applied', 'conflict']);
    });

    it('reports an unknown id as not_found', async () => {
      const s = await makeStore();
      expect(await s.transition('NOPE', S.Validated, 1)).toEqual({ outcome: 'not_found' });
    });

    it('annotates only in the expected status', async () => {
      const s = await makeStore();
      await s.create(payment, S.Received, 1);
      expect(await s.annotate('TXN-1', S.InReview, 2, { review_task_token: 't' })).toBe(false);
      expect(await s.annotate('TXN-1', S.Received, 2, { execution_arn: 'arn:x' })).toBe(true);
      expect((await s.get('TXN-1'))?.execution_arn).toBe('arn:x');
    });

    it('counts a customer recent payments, excluding the one screened', async () => {
      const s = await makeStore();
      await s.create(payment, S.Received, 100);
      await s.create({ ...payment, transaction_id: 'TXN-2' }, S.Received, 200);
      await s.create(
        { ...payment, transaction_id: 'TXN-3', amount: { amount_minor: 500, currency: 'EUR' } },
        S.Received,
        300,
      );
      await s.create({ ...payment, transaction_id: 'TXN-OLD' }, S.Received, 10);
      await s.create(
        { ...payment, transaction_id: 'TXN-X', customer_id: 'OTHER' },
        S.Received,
        300,
      );
      expect(await s.customerActivity('CUST-1', 100, 'USD', 'TXN-2')).toEqual({
        count: 2,
        amount_minor: 10_050,
      });
    });
  });
}
