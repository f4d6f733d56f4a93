/**
 * Clocks. Every timer in paystep (Wait states, retry backoff, task and execution timeouts, queue
 * visibility, alarm periods, simulated gateway latency) reads one injected clock, so a virtual
 * clock makes a simulated day run in seconds with the same semantics as a real one.
 */

export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /** Calls `fn` once at `at` (epoch ms) or as soon as possible after. Returns a cancel function. */
  schedule(at: number, fn: () => void): () => void;
  /** Resolves after `ms` of this clock's time. */
  sleep(ms: number): Promise<void>;
  /** True for a virtual clock: time moves only when its owner says nothing else can happen. */
  readonly virtual: boolean;
}

/** Wall-clock time and Node timers. */
export class RealClock implements Clock {
  readonly virtual = false;

  now(): number {
    return Date.now();
  }

  schedule(at: number, fn: () => void): () => void {
    // Node's timers overflow above 2^31-1 ms (about 24.8 days): re-arm in steps.
    const maxDelay = 2_147_483_647;
    let handle: NodeJS.Timeout;
    const arm = () => {
      const delay = at - Date.now();
      handle = setTimeout(delay > maxDelay ? arm : fn, Math.max(0, Math.min(delay, maxDelay)));
      handle.unref?.();
    };
    arm();
    return () => clearTimeout(handle);
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
  }
}

interface VirtualTimer {
  at: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

/**
 * Time that jumps. `advance()` moves to the earliest pending timer and fires every timer due
 * then; the engine calls it when nothing is runnable. `sleepers` counts callers blocked in
 * `sleep()`, so an engine can tell "a task is waiting on simulated latency" (time may move) from
 * "a task is doing real I/O" (time must not).
 */
export class VirtualClock implements Clock {
  readonly virtual = true;
  private current: number;
  private seq = 0;
  private timers: VirtualTimer[] = [];
  private sleeping = 0;
  private readonly sleepListeners = new Set<() => void>();

  /** @param start epoch ms the clock starts at (default 2026-01-01T00:00:00Z: deterministic). */
  constructor(start = Date.UTC(2026, 0, 1)) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  get sleepers(): number {
    return this.sleeping;
  }

  /** Epoch ms of the earliest pending timer, if any. */
  nextDue(): number | undefined {
    let earliest: number | undefined;
    for (const timer of this.timers) {
      if (!timer.cancelled && (earliest === undefined || timer.at < earliest)) earliest = timer.at;
    }
    return earliest;
  }

  schedule(at: number, fn: () => void): () => void {
    const timer: VirtualTimer = { at, seq: this.seq++, fn, cancelled: false };
    this.timers.push(timer);
    return () => {
      timer.cancelled = true;
    };
  }

  /**
   * Calls `listener` whenever a caller starts sleeping: the moment an owner waiting for
   * "everything in flight is asleep" should look again. Returns an unsubscribe function.
   */
  onSleep(listener: () => void): () => void {
    this.sleepListeners.add(listener);
    return () => this.sleepListeners.delete(listener);
  }

  sleep(ms: number): Promise<void> {
    this.sleeping++;
    for (const listener of this.sleepListeners) listener();
    return new Promise((resolve) => {
      this.schedule(this.current + Math.max(0, ms), () => {
        this.sleeping--;
        resolve();
      });
    });
  }

  /**
   * Moves time to the earliest pending timer (never backwards) and fires all timers due at that
   * instant, in the order they were scheduled. Returns false when there is no timer.
   */
  advance(): boolean {
    this.timers = this.timers.filter((timer) => !timer.cancelled);
    const due = this.nextDue();
    if (due === undefined) return false;
    this.current = Math.max(this.current, due);
    const firing = this.timers
      .filter((timer) => timer.at <= this.current)
      .sort((a, b) => a.at - b.at || a.seq - b.seq);
    this.timers = this.timers.filter((timer) => timer.at > this.current);
    for (const timer of firing) timer.fn();
    return true;
  }

  /** Moves time forward by `ms`, firing every timer due on the way. */
  advanceBy(ms: number): void {
    const target = this.current + ms;
    for (let due = this.nextDue(); due !== undefined && due <= target; due = this.nextDue()) {
      this.advance();
    }
    this.current = Math.max(this.current, target);
  }
}
