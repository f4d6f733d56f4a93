import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/sqlite/database.js';
import type { SqliteDatabase } from '../../src/sqlite/database.js';
import { AlarmMonitor } from '../../src/ops/alarm-monitor.js';
import type { AlarmDefinition } from '../../src/ops/alarm-definitions.js';
import { defaultAlarms } from '../../src/ops/alarm-definitions.js';
import type { Alert } from '../../src/ops/alerts.js';
import { SqliteMetricStore } from '../../src/ops/sqlite-metric-store.js';
import type { Schedule } from '../../src/ops/schedule.js';

const minute = 60_000;
const t0 = Date.UTC(2025, 0, 2, 10, 0, 0);

/** A virtual clock whose timers fire when the test advances it. */
class VirtualTime {
  now = t0 + 30_000;
  private timers: { at: number; fn: () => void; cancelled: boolean }[] = [];
  schedule: Schedule = (ms, fn) => {
    const timer = { at: this.now + ms, fn, cancelled: false };
    this.timers.push(timer);
    return () => {
      timer.cancelled = true;
    };
  };
  advance(ms: number) {
    const until = this.now + ms;
    for (;;) {
      const due = this.timers
        .filter((t) => !t.cancelled && t.at <= until)
        .sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.now = due.at;
      due.fn();
    }
    this.now = until;
  }
}

const [executionsFailed] = defaultAlarms({
  stateMachineName: 'PaymentWorkflow',
  functionNames: [],
});

function setup(
  alarms: readonly AlarmDefinition[] = [executionsFailed as AlarmDefinition],
  db?: SqliteDatabase,
) {
  const database = db ?? openDatabase(':memory:');
  const time = new VirtualTime();
  const store = new SqliteMetricStore(database, { now: () => time.now });
  const published: Alert[] = [];
  const errors: string[] = [];
  const monitor = new AlarmMonitor({
    db: database,
    metrics: store,
    alarms,
    alerts: { publish: (a) => published.push(a) },
    now: () => time.now,
    schedule: time.schedule,
    onError: (name, error) => errors.push(`${name}: ${String(error)}`),
  });
  const fail = (count: number) => {
    for (let i = 0; i < count; i++) {
      store.record({
        namespace: 'AWS/States',
        name: 'ExecutionsFailed',
        dimensions: executionsFailed?.dimensions ?? {},
        value: 1,
        unit: 'Count',
        timestamp: time.now,
      });
    }
  };
  return { db: database, time, store, monitor, published, errors, fail };
}

