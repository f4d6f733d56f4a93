/**
 * Per-caller rate limiting: a token bucket per API key (and one for the webhook endpoint), in
 * memory. A bucket holds up to `burst` tokens and refills at `perSecond`; a request takes one or is
 * refused with the seconds until one is available (the `Retry-After` of a 429). Buckets idle long
 * enough to be full again are forgotten, so the map stays as small as the set of active callers.
 */

export interface RateLimiterOptions {
  /** Sustained requests per second per caller. */
  perSecond: number;
  /** Requests a caller may make at once above the rate. @default perSecond */
  burst?: number;
  /** Epoch ms; the injected clock. */
  now: () => number;
}

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  updatedAt: number;
}

export class RateLimiter {
  private readonly perMs: number;
  private readonly burst: number;
  private readonly now: () => number;
  private readonly buckets = new Map<string, Bucket>();
  private lastSweep = 0;

  constructor(options: RateLimiterOptions) {
    if (!(options.perSecond > 0)) throw new RangeError('perSecond must be positive');
    this.perMs = options.perSecond / 1000;
    this.burst = options.burst ?? options.perSecond;
    this.now = options.now;
  }

  /** Takes one token from `caller`'s bucket if it has one. */
  take(caller: string): RateDecision {
    const now = this.now();
    this.sweep(now);
    const bucket = this.buckets.get(caller) ?? { tokens: this.burst, updatedAt: now };
    bucket.tokens = Math.min(this.burst, bucket.tokens + (now - bucket.updatedAt) * this.perMs);
    bucket.updatedAt = now;
    this.buckets.set(caller, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true };
    }
    return {
      allowed: false,
      retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / this.perMs / 1000)),
    };
  }

  private sweep(now: number): void {
    const fullAfterMs = this.burst / this.perMs;
    if (now - this.lastSweep < Math.max(fullAfterMs, 10_000)) return;
    this.lastSweep = now;
    for (const [caller, bucket] of this.buckets) {
      if (now - bucket.updatedAt >= fullAfterMs) this.buckets.delete(caller);
    }
  }
}
