/**
 * Load on a real server on loopback: a burst of signed webhooks and payment submissions at high
 * concurrency, with provider retries, client retries, conflicting payments, forced declines,
 * payments the rules reject and review decisions for payments that never come; then, once the
 * queue has drained, every accepted request is accounted for.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEBHOOK_QUEUE } from '../../src/main.js';
import { accountForLoad } from '../../src/sim/http-load-accounting.js';
import { LoadChannel, LoadIntent, LoadRole, planHttpLoad } from '../../src/sim/http-load-plan.js';
import type { LoadPlan } from '../../src/sim/http-load-plan.js';
import { awaitDrained, sendHttpLoad } from '../../src/sim/http-load.js';
import type { HttpLoadTarget, LoadAnswer } from '../../src/sim/http-load.js';
import { startLoopbackServer } from '../../src/sim/loopback-server.js';
import type { LoopbackServer } from '../../src/sim/loopback-server.js';

// `npm run test:soak` sets PAYSTEP_SOAK=1: ten times the payments, at a higher concurrency.
const soak = process.env['PAYSTEP_SOAK'] === '1';
const payments = soak ? 2000 : 200;
const concurrency = soak ? 128 : 64;
/** Two bursts and two drains, each with its own deadline below, fit in this. */
const testTimeoutMs = soak ? 1_800_000 : 300_000;

let server: LoopbackServer;
let target: HttpLoadTarget;
let plan: LoadPlan;
let answers: readonly LoadAnswer[];

beforeAll(async () => {
  server = await startLoopbackServer({
    // Every commit is fsync'd in the soak run; CI trades that for speed (the accounting is the same).
    synchronous: soak ? 'FULL' : 'NORMAL',
    // An event that keeps failing is dead-lettered on its second receipt, two seconds later.
    queueMaxReceiveCount: 1,
    // The burst comes from one webhook sender and one key: the rate limiter is not what is tested.
    rateLimitPerSecond: 10_000_000,
  });
  target = {
    url: server.url,
    submitKey: server.keys.submit,
    operateKey: server.keys.operate,
    webhookSecret: server.webhookSecret,
  };
});

afterAll(async () => {
  await server.close();
});

describe('the plan of a load test', () => {
  it('is the same for a seed, and holds every kind of request', () => {
    const plan = planHttpLoad({ seed: 5, payments: 400 });
    expect(planHttpLoad({ seed: 5, payments: 400 }).requests).toEqual(plan.requests);
    expect(planHttpLoad({ seed: 6, payments: 400 }).requests).not.toEqual(plan.requests);
    const kinds = new Set(
      [...plan.requests, ...plan.reviews].map((r) => `${r.channel}/${r.role}/${r.intent}`),
    );
    for (const kind of [
      `${LoadChannel.Webhook}/${LoadRole.Duplicate}/${LoadIntent.Approve}`,
      `${LoadChannel.Webhook}/${LoadRole.Conflict}/${LoadIntent.Approve}`,
      `${LoadChannel.Webhook}/${LoadRole.Original}/${LoadIntent.Invalid}`,
      `${LoadChannel.Webhook}/${LoadRole.Original}/${LoadIntent.OrphanReview}`,
      `${LoadChannel.Payment}/${LoadRole.Original}/${LoadIntent.Review}`,
      `${LoadChannel.Payment}/${LoadRole.Duplicate}/${LoadIntent.Approve}`,
      `${LoadChannel.Payment}/${LoadRole.KeyReuse}/${LoadIntent.Approve}`,
      `${LoadChannel.Payment}/${LoadRole.Original}/${LoadIntent.Decline}`,
      `${LoadChannel.Webhook}/${LoadRole.Duplicate}/${LoadIntent.Review}`,
      `${LoadChannel.Payment}/${LoadRole.Original}/${LoadIntent.Invalid}`,
    ]) {
      expect(kinds).toContain(kind);
    }
  });
});

