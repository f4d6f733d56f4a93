import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TestApi } from './api-harness.js';
import { createTestApi, paymentRequest } from './api-harness.js';

let api: TestApi;
beforeEach(async () => {
  api = await createTestApi();
});
afterEach(async () => {
  await api.close();
});

const post = (body: unknown, headers: Record<string, string> = {}, key = api.keys.submit) =>
  api.call({ method: 'POST', url: '/payments', key, payload: body as object, headers });

describe('POST /payments', () => {
  it('starts the workflow and GET /transactions/{id} shows the completed payment', async () => {
    const response = await post(paymentRequest('TXN-P1'));

    expect(response.statusCode).toBe(202);
    const body = response.json<{
      execution_arn: string;
      _links: Record<string, { href: string }>;
    }>();
    expect(body).toMatchObject({ transaction_id: 'TXN-P1', created: true, status: 'PROCESSING' });
    expect(body._links['self']?.href).toBe('/transactions/TXN-P1');

    expect((await api.settle('TXN-P1')).status).toBe('SUCCEEDED');
    const view = await api.call({ method: 'GET', url: '/transactions/TXN-P1', key: api.keys.read });
    expect(view.statusCode).toBe(200);
    const transaction = view.json<Record<string, unknown>>();
    expect(transaction).toMatchObject({
      transaction_id: 'TXN-P1',
      status: 'COMPLETED',
      amount: { amount_minor: 10050, currency: 'USD' },
      amount_display: '100.50 USD',
      last4: '4242',
      lifecycle: { status: 'COMPLETED', terminal: true },
      current_step: null,
      execution: { arn: body.execution_arn, status: 'SUCCEEDED' },
    });
    const path = (transaction['lifecycle'] as { path: { status: string }[] }).path;
    expect(path.map((p) => p.status)).toEqual([
      'VALIDATED',
      'SCREENED',
      'CHARGING',
      'CHARGED',
      'RECORDED',
      'COMPLETED',
    ]);
    expect(transaction).not.toHaveProperty('review_task_token');

    const history = await api.call({
      method: 'GET',
      url: (transaction['_links'] as Record<string, { href: string }>)['history']?.href ?? '',
      key: api.keys.read,
    });
    expect(history.statusCode).toBe(200);
    expect(history.json<{ events: { type: string }[] }>().events[0]?.type).toBe('ExecutionStarted');
  });

  it('shows the current step of a payment waiting in manual review', async () => {
    await post(paymentRequest('TXN-P2', { payment_amount: '6000.00' }));
    const status = () =>
      api.paystep.db
        .prepare('SELECT status FROM transactions WHERE transaction_id = ?')
        .get('TXN-P2') as { status: string } | undefined;
    while (status()?.status !== 'IN_REVIEW') await new Promise((r) => setImmediate(r));

    const view = await api.call({ method: 'GET', url: '/transactions/TXN-P2', key: api.keys.read });
    expect(view.json()).toMatchObject({
      status: 'IN_REVIEW',
      lifecycle: { terminal: false },
      current_step: { state: 'RequestManualReview' },
    });
  });

  it('replays the first response for the same Idempotency-Key and body, running once', async () => {
    const headers = { 'idempotency-key': 'order-42' };
    const first = await post(paymentRequest('TXN-I1'), headers);
    await api.settle('TXN-I1');
    const again = await post(paymentRequest('TXN-I1'), headers);

    expect(first.statusCode).toBe(202);
    expect(again.statusCode).toBe(202);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json()).toEqual(first.json());
    expect(api.count('executions')).toBe(1);
  });

  it('refuses the same Idempotency-Key with a different body (422), changing nothing', async () => {
    const headers = { 'idempotency-key': 'order-43' };
    await post(paymentRequest('TXN-I2'), headers);
    const other = await post(paymentRequest('TXN-I3'), headers);

    expect(other.statusCode).toBe(422);
    expect(other.json()).toMatchObject({ code: 'IdempotencyKeyReused' });
    expect(api.count('executions')).toBe(1);
  });

  it('keeps no result for a request that failed, so the key can be retried', async () => {
    const headers = { 'idempotency-key': 'order-44' };
    const bad = await post(paymentRequest('TXN-I4', { currency: 'XXX' }), headers);
    expect(bad.statusCode).toBe(422);
    const fixed = await post(paymentRequest('TXN-I4'), headers);
    expect(fixed.statusCode).toBe(202);
  });

  it('answers a second submission of the same payment with its execution', async () => {
    await post(paymentRequest('TXN-P3'));
    await api.settle('TXN-P3');
    const again = await post(paymentRequest('TXN-P3'));
    expect(again.statusCode).toBe(202);
    expect(again.json()).toMatchObject({ created: false });
  });

  it('refuses another payment under a used transaction id (409)', async () => {
    await post(paymentRequest('TXN-P4'));
    const other = await post(paymentRequest('TXN-P4', { payment_amount: '5.00' }));
    expect(other.statusCode).toBe(409);
    expect(other.json()).toMatchObject({ code: 'Conflict' });
  });

  const invalid: { name: string; body: unknown; status: number; code: string }[] = [
    {
      name: 'a missing amount',
      body: { ...paymentRequest('T'), payment_amount: undefined },
      status: 400,
      code: 'ValidationFailed',
    },
    {
      name: 'an unknown field',
      body: { ...paymentRequest('T'), card_number: 'x' },
      status: 400,
      code: 'ValidationFailed',
    },
    {
      name: 'an amount with too many decimals as text',
      body: paymentRequest('T', { payment_amount: '1.2345' }),
      status: 400,
      code: 'ValidationFailed',
    },
    {
      name: 'an unsupported method',
      body: paymentRequest('T', { payment_method: 'cash' }),
      status: 400,
      code: 'ValidationFailed',
    },
    { name: 'not an object', body: [1, 2], status: 400, code: 'ValidationFailed' },
    {
      name: 'an amount above the limit',
      body: paymentRequest('T', { payment_amount: '20000.00' }),
      status: 422,
      code: 'PaymentInvalid',
    },
    {
      name: 'an unsupported currency',
      body: paymentRequest('T', { currency: 'XXX' }),
      status: 422,
      code: 'PaymentInvalid',
    },
    {
      name: 'a card number in metadata',
      body: paymentRequest('T', { metadata: { pan: '4111111111111111' } }),
      status: 422,
      code: 'PaymentInvalid',
    },
  ];

  it.each(invalid)(
    'refuses $name with $status and stores nothing',
    async ({ body, status, code }) => {
      const response = await post(body);

      expect(response.statusCode).toBe(status);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.json()).toMatchObject({ code, status });
      expect(response.body).not.toContain('4111111111111111');
      expect(api.count('executions')).toBe(0);
      expect(api.count('transactions')).toBe(0);
      expect(api.count('audit_log')).toBe(0);
    },
  );

  it('refuses malformed JSON with 400 problem+json', async () => {
    const response = await api.call({
      method: 'POST',
      url: '/payments',
      key: api.keys.submit,
      headers: { 'content-type': 'application/json' },
      payload: '{"transaction_id": ',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'MalformedJson' });
  });
});

