/**
 * Metric time series in the paystep SQLite file, as per-minute aggregates per series (count, sum,
 * min, max and a log histogram for percentiles). A hundred thousand executions a day become at
 * most one row per series per minute, so queries over days stay cheap.
 *
 * Writes are group-committed: `record` only merges the datum into an in-memory aggregate for its
 * (series, minute); `flush` writes all of them in one transaction. `record` never touches SQLite,
 * never throws, and when the buffer is full it drops and counts instead of growing without bound:
 * a metric must never block or fail a payment. Queries read the database and the unflushed buffer,
 * so they see every datum recorded so far.
 */
import type { SqliteDatabase } from '../sqlite/database.js';
import { migrate } from '../sqlite/database.js';
import { LogBuckets } from './histogram.js';
import type { HistogramData } from './histogram.js';
import type {
  Aggregate,
  MetricDatum,
  MetricRecorder,
  MetricSource,
  MetricStatisticsQuery,
  StatisticDatapoint,
} from './metrics.js';
import {
  MetricUnit,
  addToAggregate,
  dimensionsKey,
  emptyAggregate,
  mergeAggregate,
  minuteOf,
  statisticValue,
} from './metrics.js';
import type { Now, Schedule } from './schedule.js';

const migrations = [
  `CREATE TABLE ops_metric_series (
     id INTEGER PRIMARY KEY,
     namespace TEXT NOT NULL,
     name TEXT NOT NULL,
     dimensions TEXT NOT NULL,
     unit TEXT NOT NULL,
     UNIQUE (namespace, name, dimensions)
   );
   CREATE TABLE ops_metric_minutes (
     series_id INTEGER NOT NULL REFERENCES ops_metric_series (id),
     minute INTEGER NOT NULL,
     count INTEGER NOT NULL,
     sum REAL NOT NULL,
     min REAL NOT NULL,
     max REAL NOT NULL,
     histogram TEXT NOT NULL,
     PRIMARY KEY (series_id, minute)
   ) WITHOUT ROWID;
   CREATE INDEX ops_metric_minutes_by_minute ON ops_metric_minutes (minute);`,
];

export interface SqliteMetricStoreOptions {
  now: Now;
  /**
   * How long minute aggregates are kept.
   * @default 15 days (CloudWatch keeps one-minute datapoints for 15 days)
   */
  retentionMs?: number;
  /**
   * Most distinct (series, minute) aggregates held between flushes; beyond it data is dropped
   * and counted.
   * @default 10000
   */
  maxPendingAggregates?: number;
  /**
   * Interval of the automatic group commit started by `start`.
   * @default 1000
   */
  flushIntervalMs?: number;
  /** Relative accuracy of percentiles. @default 0.01 */
  relativeAccuracy?: number;
  /** Told about a failed flush (the data is kept and retried). @default ignore */
  onError?: (error: unknown) => void;
}

/** Counters that show whether metrics are being lost. */
export interface MetricStoreStats {
  pendingAggregates: number;
  droppedDatapoints: number;
  invalidDatapoints: number;
  failedFlushes: number;
  flushedAggregates: number;
}

interface Pending {
  namespace: string;
  name: string;
  dimensions: string;
  unit: string;
  minute: number;
  aggregate: Aggregate;
}

interface MinuteRow {
  minute: number;
  count: number;
  sum: number;
  min: number;
  max: number;
  histogram: string;
}

const hourMs = 3_600_000;

/** A `MetricRecorder` and `MetricSource` on SQLite with group commit. */
export class SqliteMetricStore implements MetricRecorder, MetricSource {
  private readonly buckets: LogBuckets;
  private readonly retentionMs: number;
  private readonly maxPending: number;
  private readonly flushIntervalMs: number;
  private pending = new Map<string, Pending>();
  private readonly seriesIds = new Map<string, number>();
  private lastPrune = -Infinity;
  private cancelTimer: (() => void) | undefined;
  private readonly counters = {
    droppedDatapoints: 0,
    invalidDatapoints: 0,
    failedFlushes: 0,
    flushedAggregates: 0,
  };

