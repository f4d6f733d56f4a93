import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestApi, paymentCreated } from './api-harness.js';
import type { TestApi } from './api-harness.js';

let api: TestApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

/** An API whose log records are collected, parsed, instead of written out. */
async function loggedApi(
  level: string,
): Promise<{ api: TestApi; records: Record<string, unknown>[] }> {
  const records: Record<string, unknown>[] = [];
  const logger = pino(
    { level },
    { write: (line: string) => void records.push(JSON.parse(line) as Record<string, unknown>) },
  );
  return { api: await createTestApi({ overrides: { logger } }), records };
}

describe('the request log', () => {
  it('writes one info record per request with its route and status, and no signature or body', async () => {
    const logged = await loggedApi('info');
    api = logged.api;

    await api.webhook(paymentCreated('evt_log_1', 'TXN-LOG-1'));

    const requests = logged.records.filter((r) => r['msg'] === 'request');
    expect(requests).toEqual([
      expect.objectContaining({
        level: 30,
        method: 'POST',
        route: '/webhooks/payment',
        status: 202,
      }),
    ]);
    const text = JSON.stringify(logged.records);
    expect(text).not.toMatch(/v1=|TXN-LOG-1|tok_visa/);
  });

  it.each(['warn', 'silent'])('writes no request record at level %s', async (level) => {
    const logged = await loggedApi(level);
    api = logged.api;

    const response = await api.webhook(paymentCreated('evt_log_2', 'TXN-LOG-2'));

    expect(response.statusCode).toBe(202);
    expect(logged.records.filter((r) => r['msg'] === 'request')).toEqual([]);
  });
});
