import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DashboardQueries } from '../../src/api/dashboard/dashboard-queries.js';
import { SqliteTransactionQueries } from '../../src/api/transaction-queries.js';
import { charged } from '../payments/handlers/fixture.js';
import { createDashboardFixture, OperateKey, ReadKey } from './dashboard-fixture.js';
import type { DashboardFixture } from './dashboard-fixture.js';

const read = { authorization: `Bearer ${ReadKey}` };
const operate = { authorization: `Bearer ${OperateKey}` };

describe('dashboard plugin', () => {
  let fixture: DashboardFixture;
  let caught: string;
  let failed: string;
  let replays = 0;

  beforeAll(async () => {
    fixture = await createDashboardFixture({
      alarms: {
        states: () => [
          { alarmName: 'Payments-ExecutionsFailed', state: 'OK', reason: 'fine', updatedAt: 1 },
        ],
      },
      queue: {
        depth: () => Promise.resolve({ visible: 3, inFlight: 1, delayed: 0, deadLetters: 2 }),
        replayDeadLetters: () => {
          replays++;
          return Promise.resolve(2);
        },
      },
    });
    caught = await fixture.run(fixture.machines.retryCatch, {}, 'caught-1');
    await fixture.run(fixture.machines.retryCatch, {}, 'caught-2');
    failed = await fixture.run(fixture.machines.failing, {}, 'failed-1');
  });
  afterAll(async () => {
    await fixture.close();
  });

  const get = async (url: string, headers: Record<string, string> = read) => {
    const response = await fixture.app.inject({ method: 'GET', url, headers });
    return { status: response.statusCode, body: response.json<Record<string, unknown>>() };
  };

  it('serves the page at / and its assets, without a key', async () => {
    const page = await fixture.app.inject({ method: 'GET', url: '/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.body).toContain('/dashboard/static/app.js');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    const script = await fixture.app.inject({ method: 'GET', url: '/dashboard/static/app.js' });
    expect(script.headers['content-type']).toContain('text/javascript');
    const outside = await fixture.app.inject({
      method: 'GET',
      url: '/dashboard/static/..%2Fpackage.json',
    });
    expect(outside.statusCode).toBe(404);
  });

  it.each([
    { name: 'without a key', headers: {}, status: 401 },
    { name: 'with an unknown key', headers: { authorization: 'Bearer nope' }, status: 401 },
  ])('refuses the API $name', async ({ headers, status }) => {
    expect((await get('/dashboard/api/overview', headers)).status).toBe(status);
  });

  it('counts executions by status, in the window, with latency and the ops sources', async () => {
    const { status, body } = await get('/dashboard/api/overview?window=1h');
    expect(status).toBe(200);
    expect(body.statusCounts).toMatchObject({ SUCCEEDED: 2, FAILED: 1, RUNNING: 0 });
    expect(body.totals).toEqual({ started: 3, succeeded: 2, failed: 1, failureRate: 1 / 3 });
    expect(body.latency).toMatchObject({ count: 3 });
    // The retried executions waited 2 s + 4 s of (virtual) backoff; the failing one did not.
    expect(body.latency).toMatchObject({ p50: 6000, max: 6000 });
    expect(body.queue).toEqual({ visible: 3, inFlight: 1, delayed: 0, deadLetters: 2 });
    expect(body.alarms).toEqual([expect.objectContaining({ state: 'OK' })]);
    expect(body.waitingReviews).toBe(0);
    expect(body.features).toEqual({ deadLetterReplay: true, transactions: false });
  });

  it('lists executions newest first, filtered by status and id, a page at a time', async () => {
    const all = await get('/dashboard/api/executions?limit=2');
    const items = all.body.items as { name: string }[];
    expect(items.map((item) => item.name)).toEqual(['failed-1', 'caught-2']);
    const next = await get(
      `/dashboard/api/executions?limit=2&cursor=${String(all.body.nextCursor)}`,
    );
    expect((next.body.items as { name: string }[]).map((item) => item.name)).toEqual(['caught-1']);
    expect(next.body.nextCursor).toBeUndefined();

    const failures = await get('/dashboard/api/executions?status=FAILED');
    expect(failures.body.items).toEqual([
      expect.objectContaining({ executionArn: failed, error: 'Gateway.Fatal' }),
    ]);
    for (const id of ['caught-1', caught]) {
      const found = await get(`/dashboard/api/executions?id=${encodeURIComponent(id)}`);
      expect((found.body.items as { executionArn: string }[]).map((i) => i.executionArn)).toEqual([
        caught,
      ]);
    }
    expect((await get('/dashboard/api/executions?cursor=bogus')).status).toBe(400);
  });

  it('describes an execution with its definition, derived path and history', async () => {
    const { status, body } = await get(
      `/dashboard/api/execution?arn=${encodeURIComponent(caught)}`,
    );
    expect(status).toBe(200);
    expect(JSON.parse(body.definition as string)).toMatchObject({ StartAt: 'Validate' });
    expect(body.states).toMatchObject({ Charge: { status: 'caught', retries: 2 } });
    expect(body.eventCount).toBe((body.events as unknown[]).length);
    expect(body.waitingForReview).toBe(false);
  });

  it('refuses an operator action to a read-only key, and audits nothing', async () => {
    const before = fixture.audit.length;
    const response = await fixture.app.inject({
      method: 'POST',
      url: `/dashboard/api/execution/redrive?arn=${encodeURIComponent(failed)}`,
      headers: read,
      payload: { confirm: true },
    });
    expect(response.statusCode).toBe(403);
    expect(fixture.audit.length).toBe(before);
  });

  it('refuses an action that was not confirmed', async () => {
    const response = await fixture.app.inject({
      method: 'POST',
      url: `/dashboard/api/execution/redrive?arn=${encodeURIComponent(failed)}`,
      headers: operate,
      payload: {},
    });
    expect(response.statusCode).toBe(400);
  });

  it('approves a waiting review: the workflow completes and the action is audited', async () => {
    const name = 'review-approve';
    const arn = await fixture.run(
      fixture.machines.review,
      { payment: { amount: '5.00' } },
      name,
      false,
    );
    await fixture.reviewRequested(name);
    const reviews = await get('/dashboard/api/reviews');
    expect(reviews.body.items).toEqual([
      expect.objectContaining({
        executionArn: arn,
        stateName: 'RequestManualReview',
        // The task token stays on the server.
        parameters: { FunctionName: 'requestReview', Payload: { payment: { amount: '5.00' } } },
      }),
    ]);
    const response = await fixture.app.inject({
      method: 'POST',
      url: `/dashboard/api/execution/review?arn=${encodeURIComponent(arn)}`,
      headers: operate,
      payload: { confirm: true, decision: 'approve', note: 'known customer' },
    });
    expect(response.statusCode).toBe(200);
    const row = await fixture.engine.engine.waitForExecution(arn);
    expect(row.status).toBe('SUCCEEDED');
    expect(JSON.parse(row.output ?? '{}')).toMatchObject({
      review: { decision: 'approve', reviewer: 'alice', note: 'known customer' },
    });
    expect(fixture.audit.at(-1)).toEqual({
      action: 'dashboard.review.approve',
      details: { executionArn: arn, note: 'known customer', actor: 'alice', outcome: 'succeeded' },
    });
    // Nothing waits any more: a second decision conflicts, and the attempt is audited too.
    const again = await fixture.app.inject({
      method: 'POST',
      url: `/dashboard/api/execution/review?arn=${encodeURIComponent(arn)}`,
      headers: operate,
      payload: { confirm: true, decision: 'reject' },
    });
    expect(again.statusCode).toBe(409);
    expect(fixture.audit.at(-1)).toMatchObject({
      action: 'dashboard.review.reject',
      details: { outcome: 'failed', error: 'Conflict' },
    });
  });

  it('replays dead letters for an operator, once confirmed, and audits it', async () => {
    const response = await fixture.app.inject({
      method: 'POST',
      url: '/dashboard/api/dead-letters/replay',
      headers: operate,
      payload: { confirm: true },
    });
    expect(response.json()).toEqual({ replayed: 2 });
    expect(replays).toBe(1);
    expect(fixture.audit.at(-1)).toEqual({
      action: 'dashboard.dead-letters.replay',
      details: { actor: 'alice', outcome: 'succeeded' },
    });
  });

  it('stops a running execution and redrives it', async () => {
    const name = 'review-stop';
    const arn = await fixture.run(fixture.machines.review, { payment: {} }, name, false);
    await fixture.reviewRequested(name);
    const stop = await fixture.app.inject({
      method: 'POST',
      url: `/dashboard/api/execution/stop?arn=${encodeURIComponent(arn)}`,
      headers: operate,
      payload: { confirm: true },
    });
    expect(stop.statusCode).toBe(200);
    expect(fixture.engine.control.describeExecution(arn)).toMatchObject({
      status: 'ABORTED',
      error: 'Operator.Stopped',
    });
    const redrive = await fixture.app.inject({
      method: 'POST',
      url: `/dashboard/api/execution/redrive?arn=${encodeURIComponent(arn)}`,
      headers: operate,
      payload: { confirm: true },
    });
    expect(redrive.statusCode).toBe(200);
    expect(fixture.engine.control.describeExecution(arn)).toMatchObject({
      status: 'RUNNING',
      redriveCount: 1,
    });
    expect(fixture.audit.slice(-2).map((entry) => entry.action)).toEqual([
      'dashboard.execution.stop',
      'dashboard.execution.redrive',
    ]);
    await fixture.engine.control.stopExecution({ executionArn: arn });
  });
});

describe('dashboard queries over 100,000 executions', () => {
  let fixture: DashboardFixture;
  let queries: DashboardQueries;
  const start = Date.UTC(2026, 0, 1);

  beforeAll(async () => {
    fixture = await createDashboardFixture();
    const db = fixture.engine.db;
    const insert = db.prepare(
      `INSERT INTO executions (arn, state_machine_arn, name, definition_hash, status, input, start_date, stop_date, seed)
       VALUES (?, ?, ?, 'h', ?, '{}', ?, ?, 's')`,
    );
    const statuses = ['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED', 'FAILED', 'RUNNING'];
    db.transaction(() => {
      for (let i = 0; i < 100_000; i++) {
        const status = statuses[i % statuses.length] as string;
        const startDate = start + i * 1000;
        insert.run(
          `${fixture.machines.retryCatch.replace(':stateMachine:', ':execution:')}:bulk-${i}`,
          fixture.machines.retryCatch,
          `bulk-${i}`,
          status,
          startDate,
          status === 'RUNNING' ? null : startDate + (i % 100) * 10,
        );
      }
    })();
    queries = new DashboardQueries(db, 'us-east-1', '000000000000');
  });
  afterAll(async () => {
    await fixture.close();
  });

  it('counts by status, and summarises a window through the start-date index', () => {
    expect(queries.statusCounts()).toMatchObject({
      SUCCEEDED: 60_000,
      FAILED: 20_000,
      RUNNING: 20_000,
    });
    const hour = queries.window(start, start + 3_600_000, 60_000);
    expect(hour.timeline).toHaveLength(60);
    expect(hour.timeline[0]).toEqual({ start, started: 60, succeeded: 36, failed: 12 });
    expect(hour.latency.count).toBe(2_880);
    const { latency } = queries.window(start, start + 100_000_000, 3_600_000);
    // Closed durations are 10 ms × (i mod 100) for i mod 5 ≠ 4: 80 values, 1,000 times each.
    expect(latency).toEqual({ count: 80_000, p50: 480, p90: 880, p99: 980, max: 980 });
  });

  it.each([
    { name: 'no filter', filter: {} },
    { name: 'a status', filter: { status: 'FAILED' as const } },
    { name: 'a status and a time range', filter: { status: 'RUNNING' as const, from: start } },
    { name: 'a time range', filter: { from: start, to: start + 50_000_000 } },
  ])('pages with $name through an index, never a table scan', ({ filter }) => {
    const plan = queries.explainList({ limit: 50, ...filter }).join('\n');
    expect(plan).not.toMatch(/SCAN executions(?! USING)/);
    // Sorting within one start date (the rowid tie-break) is fine: the index gives the order.
    expect(plan).not.toContain('USE TEMP B-TREE FOR ORDER BY');
    const first = queries.listExecutions({ limit: 50, ...filter });
    expect(first.items.length).toBeGreaterThan(0);
  });

  it('finds an id by primary key under each state machine', () => {
    const plan = queries.explainList({ limit: 50, id: 'bulk-77' }).join('\n');
    expect(plan).toContain('SEARCH executions USING INDEX sqlite_autoindex_executions_1 (arn=?)');
    expect(queries.listExecutions({ limit: 50, id: 'bulk-77' }).items).toEqual([
      expect.objectContaining({ name: 'bulk-77', status: 'SUCCEEDED' }),
    ]);
  });

  it('walks every page of a filter exactly once', () => {
    const seen = new Set<string>();
    let cursor: string | undefined;
    do {
      const page = queries.listExecutions({
        limit: 200,
        status: 'FAILED',
        ...(cursor === undefined ? {} : { cursor }),
      });
      for (const item of page.items) seen.add(item.executionArn);
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    expect(seen.size).toBe(20_000);
  });
});

describe('dashboard transactions', () => {
  let fixture: DashboardFixture;

  beforeAll(async () => {
    const { f } = await charged();
    fixture = await createDashboardFixture({
      transactions: { queries: new SqliteTransactionQueries(f.db), store: f.store, audit: f.audit },
    });
    // The payment's execution carries its transaction id as name.
    await fixture.run(fixture.machines.retryCatch, {}, 'TXN-001');
  });
  afterAll(async () => {
    await fixture.close();
  });

  const get = async (url: string) => {
    const response = await fixture.app.inject({ method: 'GET', url, headers: read });
    return { status: response.statusCode, body: response.json<Record<string, unknown>>() };
  };

  it.each([
    { name: 'its id', query: 'id=TXN-001', found: ['TXN-001'] },
    { name: 'its customer', query: 'customer=CUST-123', found: ['TXN-001'] },
    { name: 'another customer', query: 'customer=CUST-999', found: [] },
    { name: 'an unknown id', query: 'id=TXN-404', found: [] },
  ])('finds a transaction by $name', async ({ query, found }) => {
    const { status, body } = await get(`/dashboard/api/transactions?${query}`);
    expect(status).toBe(200);
    const items = body.items as { transaction_id: string; amount_display: string }[];
    expect(items.map((item) => item.transaction_id)).toEqual(found);
    if (found.length > 0) expect(items[0]?.amount_display).toBe('100.50 USD');
  });

  it('shows a transaction with its lifecycle, audit trail and execution', async () => {
    const { status, body } = await get('/dashboard/api/transactions/TXN-001');
    expect(status).toBe(200);
    const transaction = body.transaction as Record<string, unknown>;
    expect(transaction).toMatchObject({ transaction_id: 'TXN-001', status: 'CHARGED' });
    expect(
      (transaction.lifecycle as { path: { status: string }[] }).path.map((step) => step.status),
    ).toEqual(['VALIDATED', 'SCREENED', 'CHARGING', 'CHARGED']);
    const audit = body.audit as { action: string; actor: string }[];
    expect(audit.filter((entry) => entry.action === 'status_changed')).toHaveLength(4);
    expect(audit[0]?.actor).toBe('step:ValidatePayment');
    expect(body.executionArn).toMatch(/:execution:RetryThenCatch:TXN-001$/);
    expect(body.notifications).toEqual([]);
    expect((await get('/dashboard/api/transactions/TXN-404')).status).toBe(404);
  });

  it.each([
    { list: 'executions', url: '/dashboard/api/executions?cursor=bogus' },
    { list: 'transactions', url: '/dashboard/api/transactions?cursor=bogus' },
  ])('answers a cursor it did not issue for $list with a 400 problem', async ({ url }) => {
    const { status, body } = await get(url);
    expect(status).toBe(400);
    expect(body.code).toBe('ValidationFailed');
    expect(body.detail).toMatch(/cursor/);
  });
});
