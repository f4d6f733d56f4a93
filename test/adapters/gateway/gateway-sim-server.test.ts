/**
 * The gateway-sim server seen with plain fetch: the HTTP shape a client other than HttpGateway
 * (curl, a load tool) meets, and how bad requests are refused.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startGatewaySimServer } from '../../../src/adapters/gateway/gateway-sim-server.js';
import type { GatewaySimServer } from '../../../src/adapters/gateway/gateway-sim-server.js';
import { SimulatedGateway } from '../../../src/adapters/gateway/simulated-gateway.js';
import { GatewayErrorCode } from '../../../src/payments/ports/gateway.js';
import { VirtualTime } from './gateway-harness.js';

const API_KEY = 'sk_test_server';
const chargeBody = {
  amount: { amount_minor: 5_000, currency: 'EUR' },
  paymentMethodToken: 'tok_visa',
  customerId: 'cus_1',
  merchantId: 'mer_1',
};

let sim: SimulatedGateway;
let server: GatewaySimServer;
beforeEach(async () => {
  const time = new VirtualTime();
  sim = new SimulatedGateway({ now: time.now, delay: time.delay });
  server = await startGatewaySimServer({ gateway: sim, apiKey: API_KEY, maxBodyBytes: 1_024 });
});
afterEach(async () => {
  await server.close();
});

function post(path: string, body: string, headers: Record<string, string> = {}) {
  return fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${API_KEY}`,
      'content-type': 'application/json',
      ...headers,
    },
    body,
  });
}

describe('gateway-sim server', () => {
  it('listens on loopback on a free port by default', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('answers a health check without credentials', async () => {
    const response = await fetch(`${server.url}/health`);

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('charges with the Idempotency-Key header and answers the charge as JSON', async () => {
    const response = await post('/v1/charges', JSON.stringify(chargeBody), {
      'idempotency-key': 'txn-1',
    });

    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'succeeded', idempotencyKey: 'txn-1' });
    expect(sim.chargeCount('txn-1')).toBe(1);
  });

  it.each([
    ['no Idempotency-Key', JSON.stringify(chargeBody), {}, 422],
    ['a body that is not JSON', '{amount:', { 'idempotency-key': 'k' }, 422],
    ['a body that is an array', '[]', { 'idempotency-key': 'k' }, 422],
    ['a body over the size limit', 'x'.repeat(2_000), { 'idempotency-key': 'k' }, 422],
    ['a wrong API key', JSON.stringify(chargeBody), { authorization: 'Bearer nope' }, 401],
  ])('refuses a charge with %s as problem+json', async (_what, body, headers, status) => {
    const response = await post('/v1/charges', body, headers);
    const problem = (await response.json()) as { status: number; code: string; detail: string };

    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(problem.status).toBe(status);
    expect(problem.code).toBe(
      status === 401 ? GatewayErrorCode.Unauthorized : GatewayErrorCode.InvalidRequest,
    );
    expect(sim.ledger()).toEqual([]);
  });

  it('refuses a card number without echoing it', async () => {
    const pan = '4000056655665556';
    const response = await post(
      '/v1/charges',
      JSON.stringify({ ...chargeBody, paymentMethodToken: pan }),
      { 'idempotency-key': 'txn-1' },
    );
    const text = await response.text();

    expect(response.status).toBe(422);
    expect(text).not.toContain(pan);
    expect(sim.ledger()).toEqual([]);
  });

  it('answers 404 for an unknown route', async () => {
    const response = await fetch(`${server.url}/v1/payouts`, {
      headers: { authorization: `Bearer ${API_KEY}` },
    });

    expect(response.status).toBe(404);
  });

  it('reports a bug in the gateway as a bare 500 and tells onUnexpectedError', async () => {
    const seen: unknown[] = [];
    const broken = await startGatewaySimServer({
      gateway: {
        charge: () => Promise.reject(new Error('secret internal detail')),
        getCharge: () => Promise.resolve(undefined),
        refund: () => Promise.reject(new Error('unused')),
      },
      onUnexpectedError: (error) => seen.push(error),
    });
    try {
      const response = await fetch(`${broken.url}/v1/charges`, {
        method: 'POST',
        headers: { 'idempotency-key': 'k', 'content-type': 'application/json' },
        body: JSON.stringify(chargeBody),
      });
      const text = await response.text();

      expect(response.status).toBe(500);
      expect(text).not.toContain('secret internal detail');
      expect(seen).toHaveLength(1);
    } finally {
      await broken.close();
    }
  });
});