describe('authentication and scopes', () => {
  const cases: {
    name: string;
    method: 'GET' | 'POST';
    url: string;
    key: (api: TestApi) => string | undefined;
    status: number;
    code: string;
  }[] = [
    {
      name: 'no key',
      method: 'POST',
      url: '/payments',
      key: () => undefined,
      status: 401,
      code: 'Unauthenticated',
    },
    {
      name: 'an unknown key',
      method: 'POST',
      url: '/payments',
      key: () => `ps_sub_${'A'.repeat(43)}`,
      status: 401,
      code: 'Unauthenticated',
    },
    {
      name: 'a malformed key',
      method: 'GET',
      url: '/transactions',
      key: () => 'hunter2',
      status: 401,
      code: 'Unauthenticated',
    },
    {
      name: 'a read key submitting',
      method: 'POST',
      url: '/payments',
      key: (a) => a.keys.read,
      status: 403,
      code: 'Forbidden',
    },
    {
      name: "an operator's key submitting",
      method: 'POST',
      url: '/payments',
      key: (a) => a.keys.operate,
      status: 403,
      code: 'Forbidden',
    },
    {
      name: 'a submit key operating',
      method: 'POST',
      url: '/dead-letters/replay',
      key: (a) => a.keys.submit,
      status: 403,
      code: 'Forbidden',
    },
    {
      name: 'a read key operating',
      method: 'GET',
      url: '/dead-letters',
      key: (a) => a.keys.read,
      status: 403,
      code: 'Forbidden',
    },
  ];

  it.each(cases)(
    'refuses $name with $status and stores nothing',
    async ({ method, url, key, status, code }) => {
      const response = await api.call({
        method,
        url,
        key: key(api),
        ...(method === 'POST' ? { payload: paymentRequest('TXN-AUTH') } : {}),
      });
      expect(response.statusCode).toBe(status);
      expect(response.json()).toMatchObject({ code, status });
      expect(api.count('executions')).toBe(0);
    },
  );

  it('refuses a revoked key', async () => {
    const { key, apiKey } = await api.paystep.apiKeys.create({ name: 'temp', scope: 'read' });
    expect((await api.call({ method: 'GET', url: '/transactions', key })).statusCode).toBe(200);
    await api.paystep.apiKeys.revoke(apiKey.id);
    const response = await api.call({ method: 'GET', url: '/transactions', key });
    expect(response.statusCode).toBe(401);
    expect(response.json<{ detail: string }>().detail).toContain('revoked');
  });

  it('serves health and docs without a key', async () => {
    for (const url of ['/healthz', '/readyz', '/docs/json']) {
      const response = await api.call({ method: 'GET', url });
      expect(response.statusCode, url).not.toBe(401);
    }
  });

  it('throttles a key over its rate with 429 and Retry-After', async () => {
    const throttled = await createTestApi({ config: { rateLimitPerSecond: 2, rateLimitBurst: 2 } });
    try {
      const get = () =>
        throttled.call({ method: 'GET', url: '/transactions', key: throttled.keys.read });
      expect((await get()).statusCode).toBe(200);
      expect((await get()).statusCode).toBe(200);
      const third = await get();
      expect(third.statusCode).toBe(429);
      expect(third.headers['retry-after']).toBe('1');
      throttled.clock.advanceBy(1000);
      expect((await get()).statusCode).toBe(200);
    } finally {
      await throttled.close();
    }
  });
});
