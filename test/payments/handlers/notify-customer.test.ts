import { describe, expect, it } from 'vitest';
import { notifyCustomer } from '../../../src/payments/handlers/notify-customer.js';
import { recordTransaction } from '../../../src/payments/handlers/record-transaction.js';
import type { CustomerNotifier } from '../../../src/payments/ports/customer-notifier.js';
import { charged } from './fixture.js';

const failingNotifier: CustomerNotifier = {
  notify: () => Promise.reject(new Error('SMTP down')),
};

describe('notifyCustomer', () => {
  it('tells the customer and marks a recorded payment COMPLETED', async () => {
    const { f, state } = await charged();
    await recordTransaction(f.ports)(state);
    expect(await notifyCustomer(f.ports)(state)).toEqual({
      transaction_id: 'TXN-001',
      outcome: 'completed',
      notified: true,
      channel: 'outbox',
      status: 'COMPLETED',
    });
    expect(await f.outbox.forTransaction('TXN-001')).toMatchObject([
      {
        kind: 'payment_completed',
        email: 'buyer@example.com',
        body: 'Your payment of 100.50 USD by debit card ending 4242 was successful.',
      },
    ]);
    expect((await f.store.get('TXN-001'))?.status).toBe('COMPLETED');
  });

  it('never fails a charged payment because the notification failed', async () => {
    const { f, state } = await charged();
    await recordTransaction(f.ports)(state);
    const result = await notifyCustomer({ ...f.ports, notifier: failingNotifier })(state);
    expect(result).toMatchObject({ outcome: 'completed', notified: false, status: 'COMPLETED' });
    expect(await f.audit.list('TXN-001')).toContainEqual(
      expect.objectContaining({ action: 'notification_failed' }),
    );
  });

  it('tells the customer about a decline without changing its status', async () => {
    const { f, state } = await charged('decline');
    const result = await notifyCustomer(f.ports)(state);
    expect(result).toMatchObject({ outcome: 'declined', notified: true, status: 'DECLINED' });
    expect(await f.outbox.forTransaction('TXN-001')).toMatchObject([{ kind: 'payment_declined' }]);
    expect((await f.store.get('TXN-001'))?.status).toBe('DECLINED');
  });
});
