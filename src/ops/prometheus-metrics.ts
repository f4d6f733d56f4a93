/**
 * The operations metrics as Prometheus collectors on an injected prom-client `Registry` (never the
 * global default one), so `/metrics` shows the same numbers as the metric store. Names keep the
 * CloudWatch metric names people know from Step Functions and Lambda, prefixed by namespace:
 * `states_ExecutionsFailed_total`, `lambda_Duration_milliseconds`, `paystep_PaymentCount_total`.
 */
import { Counter, Histogram } from 'prom-client';
import type { Registry } from 'prom-client';

/** Millisecond buckets from 5 ms to 10 minutes: task durations up to whole payments. */
export const DurationBucketsMs = [
  5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 30_000, 60_000, 120_000, 300_000, 600_000,
];

/** The collectors, registered on one registry. */
export interface PrometheusMetrics {
  executionsStarted: Counter<'state_machine_arn'>;
  executionsSucceeded: Counter<'state_machine_arn'>;
  executionsFailed: Counter<'state_machine_arn'>;
  executionsTimedOut: Counter<'state_machine_arn'>;
  executionsAborted: Counter<'state_machine_arn'>;
  executionTime: Histogram<'state_machine_arn'>;
  invocations: Counter<'function_name'>;
  errors: Counter<'function_name'>;
  throttles: Counter<'function_name'>;
  duration: Histogram<'function_name'>;
  paymentCount: Counter<'outcome' | 'currency'>;
  paymentAmountMinor: Counter<'outcome' | 'currency'>;
  paymentRetries: Counter<'step'>;
  gatewayLatency: Histogram<'operation'>;
  paymentProcessingDuration: Histogram<'outcome'>;
}

/** Creates the collectors and registers them on `registry`. */
export function createPrometheusMetrics(registry: Registry): PrometheusMetrics {
  const registers = [registry];
  const executionCounter = (metric: string, help: string) =>
    new Counter({
      name: `states_${metric}_total`,
      help,
      labelNames: ['state_machine_arn'] as const,
      registers,
    });
  const functionCounter = (metric: string, help: string) =>
    new Counter({
      name: `lambda_${metric}_total`,
      help,
      labelNames: ['function_name'] as const,
      registers,
    });
  return {
    executionsStarted: executionCounter('ExecutionsStarted', 'Workflow executions started.'),
    executionsSucceeded: executionCounter('ExecutionsSucceeded', 'Executions that succeeded.'),
    executionsFailed: executionCounter('ExecutionsFailed', 'Executions that failed.'),
    executionsTimedOut: executionCounter('ExecutionsTimedOut', 'Executions that timed out.'),
    executionsAborted: executionCounter('ExecutionsAborted', 'Executions that were stopped.'),
    executionTime: new Histogram({
      name: 'states_ExecutionTime_milliseconds',
      help: 'Time from the start to the end of an execution.',
      labelNames: ['state_machine_arn'] as const,
      buckets: DurationBucketsMs,
      registers,
    }),
    invocations: functionCounter('Invocations', 'Task function invocations.'),
    errors: functionCounter('Errors', 'Task function invocations that ended in an error.'),
    throttles: functionCounter('Throttles', 'Task function invocations refused for concurrency.'),
    duration: new Histogram({
      name: 'lambda_Duration_milliseconds',
      help: 'Time a task function spent on an invocation.',
      labelNames: ['function_name'] as const,
      buckets: DurationBucketsMs,
      registers,
    }),
    paymentCount: new Counter({
      name: 'paystep_PaymentCount_total',
      help: 'Payments that reached a final outcome.',
      labelNames: ['outcome', 'currency'] as const,
      registers,
    }),
    paymentAmountMinor: new Counter({
      name: 'paystep_PaymentAmount_minor_units_total',
      help: 'Sum of payment amounts in minor currency units (cents), by outcome and currency.',
      labelNames: ['outcome', 'currency'] as const,
      registers,
    }),
    paymentRetries: new Counter({
      name: 'paystep_PaymentRetries_total',
      help: 'Retries of payment workflow steps after transient errors.',
      labelNames: ['step'] as const,
      registers,
    }),
    gatewayLatency: new Histogram({
      name: 'paystep_GatewayLatency_milliseconds',
      help: 'Latency of payment gateway calls.',
      labelNames: ['operation'] as const,
      buckets: DurationBucketsMs,
      registers,
    }),
    paymentProcessingDuration: new Histogram({
      name: 'paystep_PaymentProcessingDuration_milliseconds',
      help: 'Time from payment request to final status.',
      labelNames: ['outcome'] as const,
      buckets: DurationBucketsMs,
      registers,
    }),
  };
}
