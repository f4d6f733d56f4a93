/**
 * Operations as `paystep start` runs them, built from its parts: a Prometheus registry of its own
 * (never prom-client's global one), metric time series in the SQLite file, the one `OpsMetrics`
 * call site fed by the engine's history, the alert publisher with the sinks wiring chose, and the
 * alarm monitor evaluating the alarm definitions every minute on the injected clock. Nothing here
 * can block or fail a workflow: metrics are buffered, alerts are queued.
 */
import { Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { SqliteDatabase } from '../sqlite/database.js';
import type { AlarmDefinition } from './alarm-definitions.js';
import { AlarmState } from './alarm-evaluator.js';
import { AlarmMonitor } from './alarm-monitor.js';
import type { AlertSink, OutgoingAlert } from './alerts.js';
import { AlertPublisher, isWorkflowAlert } from './alerts.js';
import type { ClosedExecution, HistoryMetricsOptions } from './history-metrics.js';
import { HistoryMetrics } from './history-metrics.js';
import { OpsMetrics } from './ops-metrics.js';
import { createPrometheusMetrics } from './prometheus-metrics.js';
import type { Delay, Now, Schedule } from './schedule.js';
import { SqliteMetricStore } from './sqlite-metric-store.js';

/** The logger calls used (pino's shape: fields first). */
export interface OpsLogger {
  warn(fields: Record<string, unknown>, message: string): void;
}

export interface OpsRuntimeOptions {
  db: SqliteDatabase;
  now: Now;
  schedule: Schedule;
  /** Waits between alert delivery attempts. */
  delay: Delay;
  alarms: readonly AlarmDefinition[];
  sinks: readonly AlertSink[];
  /** Attempts per alert delivery, the first included. @default 5 */
  alertMaxAttempts?: number;
  /** See {@link HistoryMetricsOptions.lookup}. */
  lookup?: HistoryMetricsOptions['lookup'];
  /** Adds the domain's metrics for a closed execution. @default none */
  onClosed?: (closed: ClosedExecution, metrics: OpsMetrics) => void;
  log: OpsLogger;
  /** Also expose Node's process metrics (CPU, memory, event loop lag). @default true */
  processMetrics?: boolean;
}

export class OpsRuntime {
  /** What `GET /metrics` serves. */
  readonly registry = new Registry();
  readonly metrics: OpsMetrics;
  readonly metricStore: SqliteMetricStore;
  readonly publisher: AlertPublisher;
  readonly monitor: AlarmMonitor;
  /** Its `onEvents` goes to the engine. */
  readonly history: HistoryMetrics;
  private started = false;

  /** @throws AlarmDefinitionError when an alarm definition is invalid */
  constructor(private readonly options: OpsRuntimeOptions) {
    const { log } = options;
    this.metricStore = new SqliteMetricStore(options.db, {
      now: options.now,
      onError: (error) => log.warn({ err: error }, 'metric flush failed; kept for the next one'),
    });
    this.metrics = new OpsMetrics({
      recorder: this.metricStore,
      prometheus: createPrometheusMetrics(this.registry),
      now: options.now,
      onError: (error) => log.warn({ err: error }, 'metric not recorded'),
    });
    this.publisher = new AlertPublisher({
      sinks: options.sinks,
      delay: options.delay,
      ...(options.alertMaxAttempts === undefined ? {} : { maxAttempts: options.alertMaxAttempts }),
      onGiveUp: (sink, alert, error) =>
        log.warn(
          { sink, alert: alertName(alert), err: error },
          'alert not delivered after its last attempt',
        ),
    });
    const publisher = this.publisher;
    this.monitor = new AlarmMonitor({
      db: options.db,
      metrics: this.metricStore,
      alarms: options.alarms,
      alerts: {
        // AWS: the CDK stack gives each alarm an alarm action and an OK action, no
        // insufficient-data action; CloudWatch runs the OK action on every transition into OK,
        // from INSUFFICIENT_DATA too. Locally the same transitions are sent, and no others.
        publish: (alert) => {
          if (alert.state !== AlarmState.InsufficientData) publisher.publish(alert);
        },
      },
      now: options.now,
      schedule: options.schedule,
      onError: (alarmName, error) =>
        log.warn({ alarm: alarmName, err: error }, 'alarm not evaluated'),
    });
    const onClosed = options.onClosed;
    this.history = new HistoryMetrics({
      metrics: this.metrics,
      ...(options.lookup ? { lookup: options.lookup } : {}),
      ...(onClosed ? { onClosed: (closed) => onClosed(closed, this.metrics) } : {}),
      onError: (error) => log.warn({ err: error }, 'history event not measured'),
    });
    this.registerHealthGauges();
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry });
  }

  /** Starts the metric group commit and the alarm evaluations. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.metricStore.start(this.options.schedule);
    this.monitor.start();
  }

  /**
   * Stops evaluating and writes the buffered metrics. Alerts still queued are not waited for:
   * the alarm states they report are committed, and shown on the dashboard.
   */
  stop(): void {
    this.started = false;
    this.monitor.stop();
    // Also when never started: what the engine reported is buffered and must reach the file.
    this.metricStore.stop();
  }

  /** Makes lost alerts and metrics visible at `/metrics` (see alerts.ts on why they may be). */
  private registerHealthGauges(): void {
    const publisher = this.publisher;
    const store = this.metricStore;
    new Gauge({
      name: 'paystep_alert_deliveries',
      help: 'Alert deliveries since start, by sink and result (delivered, retried, failed, dropped, queued).',
      labelNames: ['sink', 'result'] as const,
      registers: [this.registry],
      collect() {
        for (const [sink, stats] of Object.entries(publisher.stats())) {
          for (const result of ['delivered', 'retries', 'failed', 'dropped', 'queued'] as const) {
            this.set({ sink, result: result === 'retries' ? 'retried' : result }, stats[result]);
          }
        }
      },
    });
    new Gauge({
      name: 'paystep_metric_datapoints_lost',
      help: 'Metric datapoints the SQLite metric store dropped since start (buffer full or invalid).',
      registers: [this.registry],
      collect() {
        const stats = store.stats();
        this.set(stats.droppedDatapoints + stats.invalidDatapoints);
      },
    });
  }
}

function alertName(alert: OutgoingAlert): string {
  return isWorkflowAlert(alert) ? alert.subject : alert.alarmName;
}
