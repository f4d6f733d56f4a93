/**
 * The numbers of a simulated day: outcomes (approved, declined, rejected, reviewed, failed after
 * retries), ops alerts, alarm transitions, retries per step, end-to-end latency percentiles in
 * simulated time, gateway charges against successful payments, and a timeline in buckets for the
 * report's charts. Pure: computed from the plan and the day's record, so equal inputs give equal
 * summaries (the determinism test compares two runs' summaries whole).
 */
import type { SimulationConfig } from './sim-config.js';
import { formatDuration } from './sim-config.js';
import type { Burst, DayPlan } from './day-plan.js';
import type { AlarmTransition, DayRecord, PaymentRecord } from './day-record.js';

/** Payment outcomes, as the summary counts them. */
export const Outcome = {
  Approved: 'approved',
  Declined: 'declined',
  Rejected: 'rejected',
  Failed: 'failed',
  Unfinished: 'unfinished',
} as const;
export type Outcome = (typeof Outcome)[keyof typeof Outcome];

export interface TimelineBucket {
  /** Start of the bucket, epoch ms. */
  readonly start: number;
  readonly arrivals: number;
  /** Payments that finished in the bucket, by outcome. */
  readonly finished: Readonly<Record<Outcome, number>>;
  readonly alerts: number;
}

export interface SimulationSummary {
  readonly seed: number;
  readonly payments: number;
  readonly spanMs: number;
  readonly startMs: number;
  readonly outcomes: Readonly<Record<Outcome, number>>;
  readonly manualReview: {
    readonly total: number;
    readonly approved: number;
    readonly rejected: number;
  };
  /** Failed payments that may have moved money (NEEDS_ATTENTION) among `outcomes.failed`. */
  readonly needsAttention: number;
  readonly opsAlerts: number;
  readonly alarmTransitions: readonly AlarmTransition[];
  readonly retriesPerStep: Readonly<Record<string, number>>;
  /** End-to-end latency in simulated ms, arrival to final status. */
  readonly latency: {
    readonly p50: number;
    readonly p95: number;
    readonly p99: number;
    readonly max: number;
  };
  /** Every finished payment's latency, for the distribution chart (sorted). */
  readonly latencies: readonly number[];
  readonly gateway: {
    readonly chargesSucceeded: number;
    readonly chargesDeclined: number;
    readonly successfulPayments: number;
  };
  readonly outage: { readonly startMs: number; readonly endMs: number } | undefined;
  readonly bursts: readonly Burst[];
  readonly bucketMs: number;
  readonly timeline: readonly TimelineBucket[];
}

/** How the record says a payment ended. */
export function outcomeOf(payment: PaymentRecord): Outcome {
  if (payment.executionStatus === undefined || payment.executionStatus === 'RUNNING')
    return Outcome.Unfinished;
  if (payment.executionStatus !== 'SUCCEEDED') return Outcome.Failed;
  if (payment.outputStatus === 'COMPLETED') return Outcome.Approved;
  if (payment.outputStatus === 'DECLINED') return Outcome.Declined;
  if (payment.outputStatus === 'REJECTED') return Outcome.Rejected;
  return Outcome.Unfinished;
}

const zeroOutcomes = (): Record<Outcome, number> => ({
  approved: 0,
  declined: 0,
  rejected: 0,
  failed: 0,
  unfinished: 0,
});