  private readonly statements: ReturnType<typeof prepareStatements>;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly options: SqliteMetricStoreOptions,
  ) {
    migrate(db, 'ops-metrics', migrations);
    this.statements = prepareStatements(db);
    this.buckets = new LogBuckets(options.relativeAccuracy);
    this.retentionMs = options.retentionMs ?? 15 * 24 * hourMs;
    this.maxPending = options.maxPendingAggregates ?? 10_000;
    this.flushIntervalMs = options.flushIntervalMs ?? 1000;
  }

  /** Buffers one datum. Never throws; invalid or overflowing data is counted and dropped. */
  record(datum: MetricDatum): void {
    try {
      if (!Number.isFinite(datum.value) || !Number.isFinite(datum.timestamp)) {
        this.counters.invalidDatapoints++;
        return;
      }
      const dimensions = dimensionsKey(datum.dimensions ?? {});
      const minute = minuteOf(datum.timestamp);
      const key = pendingKey(datum.namespace, datum.name, dimensions, minute);
      let entry = this.pending.get(key);
      if (entry === undefined) {
        if (this.pending.size >= this.maxPending) {
          this.counters.droppedDatapoints++;
          return;
        }
        entry = {
          namespace: datum.namespace,
          name: datum.name,
          dimensions,
          unit: datum.unit ?? MetricUnit.None,
          minute,
          aggregate: emptyAggregate(),
        };
        this.pending.set(key, entry);
      }
      addToAggregate(entry.aggregate, datum.value, this.buckets);
    } catch {
      this.counters.droppedDatapoints++;
    }
  }

  /**
   * Writes every buffered aggregate in one transaction, merging with what the minute already
   * holds, and prunes data older than the retention (at most once an hour). Never throws: on
   * failure the batch goes back into the buffer for the next flush.
   * @returns the number of aggregates written
   */
  flush(): number {
    if (this.pending.size === 0) {
      this.pruneIfDue();
      return 0;
    }
    const batch = this.pending;
    this.pending = new Map();
    try {
      this.db.transaction(() => {
        for (const entry of batch.values()) this.writeAggregate(entry);
      })();
      this.counters.flushedAggregates += batch.size;
      this.pruneIfDue();
      return batch.size;
    } catch (error) {
      this.counters.failedFlushes++;
      this.requeue(batch);
      this.options.onError?.(error);
      return 0;
    }
  }

  /** Starts flushing every `flushIntervalMs` on the injected timer. */
  start(schedule: Schedule): void {
    if (this.cancelTimer) return;
    const tick = () => {
      this.flush();
      this.cancelTimer = schedule(this.flushIntervalMs, tick);
    };
    this.cancelTimer = schedule(this.flushIntervalMs, tick);
  }

  /** Stops the automatic flush and writes what is buffered. */
  stop(): void {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    this.flush();
  }

  /** Deletes minute aggregates older than `beforeMs`. @returns rows deleted */
  prune(beforeMs: number): number {
    return this.statements.prune.run(beforeMs).changes;
  }

  stats(): MetricStoreStats {
    return { pendingAggregates: this.pending.size, ...this.counters };
  }

  /** Statistic per period over [startTime, endTime), periods aligned to `startTime`. */
  getStatistics(query: MetricStatisticsQuery): StatisticDatapoint[] {
    const periodMs = query.periodSeconds * 1000;
    if (!(periodMs > 0)) throw new RangeError('periodSeconds must be positive');
    const dimensions = dimensionsKey(query.dimensions);
    const periods = new Map<number, Aggregate>();
    const addMinute = (minute: number, aggregate: Aggregate) => {
      const start = query.startTime + Math.floor((minute - query.startTime) / periodMs) * periodMs;
      let period = periods.get(start);
      if (period === undefined) {
        period = emptyAggregate();
        periods.set(start, period);
      }
      mergeAggregate(period, aggregate);
    };
    const seriesId = this.findSeriesId(query.namespace, query.metricName, dimensions);
    if (seriesId !== undefined) {
      const rows = this.statements.minutesBetween.all(seriesId, query.startTime, query.endTime);
      for (const row of rows) addMinute(row.minute, rowToAggregate(row));
    }
    for (const entry of this.pending.values()) {
      if (
        entry.namespace === query.namespace &&
        entry.name === query.metricName &&
        entry.dimensions === dimensions &&
        entry.minute >= query.startTime &&
        entry.minute < query.endTime
      ) {
        addMinute(entry.minute, entry.aggregate);
      }
    }
    const datapoints: StatisticDatapoint[] = [];
    for (const [timestamp, aggregate] of [...periods].sort((a, b) => a[0] - b[0])) {
      const value = statisticValue(aggregate, query.statistic, this.buckets);
      if (value !== undefined) datapoints.push({ timestamp, value, sampleCount: aggregate.count });
    }
    return datapoints;
  }

  private writeAggregate(entry: Pending): void {
    const seriesId = this.ensureSeriesId(entry);
    const existing = this.statements.minute.get(seriesId, entry.minute);
    const merged = emptyAggregate();
    if (existing) mergeAggregate(merged, rowToAggregate(existing));
    mergeAggregate(merged, entry.aggregate);
    this.statements.upsertMinute.run(
      seriesId,
      entry.minute,
      merged.count,
      merged.sum,
      merged.min,
      merged.max,
      JSON.stringify(merged.histogram),
    );
  }

  private ensureSeriesId(entry: Pending): number {
    const known = this.findSeriesId(entry.namespace, entry.name, entry.dimensions);
    if (known !== undefined) return known;
    this.statements.insertSeries.run(entry.namespace, entry.name, entry.dimensions, entry.unit);
    const id = this.findSeriesId(entry.namespace, entry.name, entry.dimensions);
    if (id === undefined) throw new Error('metric series row was not created');
    return id;
  }

  private findSeriesId(namespace: string, name: string, dimensions: string): number | undefined {
    const cacheKey = JSON.stringify([namespace, name, dimensions]);
    const cached = this.seriesIds.get(cacheKey);
    if (cached !== undefined) return cached;
    const row = this.statements.seriesId.get(namespace, name, dimensions);
    if (row) this.seriesIds.set(cacheKey, row.id);
    return row?.id;
  }

  private requeue(batch: Map<string, Pending>): void {
    for (const [key, entry] of batch) {
      const current = this.pending.get(key);
      if (current) mergeAggregate(current.aggregate, entry.aggregate);
      else if (this.pending.size < this.maxPending) this.pending.set(key, entry);
      else this.counters.droppedDatapoints += entry.aggregate.count;
    }
  }

  private pruneIfDue(): void {
    const now = this.options.now();
    if (now - this.lastPrune < hourMs) return;
    this.lastPrune = now;
    try {
      this.prune(now - this.retentionMs);
    } catch (error) {
      this.options.onError?.(error);
    }
  }
}

