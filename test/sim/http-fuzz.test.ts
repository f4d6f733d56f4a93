/**
 * Hostile input on a real server on loopback: thousands of generated malformed webhooks, payment
 * bodies and headers, each answered with a 4xx problem (never a 5xx, never a hang), nothing
 * stored, and the server still healthy and working after. Then the harness itself is shown to
 * catch what it looks for. Bodies only a strict JSON reader refuses (invalid UTF-8, a repeated
 * member name) are fuzzed on their own, before the valid webhook that starts a workflow.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signPayload } from '../../src/api/webhook-signature.js';
import {
  FuzzTarget,
  generateHttpFuzzCases,
  generateStrictJsonCases,
} from '../../src/sim/http-fuzz-cases.js';
import type { HttpFuzzCase } from '../../src/sim/http-fuzz-cases.js';
import { fuzzHttpServer, HttpFindingKind, storeSnapshot } from '../../src/sim/http-fuzz.js';
import type { HttpFuzzTarget } from '../../src/sim/http-fuzz.js';
import { startLoopbackServer } from '../../src/sim/loopback-server.js';
import type { LoopbackServer } from '../../src/sim/loopback-server.js';

// `npm run test:soak` sets PAYSTEP_SOAK=1: twenty times the cases, from two seeds.
const soak = process.env['PAYSTEP_SOAK'] === '1';
const count = soak ? 10_000 : 500;
const seeds = soak ? [1, 2] : [1];

let server: LoopbackServer;
let target: HttpFuzzTarget;

beforeAll(async () => {
  server = await startLoopbackServer({
    synchronous: 'NORMAL',
    // Thousands of requests a second from one caller: the rate limiter is not what is tested.
    rateLimitPerSecond: 10_000_000,
  });
  target = {
    url: server.url,
    submitKey: server.keys.submit,
    readKey: server.keys.read,
    webhookSecret: server.webhookSecret,
  };
});

afterAll(async () => {
  await server.close();
});

describe('generated hostile requests', () => {
  it('are the same for a seed, and cover webhooks and payments', () => {
    const names = (seed: number) => [...generateHttpFuzzCases(seed, 300)].map((c) => c.name);
    expect(names(3)).toEqual(names(3));
    expect(names(3)).not.toEqual(names(4));
    const all = names(3).join('\n');
    for (const part of [
      'webhook/unsigned',
      'webhook/wrong secret',
      'webhook/signed',
      'webhook/text',
      'webhook/content-type',
      'webhook/oversized',
      'payment/auth',
      'payment/Idempotency-Key',
      'payment/body',
      'payment/text',
    ]) {
      expect(all).toContain(part);
    }
  });
});

describe('fuzzing a real server', () => {
  it.each(seeds)(
    'answers every hostile request (seed %i) with a 4xx problem, stores nothing, and stays up',
    async (seed) => {
      const before = storeSnapshot(server.paystep.db);

      const report = await fuzzHttpServer(target, generateHttpFuzzCases(seed, count), {
        concurrency: 16,
      });

      expect(report.cases).toBe(count);
      expect(report.findings).toEqual([]);
      expect(Object.keys(report.statuses).every((status) => /^4\d\d$/.test(status))).toBe(true);
      expect(storeSnapshot(server.paystep.db)).toEqual(before);
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
      expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    },
  );

  // Found by issue 8's fuzzing: both routes once decoded bodies lossily (bad bytes became U+FFFD)
  // and kept the last of duplicate member names. src/api/strict-json.ts now refuses both.
  it('refuses invalid UTF-8 and duplicate member names, storing nothing', async () => {
    const before = storeSnapshot(server.paystep.db);
    const report = await fuzzHttpServer(target, generateStrictJsonCases(7, soak ? 400 : 40));
    expect(report.findings).toEqual([]);
    expect(storeSnapshot(server.paystep.db)).toEqual(before);
  });

  it('still takes a valid webhook after the fuzzing', async () => {
    const body = JSON.stringify({
      id: 'evt_after_fuzz',
      type: 'payment.created',
      created: 1_767_225_600,
      data: {
        transaction_id: 'TXN-AFTER-FUZZ',
        payment_amount: '10.00',
        payment_method: 'debit_card',
        customer_id: 'CUST-AFTER-FUZZ',
      },
    });
    const response = await fetch(`${server.url}/webhooks/payment`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'paystep-signature': signPayload(server.webhookSecret, body, Math.floor(Date.now() / 1000)),
      },
      body,
    });
    expect(response.status).toBe(202);
  });
});

describe('the fuzzing harness', () => {
  it('reports a 5xx, an acceptance, a hang and a 4xx that is not a problem', async () => {
    const standIn = createServer((request, response) => {
      request.resume();
      if (request.url === '/hang') return;
      if (request.url === '/boom') response.writeHead(500).end('{}');
      else if (request.url === '/take') response.writeHead(202).end('{}');
      else if (request.url === '/plain')
        response.writeHead(400, { 'content-type': 'text/plain' }).end('no');
      else response.writeHead(400, { 'content-type': 'application/problem+json' }).end('{}');
    });
    await new Promise<void>((resolve) => standIn.listen(0, '127.0.0.1', resolve));
    const { port } = standIn.address() as AddressInfo;
    const at = (path: string): HttpFuzzCase => ({
      name: path,
      target: FuzzTarget.Payment,
      method: 'POST',
      path,
      headers: { 'content-type': 'application/json' },
      body: Buffer.from('{}'),
      auth: 'none',
    });
    try {
      const report = await fuzzHttpServer(
        { ...target, url: `http://127.0.0.1:${port}` },
        ['/boom', '/take', '/hang', '/plain', '/fine'].map(at),
        { timeoutMs: 300 },
      );
      expect(Object.fromEntries(report.findings.map((f) => [f.name, f.kind]))).toEqual({
        '/boom': HttpFindingKind.ServerError,
        '/take': HttpFindingKind.Accepted,
        '/hang': HttpFindingKind.Hang,
        '/plain': HttpFindingKind.NotProblem,
      });
    } finally {
      standIn.closeAllConnections();
      standIn.close();
    }
  });
});
