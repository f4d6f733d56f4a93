import { afterEach, describe, expect, it } from 'vitest';
import type { AlarmDefinition } from '../../src/ops/alarm-definitions.js';
import type { AlertSink, OutgoingAlert } from '../../src/ops/alerts.js';
import { alertTitle } from '../../src/ops/alerts.js';
import { OpsRuntime } from '../../src/ops/ops-runtime.js';
import { openDatabase } from '../../src/sqlite/database.js';
import type { SqliteDatabase } from '../../src/sqlite/database.js';
import { VirtualClock } from '../../src/engine/clock.js';

const machine = 'arn:aws:states:us-east-1:000000000000:stateMachine:payment-workflow';

/** More than two failed executions in a minute; missing data counts as missing (CloudWatch's default). */
const failedAlarm: AlarmDefinition = {
  name: 'Failed',
  description: 'Executions failed.',
  namespace: 'AWS/States',
  metricName: 'ExecutionsFailed',
  dimensions: { StateMachineArn: machine },
  statistic: 'Sum',
  periodSeconds: 60,
  evaluationPeriods: 1,
  datapointsToAlarm: 1,
  threshold: 2,
  comparisonOperator: 'GreaterThanThreshold',
  treatMissingData: 'missing',
};

let db: SqliteDatabase | undefined;
afterEach(() => db?.close());

function runtime() {
  db = openDatabase(':memory:');
  const clock = new VirtualClock();
  const sent: OutgoingAlert[] = [];
  const sink: AlertSink = {
    name: 'test',
    deliver: (alert) => {
      sent.push(alert);
      return Promise.resolve();
    },
  };
  const ops = new OpsRuntime({
    db,
    now: () => clock.now(),
    schedule: (delayMs, fn) => clock.schedule(clock.now() + delayMs, fn),
    delay: (ms) => clock.sleep(ms),
    alarms: [failedAlarm],
    sinks: [sink],
    log: { warn: () => undefined },
    processMetrics: false,
  });
  return { ops, clock, sent };
}

describe('OpsRuntime', () => {
  it('evaluates the alarms every minute on the clock and sends ALARM and OK transitions', async () => {
    const { ops, clock, sent } = runtime();
    ops.start();
    for (let i = 0; i < 3; i++) ops.metrics.executionFinished(machine, 'FAILED', 500);
    clock.advanceBy(60_000);
    expect(ops.monitor.states()[0]?.state).toBe('ALARM');
    // A quiet minute after an OK one: the failures are out of the window, and the state is OK.
    ops.metrics.executionFinished(machine, 'SUCCEEDED', 500);
    ops.metrics.executionFinished(machine, 'FAILED', 500);
    clock.advanceBy(60_000);
    expect(ops.monitor.states()[0]?.state).toBe('OK');
    await ops.publisher.drain();
    expect(sent.map(alertTitle)).toEqual([
      '[ALARM] Failed (INSUFFICIENT_DATA -> ALARM)',
      '[OK] Failed (ALARM -> OK)',
    ]);
    ops.stop();
  });

  it('records a transition to INSUFFICIENT_DATA but sends no alert for it, as the stack has no such action', async () => {
    const { ops, clock, sent } = runtime();
    ops.start();
    ops.metrics.executionFinished(machine, 'FAILED', 500);
    clock.advanceBy(60_000);
    // Once the evaluation range (3 periods for N = 1) holds no datapoint, missing data makes the
    // alarm INSUFFICIENT_DATA.
    clock.advanceBy(3 * 60_000);
    expect(ops.monitor.history().map((h) => h.state)).toEqual(['INSUFFICIENT_DATA', 'OK']);
    await ops.publisher.drain();
    expect(sent.map(alertTitle)).toEqual(['[OK] Failed (INSUFFICIENT_DATA -> OK)']);
    ops.stop();
  });

  it('serves the same counts in its Prometheus registry', async () => {
    const { ops } = runtime();
    ops.metrics.executionFinished(machine, 'FAILED', 500);
    const text = await ops.registry.metrics();
    expect(text).toContain(`states_ExecutionsFailed_total{state_machine_arn="${machine}"} 1`);
    expect(text).toContain('paystep_metric_datapoints_lost 0');
  });
});
