import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/sqlite/database.js';
import { SqliteMetricStore } from '../../src/ops/sqlite-metric-store.js';
import { OpsMetrics } from '../../src/ops/ops-metrics.js';
import { createPrometheusMetrics } from '../../src/ops/prometheus-metrics.js';
import { AlarmMonitor } from '../../src/ops/alarm-monitor.js';
import { defaultAlarms, localStateMachineArn } from '../../src/ops/alarm-definitions.js';
import type { Alert } from '../../src/ops/alerts.js';
import type { Statistic } from '../../src/ops/alarm-definitions.js';

const t0 = Date.UTC(2025, 0, 2, 10, 0, 0);
const arn = localStateMachineArn('PaymentWorkflow');

function setup() {
  let now = t0;
  const store = new SqliteMetricStore(openDatabase(':memory:'), { now: () => now });
  const registry = new Registry();
  const metrics = new OpsMetrics({
    recorder: store,
    prometheus: createPrometheusMetrics(registry),
    now: () => now,
  });
  const stat = (
    namespace: string,
    metricName: string,
    dimensions: Record<string, string>,
    statistic: Statistic,
  ) =>
    store.getStatistics({
      namespace,
      metricName,
      dimensions,
      statistic,
      periodSeconds: 300,
      startTime: t0,
      endTime: t0 + 300_000,
    })[0]?.value;
  return { store, registry, metrics, stat, tick: (ms: number) => (now += ms), now: () => now };
}

describe('OpsMetrics', () => {
  it('records executions under AWS/States names and dimensions', async () => {
    const { metrics, stat, registry } = setup();
    metrics.executionStarted(arn);
    metrics.executionStarted(arn);
    metrics.executionFinished(arn, 'SUCCEEDED', 1200);
    metrics.executionFinished(arn, 'FAILED', 800);
    const dims = { StateMachineArn: arn };
    expect(stat('AWS/States', 'ExecutionsStarted', dims, 'Sum')).toBe(2);
    expect(stat('AWS/States', 'ExecutionsFailed', dims, 'Sum')).toBe(1);
    expect(stat('AWS/States', 'ExecutionTime', dims, 'Maximum')).toBe(1200);
    const text = await registry.metrics();
    expect(text).toContain(`states_ExecutionsStarted_total{state_machine_arn="${arn}"} 2`);
    expect(text).toContain(`states_ExecutionsFailed_total{state_machine_arn="${arn}"} 1`);
    expect(text).toContain('states_ExecutionTime_milliseconds_count');
  });

  it('records task calls like Lambda, where a throttle is not an invocation', async () => {
    const { metrics, stat, registry } = setup();
    metrics.taskInvoked('ChargePayment', 'success', 40);
    metrics.taskInvoked('ChargePayment', 'error', 60);
    metrics.taskInvoked('ChargePayment', 'throttled', 0);
    const dims = { FunctionName: 'ChargePayment' };
    expect(stat('AWS/Lambda', 'Invocations', dims, 'Sum')).toBe(2);
    expect(stat('AWS/Lambda', 'Errors', dims, 'Sum')).toBe(1);
    expect(stat('AWS/Lambda', 'Throttles', dims, 'Sum')).toBe(1);
    expect(stat('AWS/Lambda', 'Duration', dims, 'Average')).toBe(50);
    const text = await registry.metrics();
    expect(text).toContain('lambda_Invocations_total{function_name="ChargePayment"} 2');
    expect(text).toContain('lambda_Throttles_total{function_name="ChargePayment"} 1');
  });

  it('records payment amounts in minor units by outcome and currency', async () => {
    const { metrics, stat, registry } = setup();
    metrics.paymentFinished({
      outcome: 'succeeded',
      currency: 'EUR',
      amountMinor: 1999n,
      durationMs: 3000,
    });
    metrics.paymentFinished({
      outcome: 'succeeded',
      currency: 'EUR',
      amountMinor: 1,
      durationMs: 5000,
    });
    metrics.paymentFinished({
      outcome: 'declined',
      currency: 'USD',
      amountMinor: 500,
      durationMs: 1000,
    });
    metrics.paymentRetried('ChargePayment');
    metrics.gatewayCalled('charge', 250);
    const eur = { Outcome: 'succeeded', Currency: 'EUR' };
    expect(stat('Paystep', 'PaymentAmount', eur, 'Sum')).toBe(2000);
    expect(stat('Paystep', 'PaymentCount', eur, 'Sum')).toBe(2);
    expect(stat('Paystep', 'PaymentProcessingDuration', {}, 'Average')).toBe(3000);
    expect(stat('Paystep', 'PaymentRetries', { Step: 'ChargePayment' }, 'Sum')).toBe(1);
    expect(stat('Paystep', 'GatewayLatency', { Operation: 'charge' }, 'p99')).toBe(250);
    const text = await registry.metrics();
    expect(text).toContain(
      'paystep_PaymentAmount_minor_units_total{outcome="succeeded",currency="EUR"} 2000',
    );
    expect(text).toContain('paystep_PaymentCount_total{outcome="declined",currency="USD"} 1');
  });

  it('never throws into the workflow when recording fails', () => {
    const errors: unknown[] = [];
    const metrics = new OpsMetrics({
      recorder: {
        record: () => {
          throw new Error('store gone');
        },
      },
      prometheus: createPrometheusMetrics(new Registry()),
      now: () => t0,
      onError: (e) => errors.push(e),
    });
    expect(() => metrics.executionStarted(arn)).not.toThrow();
    expect(errors).toHaveLength(1);
  });

  it('feeds the default alarms: three failed executions raise ExecutionsFailed', () => {
    const { store, metrics, tick, now } = setup();
    const published: Alert[] = [];
    const monitor = new AlarmMonitor({
      db: openDatabase(':memory:'),
      metrics: store,
      alarms: defaultAlarms({
        stateMachineName: 'PaymentWorkflow',
        functionNames: ['ChargePayment'],
      }),
      alerts: { publish: (a) => published.push(a) },
      now,
      schedule: () => () => undefined,
    });
    for (let i = 0; i < 3; i++) metrics.executionFinished(arn, 'FAILED', 100);
    metrics.taskInvoked('ChargePayment', 'error', 10);
    tick(60_000);
    monitor.evaluateAll();
    const alarmed = published.filter((a) => a.state === 'ALARM').map((a) => a.alarmName);
    expect(alarmed.sort()).toEqual(['ChargePayment-Errors', 'PaymentWorkflow-ExecutionsFailed']);
  });
});