function pendingKey(namespace: string, name: string, dimensions: string, minute: number): string {
  return JSON.stringify([namespace, name, dimensions, minute]);
}

function rowToAggregate(row: MinuteRow): Aggregate {
  return {
    count: row.count,
    sum: row.sum,
    min: row.min,
    max: row.max,
    histogram: JSON.parse(row.histogram) as HistogramData,
  };
}

/**
 * The store's statements, prepared once: a flush runs several per aggregate every second on the
 * event loop, and preparing one costs more than running it.
 */
function prepareStatements(db: SqliteDatabase) {
  return {
    prune: db.prepare<[number]>('DELETE FROM ops_metric_minutes WHERE minute < ?'),
    minute: db.prepare<[number, number], MinuteRow>(
      'SELECT minute, count, sum, min, max, histogram FROM ops_metric_minutes WHERE series_id = ? AND minute = ?',
    ),
    minutesBetween: db.prepare<[number, number, number], MinuteRow>(
      'SELECT minute, count, sum, min, max, histogram FROM ops_metric_minutes WHERE series_id = ? AND minute >= ? AND minute < ? ORDER BY minute',
    ),
    upsertMinute: db.prepare<[number, number, number, number, number, number, string]>(
      `INSERT INTO ops_metric_minutes (series_id, minute, count, sum, min, max, histogram)
       VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (series_id, minute) DO UPDATE SET count = excluded.count, sum = excluded.sum,
         min = excluded.min, max = excluded.max, histogram = excluded.histogram`,
    ),
    insertSeries: db.prepare<[string, string, string, string]>(
      'INSERT OR IGNORE INTO ops_metric_series (namespace, name, dimensions, unit) VALUES (?, ?, ?, ?)',
    ),
    seriesId: db.prepare<[string, string, string], { id: number }>(
      'SELECT id FROM ops_metric_series WHERE namespace = ? AND name = ? AND dimensions = ?',
    ),
  };
}
