/**
 * A failing run, end to end: paystep (createPaystep, listening on loopback, manual clock) whose
 * gateway fails every charge transiently, so three payments exhaust their retries and fail. At
 * the next minute the alarm monitor puts the ExecutionsFailed alarm in ALARM; the alert reaches a
 * Slack-style webhook receiver (a real HTTP server on loopback) after one failed delivery is
 * retried; and the dashboard, in headless Chromium, shows the alarm in ALARM. The workflow's own
 * alerts reach the same receiver. Time moves only when the test moves the clock.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SlackMessage } from '../../src/ops/alert-sinks/webhook-sink.js';
import { createTestApi, paymentRequest } from '../api/api-harness.js';
import type { TestApi } from '../api/api-harness.js';
import { runToEnd, testGateway } from '../ops/paystep-driver.js';
import { artifactsDir, chromiumPath, hasChromium, launchBrowser } from './browser.js';
import type { Browser } from './browser.js';

// Browser globals used inside page functions (this project's type-check has no DOM library).
declare const sessionStorage: { setItem(key: string, value: string): void };

const title = hasChromium
  ? 'a failing run fires an alarm, alerts a webhook and shows on the dashboard'
  : `alarm end to end — SKIPPED: ${chromiumPath} is not installed (apt-get install chromium)`;

const alarmName = 'payment-workflow-ExecutionsFailed';
const MinuteMs = 60_000;

/** A Slack incoming-webhook stand-in that refuses the first ExecutionsFailed alert with a 503. */
function webhookReceiver() {
  const received: SlackMessage[] = [];
  let refused = 0;
  let delivered: (message: SlackMessage) => void = () => undefined;
  const alarmDelivered = new Promise<SlackMessage>((resolve) => (delivered = resolve));
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const message = JSON.parse(Buffer.concat(chunks).toString('utf8')) as SlackMessage;
      const isAlarm = message.text.startsWith(`[ALARM] ${alarmName}`);
      if (isAlarm && refused === 0) {
        refused++;
        response.writeHead(503).end('busy');
        return;
      }
      received.push(message);
      if (isAlarm) delivered(message);
      response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  return { server, received, alarmDelivered, refused: () => refused };
}

