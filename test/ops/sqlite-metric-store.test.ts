import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/sqlite/database.js';
import { SqliteMetricStore } from '../../src/ops/sqlite-metric-store.js';
import type { MetricStatisticsQuery } from '../../src/ops/metrics.js';
import type { Statistic } from '../../src/ops/alarm-definitions.js';

const t0 = Date.UTC(2025, 0, 2, 10, 0, 0);
const minute = 60_000;

function setup(options: { maxPendingAggregates?: number; retentionMs?: number } = {}) {
  const db = openDatabase(':memory:');
  let now = t0;
  const store = new SqliteMetricStore(db, { now: () => now, ...options });
  return {
    db,
    store,
    setNow: (value: number) => {
      now = value;
    },
  };
}

function query(
  statistic: Statistic,
  over: Partial<MetricStatisticsQuery> = {},
): MetricStatisticsQuery {
  return {
    namespace: 'AWS/States',
    metricName: 'ExecutionTime',
    dimensions: { StateMachineArn: 'sm' },
    statistic,
    periodSeconds: 300,
    startTime: t0,
    endTime: t0 + 15 * minute,
    ...over,
  };
}

function recordTime(store: SqliteMetricStore, value: number, timestamp: number) {
  store.record({
    namespace: 'AWS/States',
    name: 'ExecutionTime',
    dimensions: { StateMachineArn: 'sm' },
    value,
    unit: 'Milliseconds',
    timestamp,
  });
}

