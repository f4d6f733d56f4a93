import { describe, expect, it } from 'vitest';
import {
  fixedLatency,
  logNormalLatency,
  noLatency,
  uniformLatency,
} from '../../../src/adapters/gateway/latency.js';
import { mulberry32 } from '../../../src/adapters/gateway/seeded-random.js';

function sample(model: (random: () => number) => number, n = 5_000): number[] {
  const random = mulberry32(11);
  return Array.from({ length: n }, () => model(random)).sort((a, b) => a - b);
}

describe('latency models', () => {
  it('answers at once with no latency and always the same with a fixed one', () => {
    expect(sample(noLatency, 3)).toEqual([0, 0, 0]);
    expect(sample(fixedLatency(25), 3)).toEqual([25, 25, 25]);
  });

  it('stays within bounds for a uniform latency', () => {
    const values = sample(uniformLatency(20, 80));

    expect(values[0]).toBeGreaterThanOrEqual(20);
    expect(values.at(-1)).toBeLessThanOrEqual(80);
    expect(values.every(Number.isInteger)).toBe(true);
  });

  it('puts the median and 99th percentile of a log-normal latency where asked', () => {
    const values = sample(logNormalLatency({ medianMs: 100, p99Ms: 800 }), 20_000);
    const median = values[Math.floor(values.length / 2)] ?? 0;
    const p99 = values[Math.floor(values.length * 0.99)] ?? 0;

    expect(median).toBeGreaterThan(90);
    expect(median).toBeLessThan(110);
    expect(p99).toBeGreaterThan(650);
    expect(p99).toBeLessThan(950);
  });

  it.each([
    () => fixedLatency(-1),
    () => uniformLatency(50, 10),
    () => logNormalLatency({ medianMs: 0, p99Ms: 10 }),
    () => logNormalLatency({ medianMs: 100, p99Ms: 50 }),
  ])('rejects impossible parameters (%#)', (make) => {
    expect(make).toThrow(RangeError);
  });
});
