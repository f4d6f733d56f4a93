/**
 * Alert delivery: an `AlertPublisher` fans each alarm transition out to its sinks (log, webhook,
 * email), retrying each delivery with exponential backoff on the injected delay.
 *
 * `publish` is fire-and-forget: it only appends to a bounded in-memory queue per sink and returns;
 * it never throws and never waits on a network, so neither the alarm monitor nor a workflow can be
 * held up by a slow SMTP server. When a queue is full the alert is dropped and counted.
 *
 * Why in memory and not a durable outbox: an alert is a notification about state that is itself
 * durable (alarm state and history are committed to SQLite before publishing, and shown on the
 * dashboard), and the monitor re-evaluates every minute. Losing an in-flight alert to a crash
 * loses a message, not information; an outbox would add a table, a poller and at-least-once
 * duplicates for little gain at our volume. The drop counter makes any loss visible.
 *
 * Two kinds of alert travel this way: alarm transitions from the alarm monitor, and the workflow's
 * own alerts (its `sns:publish` to the alert topic when a payment needs a person), so both reach
 * the same sinks. Alarm alerts carry alarm names, states, metric values and reasons only; workflow
 * alerts carry the facts the workflow chose (ids, error names, causes): never card data or secrets.
 */
import type { Dimensions } from './alarm-definitions.js';
import type { AlarmState } from './alarm-evaluator.js';
import type { Delay } from './schedule.js';

/** One alarm state transition, as sent to operations. */
export interface Alert {
  alarmName: string;
  description: string;
  previousState: AlarmState;
  state: AlarmState;
  /** CloudWatch-style StateReason. */
  reason: string;
  /** When the transition happened, epoch ms. */
  timestamp: number;
  namespace: string;
  metricName: string;
  dimensions: Dimensions;
}

/** An alert the workflow raised itself (its `sns:publish` to the alert topic). */
export interface WorkflowAlert {
  readonly kind: 'workflow';
  readonly subject: string;
  readonly severity: 'warning' | 'critical';
  /** The facts the workflow published: transaction id, error, cause, execution ARN... */
  readonly details: Readonly<Record<string, unknown>>;
  /** Epoch ms. */
  readonly timestamp: number;
}

/** What the publisher delivers: an alarm transition or a workflow alert. */
export type OutgoingAlert = Alert | WorkflowAlert;

/** True if `alert` was raised by the workflow rather than by an alarm. */
export function isWorkflowAlert(alert: OutgoingAlert): alert is WorkflowAlert {
  return (alert as Partial<WorkflowAlert>).kind === 'workflow';
}

/** A delivery channel. `deliver` rejects on failure; the publisher retries. */
export interface AlertSink {
  /** Short name for counters and logs (never a URL or address: those can hold secrets). */
  readonly name: string;
  deliver(alert: OutgoingAlert): Promise<void>;
}

export interface AlertPublisherOptions {
  sinks: readonly AlertSink[];
  /** Waits between attempts; injected so tests do not sleep. */
  delay: Delay;
  /** Attempts per delivery, the first included. @default 5 */
  maxAttempts?: number;
  /** Wait before the first retry; doubles each time. @default 1000 */
  baseDelayMs?: number;
  /** Longest wait between attempts. @default 60000 */
  maxDelayMs?: number;
  /** Alerts waiting per sink before new ones are dropped. @default 1000 */
  maxQueued?: number;
  /** Told when a delivery is given up after its last attempt. @default ignore */
  onGiveUp?: (sink: string, alert: OutgoingAlert, error: unknown) => void;
}

/** Per-sink counters. */
export interface SinkStats {
  queued: number;
  delivered: number;
  retries: number;
  failed: number;
  dropped: number;
}

interface SinkQueue {
  sink: AlertSink;
  alerts: OutgoingAlert[];
  running: Promise<void> | undefined;
  stats: SinkStats;
}

