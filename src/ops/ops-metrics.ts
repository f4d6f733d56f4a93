/**
 * The one call site for operational metrics: the engine, the task runner and the payment domain
 * report what happened here, and it is written both to the metric store (CloudWatch's namespaces,
 * names, dimensions and units, so the alarm definitions apply unchanged) and to the Prometheus
 * registry. Every method swallows its own errors: a metric must never fail a workflow.
 */
import { Namespace, PaystepMetric } from './alarm-definitions.js';
import type { MetricRecorder, MetricUnit } from './metrics.js';
import type { PrometheusMetrics } from './prometheus-metrics.js';
import type { Now } from './schedule.js';
import type { Counter } from 'prom-client';

/** Final statuses of an execution, as Step Functions names them. */
export const ExecutionStatus = {
  Succeeded: 'SUCCEEDED',
  Failed: 'FAILED',
  TimedOut: 'TIMED_OUT',
  Aborted: 'ABORTED',
} as const;
export type ExecutionStatus = (typeof ExecutionStatus)[keyof typeof ExecutionStatus];

/** How a task function invocation ended. */
export const InvocationOutcome = {
  Success: 'success',
  Error: 'error',
  Throttled: 'throttled',
} as const;
export type InvocationOutcome = (typeof InvocationOutcome)[keyof typeof InvocationOutcome];

export interface OpsMetricsOptions {
  recorder: MetricRecorder;
  prometheus: PrometheusMetrics;
  now: Now;
  /** Told when recording failed (the failure goes no further). @default ignore */
  onError?: (error: unknown) => void;
}

export interface PaymentFinished {
  /** Business outcome: 'succeeded', 'declined', 'failed'... */
  outcome: string;
  /** ISO 4217 code. */
  currency: string;
  /** Amount in minor units (integer cents); never a float of major units. */
  amountMinor: number | bigint;
  durationMs: number;
}

export class OpsMetrics {
  constructor(private readonly options: OpsMetricsOptions) {}

  /** AWS/States ExecutionsStarted. */
  executionStarted(stateMachineArn: string): void {
    this.safely(() => {
      this.states('ExecutionsStarted', stateMachineArn, 1, 'Count');
      this.options.prometheus.executionsStarted.inc({ state_machine_arn: stateMachineArn });
    });
  }

  /** AWS/States ExecutionsSucceeded/Failed/TimedOut/Aborted and ExecutionTime. */
  executionFinished(stateMachineArn: string, status: ExecutionStatus, durationMs: number): void {
    this.safely(() => {
      const { prometheus } = this.options;
      const labels = { state_machine_arn: stateMachineArn };
      const byStatus: Record<ExecutionStatus, [string, Counter<'state_machine_arn'>]> = {
        SUCCEEDED: ['ExecutionsSucceeded', prometheus.executionsSucceeded],
        FAILED: ['ExecutionsFailed', prometheus.executionsFailed],
        TIMED_OUT: ['ExecutionsTimedOut', prometheus.executionsTimedOut],
        ABORTED: ['ExecutionsAborted', prometheus.executionsAborted],
      };
      const [metric, counter] = byStatus[status];
      this.states(metric, stateMachineArn, 1, 'Count');
      this.states('ExecutionTime', stateMachineArn, durationMs, 'Milliseconds');
      counter.inc(labels);
      prometheus.executionTime.observe(labels, durationMs);
    });
  }

  /**
   * AWS/Lambda Invocations, Errors, Throttles and Duration for one task function call.
   * AWS: a throttled request is not an invocation and has no duration.
   */
  taskInvoked(functionName: string, outcome: InvocationOutcome, durationMs: number): void {
    this.safely(() => {
      const { prometheus } = this.options;
      const labels = { function_name: functionName };
      if (outcome === InvocationOutcome.Throttled) {
        this.lambda('Throttles', functionName, 1, 'Count');
        prometheus.throttles.inc(labels);
        return;
      }
      this.lambda('Invocations', functionName, 1, 'Count');
      this.lambda('Duration', functionName, durationMs, 'Milliseconds');
      prometheus.invocations.inc(labels);
      prometheus.duration.observe(labels, durationMs);
      if (outcome === InvocationOutcome.Error) {
        this.lambda('Errors', functionName, 1, 'Count');
        prometheus.errors.inc(labels);
      }
    });
  }

  /** Paystep PaymentCount, PaymentAmount (by outcome and currency) and PaymentProcessingDuration. */
  paymentFinished(payment: PaymentFinished): void {
    this.safely(() => {
      const { prometheus } = this.options;
      const amount = Number(payment.amountMinor);
      const dimensions = { Outcome: payment.outcome, Currency: payment.currency };
      const labels = { outcome: payment.outcome, currency: payment.currency };
      this.paystep(PaystepMetric.PaymentCount, dimensions, 1, 'Count');
      this.paystep(PaystepMetric.PaymentAmount, dimensions, amount, 'None');
      // Also without dimensions: the alarm watches the overall average.
      this.paystep(PaystepMetric.PaymentProcessingDuration, {}, payment.durationMs, 'Milliseconds');
      prometheus.paymentCount.inc(labels);
      prometheus.paymentAmountMinor.inc(labels, amount);
      prometheus.paymentProcessingDuration.observe(
        { outcome: payment.outcome },
        payment.durationMs,
      );
    });
  }

  /** Paystep PaymentRetries: a workflow step is retried after a transient error. */
  paymentRetried(step: string): void {
    this.safely(() => {
      this.paystep(PaystepMetric.PaymentRetries, { Step: step }, 1, 'Count');
      this.options.prometheus.paymentRetries.inc({ step });
    });
  }

  /** Paystep GatewayLatency of one gateway call. */
  gatewayCalled(operation: string, latencyMs: number): void {
    this.safely(() => {
      this.paystep(
        PaystepMetric.GatewayLatency,
        { Operation: operation },
        latencyMs,
        'Milliseconds',
      );
      this.options.prometheus.gatewayLatency.observe({ operation }, latencyMs);
    });
  }

  private states(name: string, arn: string, value: number, unit: MetricUnit): void {
    this.record(Namespace.States, name, { StateMachineArn: arn }, value, unit);
  }

  private lambda(name: string, functionName: string, value: number, unit: MetricUnit): void {
    this.record(Namespace.Lambda, name, { FunctionName: functionName }, value, unit);
  }

  private paystep(
    name: string,
    dimensions: Record<string, string>,
    value: number,
    unit: MetricUnit,
  ): void {
    this.record(Namespace.Paystep, name, dimensions, value, unit);
  }

  private record(
    namespace: string,
    name: string,
    dimensions: Record<string, string>,
    value: number,
    unit: MetricUnit,
  ): void {
    this.options.recorder.record({
      namespace,
      name,
      dimensions,
      value,
      unit,
      timestamp: this.options.now(),
    });
  }

  private safely(action: () => void): void {
    try {
      action();
    } catch (error) {
      try {
        this.options.onError?.(error);
      } catch {
        // Nothing more to do: metrics are best effort.
      }
    }
  }
}
