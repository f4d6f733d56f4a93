import { describe, expect, it } from 'vitest';
import { BloomFilter } from '../../../src/api/webhooks/bloom-filter.js';

describe('BloomFilter', () => {
  it('never forgets a key it was given, across layers', () => {
    // 64 keys per first layer: 100,000 keys make about eleven layers.
    const filter = new BloomFilter(64, 0.01);
    const keys = Array.from({ length: 100_000 }, (_, i) => `evt_${i.toString(36)}`);
    for (const key of keys) filter.add(key);
    expect(keys.filter((key) => !filter.mightContain(key))).toEqual([]);
    expect(filter.size).toBe(100_000);
  });

  it('answers "maybe" for keys never added at most about twice the first layer\'s rate', () => {
    for (const [capacity, added] of [
      [1 << 16, 50_000], // one layer, under capacity
      [1 << 10, 50_000], // several layers
    ] as const) {
      const filter = new BloomFilter(capacity, 0.01);
      for (let i = 0; i < added; i++) filter.add(`evt_live_${i}`);
      let maybes = 0;
      const probes = 100_000;
      for (let i = 0; i < probes; i++) if (filter.mightContain(`evt_other_${i}`)) maybes++;
      expect(maybes / probes).toBeLessThan(0.02);
    }
  });

  it('tells similar keys apart: ids that differ in one character', () => {
    const filter = new BloomFilter(1 << 12, 0.01);
    for (let i = 0; i < 1000; i++) filter.add(`evt_${String(i).padStart(8, '0')}a`);
    let maybes = 0;
    for (let i = 0; i < 1000; i++)
      if (filter.mightContain(`evt_${String(i).padStart(8, '0')}b`)) maybes++;
    expect(maybes).toBeLessThan(20);
  });

  it('is empty when new', () => {
    const filter = new BloomFilter();
    expect(filter.mightContain('')).toBe(false);
    expect(filter.mightContain('evt_1')).toBe(false);
    filter.add('');
    expect(filter.mightContain('')).toBe(true);
  });

  it('rejects a capacity or rate it cannot honour', () => {
    expect(() => new BloomFilter(0)).toThrow(/initialCapacity must be a positive integer, not 0/);
    expect(() => new BloomFilter(1.5)).toThrow(/initialCapacity/);
    expect(() => new BloomFilter(10, 0)).toThrow(/falsePositiveRate must be in \(0, 1\), not 0/);
    expect(() => new BloomFilter(10, 1)).toThrow(/falsePositiveRate/);
    expect(() => new BloomFilter(10, Number.NaN)).toThrow(/falsePositiveRate/);
  });
});
