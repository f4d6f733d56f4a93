/**
 * The simulation report: one self-contained HTML page (inline CSS and SVG, no script, no external
 * asset) with the summary table, throughput and failures over the day with the outage and bursts
 * shaded, the latency distribution, the alarm timeline, and the invariants when chaos checked them.
 */
import type { InvariantResult } from './invariants.js';
import { formatDuration } from './sim-config.js';
import type { SimulationSummary } from './summary.js';
import { escapeXml, logHistogram, stackedBars, stateTimeline } from './svg-charts.js';
import type { Band, Lane } from './svg-charts.js';

export interface ReportExtras {
  /** Invariants checked after a chaos run. */
  readonly invariants?: readonly InvariantResult[];
  /** How many times the process was killed. */
  readonly crashes?: number;
  /** Wall-clock seconds the run took (shown, never asserted). */
  readonly wallSeconds?: number;
}

const clockTime = (at: number) => new Date(at).toISOString().slice(11, 16);

/** Renders the report page. */
export function renderHtmlReport(summary: SimulationSummary, extras: ReportExtras = {}): string {
  const labels = summary.timeline.map((bucket) => clockTime(bucket.start));
  const position = (at: number) => (at - summary.startMs) / summary.bucketMs;
  const bands: Band[] = [
    ...summary.bursts.map((burst) => ({
      from: position(burst.startMs),
      to: position(burst.endMs),
      label: `burst x${burst.factor}`,
      color: '#f59e0b',
    })),
    ...(summary.outage
      ? [
          {
            from: position(summary.outage.startMs),
            to: position(summary.outage.endMs),
            label: 'gateway outage',
            color: '#dc2626',
          },
        ]
      : []),
  ];
  const throughput = stackedBars(
    `Finished payments per ${formatDuration(summary.bucketMs)} (orange: bursts, red: gateway outage)`,
    labels,
    [
      {
        name: 'approved',
        color: '#16a34a',
        values: summary.timeline.map((b) => b.finished.approved),
      },
      {
        name: 'declined',
        color: '#f59e0b',
        values: summary.timeline.map((b) => b.finished.declined),
      },
      {
        name: 'rejected',
        color: '#6b7280',
        values: summary.timeline.map((b) => b.finished.rejected),
      },
      { name: 'failed', color: '#dc2626', values: summary.timeline.map((b) => b.finished.failed) },
    ],
    bands,
  );
  const failures = stackedBars(
    `Failures and ops alerts per ${formatDuration(summary.bucketMs)}`,
    labels,
    [
      {
        name: 'failed after retries',
        color: '#dc2626',
        values: summary.timeline.map((b) => b.finished.failed),
      },
      { name: 'ops alerts', color: '#7c3aed', values: summary.timeline.map((b) => b.alerts) },
    ],
    bands,
  );
  const latency = logHistogram(
    'End-to-end latency, simulated time (log scale; manual reviews form the slow hump)',
    summary.latencies,
    formatDuration,
  );
  const lanes = new Map<string, [number, string][]>();
  for (const t of summary.alarmTransitions) {
    const lane = lanes.get(t.alarmName) ?? [];
    lane.push([t.timestamp, t.state]);
    lanes.set(t.alarmName, lane);
  }
  const alarmLanes: Lane[] = [...lanes].map(([name, changes]) => ({ name, changes }));
  const end = summary.startMs + summary.spanMs;
  const alarms =
    alarmLanes.length === 0
      ? '<p>No alarm changed state.</p>'
      : stateTimeline('Alarm states over the day', alarmLanes, summary.startMs, end, clockTime);

  const o = summary.outcomes;
  const rows: [string, string][] = [
    [
      'payments',
      `${summary.payments} over ${formatDuration(summary.spanMs)} (seed ${summary.seed})`,
    ],
    ['approved', String(o.approved)],
    ['declined', String(o.declined)],
    ['rejected (invalid)', String(o.rejected)],
    [
      'manual review',
      `${summary.manualReview.total} (approved ${summary.manualReview.approved}, rejected ${summary.manualReview.rejected})`,
    ],
    ['failed after retries', `${o.failed} (${summary.needsAttention} need attention)`],
    ['ops alerts sent', String(summary.opsAlerts)],
    ['alarm transitions', String(summary.alarmTransitions.length)],
    [
      'retries per step',
      Object.entries(summary.retriesPerStep)
        .map(([step, n]) => `${step} ${n}`)
        .join(', ') || 'none',
    ],
    [
      'latency p50 / p95 / p99 / max',
      [summary.latency.p50, summary.latency.p95, summary.latency.p99, summary.latency.max]
        .map(formatDuration)
        .join(' / '),
    ],
    [
      'gateway charges vs successful payments',
      `${summary.gateway.chargesSucceeded} charges succeeded, ${summary.gateway.chargesDeclined} declined; ${summary.gateway.successfulPayments} successful payments`,
    ],
    ...(extras.crashes === undefined
      ? []
      : ([['process kills (SIGKILL)', String(extras.crashes)]] as [string, string][])),
    ...(extras.wallSeconds === undefined
      ? []
      : ([['wall time', `${extras.wallSeconds.toFixed(1)} s`]] as [string, string][])),
  ];
  const table = rows
    .map(([k, v]) => `<tr><th>${escapeXml(k)}</th><td>${escapeXml(v)}</td></tr>`)
    .join('');
  const invariants = extras.invariants
    ? `<h2>Invariants</h2><ul>${extras.invariants
        .map(
          (r) =>
            `<li class="${r.ok ? 'ok' : 'bad'}"><strong>${r.ok ? 'ok' : 'VIOLATED'}</strong> ${escapeXml(r.name)}: ${escapeXml(r.detail)}</li>`,
        )
        .join('')}</ul>`
    : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>paystep simulation, seed ${summary.seed}</title>
<style>
body{font-family:system-ui,sans-serif;max-width:960px;margin:2em auto;padding:0 1em;color:#111827}
table{border-collapse:collapse}th,td{padding:4px 12px;border-bottom:1px solid #e5e7eb;text-align:left}
th{font-weight:600;color:#374151}figure{margin:1.5em 0}figcaption{font-weight:600;margin-bottom:.3em}
li.ok strong{color:#16a34a}li.bad strong{color:#dc2626}
</style></head><body>
<h1>paystep: a simulated day</h1>
<p>The real engine, payment workflow, handlers and SQLite stores, with the simulated gateway, on virtual time.</p>
<table>${table}</table>
${invariants}
${throughput}
${failures}
${latency}
${alarms}
</body></html>
`;
}