describe('a burst on a real server', () => {
  it(
    'accounts for every accepted request once the queue drains: none lost, none twice, no 5xx',
    async () => {
      plan = planHttpLoad({ seed: 1, payments, conflictShare: 0.05, keyReuseShare: 0.05 });

      // Each wait gives up inside the test's own timeout, so a queue that never drains fails
      // with what was left in it (depth, running, in review), not with a bare test timeout.
      const deadlineMs = soak ? 600_000 : 60_000;

      // A request may wait long on a loaded machine; a timeout here is a lost answer, not a finding.
      const timeoutMs = soak ? 300_000 : 60_000;
      const burst = await sendHttpLoad(target, plan.requests, { concurrency, timeoutMs });
      const settled = await awaitDrained(target, { deadlineMs });
      expect(settled.drained, `not drained: ${JSON.stringify(settled)}`).toBe(true);
      const decisions = await sendHttpLoad(target, plan.reviews, { concurrency, timeoutMs });
      const drained = await awaitDrained(target, { deadlineMs });
      expect(drained).toMatchObject({ drained: true, running: 0, inReview: 0 });
      answers = [...burst.answers, ...decisions.answers];

      const account = accountForLoad(plan, answers, server.paystep.db, WEBHOOK_QUEUE);
      expect(account.checks.filter((c) => !c.ok)).toEqual([]);
      expect(Object.keys(account.statuses).filter((s) => !/^[24]\d\d$/.test(s))).toEqual([]);
      // The failures planned did happen, and ended where they should.
      expect(account.outcomes['COMPLETED']).toBeGreaterThan(payments / 2);
      expect(account.outcomes['DECLINED']).toBeGreaterThan(0);
      expect(account.rejectedByWorkflow).toBeGreaterThan(0);
      expect(settled.inReview).toBeGreaterThan(0);
      expect(account.deadLetters['MAX_RECEIVE_COUNT_EXCEEDED/Webhook.TooEarly']).toBe(2);
      expect(account.deadLetters['REJECTED/Conflict']).toBeGreaterThan(0);
      expect(account.statuses['200']).toBeGreaterThan(0); // webhook retries answered as duplicates
      expect(account.statuses['422']).toBeGreaterThan(0); // rejected payments and reused keys
    },
    testTimeoutMs,
  );

  it('has an accounting that catches a 5xx, a lost event and a stray charge', () => {
    const db = server.paystep.db;
    const webhook = answers.findIndex(
      (a) => a.request.channel === LoadChannel.Webhook && a.request.intent === LoadIntent.Approve,
    );
    const lostEvent = answers[webhook]?.request.eventId ?? '';
    const invalid = [...plan.payments].find(([, p]) => p.intent === LoadIntent.Invalid)?.[0] ?? '';
    db.prepare('DELETE FROM webhook_events WHERE event_id = ?').run(lostEvent);
    db.prepare(
      `INSERT INTO gateway_sim_ledger (kind, idempotency_key, charge_id, status, amount_minor, currency, fingerprint, result)
       VALUES ('charge', ?, 'ch_stray', 'succeeded', 100, 'USD', '[]', '{}')`,
    ).run(invalid);
    const tampered = answers.map((a, i) =>
      i === 0
        ? {
            ...a,
            outcome: {
              ...a.outcome,
              kind: 'response' as const,
              status: 500,
              headers: {},
              body: '{}',
              ms: 1,
            },
          }
        : a,
    );

    const failed = accountForLoad(plan, tampered, db, WEBHOOK_QUEUE)
      .checks.filter((c) => !c.ok)
      .map((c) => c.name);

    expect(failed).toEqual(
      expect.arrayContaining([
        'no request was answered 5xx',
        'every accepted event was processed or dead-lettered with a reason, exactly once',
        'the gateway charged each payment at most once, once per COMPLETED payment',
      ]),
    );
  });

  // Found by this load test: a payment submitted while another under the same transaction id was
  // being started (its start not yet committed) was answered 404 instead of 409. The engine now
  // decides a start that meets a pending one once that one is committed.
  it('answers 409 to a payment racing another under the same transaction id', async () => {
    const post = (id: string, amount: string) =>
      fetch(`${server.url}/payments`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${server.keys.submit}`,
        },
        body: JSON.stringify({
          transaction_id: id,
          payment_amount: amount,
          payment_method: 'debit_card',
          customer_id: `CUST-${id}`,
        }),
      }).then((response) => response.status);
    const statuses: number[] = [];
    for (let round = 0; round < 3; round++) {
      const pairs = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          Promise.all([
            post(`TXN-RACE-${round}-${i}`, '10.00'),
            post(`TXN-RACE-${round}-${i}`, '10.01'),
          ]),
        ),
      );
      statuses.push(...pairs.flat());
    }
    expect(statuses.filter((status) => status !== 202 && status !== 409)).toEqual([]);
  });

  it('stays ready after the burst', async () => {
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
  });
});
