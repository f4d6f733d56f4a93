import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TestApi } from './api-harness.js';
import { createTestApi, paymentCreated, paymentRequest } from './api-harness.js';

let api: TestApi;
beforeEach(async () => {
  api = await createTestApi();
});
afterEach(async () => {
  await api.close();
});

const submit = (id: string, overrides: Record<string, unknown> = {}) =>
  api.call({
    method: 'POST',
    url: '/payments',
    key: api.keys.submit,
    payload: paymentRequest(id, overrides),
  });

const statusOf = (id: string) =>
  (
    api.paystep.db.prepare('SELECT status FROM transactions WHERE transaction_id = ?').get(id) as
      { status: string } | undefined
  )?.status;

async function untilStatus(id: string, status: string): Promise<void> {
  while (statusOf(id) !== status) await new Promise((r) => setImmediate(r));
}

describe('manual review', () => {
  it.each([
    { decision: 'approve', execution: 'SUCCEEDED', status: 'COMPLETED' },
    { decision: 'reject', execution: 'SUCCEEDED', status: 'DECLINED' },
  ])('an operator can $decision a payment held for review', async ({ decision, status }) => {
    await submit('TXN-MR', { payment_amount: '6000.00' });
    await untilStatus('TXN-MR', 'IN_REVIEW');

    const response = await api.call({
      method: 'POST',
      url: '/transactions/TXN-MR/review',
      key: api.keys.operate,
      payload: { decision, note: 'checked with the customer' },
    });

    expect(response.statusCode, response.body).toBe(200);
    expect((await api.settle('TXN-MR')).status).toBe('SUCCEEDED');
    expect(statusOf('TXN-MR')).toBe(status);
    const audit = await api.call({
      method: 'GET',
      url: '/transactions/TXN-MR/audit',
      key: api.keys.read,
    });
    expect(JSON.stringify(audit.json())).toContain('operator:operator');
  });

  it('refuses a decision for a payment not in review (409), changing nothing', async () => {
    await submit('TXN-MR2');
    await api.settle('TXN-MR2');
    const response = await api.call({
      method: 'POST',
      url: '/transactions/TXN-MR2/review',
      key: api.keys.operate,
      payload: { decision: 'reject' },
    });
    expect(response.statusCode).toBe(409);
    expect(statusOf('TXN-MR2')).toBe('COMPLETED');
  });
});

describe('executions', () => {
  it('lists, stops and redrives executions, and filters by status', async () => {
    await submit('TXN-E1', { payment_amount: '6000.00' });
    await untilStatus('TXN-E1', 'IN_REVIEW');
    const arn = api.paystep.operations.executionArnOf('TXN-E1');
    const encoded = encodeURIComponent(arn);

    const running = await api.call({
      method: 'GET',
      url: '/executions?status=RUNNING',
      key: api.keys.read,
    });
    expect(
      running.json<{ items: { executionArn: string }[] }>().items.map((e) => e.executionArn),
    ).toEqual([arn]);

    const stop = await api.call({
      method: 'POST',
      url: `/executions/${encoded}/stop`,
      key: api.keys.operate,
      payload: { error: 'Ops.Stopped', cause: 'customer called' },
    });
    expect(stop.statusCode).toBe(200);
    const described = await api.call({
      method: 'GET',
      url: `/executions/${encoded}`,
      key: api.keys.read,
    });
    expect(described.json()).toMatchObject({ status: 'ABORTED', error: 'Ops.Stopped' });

    const redrive = await api.call({
      method: 'POST',
      url: `/executions/${encoded}/redrive`,
      key: api.keys.operate,
    });
    expect(redrive.statusCode).toBe(200);
    const again = await api.call({
      method: 'GET',
      url: `/executions/${encoded}`,
      key: api.keys.read,
    });
    expect(again.json()).toMatchObject({ status: 'RUNNING', redriveCount: 1 });
  });

  it('answers 404 for an execution that does not exist and 400 for a bad ARN', async () => {
    const missing = encodeURIComponent(api.paystep.operations.executionArnOf('NOPE'));
    const notFound = await api.call({
      method: 'GET',
      url: `/executions/${missing}`,
      key: api.keys.read,
    });
    expect(notFound.statusCode).toBe(404);
    const bad = await api.call({
      method: 'GET',
      url: '/executions/not-an-arn',
      key: api.keys.read,
    });
    expect(bad.statusCode).toBe(400);
  });
});

