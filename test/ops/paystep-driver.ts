/**
 * Drives paystep's executions through their retries on a manual clock, without sleeping: it
 * yields to the event loop until every execution still running is parked on a retry timer (the
 * engine committed the failure and armed the backoff), then moves the clock to those timers.
 * Time only moves when nothing else can happen, so each run takes the same virtual time.
 * Also a gateway for tests: it charges, or fails transiently for chosen payments.
 */
import { GatewayTransientError } from '../../src/payments/ports/gateway.js';
import type { ChargeResult, PaymentGateway } from '../../src/payments/ports/gateway.js';
import type { SqliteDatabase } from '../../src/sqlite/database.js';
import type { Paystep } from '../../src/main.js';

/** A clock the test moves (ManualClock). */
export interface SteppedClock {
  now(): number;
  advanceBy(ms: number): void;
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Due time of the retry timer each running execution waits on, or undefined if one is busy. */
function parkedOnRetries(db: SqliteDatabase, arns: readonly string[]): number[] | undefined {
  const dues: number[] = [];
  for (const arn of arns) {
    const row = db
      .prepare(
        `SELECT e.status, (SELECT MIN(due_at) FROM timers t WHERE t.execution_arn = e.arn AND t.kind = 'retry') AS due
         FROM executions e WHERE e.arn = ?`,
      )
      .get(arn) as { status: string; due: number | null } | undefined;
    if (row === undefined) return undefined;
    if (row.status !== 'RUNNING') continue;
    if (row.due === null) return undefined;
    dues.push(row.due);
  }
  return dues;
}

/**
 * Runs the executions to their end, moving `clock` only to fire their retry timers.
 * @returns the virtual time it took
 */
export async function runToEnd(
  paystep: Paystep,
  clock: SteppedClock,
  executionArns: readonly string[],
): Promise<number> {
  const started = clock.now();
  let open = executionArns.length;
  const closed = Promise.all(
    executionArns.map((arn) => paystep.engine.waitForExecution(arn).then(() => open--)),
  );
  // Bounded, so a workflow that waits on something else fails the test instead of hanging it.
  for (let turn = 0; open > 0; turn++) {
    if (turn > 200_000) throw new Error('the executions did not finish on retries alone');
    await yieldToEventLoop();
    const dues = parkedOnRetries(paystep.db, executionArns);
    if (dues === undefined || dues.length === 0) continue;
    const latest = Math.max(...dues);
    if (latest > clock.now()) clock.advanceBy(latest - clock.now());
  }
  await closed;
  return clock.now() - started;
}

/** A gateway that charges every payment except those `fails` picks, which fail transiently. */
export function testGateway(now: () => number, fails: (transactionId: string) => boolean) {
  const calls: string[] = [];
  const gateway: PaymentGateway = {
    charge(request) {
      calls.push(request.idempotencyKey);
      if (fails(request.idempotencyKey)) {
        return Promise.reject(new GatewayTransientError('gateway answered 503'));
      }
      const result: ChargeResult = {
        status: 'succeeded',
        chargeId: `ch_${request.idempotencyKey}`,
        idempotencyKey: request.idempotencyKey,
        amount: request.amount,
        createdAt: new Date(now()).toISOString(),
      };
      return Promise.resolve(result);
    },
    getCharge: () => Promise.resolve(undefined),
    refund: () => Promise.reject(new Error('no refunds in this test')),
  };
  return { gateway, calls };
}