describe.skipIf(!hasChromium)(title, () => {
  let receiver: ReturnType<typeof webhookReceiver>;
  let api: TestApi;
  let browser: Browser;
  let page: Page;
  let base: string;
  let failedAt: number;

  beforeAll(async () => {
    receiver = webhookReceiver();
    await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
    const { port } = receiver.server.address() as AddressInfo;
    let now = () => 0;
    const { gateway } = testGateway(
      () => now(),
      () => true,
    );
    api = await createTestApi({
      config: { alertWebhookUrl: `http://127.0.0.1:${port}/services/T000/B000/test` },
      overrides: { gateway },
    });
    now = () => api.clock.now();
    base = (await api.paystep.start()).url;
    browser = await launchBrowser();
    page = await browser.context.newPage();
    await page.addInitScript((key) => sessionStorage.setItem('paystep.apiKey', key), api.keys.read);
  });

  afterAll(async () => {
    await browser?.close();
    await api?.close();
    await new Promise((resolve) => receiver?.server.close(resolve));
  });

  it('starts with every alarm OK once the first minute has been evaluated', () => {
    api.clock.advanceBy(MinuteMs - (api.clock.now() % MinuteMs));
    const states = api.paystep.ops.monitor.states();
    expect(states.length).toBeGreaterThan(1);
    expect(new Set(states.map((s) => s.state))).toEqual(new Set(['OK']));
  });

  it('fails three payments whose charges exhaust their retries', async () => {
    const arns: string[] = [];
    for (const id of ['TXN-FAIL-1', 'TXN-FAIL-2', 'TXN-FAIL-3']) {
      const response = await api.call({
        method: 'POST',
        url: '/payments',
        key: api.keys.submit,
        payload: paymentRequest(id),
      });
      expect(response.statusCode).toBe(202);
      arns.push(api.paystep.operations.executionArnOf(id));
    }
    const took = await runToEnd(api.paystep, api.clock, arns);
    // Backoff 2 s, 4 s, 8 s: all three failed within the same minute.
    expect(took).toBe(14_000);
    failedAt = api.clock.now();
    for (const arn of arns) {
      expect(api.paystep.control.describeExecution(arn)).toMatchObject({
        status: 'FAILED',
        error: 'Payment.Failed',
      });
    }
  });

  it('puts ExecutionsFailed in ALARM at the next minute and alerts the webhook, retrying a refused delivery', async () => {
    api.clock.advanceBy(MinuteMs - (api.clock.now() % MinuteMs));
    const alarm = api.paystep.ops.monitor.states().find((s) => s.alarmName === alarmName);
    expect(alarm).toMatchObject({ state: 'ALARM', updatedAt: api.clock.now() });
    expect(alarm?.reason).toMatch(
      /^Threshold Crossed: .*\[3\.0 .*greater than the threshold \(2\.0\)/,
    );

    // The receiver refused the first attempt; the publisher waits its backoff on the clock.
    await expect.poll(() => api.paystep.ops.publisher.stats()['webhook']?.retries).toBe(1);
    expect(receiver.refused()).toBe(1);
    api.clock.advanceBy(1000);
    const message = await receiver.alarmDelivered;

    expect(message.text).toContain(`[ALARM] ${alarmName} (OK -> ALARM)`);
    expect(message.text).toContain('More than 2 payment workflow executions failed in 5 minutes.');
    expect(message.blocks?.[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: `[ALARM] ${alarmName} (OK -> ALARM)` },
    });
    expect(message.blocks?.[1]).toEqual({
      type: 'section',
      text: { type: 'mrkdwn', text: alarm?.reason },
    });
    expect(failedAt).toBeLessThan(api.clock.now());
  });

  it("delivers the workflow's own alerts to the same webhook", () => {
    const workflowAlerts = receiver.received.filter((m) =>
      m.text.startsWith('[CRITICAL] paystep: payment workflow failed'),
    );
    expect(workflowAlerts.map((m) => /transaction_id: (\S+)/.exec(m.text)?.[1]).sort()).toEqual([
      'TXN-FAIL-1',
      'TXN-FAIL-2',
      'TXN-FAIL-3',
    ]);
    for (const m of workflowAlerts) expect(m.text).toContain('error: Gateway.Transient');
  });

  it('shows the alarm in ALARM on the dashboard', async () => {
    await page.goto(`${base}/`);
    await page.waitForSelector('#view[data-loaded="overview"]');
    // Alarms in ALARM come first.
    expect(
      await page
        .locator('[data-testid="alarms"] tbody tr')
        .evaluateAll((rows) =>
          rows
            .slice(0, 3)
            .map((row) => (row as unknown as { dataset: { alarm: string } }).dataset.alarm),
        ),
    ).toEqual(['charge-payment-Errors', alarmName, 'charge-payment-Throttles']);
    const row = `tr[data-alarm="${alarmName}"]`;
    expect(await page.textContent(`${row} .badge`)).toBe('ALARM');
    expect(await page.textContent(`${row} .reason`)).toMatch(/^Threshold Crossed/);
    expect(await page.textContent('tr[data-alarm="charge-payment-Errors"] .badge')).toBe('ALARM');
    expect(await page.textContent('tr[data-alarm="validate-payment-Errors"] .badge')).toBe('OK');
    expect(await page.textContent('[data-testid="count-FAILED"]')).toBe('3');
    // With no dead letters there is no replay button, and no stray "null" in its place.
    expect(await page.locator('[data-testid="replay-dead-letters"]').count()).toBe(0);
    expect(await page.textContent('#view')).not.toContain('null');
    await page.screenshot({ path: join(artifactsDir, 'alarm-firing.png'), fullPage: true });
  });
});
