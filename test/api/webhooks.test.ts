import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { signPayload } from '../../src/api/webhook-signature.js';
import type { TestApi } from './api-harness.js';
import { createTestApi, paymentCreated, WEBHOOK_SECRET } from './api-harness.js';

let api: TestApi;
beforeEach(async () => {
  api = await createTestApi();
});
afterEach(async () => {
  await api.close();
});

const queued = () => api.count('queue_messages') + api.count('queue_dead_letters');

describe('POST /webhooks/payment', () => {
  it('answers 202 once a signed event is queued, and the consumer starts its workflow', async () => {
    const response = await api.webhook(paymentCreated('evt_1', 'TXN-W1'));

    expect(response.statusCode).toBe(202);
    expect(response.json()).toEqual({ status: 'accepted', event_id: 'evt_1' });
    expect(queued()).toBe(1);

    expect(await api.drain()).toBe(1);
    const execution = await api.settle('TXN-W1');
    expect(execution.status).toBe('SUCCEEDED');
    expect(queued()).toBe(0);
    expect(api.paystep.db.prepare('SELECT outcome FROM webhook_events').get()).toEqual({
      outcome: 'started',
    });
  });

  it('queues the event exactly as it was signed, spacing and key order included', async () => {
    const raw = JSON.stringify(paymentCreated('evt_raw', 'TXN-RAW'), null, 2);

    expect((await api.webhook(null, { raw })).statusCode).toBe(202);

    expect(api.paystep.db.prepare('SELECT body FROM queue_messages').get()).toEqual({ body: raw });
  });

  it('deduplicates a retried event while queued and after processing, storing nothing new', async () => {
    const event = paymentCreated('evt_dup', 'TXN-W2');
    expect((await api.webhook(event)).statusCode).toBe(202);

    const whileQueued = await api.webhook(event);
    expect(whileQueued.statusCode).toBe(200);
    expect(whileQueued.json()).toEqual({ status: 'duplicate', event_id: 'evt_dup' });
    expect(queued()).toBe(1);

    await api.drain();
    await api.settle('TXN-W2');
    // Well past the queue's five-minute deduplication window: the event log still knows it.
    api.clock.advanceBy(3600_000);
    const afterProcessing = await api.webhook(event);
    expect(afterProcessing.statusCode).toBe(200);
    expect(afterProcessing.json()).toMatchObject({ status: 'duplicate' });
    expect(queued()).toBe(0);
  });

  it('leaves an invalid payment to the workflow, which rejects it and stores no transaction', async () => {
    const event = paymentCreated('evt_big', 'TXN-BIG', { payment_amount: '20000.00' });
    expect((await api.webhook(event)).statusCode).toBe(202);
    await api.drain();
    expect((await api.settle('TXN-BIG')).status).toBe('SUCCEEDED');

    const view = await api.call({
      method: 'GET',
      url: '/transactions/TXN-BIG',
      key: api.keys.read,
    });
    expect(view.json()).toMatchObject({ status: 'REJECTED', lifecycle: { terminal: true } });
    expect(api.count('transactions')).toBe(0);
  });

  it('accepts every secret of a rotation, old and new', async () => {
    const rotating = await createTestApi({
      config: { webhookSecrets: ['whsec_new_secret_0123456789', WEBHOOK_SECRET] },
    });
    try {
      const old = await rotating.webhook(paymentCreated('evt_old', 'TXN-R1'));
      const fresh = await rotating.webhook(paymentCreated('evt_new', 'TXN-R2'), {
        secret: 'whsec_new_secret_0123456789',
      });
      expect([old.statusCode, fresh.statusCode]).toEqual([202, 202]);
    } finally {
      await rotating.close();
    }
  });

  const now = () => Math.floor(api.clock.now() / 1000);
  const refusals: {
    name: string;
    send: () => ReturnType<TestApi['webhook']>;
    status: number;
    code: string;
  }[] = [
    {
      name: 'a signature made with another secret',
      send: () =>
        api.webhook(paymentCreated('evt_x', 'TXN-X'), { secret: 'whsec_attacker_0123456789' }),
      status: 401,
      code: 'BadSignature',
    },
    {
      name: 'a stale timestamp (a replayed capture)',
      send: () => api.webhook(paymentCreated('evt_x', 'TXN-X'), { timestamp: now() - 301 }),
      status: 401,
      code: 'BadSignature',
    },
    {
      name: 'a timestamp from the future',
      send: () => api.webhook(paymentCreated('evt_x', 'TXN-X'), { timestamp: now() + 600 }),
      status: 401,
      code: 'BadSignature',
    },
    {
      name: 'a body changed after signing',
      send: () => {
        const signed = JSON.stringify(paymentCreated('evt_x', 'TXN-X'));
        return api.paystep.app.inject({
          method: 'POST',
          url: '/webhooks/payment',
          headers: {
            'content-type': 'application/json',
            'paystep-signature': signPayload(WEBHOOK_SECRET, signed, now()),
          },
          payload: signed.replace('100.50', '1.00'),
        });
      },
      status: 401,
      code: 'BadSignature',
    },
    {
      name: 'no signature header',
      send: () =>
        api.paystep.app.inject({
          method: 'POST',
          url: '/webhooks/payment',
          headers: { 'content-type': 'application/json' },
          payload: JSON.stringify(paymentCreated('evt_x', 'TXN-X')),
        }),
      status: 401,
      code: 'BadSignature',
    },
    {
      name: 'no body and no signature',
      send: () => api.paystep.app.inject({ method: 'POST', url: '/webhooks/payment' }),
      status: 401,
      code: 'BadSignature',
    },
    {
      name: 'a signed body that is not JSON',
      send: () => api.webhook(null, { raw: '{"id": "evt_x",' }),
      status: 400,
      code: 'MalformedJson',
    },
    {
      name: 'an envelope violating the schema (unknown type)',
      send: () => api.webhook({ ...paymentCreated('evt_x', 'TXN-X'), type: 'payment.exploded' }),
      status: 400,
      code: 'ValidationFailed',
    },
    {
      name: 'an envelope with an extra field',
      send: () => api.webhook({ ...paymentCreated('evt_x', 'TXN-X'), extra: true }),
      status: 400,
      code: 'ValidationFailed',
    },
    {
      name: 'data violating its type schema (no amount)',
      send: () => api.webhook(paymentCreated('evt_x', 'TXN-X', { payment_amount: undefined })),
      status: 400,
      code: 'ValidationFailed',
    },
    {
      name: 'a transaction id that cannot name an execution',
      send: () => api.webhook(paymentCreated('evt_x', 'TXN:with:colons')),
      status: 400,
      code: 'ValidationFailed',
    },
    {
      name: 'card data in the event',
      send: () =>
        api.webhook(
          paymentCreated('evt_x', 'TXN-X', { metadata: { note: '4242 4242 4242 4242' } }),
        ),
      status: 422,
      code: 'PaymentInvalid',
    },
    {
      name: 'a body over the size limit',
      send: () =>
        api.webhook(paymentCreated('evt_x', 'TXN-X', { metadata: { note: 'x'.repeat(70_000) } })),
      status: 413,
      code: 'PayloadTooLarge',
    },
    {
      name: 'a body that is not JSON by content type',
      send: () =>
        api.paystep.app.inject({
          method: 'POST',
          url: '/webhooks/payment',
          headers: { 'content-type': 'text/plain' },
          payload: 'hello',
        }),
      status: 415,
      code: 'UnsupportedMediaType',
    },
  ];

  it.each(refusals)(
    'refuses $name with $status and stores nothing',
    async ({ send, status, code }) => {
      const response = await send();

      expect(response.statusCode).toBe(status);
      expect(response.headers['content-type']).toContain('application/problem+json');
      const problem = response.json<{
        code: string;
        status: number;
        type: string;
        title: string;
      }>();
      expect(problem).toMatchObject({ code, status });
      expect(problem.type).toMatch(/^\/problems\//);
      expect(queued()).toBe(0);
      expect(api.count('webhook_events')).toBe(0);
    },
  );

  it('never echoes the signature or the secret in a refusal', async () => {
    const header = signPayload(
      'whsec_attacker_0123456789',
      '{}',
      Math.floor(api.clock.now() / 1000),
    );
    const response = await api.paystep.app.inject({
      method: 'POST',
      url: '/webhooks/payment',
      headers: { 'content-type': 'application/json', 'paystep-signature': header },
      payload: '{}',
    });
    expect(response.statusCode).toBe(401);
    expect(response.body).not.toContain(header.split('v1=')[1]);
    expect(response.body).not.toContain(WEBHOOK_SECRET);
  });
});

describe('review.closed events', () => {
  const review = (id: string, transactionId: string, decision: 'approve' | 'reject') => ({
    id,
    type: 'review.closed',
    created: 1_767_225_600,
    data: { transaction_id: transactionId, decision, reviewer: 'risk-team' },
  });
  // 6,000 USD by debit card scores 50: held for manual review.
  const heldForReview = (eventId: string, id: string) =>
    paymentCreated(eventId, id, { payment_amount: '6000.00' });

  it('retries an event that arrives before its payment is in review, then applies it', async () => {
    await api.webhook(review('evt_r1', 'TXN-REV1', 'approve'));
    await api.drain();
    // Not applied yet: it waits, hidden, for its retry.
    expect(api.count('queue_messages')).toBe(1);
    expect(api.count('webhook_events')).toBe(0);

    await api.webhook(heldForReview('evt_p1', 'TXN-REV1'));
    await api.drain();
    const status = () =>
      api.paystep.db
        .prepare('SELECT status FROM transactions WHERE transaction_id = ?')
        .get('TXN-REV1') as { status: string } | undefined;
    while (status()?.status !== 'IN_REVIEW') await new Promise((r) => setImmediate(r));

    api.clock.advanceBy(10_000);
    await api.drain();
    const execution = await api.settle('TXN-REV1');
    expect(execution.status).toBe('SUCCEEDED');
    expect(status()?.status).toBe('COMPLETED');
    expect(
      api.paystep.db.prepare("SELECT outcome FROM webhook_events WHERE event_id = 'evt_r1'").get(),
    ).toEqual({ outcome: 'review_applied' });
  });

  it('ignores a decision for a payment that has moved past review, never moving it back', async () => {
    await api.webhook(paymentCreated('evt_p2', 'TXN-REV2'));
    await api.drain();
    await api.settle('TXN-REV2');

    await api.webhook(review('evt_r2', 'TXN-REV2', 'reject'));
    await api.drain();

    const row = api.paystep.db
      .prepare('SELECT status FROM transactions WHERE transaction_id = ?')
      .get('TXN-REV2');
    expect(row).toEqual({ status: 'COMPLETED' });
    expect(
      api.paystep.db.prepare("SELECT outcome FROM webhook_events WHERE event_id = 'evt_r2'").get(),
    ).toEqual({ outcome: 'ignored_stale' });
  });
});
