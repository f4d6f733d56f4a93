/**
 * How long the simulated gateway takes to answer: small latency models drawing from the
 * simulator's seeded random source, so a seed fixes every delay as well as every outcome.
 */
import type { RandomSource } from './seeded-random.js';

/** Milliseconds one call takes, drawn from `random`. Whole, non-negative milliseconds. */
export type LatencyModel = (random: RandomSource) => number;

/** Answers at once (the default: tests and virtual time need no latency). */
export const noLatency: LatencyModel = () => 0;

/** Always `ms` milliseconds. */
export function fixedLatency(ms: number): LatencyModel {
  assertNonNegative(ms, 'ms');
  return () => Math.round(ms);
}

/** Uniform between `minMs` and `maxMs`, inclusive. */
export function uniformLatency(minMs: number, maxMs: number): LatencyModel {
  assertNonNegative(minMs, 'minMs');
  if (!(maxMs >= minMs)) throw new RangeError('maxMs must be at least minMs');
  return (random) => Math.round(minMs + random() * (maxMs - minMs));
}

/**
 * Log-normal, the usual shape of network latency: most calls near the median, a long tail.
 * @example logNormalLatency({ medianMs: 120, p99Ms: 900 }) // half the calls under 120 ms, 1% over 900 ms
 */
export function logNormalLatency(options: { medianMs: number; p99Ms: number }): LatencyModel {
  const { medianMs, p99Ms } = options;
  if (!(medianMs > 0)) throw new RangeError('medianMs must be positive');
  if (!(p99Ms >= medianMs)) throw new RangeError('p99Ms must be at least medianMs');
  const mu = Math.log(medianMs);
  // 2.3263 is the standard normal's 99th percentile.
  const sigma = Math.log(p99Ms / medianMs) / 2.3263;
  return (random) => {
    // Box-Muller; 1 - u keeps the logarithm's argument in (0, 1].
    const u = 1 - random();
    const v = random();
    const normal = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    return Math.round(Math.exp(mu + sigma * normal));
  };
}

function assertNonNegative(value: number, name: string) {
  if (!(value >= 0) || !Number.isFinite(value)) {
    throw new RangeError(`${name} must be a non-negative number`);
  }
}
