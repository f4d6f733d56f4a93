/**
 * The simulation driver: submits the day's planned payments at their arrival times on the
 * virtual clock, lets the simulated operator answer manual reviews after a delay, evaluates the
 * alarms at every minute boundary virtual time passes, and returns once every payment's workflow
 * has finished. Everything it leaves behind is in the SQLite file, so the summary is read from
 * there, and a process killed mid-day resumes by running this again on the same file: arrivals
 * already submitted are idempotent starts, running executions recover, reviews are re-found.
 */
import { randomFor } from '../adapters/gateway/seeded-random.js';
import { SqliteTransactionQueries } from '../api/transaction-queries.js';
import type { CrashPoint } from '../engine/engine.js';
import type { ExecutionRow } from '../engine/store.js';
import { ExecutionStatus } from '../ops/ops-metrics.js';
import type { DayPlan, PlannedPayment } from './day-plan.js';
import { planDay } from './day-plan.js';
import type { SimulationConfig } from './sim-config.js';
import { MinuteMs } from './sim-config.js';
import type { SimWorld } from './sim-world.js';
import { openSimWorld } from './sim-world.js';

/** How far a running simulation got. */
export interface SimulationProgress {
  readonly total: number;
  readonly submitted: number;
  readonly finished: number;
  /** Virtual time now, epoch ms. */
  readonly virtualNow: number;
}

export interface RunSimulationOptions {
  /** The SQLite file the day is kept in (created, or resumed if it holds a partial day). */
  file: string;
  /** Told after each submission and each finished payment. @default none */
  onProgress?: (progress: SimulationProgress) => void;
  /** Crash points of the engine's commit cycle, for chaos. @default none */
  crashPoint?: (name: CrashPoint) => void;
  /** How long after the last payment alarms keep being evaluated, ms. @default 10 min */
  settleMs?: number;
}

/** Runs (or resumes) the day of `config` in `options.file` until every payment has finished. */
export async function runSimulation(
  config: SimulationConfig,
  options: RunSimulationOptions,
): Promise<DayPlan> {
  const plan = planDay(config);
  let failure: unknown;
  // The operator needs the world, and the world tells the operator: tie the knot lazily.
  const reviews = reviewScheduler(config, () => world);
  const world: SimWorld = openSimWorld(config, {
    file: options.file,
    onReviewRequested: (id) => reviews.schedule(id, world.clock.now()),
    ...(options.crashPoint ? { crashPoint: options.crashPoint } : {}),
    onError: (error) => {
      failure ??= error;
    },
  });
  try {
    await drive(world, plan, options, reviews, () => failure);
  } finally {
    await world.close();
  }
  return plan;
}

interface ReviewScheduler {
  schedule(transactionId: string, requestedAt: number): void;
}

/**
 * The simulated operator: decides each review after a delay drawn from the seed and the
 * transaction id (so a restarted day decides the same way), approving most.
 */
function reviewScheduler(config: SimulationConfig, world: () => SimWorld): ReviewScheduler {
  const pending = new Set<string>();
  return {
    schedule(transactionId, requestedAt) {
      if (pending.has(transactionId)) return;
      pending.add(transactionId);
      const random = randomFor(config.seed, 'review', transactionId);
      const delay =
        config.reviewDelayMinMs + random() * (config.reviewDelayMaxMs - config.reviewDelayMinMs);
      const decision = random() < config.reviewApproveRate ? 'approve' : 'reject';
      const { clock, operations } = world();
      clock.schedule(Math.max(clock.now(), Math.round(requestedAt + delay)), () => {
        pending.delete(transactionId);
        // A review no longer waiting (decided before a crash, or expired) is a Conflict: fine.
        operations
          .decideReview(transactionId, decision, 'operator:simulated', 'simulated operator')
          .catch(() => undefined);
      });
    },
  };
}