describe('transactions', () => {
  it('lists transactions newest first, filtered and paged', async () => {
    for (const [i, customer] of ['A', 'B', 'A'].entries()) {
      await submit(`TXN-L${i}`, { customer_id: `CUST-${customer}` });
      await api.settle(`TXN-L${i}`);
      api.clock.advanceBy(1000);
    }
    const page = await api.call({
      method: 'GET',
      url: '/transactions?customer_id=CUST-A&limit=1',
      key: api.keys.read,
    });
    const first = page.json<{ items: { transaction_id: string }[]; next_cursor: string }>();
    expect(first.items.map((t) => t.transaction_id)).toEqual(['TXN-L2']);
    const next = await api.call({
      method: 'GET',
      url: `/transactions?customer_id=CUST-A&limit=1&cursor=${first.next_cursor}`,
      key: api.keys.read,
    });
    expect(
      next.json<{ items: { transaction_id: string }[] }>().items.map((t) => t.transaction_id),
    ).toEqual(['TXN-L0']);

    const bad = await api.call({
      method: 'GET',
      url: '/transactions?status=SHIPPED',
      key: api.keys.read,
    });
    expect(bad.statusCode).toBe(400);

    const foreign = await api.call({
      method: 'GET',
      url: '/transactions?limit=1&cursor=bm90LWEtY3Vyc29y',
      key: api.keys.read,
    });
    expect(foreign.statusCode).toBe(400);
    expect(foreign.json<{ detail: string }>().detail).toMatch(/cursor/);
  });

  it('answers 404 for an unknown transaction', async () => {
    const response = await api.call({
      method: 'GET',
      url: '/transactions/TXN-NONE',
      key: api.keys.read,
    });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ code: 'NotFound', instance: '/transactions/TXN-NONE' });
  });

  it('notifies the customer again once per Idempotency-Key', async () => {
    await submit('TXN-N1');
    await api.settle('TXN-N1');
    const outbox = () => api.count('notification_outbox');
    expect(outbox()).toBe(1);

    const notify = (key: string) =>
      api.call({
        method: 'POST',
        url: '/transactions/TXN-N1/notify',
        key: api.keys.operate,
        headers: { 'idempotency-key': key },
      });
    const first = await notify('resend-1');
    const retry = await notify('resend-1');
    expect(first.statusCode).toBe(200);
    expect(retry.json()).toEqual(first.json());
    expect(outbox()).toBe(2);
    await notify('resend-2');
    expect(outbox()).toBe(3);
  });

  it('refuses to notify about a payment still in progress (409)', async () => {
    await submit('TXN-N2', { payment_amount: '6000.00' });
    await untilStatus('TXN-N2', 'IN_REVIEW');
    const response = await api.call({
      method: 'POST',
      url: '/transactions/TXN-N2/notify',
      key: api.keys.operate,
    });
    expect(response.statusCode).toBe(409);
  });
});

describe('dead-letter queue', () => {
  it('lists events that could not be processed and replays them', async () => {
    // A review decision for a payment that never arrives: retried until maxReceiveCount, then
    // set aside in the dead-letter queue.
    await api.webhook({
      id: 'evt_orphan',
      type: 'review.closed',
      created: 1,
      data: { transaction_id: 'TXN-GHOST', decision: 'approve' },
    });
    for (let i = 0; i < 6; i++) {
      await api.drain();
      api.clock.advanceBy(600_000);
    }
    const list = await api.call({ method: 'GET', url: '/dead-letters', key: api.keys.operate });
    const letters = list.json<{ items: { messageId: string; lastError?: { code: string } }[] }>();
    expect(letters.items).toHaveLength(1);
    expect(letters.items[0]?.lastError?.code).toBe('Webhook.TooEarly');

    // No body: replay them all.
    const replay = await api.call({
      method: 'POST',
      url: '/dead-letters/replay',
      key: api.keys.operate,
    });
    expect(replay.json()).toEqual({ replayed: 1 });
    expect(api.count('queue_dead_letters')).toBe(0);
    expect(api.count('queue_messages')).toBe(1);
  });

  it('sends a conflicting payment straight to the dead-letter queue', async () => {
    await submit('TXN-D1');
    await api.webhook(paymentCreated('evt_conflict', 'TXN-D1', { payment_amount: '7.00' }));
    await api.drain();
    expect(api.count('queue_dead_letters')).toBe(1);
  });
});

describe('health and docs', () => {
  it('reports ready, and not ready once closing', async () => {
    const ready = await api.call({ method: 'GET', url: '/readyz' });
    // The harness does not run the consumer or listen: readiness says which part is missing.
    expect(ready.json()).toMatchObject({ checks: { engine: false, store: true } });
    expect((await api.call({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
  });

  it('documents every route in the OpenAPI document, schemas included', async () => {
    const doc = (await api.call({ method: 'GET', url: '/docs/json' })).json<{
      paths: Record<string, Record<string, { requestBody?: unknown }>>;
    }>();
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/payments',
        '/webhooks/payment',
        '/transactions/{id}',
        '/transactions/{id}/notify',
        '/transactions/{id}/review',
        '/executions/{arn}/history',
        '/dead-letters/replay',
        '/healthz',
        '/readyz',
      ]),
    );
    expect(doc.paths['/payments']?.['post']?.requestBody).toBeDefined();
    const ui = await api.call({ method: 'GET', url: '/docs/' });
    expect(ui.statusCode).toBe(200);
  });
});

describe('bodies of routes that take none', () => {
  it('refuses a body on redrive, and accepts none', async () => {
    const arn = encodeURIComponent(api.paystep.operations.executionArnOf('TXN-NONE'));
    const withBody = await api.call({
      method: 'POST',
      url: `/executions/${arn}/redrive`,
      key: api.keys.operate,
      payload: { force: true },
    });
    expect(withBody.statusCode).toBe(400);
    const without = await api.call({
      method: 'POST',
      url: `/executions/${arn}/redrive`,
      key: api.keys.operate,
    });
    // Past validation: the execution does not exist.
    expect(without.statusCode).toBe(404);
  });
});
