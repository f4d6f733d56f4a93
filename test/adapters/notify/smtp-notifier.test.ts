import nodemailer from 'nodemailer';
import { describe, expect, it } from 'vitest';
import { relayOutbox } from '../../../src/adapters/notify/outbox-relay.js';
import { SmtpNotifier } from '../../../src/adapters/notify/smtp-notifier.js';
import { SqliteOutboxNotifier } from '../../../src/adapters/sqlite/sqlite-outbox-notifier.js';
import type { CustomerNotification } from '../../../src/payments/ports/customer-notifier.js';
import { openDatabase } from '../../../src/sqlite/database.js';

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

/** nodemailer's JSON transport builds the message without a server; we keep what it built. */
function jsonTransport() {
  const transport = nodemailer.createTransport({ jsonTransport: true });
  const sent: Record<string, unknown>[] = [];
  return {
    sent,
    transport: {
      async sendMail(message: Parameters<typeof transport.sendMail>[0]) {
        const info = await transport.sendMail(message);
        sent.push(JSON.parse((info as { message: string }).message) as Record<string, unknown>);
        return info;
      },
    },
  };
}

describe('SmtpNotifier', () => {
  it('mails the customer with a stable Message-ID', async () => {
    const { sent, transport } = jsonTransport();
    const notifier = new SmtpNotifier({ transport, from: 'payments@example.com' });
    expect(await notifier.notify(notification)).toEqual({
      id: notification.id,
      channel: 'smtp',
      status: 'sent',
    });
    expect(sent).toMatchObject([
      {
        subject: 'Payment T1 received',
        text: 'Your payment of 1.00 USD was successful.',
        messageId: '<T1%3Apayment_completed@paystep.local>',
        to: [{ address: 'c@example.com' }],
      },
    ]);
  });

  it('fails a notification with no address', async () => {
    const { transport } = jsonTransport();
    const notifier = new SmtpNotifier({ transport, from: 'payments@example.com' });
    const { email: _email, ...withoutEmail } = notification;
    await expect(notifier.notify(withoutEmail)).rejects.toMatchObject({
      name: 'Notification.NoRecipient',
    });
  });
});

describe('relayOutbox', () => {
  it('sends pending notifications and marks them, recording failures', async () => {
    const outbox = new SqliteOutboxNotifier(openDatabase(':memory:'));
    const { sent, transport } = jsonTransport();
    await outbox.notify(notification);
    const { email: _email, ...noAddress } = notification;
    await outbox.notify({ ...noAddress, id: 'T2:payment_declined', transaction_id: 'T2' });
    const result = await relayOutbox(
      outbox,
      new SmtpNotifier({ transport, from: 'payments@example.com' }),
      { now: () => 5000 },
    );
    expect(result).toEqual({ sent: 1, failed: 1 });
    expect(sent).toHaveLength(1);
    expect(await outbox.pending()).toMatchObject([
      { id: 'T2:payment_declined', attempts: 1, last_error: 'Notification.NoRecipient' },
    ]);
  });
});
