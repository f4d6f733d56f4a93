import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../src/api/rate-limiter.js';

describe('RateLimiter', () => {
  it('allows a burst, then refuses with the seconds until the next token', () => {
    let now = 0;
    const limiter = new RateLimiter({ perSecond: 2, burst: 3, now: () => now });
    const taken = Array.from({ length: 4 }, () => limiter.take('key-a'));
    expect(taken.map((d) => d.allowed)).toEqual([true, true, true, false]);
    expect(taken[3]).toEqual({ allowed: false, retryAfterSeconds: 1 });

    now += 500; // half a second refills one token at 2/s
    expect(limiter.take('key-a').allowed).toBe(true);
    expect(limiter.take('key-a').allowed).toBe(false);
  });

  it('keeps one bucket per caller', () => {
    const limiter = new RateLimiter({ perSecond: 1, now: () => 0 });
    expect(limiter.take('key-a').allowed).toBe(true);
    expect(limiter.take('key-a').allowed).toBe(false);
    expect(limiter.take('key-b').allowed).toBe(true);
  });

  it('never holds more than its burst, however long a caller was idle', () => {
    let now = 0;
    const limiter = new RateLimiter({ perSecond: 10, burst: 2, now: () => now });
    now += 3_600_000;
    const taken = Array.from({ length: 3 }, () => limiter.take('key-a').allowed);
    expect(taken).toEqual([true, true, false]);
  });

  it.each([0, -1, Number.NaN])('refuses a rate of %s', (perSecond) => {
    expect(() => new RateLimiter({ perSecond, now: () => 0 })).toThrow(RangeError);
  });
});
