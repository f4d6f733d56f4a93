/**
 * How HttpGateway reads each way a gateway can answer or fail, against small real servers on
 * loopback that answer exactly one way.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpGateway } from '../../../src/adapters/gateway/http-gateway.js';
import { GatewayErrorCode } from '../../../src/payments/ports/gateway.js';
import type { ChargeResult } from '../../../src/payments/ports/gateway.js';
import { chargeRequest } from './gateway-harness.js';

const API_KEY = 'sk_test_never_in_a_message';

interface Scripted {
  readonly url: string;
  readonly requests: {
    method: string;
    url: string;
    headers: IncomingMessage['headers'];
    body: string;
  }[];
  close(): Promise<void>;
}

const servers: Scripted[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

/** A loopback server answering every request with `answer`. */
async function serve(answer: (request: IncomingMessage, response: ServerResponse) => void) {
  const requests: Scripted['requests'] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      requests.push({
        method: request.method ?? '',
        url: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      answer(request, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const scripted: Scripted = {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  servers.push(scripted);
  return scripted;
}

function json(status: number, body: unknown) {
  return (_request: IncomingMessage, response: ServerResponse) => {
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  };
}

function client(url: string, timeoutMs = 5_000) {
  return new HttpGateway({ baseUrl: `${url}/`, apiKey: API_KEY, timeoutMs });
}

const succeeded: ChargeResult = {
  status: 'succeeded',
  chargeId: 'ch_1',
  idempotencyKey: 'txn-0001',
  amount: { amount_minor: 12_550, currency: 'USD' },
  createdAt: '2026-01-01T00:00:00.000Z',
};

describe('HttpGateway', () => {
  it('sends the idempotency key and API key as headers and the request as JSON', async () => {
    const server = await serve(json(200, succeeded));

    await client(server.url).charge(chargeRequest());

    const [request] = server.requests;
    expect(request).toMatchObject({ method: 'POST', url: '/v1/charges' });
    expect(request?.headers['idempotency-key']).toBe('txn-0001');
    expect(request?.headers['authorization']).toBe(`Bearer ${API_KEY}`);
    expect(JSON.parse(request?.body ?? '')).toEqual({
      amount: { amount_minor: 12_550, currency: 'USD' },
      paymentMethodToken: 'tok_visa',
      customerId: 'cus_1',
      merchantId: 'mer_1',
    });
  });

  it('reads a 402 as a decline result', async () => {
    const declined = {
      ...succeeded,
      status: 'declined',
      declineCode: 'insufficient_funds',
      declineMessage: 'Insufficient funds.',
    };
    const server = await serve(json(402, declined));

    expect(await client(server.url).charge(chargeRequest())).toEqual(declined);
  });

  it('reads a 404 lookup as no charge', async () => {
    const server = await serve(json(404, { detail: 'none' }));

    expect(await client(server.url).getCharge('txn-0001')).toBeUndefined();
    expect(server.requests[0]?.url).toBe('/v1/charges/txn-0001');
  });

  it.each([
    [400, GatewayErrorCode.InvalidRequest, false],
    [401, GatewayErrorCode.Unauthorized, false],
    [403, GatewayErrorCode.Unauthorized, false],
    [404, GatewayErrorCode.InvalidRequest, false],
    [409, GatewayErrorCode.IdempotencyConflict, false],
    [422, GatewayErrorCode.InvalidRequest, false],
    [429, GatewayErrorCode.Transient, true],
    [500, GatewayErrorCode.Transient, true],
    [502, GatewayErrorCode.Transient, true],
    [503, GatewayErrorCode.Unavailable, true],
    [504, GatewayErrorCode.Timeout, true],
  ])('turns a %i answer to a charge into %s', async (status, code, retryable) => {
    const server = await serve(json(status, { detail: 'scripted' }));

    const error = await client(server.url)
      .charge(chargeRequest())
      .catch((e: unknown) => e);

    expect(error).toMatchObject({ name: code, code, retryable });
    expect((error as Error).message).toContain('scripted');
  });

  it.each([
    ['not JSON', 'charge', GatewayErrorCode.Timeout],
    ['another key', 'charge', GatewayErrorCode.Timeout],
    ['not JSON', 'getCharge', GatewayErrorCode.Transient],
  ])('treats a 200 with %s from %s as %s', async (what, operation, code) => {
    const server = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        what === 'not JSON' ? '<html>' : JSON.stringify({ ...succeeded, idempotencyKey: 'x' }),
      );
    });
    const gateway = client(server.url);

    const call =
      operation === 'charge' ? gateway.charge(chargeRequest()) : gateway.getCharge('txn-0001');

    await expect(call).rejects.toMatchObject({ code });
  });

  it('times out with Gateway.Timeout when no answer comes before the deadline', async () => {
    const server = await serve(() => {
      // Never answer.
    });

    const error = await client(server.url, 50)
      .charge(chargeRequest())
      .catch((e: unknown) => e);

    expect(error).toMatchObject({ code: GatewayErrorCode.Timeout, retryable: true });
    expect(server.requests).toHaveLength(1);
  });

  it('turns a reset connection into Gateway.Transient', async () => {
    const server = await serve((request) => request.socket.destroy());

    const error = await client(server.url)
      .charge(chargeRequest())
      .catch((e: unknown) => e);

    expect(error).toMatchObject({ code: GatewayErrorCode.Transient, retryable: true });
  });

  it('turns a refused connection into Gateway.Unavailable', async () => {
    const server = await serve(json(200, succeeded));
    await server.close();
    servers.pop();

    const error = await client(server.url)
      .charge(chargeRequest())
      .catch((e: unknown) => e);

    expect(error).toMatchObject({ code: GatewayErrorCode.Unavailable, retryable: true });
    expect((error as Error).message).toContain('ECONNREFUSED');
  });

  it('never puts the API key in an error, its stack or its causes', async () => {
    const refused = await serve(json(200, succeeded));
    await refused.close();
    servers.pop();
    const unauthorized = await serve(json(401, { detail: 'bad key' }));
    const silent = await serve(() => undefined);

    const errors = await Promise.all([
      client(refused.url)
        .charge(chargeRequest())
        .catch((e: unknown) => e),
      client(unauthorized.url)
        .charge(chargeRequest())
        .catch((e: unknown) => e),
      client(silent.url, 30)
        .getCharge('txn-0001')
        .catch((e: unknown) => e),
    ]);

    expect(errors.map((e) => (e as { code: string }).code)).toEqual([
      GatewayErrorCode.Unavailable,
      GatewayErrorCode.Unauthorized,
      GatewayErrorCode.Timeout,
    ]);
    for (const error of errors) {
      expect(inspect(error, { depth: 10, showHidden: true })).not.toContain(API_KEY);
      expect(JSON.stringify(error)).not.toContain(API_KEY);
    }
  });
});
