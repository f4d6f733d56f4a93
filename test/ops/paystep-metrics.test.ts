/**
 * `GET /metrics` of a whole paystep (createPaystep on a temporary directory, manual clock) after
 * real executions of the payment workflow: the Step Functions, task and payment counters show
 * exactly what ran.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, paymentRequest } from '../api/api-harness.js';
import type { TestApi } from '../api/api-harness.js';
import { runToEnd, testGateway } from './paystep-driver.js';

describe('GET /metrics after real executions', () => {
  let api: TestApi;
  let gatewayCalls: string[];
  let machine: string;
  let text: string;

  beforeAll(async () => {
    let now = () => 0;
    const { gateway, calls } = testGateway(
      () => now(),
      (id) => id.startsWith('TXN-FAIL'),
    );
    gatewayCalls = calls;
    api = await createTestApi({ overrides: { gateway } });
    now = () => api.clock.now();
    machine = api.paystep.stateMachineArn;
    const payments = [
      paymentRequest('TXN-USD'),
      paymentRequest('TXN-EUR', { payment_amount: '20.00', currency: 'EUR' }),
      paymentRequest('TXN-FAIL-1', { payment_amount: '7.25' }),
    ];
    const arns: string[] = [];
    for (const payment of payments) {
      const response = await api.call({
        method: 'POST',
        url: '/payments',
        key: api.keys.submit,
        payload: payment,
      });
      expect(response.statusCode).toBe(202);
      arns.push(api.paystep.operations.executionArnOf(payment.transaction_id));
    }
    await runToEnd(api.paystep, api.clock, arns);
    const response = await api.call({ method: 'GET', url: '/metrics', key: api.keys.read });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    text = response.body;
  });
  afterAll(async () => {
    await api?.close();
  });

  /** The value of one sample, by metric name and its labels in exposition order. */
  const sample = (name: string, labels: Record<string, string>): number | undefined => {
    const rendered = Object.entries(labels)
      .map(([key, value]) => `${key}="${value}"`)
      .join(',');
    const line = text.split('\n').find((l) => l.startsWith(`${name}{${rendered}} `));
    return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
  };

  it.each([
    ['states_ExecutionsStarted_total', 3],
    ['states_ExecutionsSucceeded_total', 2],
    ['states_ExecutionsFailed_total', 1],
    ['states_ExecutionsTimedOut_total', undefined],
    ['states_ExecutionTime_milliseconds_count', 3],
  ])('counts %s of the payment state machine as %s', (name, value) => {
    expect(sample(name, { state_machine_arn: machine })).toBe(value);
  });

  it('counts each task function invocation, error and retry', () => {
    // Charge: one call each for the two good payments, and 1 + 3 retries (MaxAttempts 3) for the
    // failing one, which the gateway saw too.
    expect(gatewayCalls).toHaveLength(6);
    expect(sample('lambda_Invocations_total', { function_name: 'charge-payment' })).toBe(6);
    expect(sample('lambda_Errors_total', { function_name: 'charge-payment' })).toBe(4);
    expect(sample('lambda_Duration_milliseconds_count', { function_name: 'charge-payment' })).toBe(
      6,
    );
    expect(sample('lambda_Invocations_total', { function_name: 'validate-payment' })).toBe(3);
    expect(sample('lambda_Errors_total', { function_name: 'validate-payment' })).toBeUndefined();
    expect(sample('lambda_Invocations_total', { function_name: 'record-failure' })).toBe(1);
    expect(sample('paystep_PaymentRetries_total', { step: 'ChargePayment' })).toBe(3);
    expect(sample('paystep_GatewayLatency_milliseconds_count', { operation: 'charge' })).toBe(6);
  });

  it.each([
    { outcome: 'completed', currency: 'USD', count: 1, minor: 10_050 },
    { outcome: 'completed', currency: 'EUR', count: 1, minor: 2000 },
    { outcome: 'failed', currency: 'USD', count: 1, minor: 725 },
  ])('counts $outcome $currency payments and their amount in minor units', (expected) => {
    const labels = { outcome: expected.outcome, currency: expected.currency };
    expect(sample('paystep_PaymentCount_total', labels)).toBe(expected.count);
    expect(sample('paystep_PaymentAmount_minor_units_total', labels)).toBe(expected.minor);
  });

  it('keeps the same counts as time series in SQLite for the alarms and the dashboard', () => {
    const { metricStore } = api.paystep.ops;
    const sum = (namespace: string, metricName: string, dimensions: Record<string, string>) =>
      metricStore
        .getStatistics({
          namespace,
          metricName,
          dimensions,
          statistic: 'Sum',
          periodSeconds: 3600,
          startTime: api.clock.now() - 3_600_000,
          endTime: api.clock.now() + 60_000,
        })
        .reduce((total, point) => total + point.value, 0);
    expect(sum('AWS/States', 'ExecutionsFailed', { StateMachineArn: machine })).toBe(1);
    expect(sum('AWS/Lambda', 'Errors', { FunctionName: 'charge-payment' })).toBe(4);
  });

  it('answers only API keys: 401 without one', async () => {
    const response = await api.call({ method: 'GET', url: '/metrics' });
    expect(response.statusCode).toBe(401);
  });
});