describe('AlarmMonitor', () => {
  it('publishes only state changes as failures come and go', () => {
    const { time, monitor, published, fail } = setup();
    monitor.start();

    time.advance(minute); // first evaluation: no failures, missing data is notBreaching
    expect(published.map((a) => `${a.previousState}->${a.state}`)).toEqual([
      'INSUFFICIENT_DATA->OK',
    ]);

    fail(2);
    time.advance(2 * minute);
    expect(published).toHaveLength(1); // 2 failures are not more than 2

    fail(1);
    time.advance(minute);
    expect(published.map((a) => a.state)).toEqual(['OK', 'ALARM']);
    expect(published[1]?.reason).toMatch(
      /^Threshold Crossed: 1 out of the last 1 datapoint \[3\.0 /,
    );

    time.advance(2 * minute); // at 10:06 the window 10:01-10:06 still holds all 3 failures
    expect(published).toHaveLength(2);

    time.advance(minute); // at 10:07 the window has slid past the first two
    expect(published.map((a) => a.state)).toEqual(['OK', 'ALARM', 'OK']);
    monitor.stop();
  });

  it('commits state and history before publishing', () => {
    const seen: string[] = [];
    const db = openDatabase(':memory:');
    const store = new SqliteMetricStore(db, { now: () => t0 });
    store.record({
      namespace: 'AWS/States',
      name: 'ExecutionsFailed',
      dimensions: executionsFailed?.dimensions ?? {},
      value: 5,
      timestamp: t0,
    });
    const checked = new AlarmMonitor({
      db,
      metrics: store,
      alarms: [executionsFailed as AlarmDefinition],
      alerts: {
        publish: () => {
          seen.push(checked.states()[0]?.state ?? '', String(checked.history().length));
        },
      },
      now: () => t0 + minute,
      schedule: () => () => undefined,
    });
    checked.evaluateAll();
    expect(seen).toEqual(['ALARM', '1']);
  });

  it('keeps state and history in SQLite for a restarted monitor', () => {
    const first = setup();
    first.fail(3);
    first.time.advance(minute);
    first.monitor.evaluateAll();
    expect(first.published.map((a) => a.state)).toEqual(['ALARM']);
    first.store.stop();

    const second = setup(undefined, first.db);
    second.time.now = first.time.now;
    second.monitor.evaluateAll();
    expect(second.published).toEqual([]); // same state: nothing to say
    expect(second.monitor.states()).toMatchObject([{ state: 'ALARM', updatedAt: first.time.now }]);
    expect(second.monitor.history()).toMatchObject([
      { alarmName: executionsFailed?.name, previousState: 'INSUFFICIENT_DATA', state: 'ALARM' },
    ]);
  });

  it('starts every alarm in INSUFFICIENT_DATA', () => {
    const { monitor } = setup();
    expect(monitor.states()).toEqual([
      {
        alarmName: executionsFailed?.name,
        state: 'INSUFFICIENT_DATA',
        reason: 'Unchecked: Initial alarm creation',
        updatedAt: undefined,
      },
    ]);
  });

  it('builds the evaluation range from whole periods ending at the current minute', () => {
    const { time, monitor, store } = setup();
    const alarm = {
      ...(executionsFailed as AlarmDefinition),
      periodSeconds: 60,
      evaluationPeriods: 3,
    };
    const at = (m: number) => t0 + m * minute;
    for (const m of [0, 2, 4]) {
      store.record({
        namespace: alarm.namespace,
        name: alarm.metricName,
        dimensions: alarm.dimensions,
        value: m,
        timestamp: at(m) + 1000,
      });
    }
    time.now = at(5) + 10_000; // minute 5 is in progress and not evaluated
    expect(monitor.evaluationRange(alarm, time.now)).toEqual([
      { timestamp: at(0), value: 0 },
      null,
      { timestamp: at(2), value: 2 },
      null,
      { timestamp: at(4), value: 4 },
    ]);
  });

  it('evaluates the other alarms when one cannot be evaluated', () => {
    const db = openDatabase(':memory:');
    const store = new SqliteMetricStore(db, { now: () => t0 });
    store.record({
      namespace: 'AWS/States',
      name: 'ExecutionsFailed',
      dimensions: executionsFailed?.dimensions ?? {},
      value: 3,
      timestamp: t0,
    });
    const other = { ...(executionsFailed as AlarmDefinition), name: 'Other', metricName: 'Broken' };
    const published: string[] = [];
    const errors: string[] = [];
    const monitor = new AlarmMonitor({
      db,
      metrics: {
        getStatistics: (query) => {
          if (query.metricName === 'Broken') throw new Error('disk on fire');
          return store.getStatistics(query);
        },
      },
      alarms: [other, executionsFailed as AlarmDefinition],
      alerts: { publish: (a) => published.push(a.alarmName) },
      now: () => t0 + minute,
      schedule: () => () => undefined,
      onError: (name, error) => errors.push(`${name}: ${String(error)}`),
    });
    monitor.evaluateAll();
    expect(errors).toEqual(['Other: Error: disk on fire']);
    expect(published).toEqual([executionsFailed?.name]);
  });

  it('rejects invalid alarm definitions up front', () => {
    const broken = {
      ...(executionsFailed as AlarmDefinition),
      statistic: 'Median',
    } as unknown as AlarmDefinition;
    expect(() => setup([broken])).toThrow('statistic "Median"');
  });
});
