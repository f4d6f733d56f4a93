/**
 * paystep as `paystep start` runs it, on a real server on loopback with the real clock: signed
 * webhooks in over HTTP, the queue consumer starting and advancing workflows on the engine with
 * the simulated gateway, transactions read back over HTTP. Then a restart on the same data
 * directory, which keeps everything.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signPayload } from '../../src/api/webhook-signature.js';
import { loadConfig } from '../../src/config.js';
import type { PaystepConfig } from '../../src/config.js';
import { createPaystep } from '../../src/main.js';
import type { Paystep } from '../../src/main.js';
import { paymentCreated } from './api-harness.js';

const SECRET = 'whsec_end_to_end_0123456789abcdef';
let dir: string;
let config: PaystepConfig;
let paystep: Paystep;
let url: string;
let readKey: string;

/** Yields to the event loop until `check` holds (bounded: a broken consumer fails the test). */
async function until(check: () => boolean): Promise<void> {
  for (let turn = 0; turn < 1_000_000 && !check(); turn++) {
    await new Promise((resolve) => setImmediate(resolve));
  }
  expect(check()).toBe(true);
}

async function send(event: object): Promise<Response> {
  const body = JSON.stringify(event);
  return fetch(`${url}/webhooks/payment`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'paystep-signature': signPayload(SECRET, body, Math.floor(Date.now() / 1000)),
    },
    body,
  });
}

async function transaction(id: string): Promise<Record<string, unknown>> {
  const response = await fetch(`${url}/transactions/${id}`, {
    headers: { authorization: `Bearer ${readKey}` },
  });
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'paystep-e2e-'));
  config = loadConfig({
    env: {},
    cwd: dir,
    overrides: {
      dataDir: dir,
      port: 0,
      sfnPort: -1,
      logLevel: 'silent',
      webhookSecrets: [SECRET],
    },
  });
  paystep = await createPaystep(config, { announce: () => undefined });
  readKey = (await paystep.apiKeys.create({ name: 'e2e', scope: 'read' })).key;
  url = (await paystep.start()).url;
});

afterAll(async () => {
  await paystep.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('paystep on loopback', () => {
  it('takes webhooks in, runs their workflows, and shows the transactions', async () => {
    const ids = Array.from({ length: 20 }, (_, i) => `TXN-E2E-${i}`);
    const responses = await Promise.all([
      ...ids.map((id, i) => send(paymentCreated(`evt_e2e_${i}`, id))),
      send(
        paymentCreated('evt_e2e_decline', 'TXN-E2E-DECLINE', {
          payment_details: { token: 'tok_decline_insufficient_funds', last4: '0002' },
        }),
      ),
      send(
        paymentCreated('evt_e2e_review', 'TXN-E2E-REVIEW', {
          payment_amount: '6000.00',
          // Another customer: twenty payments in an hour would add velocity points.
          customer_id: 'CUST-REVIEW',
        }),
      ),
      // A provider retry of the first event, at once.
      send(paymentCreated('evt_e2e_0', 'TXN-E2E-0')),
    ]);
    expect(responses.map((r) => r.status).sort()).toEqual([
      200,
      ...Array.from({ length: 22 }, () => 202),
    ]);

    const executionOf = (id: string) => paystep.operations.executionArnOf(id);
    const exists = (id: string) =>
      paystep.db.prepare('SELECT 1 FROM executions WHERE arn = ?').get(executionOf(id)) !==
      undefined;
    for (const id of [...ids, 'TXN-E2E-DECLINE']) {
      await until(() => exists(id));
      expect((await paystep.engine.waitForExecution(executionOf(id))).status).toBe('SUCCEEDED');
    }
    for (const id of ids) {
      expect(await transaction(id)).toMatchObject({
        status: 'COMPLETED',
        lifecycle: { terminal: true },
      });
    }
    expect(await transaction('TXN-E2E-DECLINE')).toMatchObject({
      status: 'DECLINED',
      decline_code: 'insufficient_funds',
    });

    // The provider's risk team approves the payment held for review.
    await until(() => exists('TXN-E2E-REVIEW'));
    await until(
      () =>
        (
          paystep.db
            .prepare('SELECT status FROM transactions WHERE transaction_id = ?')
            .get('TXN-E2E-REVIEW') as { status: string } | undefined
        )?.status === 'IN_REVIEW',
    );
    expect((await transaction('TXN-E2E-REVIEW'))['current_step']).toMatchObject({
      state: 'RequestManualReview',
    });
    const approval = await send({
      id: 'evt_e2e_review_closed',
      type: 'review.closed',
      created: Math.floor(Date.now() / 1000),
      data: { transaction_id: 'TXN-E2E-REVIEW', decision: 'approve', reviewer: 'risk' },
    });
    expect(approval.status).toBe(202);
    await paystep.engine.waitForExecution(executionOf('TXN-E2E-REVIEW'));
    expect(await transaction('TXN-E2E-REVIEW')).toMatchObject({ status: 'COMPLETED' });

    const list = await fetch(`${url}/transactions?status=COMPLETED&limit=100`, {
      headers: { authorization: `Bearer ${readKey}` },
    });
    expect(((await list.json()) as { items: unknown[] }).items).toHaveLength(21);
  });

  it('comes back after a restart with everything it had, and the same credentials', async () => {
    await paystep.close();
    const announced: string[] = [];
    paystep = await createPaystep(config, { announce: (lines) => announced.push(...lines) });
    url = (await paystep.start()).url;

    expect(announced).toEqual([]);
    expect(await transaction('TXN-E2E-0')).toMatchObject({ status: 'COMPLETED' });
    const duplicate = await send(paymentCreated('evt_e2e_1', 'TXN-E2E-1'));
    expect(duplicate.status).toBe(200);
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
  });
});