/** The value at quantile `q` (0..1) of sorted `values`, nearest rank; 0 when empty. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return 0;
  const rank = Math.min(values.length, Math.max(1, Math.ceil(q * values.length)));
  return values[rank - 1] as number;
}

/** Computes the summary of a day from its plan and record. */
export function summarize(
  config: SimulationConfig,
  plan: DayPlan,
  record: DayRecord,
): SimulationSummary {
  const outcomes = zeroOutcomes();
  const retriesPerStep: Record<string, number> = {};
  const review = { total: 0, approved: 0, rejected: 0 };
  let needsAttention = 0;
  const latencies: number[] = [];
  const buckets = 96;
  const bucketMs = Math.max(1, Math.ceil(config.overMs / buckets));
  const timeline = Array.from({ length: buckets }, (_, i) => ({
    start: config.startMs + i * bucketMs,
    arrivals: 0,
    finished: zeroOutcomes(),
    alerts: 0,
  }));
  const bucketOf = (at: number) =>
    timeline[
      Math.min(buckets - 1, Math.max(0, Math.floor((at - config.startMs) / bucketMs)))
    ] as (typeof timeline)[number];

  for (const payment of record.payments) {
    const outcome = outcomeOf(payment);
    outcomes[outcome]++;
    bucketOf(payment.arrivedAt).arrivals++;
    if (payment.stoppedAt !== undefined && outcome !== Outcome.Unfinished) {
      bucketOf(payment.stoppedAt).finished[outcome]++;
      latencies.push(Math.max(0, payment.stoppedAt - payment.arrivedAt));
    }
    for (const [step, count] of Object.entries(payment.retries))
      retriesPerStep[step] = (retriesPerStep[step] ?? 0) + count;
    const decision = payment.transaction?.review?.decision;
    if (decision !== undefined || payment.transaction?.status === 'IN_REVIEW') review.total++;
    if (decision === 'approve') review.approved++;
    if (decision === 'reject') review.rejected++;
    if (payment.transaction?.status === 'NEEDS_ATTENTION') needsAttention++;
  }
  for (const alert of record.alerts) bucketOf(alert.at).alerts++;
  latencies.sort((a, b) => a - b);

  let chargesSucceeded = 0;
  let chargesDeclined = 0;
  for (const entry of record.ledger) {
    if (entry.kind !== 'charge') continue;
    if (entry.result.status === 'succeeded') chargesSucceeded++;
    else chargesDeclined++;
  }
  const outageStart = config.startMs + config.outageAtMs;
  return {
    seed: config.seed,
    payments: plan.payments.length,
    spanMs: config.overMs,
    startMs: config.startMs,
    outcomes,
    manualReview: review,
    needsAttention,
    opsAlerts: record.alerts.length,
    alarmTransitions: record.alarmTransitions,
    retriesPerStep: Object.fromEntries(
      Object.entries(retriesPerStep).sort(([a], [b]) => a.localeCompare(b)),
    ),
    latency: {
      p50: quantile(latencies, 0.5),
      p95: quantile(latencies, 0.95),
      p99: quantile(latencies, 0.99),
      max: latencies[latencies.length - 1] ?? 0,
    },
    latencies,
    gateway: {
      chargesSucceeded,
      chargesDeclined,
      successfulPayments: outcomes.approved,
    },
    outage:
      config.outageMs > 0
        ? { startMs: outageStart, endMs: outageStart + config.outageMs }
        : undefined,
    bursts: plan.bursts,
    bucketMs,
    timeline,
  };
}

/** The summary as lines of text for a terminal. */
export function formatSummary(summary: SimulationSummary): string[] {
  const o = summary.outcomes;
  const retries = Object.entries(summary.retriesPerStep);
  const alarmsRaised = summary.alarmTransitions.filter((t) => t.state === 'ALARM').length;
  const lines = [
    `simulated ${summary.payments} payments over ${formatDuration(summary.spanMs)} (seed ${summary.seed})`,
    `  approved            ${o.approved}`,
    `  declined            ${o.declined}`,
    `  rejected (invalid)  ${o.rejected}`,
    `  manual review       ${summary.manualReview.total} (approved ${summary.manualReview.approved}, rejected ${summary.manualReview.rejected})`,
    `  failed after retries ${o.failed}${summary.needsAttention > 0 ? ` (${summary.needsAttention} need attention: money may have moved)` : ''}`,
    ...(o.unfinished > 0 ? [`  UNFINISHED          ${o.unfinished}`] : []),
    `  ops alerts sent     ${summary.opsAlerts}`,
    `  alarm transitions   ${summary.alarmTransitions.length} (${alarmsRaised} into ALARM)`,
    `  retries per step    ${retries.length === 0 ? 'none' : retries.map(([step, n]) => `${step} ${n}`).join(', ')}`,
    `  latency (simulated) p50 ${formatDuration(summary.latency.p50)}, p95 ${formatDuration(summary.latency.p95)}, p99 ${formatDuration(summary.latency.p99)}, max ${formatDuration(summary.latency.max)}`,
    `  gateway charges     ${summary.gateway.chargesSucceeded} succeeded, ${summary.gateway.chargesDeclined} declined; successful payments ${summary.gateway.successfulPayments}`,
  ];
  return lines;
}
