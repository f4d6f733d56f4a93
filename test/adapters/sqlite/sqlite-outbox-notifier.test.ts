import { describe, expect, it } from 'vitest';
import {
  DEFAULT_OUTBOX_RETENTION_MS,
  SqliteOutboxNotifier,
} from '../../../src/adapters/sqlite/sqlite-outbox-notifier.js';
import type { CustomerNotification } from '../../../src/payments/ports/customer-notifier.js';
import { openDatabase } from '../../../src/sqlite/database.js';
import { countPrepares } from './count-prepares.js';

const notification: CustomerNotification = {
  id: 'T1:payment_completed',
  transaction_id: 'T1',
  customer_id: 'C1',
  email: 'c@example.com',
  kind: 'payment_completed',
  subject: 'Payment T1 received',
  body: 'Your payment of 1.00 USD was successful.',
  created_at: 1000,
};

describe('SqliteOutboxNotifier', () => {
  it('queues a notification once, however often it is sent', async () => {
    const outbox = new SqliteOutboxNotifier(openDatabase(':memory:'));
    expect(await outbox.notify(notification)).toEqual({
      id: 'T1:payment_completed',
      channel: 'outbox',
      status: 'queued',
    });
    await outbox.notify(notification);
    expect(await outbox.pending()).toEqual([{ ...notification, attempts: 0 }]);
  });

  it('drops sent notifications from the pending list', async () => {
    const outbox = new SqliteOutboxNotifier(openDatabase(':memory:'));
    await outbox.notify(notification);
    await outbox.markSent(notification.id, 2000);
    expect(await outbox.pending()).toEqual([]);
    expect(await outbox.forTransaction('T1')).toMatchObject([{ sent_at: 2000, attempts: 1 }]);
  });

  it('purges rows older than the retention, 90 days by default', async () => {
    const outbox = new SqliteOutboxNotifier(openDatabase(':memory:'));
    await outbox.notify(notification);
    await outbox.notify({ ...notification, id: 'T2:x', transaction_id: 'T2', created_at: 5000 });
    expect(DEFAULT_OUTBOX_RETENTION_MS).toBe(7_776_000_000);
    expect(await outbox.purgeExpired(1000 + DEFAULT_OUTBOX_RETENTION_MS)).toBe(0);
    expect(await outbox.purgeExpired(1001 + DEFAULT_OUTBOX_RETENTION_MS)).toBe(1);
    expect((await outbox.pending()).map((n) => n.id)).toEqual(['T2:x']);
  });

  it('honours a configured retention', async () => {
    const outbox = new SqliteOutboxNotifier(openDatabase(':memory:'), { retentionMs: 10 });
    await outbox.notify(notification);
    expect(await outbox.purgeExpired(1011)).toBe(1);
  });

  it('prepares its statements once, not on every call', async () => {
    const db = openDatabase(':memory:');
    const outbox = new SqliteOutboxNotifier(db);
    const prepared = countPrepares(db);
    for (const id of ['n1', 'n2']) {
      await outbox.notify({ ...notification, id });
      await outbox.pending();
      await outbox.forTransaction('T1');
      await outbox.markFailed(id, 'bounced');
      await outbox.markSent(id, 2000);
      await outbox.purgeExpired(3000);
    }
    expect(prepared()).toBe(0);
  });
});