describe('SqliteMetricStore', () => {
  // Period 1 (10:00-10:05): 10, 20, 30 in different minutes; period 2: nothing; period 3: 100.
  const samples: [number, number][] = [
    [10, t0],
    [20, t0 + 1 * minute + 5_000],
    [30, t0 + 4 * minute + 59_999],
    [100, t0 + 12 * minute],
  ];

  it.each([
    ['SampleCount', [3, 1]],
    ['Sum', [60, 100]],
    ['Average', [20, 100]],
    ['Minimum', [10, 100]],
    ['Maximum', [30, 100]],
    ['p0', [10, 100]],
    ['p100', [30, 100]],
  ] as const)('computes %s per period and leaves empty periods out', (statistic, values) => {
    const { store } = setup();
    for (const [value, at] of samples) recordTime(store, value, at);
    store.flush();
    const points = store.getStatistics(query(statistic));
    expect(points.map((p) => p.timestamp)).toEqual([t0, t0 + 10 * minute]);
    expect(points.map((p) => p.value)).toEqual(values);
  });

  it.each([
    ['p50', 500],
    ['p90', 900],
    ['p99', 990],
    ['p99.9', 999],
  ] as const)('estimates %s within 1%', (statistic, exact) => {
    const { store } = setup();
    // 1..1000 spread over five minutes of one period, flushed in two batches.
    for (let v = 1; v <= 1000; v++) {
      recordTime(store, v, t0 + (v % 5) * minute);
      if (v === 500) store.flush();
    }
    store.flush();
    const [point] = store.getStatistics(query(statistic));
    expect(point?.sampleCount).toBe(1000);
    expect(Math.abs((point?.value ?? 0) - exact) / exact).toBeLessThanOrEqual(0.01);
  });

  it('sees recorded data before it is flushed', () => {
    const { store } = setup();
    recordTime(store, 7, t0);
    expect(store.getStatistics(query('Sum'))).toEqual([
      { timestamp: t0, value: 7, sampleCount: 1 },
    ]);
    store.flush();
    recordTime(store, 3, t0 + 30_000);
    expect(store.getStatistics(query('Sum'))).toEqual([
      { timestamp: t0, value: 10, sampleCount: 2 },
    ]);
  });

  it('writes one row per series and minute however many datapoints it buffered', () => {
    const { db, store } = setup();
    for (let i = 0; i < 10_000; i++) recordTime(store, i % 7, t0 + (i % 2) * minute);
    expect(store.flush()).toBe(2);
    const rows = db.prepare('SELECT count(*) AS n FROM ops_metric_minutes').get() as { n: number };
    expect(rows.n).toBe(2);
    expect(store.getStatistics(query('SampleCount'))[0]?.value).toBe(10_000);
  });

  it('merges a later flush into the minute already stored', () => {
    const { db, store } = setup();
    recordTime(store, 1, t0);
    store.flush();
    recordTime(store, 5, t0 + 10_000);
    store.flush();
    const rows = db.prepare('SELECT count, sum, min, max FROM ops_metric_minutes').all();
    expect(rows).toEqual([{ count: 2, sum: 6, min: 1, max: 5 }]);
  });

  it('keeps its data for a new store on the same database', () => {
    const { db, store } = setup();
    recordTime(store, 42, t0);
    store.stop();
    const reopened = new SqliteMetricStore(db, { now: () => t0 });
    expect(reopened.getStatistics(query('Maximum'))[0]?.value).toBe(42);
  });

  it('treats dimension sets with the same pairs in another order as one series', () => {
    const { store } = setup();
    const base = { namespace: 'Paystep', name: 'PaymentCount', value: 1, timestamp: t0 };
    store.record({ ...base, dimensions: { Currency: 'EUR', Outcome: 'succeeded' } });
    store.record({ ...base, dimensions: { Outcome: 'succeeded', Currency: 'EUR' } });
    store.flush();
    const points = store.getStatistics(
      query('Sum', {
        namespace: 'Paystep',
        metricName: 'PaymentCount',
        dimensions: { Currency: 'EUR', Outcome: 'succeeded' },
      }),
    );
    expect(points[0]?.value).toBe(2);
  });

  it('drops and counts datapoints beyond its buffer instead of growing', () => {
    const { store } = setup({ maxPendingAggregates: 2 });
    recordTime(store, 1, t0);
    recordTime(store, 1, t0 + minute);
    recordTime(store, 1, t0 + 2 * minute); // a third (series, minute): no room
    recordTime(store, 1, t0); // an existing aggregate still takes data
    expect(store.stats()).toMatchObject({ pendingAggregates: 2, droppedDatapoints: 1 });
    store.flush();
    recordTime(store, 1, t0 + 2 * minute);
    expect(store.stats()).toMatchObject({ pendingAggregates: 1, droppedDatapoints: 1 });
  });

  it('never throws on bad input, and counts it', () => {
    const { store } = setup();
    expect(() => {
      recordTime(store, Number.NaN, t0);
      recordTime(store, Infinity, t0);
    }).not.toThrow();
    expect(store.stats().invalidDatapoints).toBe(2);
  });

  it('keeps a batch whose commit failed for the next flush', () => {
    const { db, store } = setup();
    recordTime(store, 4, t0);
    db.exec('DROP TABLE ops_metric_minutes');
    expect(store.flush()).toBe(0);
    expect(store.stats()).toMatchObject({ failedFlushes: 1, pendingAggregates: 1 });
  });

  it('prunes minutes older than the retention', () => {
    const { store, setNow } = setup({ retentionMs: 60 * minute });
    recordTime(store, 1, t0);
    recordTime(store, 2, t0 + 90 * minute);
    store.flush();
    setNow(t0 + 120 * minute);
    expect(store.prune(t0 + 120 * minute - 60 * minute)).toBe(1);
    const points = store.getStatistics(query('Sum', { endTime: t0 + 200 * minute }));
    expect(points.map((p) => p.value)).toEqual([2]);
  });

  it('flushes on the injected schedule', () => {
    const { db, store } = setup();
    const timers: (() => void)[] = [];
    store.start((_ms, fn) => {
      timers.push(fn);
      return () => undefined;
    });
    recordTime(store, 1, t0);
    timers.shift()?.();
    const rows = db.prepare('SELECT count(*) AS n FROM ops_metric_minutes').get() as { n: number };
    expect(rows.n).toBe(1);
    expect(timers).toHaveLength(1); // rescheduled itself
  });
});
