/**
 * The dashboard in real headless Chromium against a server on loopback with real executions:
 * the overview shows the API's numbers, an execution's graph shows a retried-then-caught state,
 * an operator approves a manual review and the workflow completes. Screenshots of the main pages
 * are saved to test-artifacts/dashboard/.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlarmMonitor, SqliteMetricStore, defaultAlarms } from '../../src/ops/index.js';
import { SqliteTransactionQueries } from '../../src/api/transaction-queries.js';
import { loadPaymentWorkflow, localSubstitutions } from '../../src/payments/workflow/index.js';
import { openDatabase } from '../../src/sqlite/database.js';
import { charged } from '../payments/handlers/fixture.js';
import type { SqliteDatabase } from '../../src/sqlite/database.js';
import { artifactsDir, chromiumPath, hasChromium, launchBrowser } from './browser.js';
import type { Browser } from './browser.js';
import { createDashboardFixture, OperateKey } from './dashboard-fixture.js';
import type { DashboardFixture } from './dashboard-fixture.js';

// Browser globals used inside page functions (this project's type-check has no DOM library).
declare const sessionStorage: { setItem(key: string, value: string): void };
declare const getComputedStyle: (element: unknown) => { stroke: string };

const title = hasChromium
  ? 'dashboard in headless Chromium'
  : `dashboard in headless Chromium — SKIPPED: ${chromiumPath} is not installed (apt-get install chromium)`;

describe.skipIf(!hasChromium)(title, () => {
  let fixture: DashboardFixture;
  let opsDb: SqliteDatabase;
  let browser: Browser;
  let page: Page;
  let base: string;
  let caughtArn: string;
  let deadLetters = 1;

  beforeAll(async () => {
    opsDb = openDatabase(':memory:');
    let now = () => 0;
    const metrics = new SqliteMetricStore(opsDb, { now: () => now() });
    const alarms = new AlarmMonitor({
      db: opsDb,
      metrics,
      alarms: defaultAlarms({
        stateMachineName: 'Failing',
        stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:Failing',
        functionNames: ['charge'],
      }),
      alerts: { publish: () => undefined },
      now: () => now(),
      schedule: () => () => undefined,
    });
    // A charged payment TXN-001 (customer CUST-123) in the transaction store, with its audit trail.
    const payments = (await charged()).f;
    fixture = await createDashboardFixture({
      transactions: {
        queries: new SqliteTransactionQueries(payments.db),
        store: payments.store,
        audit: payments.audit,
      },
      alarms,
      queue: {
        depth: () =>
          Promise.resolve({ visible: 4, inFlight: 1, delayed: 0, deadLetters: deadLetters }),
        replayDeadLetters: () => {
          const replayed = deadLetters;
          deadLetters = 0;
          return Promise.resolve(replayed);
        },
      },
    });
    now = () => fixture.engine.clock.now();

    caughtArn = await fixture.run(fixture.machines.retryCatch, { amount: '12.50' }, 'pay-0001');
    await fixture.run(fixture.machines.retryCatch, { amount: '99.00' }, 'pay-0002');
    await fixture.run(fixture.machines.retryCatch, { amount: '100.50' }, 'TXN-001');
    for (const name of ['pay-0003', 'pay-0004', 'pay-0005']) {
      await fixture.run(fixture.machines.failing, { amount: '1.00' }, name);
    }
    // Three failures a minute ago put the ExecutionsFailed alarm in ALARM.
    for (let i = 0; i < 3; i++) {
      metrics.record({
        namespace: 'AWS/States',
        name: 'ExecutionsFailed',
        dimensions: { StateMachineArn: fixture.machines.failing },
        value: 1,
        unit: 'Count',
        timestamp: fixture.engine.clock.now() - 60_000,
      });
    }
    metrics.flush();
    fixture.engine.clock.advanceBy(60_000);
    alarms.evaluateAll();

    const address = await fixture.app.listen({ host: '127.0.0.1', port: 0 });
    base = address;
    browser = await launchBrowser();
    page = await browser.context.newPage();
    // The operator's key, as the top bar's field would keep it for the tab.
    await page.addInitScript((key) => sessionStorage.setItem('paystep.apiKey', key), OperateKey);
  });

  afterAll(async () => {
    await browser?.close();
    await fixture?.close();
    opsDb?.close();
  });

  const api = async <T>(path: string): Promise<T> => {
    const response = await fetch(`${base}/dashboard/api${path}`, {
      headers: { authorization: `Bearer ${OperateKey}` },
    });
    expect(response.status).toBe(200);
    return (await response.json()) as T;
  };

  const shot = (name: string) =>
    page.screenshot({ path: join(artifactsDir, `${name}.png`), fullPage: true });

  it('shows overview numbers that match the API', async () => {
    await page.goto(`${base}/`);
    await page.waitForSelector('#view[data-loaded="overview"]');
    const overview = await api<{
      statusCounts: Record<string, number>;
      totals: { started: number; failed: number; failureRate: number };
      waitingReviews: number;
      alarms: { alarmName: string; state: string }[];
    }>('/overview?window=24h');
    expect(overview.statusCounts).toMatchObject({ SUCCEEDED: 3, FAILED: 3 });
    for (const [status, count] of Object.entries(overview.statusCounts)) {
      expect(await page.textContent(`[data-testid="count-${status}"]`)).toBe(String(count));
    }
    expect(await page.textContent('[data-testid="window-started"]')).toBe(
      String(overview.totals.started),
    );
    expect(await page.textContent('[data-testid="failure-rate"]')).toBe(
      `${(overview.totals.failureRate * 100).toFixed(1)}%`,
    );
    expect(await page.textContent('[data-testid="waiting-reviews"]')).toBe(
      String(overview.waitingReviews),
    );
    expect(await page.textContent('[data-testid="queue-dead-letters"]')).toBe('1');
    const failedAlarm = overview.alarms.find((alarm) =>
      alarm.alarmName.endsWith('ExecutionsFailed'),
    );
    expect(failedAlarm?.state).toBe('ALARM');
    expect(await page.textContent(`tr[data-alarm="${failedAlarm?.alarmName ?? ''}"] .badge`)).toBe(
      'ALARM',
    );
    // The charts are drawn: one bar per status series in the bucket that has executions.
    expect(await page.locator('svg.chart rect.fill-failed').count()).toBeGreaterThan(0);
    await shot('overview');

    // Replaying the dead letter is confirmed first, then the depth drops to zero.
    await page.click('[data-testid="replay-dead-letters"]');
    await page.click('[data-testid="confirm-ok"]');
    await expect
      .poll(() => page.textContent('[data-testid="queue-dead-letters"]'), { timeout: 15_000 })
      .toBe('0');
    expect(fixture.audit.at(-1)).toMatchObject({ action: 'dashboard.dead-letters.replay' });
  });

  it('lists executions filtered by status', async () => {
    await page.goto(`${base}/#/executions?status=FAILED`);
    await page.waitForSelector('#view[data-loaded="executions"]');
    const rows = page.locator('[data-testid="executions"] tbody tr[data-arn]');
    expect(await rows.count()).toBe(3);
    expect(await rows.first().textContent()).toContain('Gateway.Fatal');
    await shot('executions');
  });

  it("draws a retried-then-caught state as caught with its retries, and shows a step's input and output", async () => {
    await page.goto(`${base}/#/execution/${encodeURIComponent(caughtArn)}`);
    await page.waitForSelector('#view[data-loaded="execution"]');
    const node = (state: string) => page.locator(`svg.graph g[data-state="${state}"]`);
    expect(await node('Charge').getAttribute('data-status')).toBe('caught');
    expect(await node('Charge').getAttribute('data-retries')).toBe('2');
    expect(await node('Charge').locator('.retry-badge').textContent()).toBe('↻2');
    expect(await node('Validate').getAttribute('data-status')).toBe('succeeded');
    expect(await node('Recover').getAttribute('data-status')).toBe('succeeded');
    expect(await node('Record').getAttribute('data-status')).toBe('not-reached');
    // The colour is the console's "caught error" orange, not the failed red.
    const stroke = await node('Charge')
      .locator('rect')
      .first()
      .evaluate((rect) => getComputedStyle(rect).stroke);
    expect(stroke).toBe('rgb(176, 101, 12)');

    // The page opens on the step that needs attention; clicking a state shows that one.
    const panel = page.locator('[data-testid="step-panel"]');
    expect(await panel.getAttribute('data-state')).toBe('Charge');
    await node('Validate').click();
    await expect.poll(() => panel.getAttribute('data-state')).toBe('Validate');
    await node('Charge').click();
    await expect.poll(() => panel.getAttribute('data-state')).toBe('Charge');
    const text = await panel.textContent();
    expect(text).toContain('"amount": "12.50"');
    expect(text).toContain('Gateway.Transient');
    expect(await page.locator('[data-testid="events"] tbody tr').count()).toBe(
      fixture.engine.control.history(caughtArn).length,
    );
    await shot('execution-caught');
  });

  it('draws the payment workflow with a charge that exhausted its retries and was caught', async () => {
    const { stateMachineArn } = fixture.engine.control.createStateMachine({
      name: 'PaymentWorkflow',
      definition: loadPaymentWorkflow(localSubstitutions('us-east-1', '000000000000')),
    });
    const arn = await fixture.run(stateMachineArn, { amount: '250.00' }, 'TXN-PAY-1');
    expect(fixture.engine.control.describeExecution(arn).status).toBe('FAILED');
    await page.goto(`${base}/#/execution/${encodeURIComponent(arn)}`);
    await page.waitForSelector('#view[data-loaded="execution"]');
    const statusOf = (state: string) =>
      page.locator(`svg.graph g[data-state="${state}"]`).getAttribute('data-status');
    const expected: Record<string, string> = {
      ValidatePayment: 'succeeded',
      ScreenFraud: 'succeeded',
      FraudDecision: 'succeeded',
      ChargePayment: 'caught',
      RecordFailure: 'succeeded',
      AlertOperations: 'succeeded',
      PaymentFailed: 'failed',
      RequestManualReview: 'not-reached',
      NotifyCustomer: 'not-reached',
    };
    for (const [state, status] of Object.entries(expected)) {
      expect([state, await statusOf(state)]).toEqual([state, status]);
    }
    expect(
      await page.locator('svg.graph g[data-state="ChargePayment"]').getAttribute('data-retries'),
    ).toBe('3');
    await shot('execution-payment-workflow');
  });

  it('finds a transaction by customer and shows its lifecycle and audit trail', async () => {
    await page.goto(`${base}/#/transactions`);
    await page.fill('[data-testid="tx-customer"]', 'CUST-123');
    await page.press('[data-testid="tx-customer"]', 'Enter');
    const row = page.locator('[data-testid="transactions"] tr[data-transaction="TXN-001"]');
    await row.waitFor();
    expect(await row.textContent()).toContain('100.50 USD');
    await row.locator('a').click();
    await page.waitForSelector('#view[data-loaded="transaction"]');
    const steps = page.locator('[data-testid="lifecycle"] li');
    const statuses: (string | null)[] = [];
    for (const step of await steps.all()) statuses.push(await step.getAttribute('data-status'));
    expect(statuses).toEqual(['VALIDATED', 'SCREENED', 'CHARGING', 'CHARGED']);
    expect(await page.locator('[data-testid="audit"] tbody tr').count()).toBeGreaterThanOrEqual(4);
    await shot('transaction');
    await page.click('text=SUCCEEDED');
    await page.waitForSelector('#view[data-loaded="execution"]');
    expect(page.url()).toContain(encodeURIComponent(':execution:RetryThenCatch:TXN-001'));
  });

  it('lets an operator approve a manual review, after confirming, and the workflow completes', async () => {
    const name = 'pay-review-0006';
    const arn = await fixture.run(
      fixture.machines.review,
      { payment: { amount: { amount_minor: 74000, currency: 'EUR' }, customer_id: 'cus_42' } },
      name,
      false,
    );
    await fixture.reviewRequested(name);

    await page.goto(`${base}/#/reviews`);
    await page.waitForSelector('#view[data-loaded="reviews"]');
    const row = page.locator(`[data-testid="reviews"] tr[data-arn="${arn}"]`);
    expect(await row.textContent()).toContain('740.00 EUR');
    await shot('reviews');

    await row.locator('a').click();
    await page.waitForSelector('#view[data-loaded="execution"]');
    expect(
      await page
        .locator('svg.graph g[data-state="RequestManualReview"]')
        .getAttribute('data-status'),
    ).toBe('running');
    await page.click('[data-testid="approve"]');
    const dialog = page.locator('dialog#confirm');
    await dialog.waitFor({ state: 'visible' });
    await page.fill('#confirm-note', 'Known customer, verified by phone');
    await shot('review-confirm');
    await page.click('[data-testid="confirm-ok"]');

    const closed = await fixture.engine.engine.waitForExecution(arn);
    expect(closed.status).toBe('SUCCEEDED');
    expect(JSON.parse(closed.output ?? '{}')).toMatchObject({
      review: { decision: 'approve', reviewer: 'alice', note: 'Known customer, verified by phone' },
    });
    // The page follows the running execution on its own (it refreshes every 2 s while running).
    await expect
      .poll(
        () => page.locator('svg.graph g[data-state="ChargePayment"]').getAttribute('data-status'),
        { timeout: 15_000 },
      )
      .toBe('succeeded');
    expect(
      await page.locator('svg.graph g[data-state="Declined"]').getAttribute('data-status'),
    ).toBe('not-reached');
    expect(fixture.audit.at(-1)).toMatchObject({
      action: 'dashboard.review.approve',
      details: { executionArn: arn, actor: 'alice', outcome: 'succeeded' },
    });
    await shot('review-approved');
  });
});