async function drive(
  world: SimWorld,
  plan: DayPlan,
  options: RunSimulationOptions,
  reviews: ReviewScheduler,
  failure: () => unknown,
): Promise<void> {
  const { clock, engine, operations } = world;
  const payments = plan.payments;
  const total = payments.length;
  let submitted = 0;
  let finished = 0;
  let nextEvaluation = Math.floor(clock.now() / MinuteMs) * MinuteMs + MinuteMs;
  const catchUpAlarms = (until: number) => {
    for (; nextEvaluation <= until; nextEvaluation += MinuteMs)
      world.evaluateAlarmsAt(nextEvaluation);
  };
  const report = () =>
    options.onProgress?.({ total, submitted, finished, virtualNow: clock.now() });

  const resumedAt = clock.now();
  engine.start();
  // Reviews a previous process left waiting: the operator has not forgotten them.
  const queries = new SqliteTransactionQueries(world.db);
  for (let cursor: string | undefined, first = true; first || cursor !== undefined; first = false) {
    const page = queries.list({
      status: 'IN_REVIEW',
      limit: 1000,
      ...(cursor === undefined ? {} : { cursor }),
    });
    for (const item of page.items) reviews.schedule(item.transaction_id, item.updated_at);
    cursor = page.next_cursor;
  }

  let stalled: (() => void) | undefined;
  await new Promise<void>((resolve, reject) => {
    const fail = (error: unknown) =>
      reject(error instanceof Error ? error : new Error(String(error)));
    const onFinished = (payment: PlannedPayment, row: ExecutionRow) => {
      finished++;
      // Executions a previous process finished were measured by that process.
      if (row.stop_date !== null && row.stop_date >= resumedAt) recordFinished(world, payment, row);
      world.recordActivity(clock.now());
      world.saveClock();
      catchUpAlarms(clock.now());
      report();
      const error = failure();
      if (error !== undefined) fail(error);
      else if (finished === total) resolve();
    };
    const submit = (payment: PlannedPayment) => {
      submitted++;
      world.saveClock();
      catchUpAlarms(clock.now());
      report();
      operations
        .submit(payment.request, { prevalidate: false })
        .then((started) => {
          if (started.created) world.metrics.executionStarted(world.stateMachineArn);
          return engine.waitForExecution(started.execution_arn);
        })
        .then((row) => onFinished(payment, row), fail);
    };
    // One arrival timer at a time: the clock's timer list stays short.
    let next = 0;
    const arrive = () => {
      while (next < total && (payments[next] as PlannedPayment).at <= clock.now())
        submit(payments[next++] as PlannedPayment);
      if (next < total) clock.schedule((payments[next] as PlannedPayment).at, arrive);
    };
    arrive();
    if (total === 0) resolve();
    // Nothing left to run but payments unfinished: say so rather than let the process exit.
    stalled = () =>
      fail(
        new Error(
          `The simulation stalled at ${new Date(clock.now()).toISOString()}: ${finished} of ${total} payments finished, ${submitted} submitted`,
        ),
      );
    process.on('beforeExit', stalled);
  }).finally(() => {
    if (stalled) process.off('beforeExit', stalled);
  });
  // Let the alarms see the end of the day settle (metrics after the last payment are empty).
  catchUpAlarms(clock.now() + (options.settleMs ?? 10 * MinuteMs));
}

/**
 * The metrics a finished payment publishes, as the ops wiring would: AWS/States execution
 * counts and time, and paystep's payment count, amount and processing duration.
 */
function recordFinished(world: SimWorld, payment: PlannedPayment, row: ExecutionRow): void {
  const durationMs = Math.max(0, (row.stop_date ?? row.start_date) - payment.at);
  const status = Object.values<string>(ExecutionStatus).includes(row.status)
    ? (row.status as ExecutionStatus)
    : ExecutionStatus.Failed;
  world.metrics.executionFinished(world.stateMachineArn, status, durationMs);
  let outcome = 'failed';
  if (row.status === 'SUCCEEDED' && row.output !== null) {
    const output = JSON.parse(row.output) as { status?: unknown };
    outcome = typeof output.status === 'string' ? output.status.toLowerCase() : 'succeeded';
  }
  const currency = payment.request['currency'];
  const amount = payment.request['payment_amount'];
  world.metrics.paymentFinished({
    outcome,
    currency: typeof currency === 'string' ? currency : 'USD',
    // Whole minor units from the decimal string, never through a float of major units.
    amountMinor: typeof amount === 'string' ? Number(amount.replace('.', '')) : 0,
    durationMs,
  });
}
