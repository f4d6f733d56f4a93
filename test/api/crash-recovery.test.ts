/**
 * A 202 from the webhook route means the event is on disk: a paystep process killed with SIGKILL
 * right after answering loses none of the events it accepted, and the next start processes them.
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { signPayload } from '../../src/api/webhook-signature.js';
import { loadConfig } from '../../src/config.js';
import { createPaystep } from '../../src/main.js';
import { paymentCreated } from './api-harness.js';
import { ManualClock } from './manual-clock.js';

const SECRET = 'whsec_crash_test_0123456789abcdef';
let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('crash recovery', () => {
  it('keeps every accepted webhook across a SIGKILL and processes them on restart', async () => {
    dir = mkdtempSync(join(tmpdir(), 'paystep-crash-'));
    const child = fork(
      fileURLToPath(new URL('./crash-server.ts', import.meta.url)),
      [dir, SECRET],
      {
        execArgv: ['--import', 'tsx'],
        stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      },
    );
    const exited = new Promise((resolve) => child.once('exit', resolve));
    const url = await new Promise<string>((resolve) =>
      child.once('message', (message: { url: string }) => resolve(message.url)),
    );

    const ids = Array.from({ length: 30 }, (_, i) => `TXN-CRASH-${i}`);
    const statuses = await Promise.all(
      ids.map(async (id, i) => {
        const body = JSON.stringify(
          paymentCreated(`evt_crash_${i}`, id, { customer_id: `CUST-${i}` }),
        );
        const response = await fetch(`${url}/webhooks/payment`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'paystep-signature': signPayload(SECRET, body, Math.floor(Date.now() / 1000)),
          },
          body,
        });
        return response.status;
      }),
    );
    expect(statuses.every((s) => s === 202)).toBe(true);
    child.kill('SIGKILL');
    await exited;

    const clock = new ManualClock(Date.now());
    const paystep = await createPaystep(
      loadConfig({
        env: {},
        cwd: dir,
        overrides: {
          dataDir: dir,
          port: 0,
          sfnPort: -1,
          logLevel: 'silent',
          webhookSecrets: [SECRET],
        },
      }),
      { clock, consumer: false, announce: () => undefined },
    );
    try {
      paystep.engine.start();
      const queued = paystep.db.prepare('SELECT COUNT(*) AS n FROM queue_messages').get();
      expect(queued).toEqual({ n: 30 });
      while ((await paystep.consumer.pollOnce(0)) > 0);
      for (const id of ids) {
        const row = await paystep.engine.waitForExecution(paystep.operations.executionArnOf(id));
        expect(row.status).toBe('SUCCEEDED');
      }
    } finally {
      await paystep.close();
    }
  });
});
