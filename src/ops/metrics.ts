/**
 * The metric model operations works with, in CloudWatch's terms: a datum is one observation of a
 * metric (namespace, name, dimensions) at a time; the store keeps per-minute aggregates of them and
 * answers "statistic S of metric X per period P between two times", which is what alarms and
 * dashboards ask. The recorder side is fire-and-forget: recording a metric never blocks or fails a
 * workflow.
 */
import type { Dimensions, Statistic } from './alarm-definitions.js';
import { BasicStatistic, percentileOf } from './alarm-definitions.js';
import type { HistogramData, LogBuckets } from './histogram.js';
import { emptyHistogram, mergeHistogram } from './histogram.js';

/** CloudWatch's units for the metrics paystep publishes. */
export const MetricUnit = {
  Count: 'Count',
  Milliseconds: 'Milliseconds',
  Seconds: 'Seconds',
  None: 'None',
} as const;
export type MetricUnit = (typeof MetricUnit)[keyof typeof MetricUnit];

/** One observation of a metric. */
export interface MetricDatum {
  namespace: string;
  name: string;
  /** @default {} */
  dimensions?: Dimensions;
  value: number;
  /** @default 'None' */
  unit?: MetricUnit;
  /** Epoch milliseconds of the observation (from the injected clock). */
  timestamp: number;
}

/** Accepts metric data. Implementations never throw and never wait on I/O in `record`. */
export interface MetricRecorder {
  record(datum: MetricDatum): void;
}

/** Which metric and how to summarise it per period. */
export interface MetricStatisticsQuery {
  namespace: string;
  metricName: string;
  /** Exact dimension set; `{}` for a metric without dimensions. */
  dimensions: Dimensions;
  statistic: Statistic;
  /** Multiple of 60. */
  periodSeconds: number;
  /** Inclusive start (epoch ms); periods are aligned to it. */
  startTime: number;
  /** Exclusive end (epoch ms). */
  endTime: number;
}

/** The statistic of one period; periods without data are absent (CloudWatch: missing). */
export interface StatisticDatapoint {
  /** Start of the period, epoch ms. */
  timestamp: number;
  value: number;
  /** Number of samples in the period (useful for percentiles on low sample counts). */
  sampleCount: number;
}

/** Answers statistics queries; the alarm monitor and the dashboard depend only on this. */
export interface MetricSource {
  getStatistics(query: MetricStatisticsQuery): StatisticDatapoint[];
}

/** Count, sum, minimum, maximum and value histogram of a metric over some span. */
export interface Aggregate {
  count: number;
  sum: number;
  min: number;
  max: number;
  histogram: HistogramData;
}

export function emptyAggregate(): Aggregate {
  return { count: 0, sum: 0, min: Infinity, max: -Infinity, histogram: emptyHistogram() };
}

/** Adds one value to `aggregate` in place. */
export function addToAggregate(aggregate: Aggregate, value: number, buckets: LogBuckets): void {
  aggregate.count += 1;
  aggregate.sum += value;
  aggregate.min = Math.min(aggregate.min, value);
  aggregate.max = Math.max(aggregate.max, value);
  buckets.add(aggregate.histogram, value);
}

/** Merges `source` into `target` in place. */
export function mergeAggregate(target: Aggregate, source: Aggregate): void {
  target.count += source.count;
  target.sum += source.sum;
  target.min = Math.min(target.min, source.min);
  target.max = Math.max(target.max, source.max);
  mergeHistogram(target.histogram, source.histogram);
}

/**
 * The value of `statistic` for `aggregate`, or undefined if it holds no samples. Percentiles are
 * read from the log histogram (within its relative accuracy) and clamped to the exact min and max,
 * so p0 and p100 are exact.
 */
export function statisticValue(
  aggregate: Aggregate,
  statistic: Statistic,
  buckets: LogBuckets,
): number | undefined {
  if (aggregate.count === 0) return undefined;
  switch (statistic) {
    case BasicStatistic.SampleCount:
      return aggregate.count;
    case BasicStatistic.Sum:
      return aggregate.sum;
    case BasicStatistic.Average:
      return aggregate.sum / aggregate.count;
    case BasicStatistic.Minimum:
      return aggregate.min;
    case BasicStatistic.Maximum:
      return aggregate.max;
    default: {
      const percentile = percentileOf(statistic);
      if (percentile === undefined) throw new Error(`Unknown statistic "${statistic}"`);
      if (percentile === 0) return aggregate.min;
      if (percentile === 100) return aggregate.max;
      const estimate = buckets.percentile(aggregate.histogram, percentile);
      if (estimate === undefined) return undefined;
      return Math.min(aggregate.max, Math.max(aggregate.min, estimate));
    }
  }
}

/** Canonical key of a dimension set: sorted by name, so `{a,b}` and `{b,a}` are one series. */
export function dimensionsKey(dimensions: Dimensions): string {
  const sorted = Object.keys(dimensions)
    .sort()
    .map((key) => [key, dimensions[key]]);
  return JSON.stringify(sorted);
}

export const MinuteMs = 60_000;

/** Start of the minute holding `timestamp`. */
export function minuteOf(timestamp: number): number {
  return Math.floor(timestamp / MinuteMs) * MinuteMs;
}
