import { describe, expect, it } from 'vitest';
import {
  hash32,
  mulberry32,
  randomFor,
  stableHex,
} from '../../../src/adapters/gateway/seeded-random.js';

function draws(random: () => number, n: number): number[] {
  return Array.from({ length: n }, () => random());
}

describe('seeded random', () => {
  it('repeats the same sequence for the same seed', () => {
    expect(draws(mulberry32(42), 5)).toEqual(draws(mulberry32(42), 5));
  });

  it('gives another sequence for another seed', () => {
    expect(draws(mulberry32(42), 5)).not.toEqual(draws(mulberry32(43), 5));
  });

  it('draws in [0, 1) with a mean near one half', () => {
    const values = draws(mulberry32(7), 10_000);
    const mean = values.reduce((sum, v) => sum + v, 0) / values.length;

    expect(values.every((v) => v >= 0 && v < 1)).toBe(true);
    expect(mean).toBeGreaterThan(0.48);
    expect(mean).toBeLessThan(0.52);
  });

  it.each([
    ['a', 'b', 0],
    ['txn-1', 'txn-2', 0],
    ['same', 'same', 1],
  ])('hashes %s and %s apart under different seeds or texts', (a, b, seed) => {
    expect(hash32(a, 0)).not.toBe(hash32(b, seed));
  });

  it('separates decisions named by different parts', () => {
    expect(randomFor(1, 'decline', 'txn-1')()).not.toBe(randomFor(1, 'decline', 'txn-2')());
    expect(randomFor(1, 'decline', 'txn-1')()).toBe(randomFor(1, 'decline', 'txn-1')());
  });

  it('derives stable hex ids of the asked length', () => {
    const id = stableHex(1, 24, 'charge', 'txn-1');

    expect(id).toMatch(/^[0-9a-f]{24}$/);
    expect(stableHex(1, 24, 'charge', 'txn-1')).toBe(id);
    expect(stableHex(2, 24, 'charge', 'txn-1')).not.toBe(id);
  });
});