/** Fans alerts out to sinks without ever blocking or failing the caller. */
export class AlertPublisher {
  private readonly queues: SinkQueue[];
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly maxQueued: number;

  constructor(private readonly options: AlertPublisherOptions) {
    this.queues = options.sinks.map((sink) => ({
      sink,
      alerts: [],
      running: undefined,
      stats: { queued: 0, delivered: 0, retries: 0, failed: 0, dropped: 0 },
    }));
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 5);
    this.baseDelayMs = options.baseDelayMs ?? 1000;
    this.maxDelayMs = options.maxDelayMs ?? 60_000;
    this.maxQueued = options.maxQueued ?? 1000;
  }

  /** Queues `alert` for every sink and returns at once. Never throws. */
  publish(alert: OutgoingAlert): void {
    for (const queue of this.queues) {
      if (queue.alerts.length >= this.maxQueued) {
        queue.stats.dropped++;
        continue;
      }
      queue.alerts.push(alert);
      queue.stats.queued = queue.alerts.length;
      queue.running ??= this.run(queue);
    }
  }

  /** Resolves when every queued alert has been delivered or given up (for shutdown and tests). */
  async drain(): Promise<void> {
    for (;;) {
      const running = this.queues.flatMap((q) => (q.running ? [q.running] : []));
      if (running.length === 0) return;
      await Promise.all(running);
    }
  }

  /** Counters per sink name. */
  stats(): Record<string, SinkStats> {
    return Object.fromEntries(this.queues.map((q) => [q.sink.name, { ...q.stats }]));
  }

  private async run(queue: SinkQueue): Promise<void> {
    try {
      for (let alert = queue.alerts.shift(); alert; alert = queue.alerts.shift()) {
        queue.stats.queued = queue.alerts.length;
        await this.deliverWithRetry(queue, alert);
      }
    } finally {
      queue.running = undefined;
    }
  }

  private async deliverWithRetry(queue: SinkQueue, alert: OutgoingAlert): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await queue.sink.deliver(alert);
        queue.stats.delivered++;
        return;
      } catch (error) {
        if (attempt >= this.maxAttempts) {
          queue.stats.failed++;
          try {
            this.options.onGiveUp?.(queue.sink.name, alert, error);
          } catch {
            // A failing reporter must not stop the queue.
          }
          return;
        }
        queue.stats.retries++;
        const wait = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (attempt - 1));
        try {
          await this.options.delay(wait);
        } catch {
          // An interrupted wait only shortens the backoff.
        }
      }
    }
  }
}

/**
 * A one-line summary: "[ALARM] PaymentWorkflow-ExecutionsFailed (OK -> ALARM)" for an alarm,
 * "[CRITICAL] paystep: payment workflow failed" for a workflow alert.
 */
export function alertTitle(alert: OutgoingAlert): string {
  if (isWorkflowAlert(alert)) return `[${alert.severity.toUpperCase()}] ${alert.subject}`;
  return `[${alert.state}] ${alert.alarmName} (${alert.previousState} -> ${alert.state})`;
}

/** The details of a workflow alert as `key: value` lines, objects as JSON. */
export function workflowAlertLines(alert: WorkflowAlert): string[] {
  return Object.entries(alert.details).map(
    ([key, value]) => `${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`,
  );
}

/** Plain-text body shared by the sinks. */
export function alertText(alert: OutgoingAlert): string {
  if (isWorkflowAlert(alert)) {
    return [
      alertTitle(alert),
      ...workflowAlertLines(alert),
      `At: ${new Date(alert.timestamp).toISOString()}`,
    ].join('\n');
  }
  const dimensions = Object.entries(alert.dimensions)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
  return [
    alertTitle(alert),
    alert.reason,
    alert.description,
    `Metric: ${alert.namespace} ${alert.metricName}${dimensions ? ` (${dimensions})` : ''}`,
    `At: ${new Date(alert.timestamp).toISOString()}`,
  ].join('\n');
}
