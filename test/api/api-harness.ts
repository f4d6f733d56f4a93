/**
 * paystep as the API tests use it: createPaystep on a temporary data directory with a manual
 * clock, a known webhook secret, API keys of each scope, and helpers to sign webhooks, run the
 * queue consumer one batch at a time and wait for a payment's workflow to finish.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { loadConfig } from '../../src/config.js';
import type { ConfigInput } from '../../src/config.js';
import type { ExecutionRow } from '../../src/engine/store.js';
import { createPaystep } from '../../src/main.js';
import type { Paystep, PaystepOverrides } from '../../src/main.js';
import { signPayload } from '../../src/api/webhook-signature.js';
import { ManualClock } from './manual-clock.js';

export const WEBHOOK_SECRET = 'whsec_test_secret_0123456789abcdef';

export interface TestApi {
  paystep: Paystep;
  clock: ManualClock;
  dir: string;
  keys: { submit: string; read: string; operate: string };
  /** Sends a request through fastify.inject with the given API key. */
  call(options: InjectOptions & { key?: string | undefined }): Promise<LightMyRequestResponse>;
  /** A signed webhook POST (signed now on the virtual clock unless told otherwise). */
  webhook(
    body: unknown,
    options?: { secret?: string; timestamp?: number; raw?: string },
  ): Promise<LightMyRequestResponse>;
  /** Processes queued webhook events until the queue has none visible. Returns how many. */
  drain(): Promise<number>;
  /** Waits for the payment's execution to close. */
  settle(transactionId: string): Promise<ExecutionRow>;
  /** Rows in a table of the SQLite file (to prove nothing was stored). */
  count(table: string): number;
  close(): Promise<void>;
}

export function paymentRequest(id: string, overrides: Record<string, unknown> = {}) {
  return {
    transaction_id: id,
    payment_amount: '100.50',
    payment_method: 'debit_card',
    customer_id: 'CUST-123',
    customer_email: 'customer@example.com',
    payment_details: { token: 'tok_visa', last4: '4242' },
    ...overrides,
  };
}

export function paymentCreated(eventId: string, transactionId: string, data: object = {}) {
  return {
    id: eventId,
    type: 'payment.created',
    created: 1_767_225_600,
    data: { ...paymentRequest(transactionId), ...data },
  };
}

export async function createTestApi(
  options: { config?: ConfigInput; overrides?: PaystepOverrides } = {},
): Promise<TestApi> {
  const dir = mkdtempSync(join(tmpdir(), 'paystep-api-'));
  const config = loadConfig({
    env: {},
    cwd: dir,
    overrides: {
      dataDir: dir,
      port: 0,
      sfnPort: -1,
      synchronous: 'OFF',
      logLevel: 'silent',
      webhookSecrets: [WEBHOOK_SECRET],
      ...options.config,
    },
  });
  const clock = new ManualClock();
  const announced: string[] = [];
  const paystep = await createPaystep(config, {
    clock,
    consumer: false,
    announce: (lines) => announced.push(...lines),
    ...options.overrides,
  });
  const operate = /ps_ops_[A-Za-z0-9_-]{43}/.exec(announced.join('\n'))?.[0];
  if (operate === undefined) throw new Error('no operator key was announced');
  const submit = (await paystep.apiKeys.create({ name: 'checkout', scope: 'submit' })).key;
  const read = (await paystep.apiKeys.create({ name: 'dashboard', scope: 'read' })).key;
  await paystep.app.ready();
  paystep.engine.start();

  const api: TestApi = {
    paystep,
    clock,
    dir,
    keys: { submit, read, operate },
    call({ key, ...request }) {
      return paystep.app.inject({
        ...request,
        headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...request.headers },
      });
    },
    webhook(body, signing = {}) {
      const raw = signing.raw ?? JSON.stringify(body);
      const timestamp = signing.timestamp ?? Math.floor(clock.now() / 1000);
      return paystep.app.inject({
        method: 'POST',
        url: '/webhooks/payment',
        headers: {
          'content-type': 'application/json',
          'paystep-signature': signPayload(signing.secret ?? WEBHOOK_SECRET, raw, timestamp),
        },
        payload: raw,
      });
    },
    async drain() {
      let total = 0;
      for (;;) {
        const n = await paystep.consumer.pollOnce(0);
        if (n === 0) return total;
        total += n;
      }
    },
    settle(transactionId) {
      return paystep.engine.waitForExecution(paystep.operations.executionArnOf(transactionId));
    },
    count(table) {
      return (paystep.db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
    },
    async close() {
      await paystep.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return api;
}
