/**
 * A small mergeable histogram with logarithmic buckets, so per-minute aggregates can answer
 * percentile questions (p50, p99...) over any range of minutes without keeping raw values.
 *
 * Buckets grow by a fixed ratio (the idea of DDSketch): a value v > 0 falls in bucket
 * ceil(log_gamma(v)), and the bucket's representative value is within `relativeAccuracy` of every
 * value in it. Negative values mirror the positive buckets; zero has its own count. A minute of
 * latencies from 1 ms to 10 minutes touches at most a few hundred buckets, and in practice far
 * fewer, so the sparse JSON form stays small.
 */

/** Relative error of a percentile read from the histogram: 1%. */
export const DefaultRelativeAccuracy = 0.01;

/** Serializable sparse histogram: bucket index to count. */
export interface HistogramData {
  /** Counts of positive values by bucket index. */
  p: Record<string, number>;
  /** Counts of negative values by bucket index of their absolute value. */
  n: Record<string, number>;
  /** Count of zeros (and values too small to bucket). */
  z: number;
}

export function emptyHistogram(): HistogramData {
  return { p: {}, n: {}, z: 0 };
}

// Values below this are counted as zero: they have no meaningful bucket.
const minIndexable = 1e-9;

/** Log-bucket mapping for one relative accuracy. */
export class LogBuckets {
  private readonly gamma: number;
  private readonly logGamma: number;

  constructor(readonly relativeAccuracy: number = DefaultRelativeAccuracy) {
    this.gamma = (1 + relativeAccuracy) / (1 - relativeAccuracy);
    this.logGamma = Math.log(this.gamma);
  }

  index(absValue: number): number {
    return Math.ceil(Math.log(absValue) / this.logGamma);
  }

  /** The value that best represents every value in bucket `index` (error <= relativeAccuracy). */
  value(index: number): number {
    return (2 * Math.pow(this.gamma, index)) / (this.gamma + 1);
  }

  /** Adds `count` occurrences of `value` to `histogram` in place. */
  add(histogram: HistogramData, value: number, count = 1): void {
    const abs = Math.abs(value);
    if (abs < minIndexable) {
      histogram.z += count;
      return;
    }
    const store = value > 0 ? histogram.p : histogram.n;
    const key = String(this.index(abs));
    store[key] = (store[key] ?? 0) + count;
  }

  /**
   * The value at percentile `percentile` (0..100) of the values in `histogram`, or undefined when
   * it is empty. Nearest-rank on the bucket representatives.
   */
  percentile(histogram: HistogramData, percentile: number): number | undefined {
    const negatives = sortedEntries(histogram.n).reverse(); // most negative first
    const positives = sortedEntries(histogram.p);
    const total =
      negatives.reduce((sum, [, c]) => sum + c, 0) +
      histogram.z +
      positives.reduce((sum, [, c]) => sum + c, 0);
    if (total === 0) return undefined;
    const rank = Math.max(1, Math.ceil((percentile / 100) * total));
    let seen = 0;
    for (const [index, count] of negatives) {
      seen += count;
      if (seen >= rank) return -this.value(index);
    }
    seen += histogram.z;
    if (seen >= rank) return 0;
    for (const [index, count] of positives) {
      seen += count;
      if (seen >= rank) return this.value(index);
    }
    return undefined;
  }
}

/** Merges `source` into `target` in place. */
export function mergeHistogram(target: HistogramData, source: HistogramData): void {
  target.z += source.z;
  for (const [key, count] of Object.entries(source.p)) target.p[key] = (target.p[key] ?? 0) + count;
  for (const [key, count] of Object.entries(source.n)) target.n[key] = (target.n[key] ?? 0) + count;
}

function sortedEntries(store: Record<string, number>): [number, number][] {
  return Object.entries(store)
    .map(([key, count]): [number, number] => [Number(key), count])
    .sort((a, b) => a[0] - b[0]);
}
