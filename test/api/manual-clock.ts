/**
 * A clock that moves only when the test moves it. Unlike VirtualClock, the engine does not jump
 * it to the next timer when idle, so a payment waiting for a review (with a heartbeat timer
 * twelve hours away) stays waiting while the test acts on it.
 */
import type { Clock } from '../../src/engine/clock.js';

interface Timer {
  at: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

export class ManualClock implements Clock {
  /** Not virtual in the engine's sense: the engine never moves it; only the test does. */
  readonly virtual = false;
  private current: number;
  private seq = 0;
  private timers: Timer[] = [];

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  schedule(at: number, fn: () => void): () => void {
    const timer: Timer = { at, seq: this.seq++, fn, cancelled: false };
    if (at <= this.current) {
      // Due already: fire on the next turn, as a real clock's zero-delay timer would.
      setImmediate(() => {
        if (!timer.cancelled) fn();
      });
    } else this.timers.push(timer);
    return () => {
      timer.cancelled = true;
    };
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.schedule(this.current + Math.max(0, ms), resolve));
  }

  /** Moves time forward by `ms`, firing every timer due by then in time order. */
  advanceBy(ms: number): void {
    const until = this.current + ms;
    for (;;) {
      const due = this.timers
        .filter((t) => !t.cancelled && t.at <= until)
        .sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.current = Math.max(this.current, due.at);
      due.fn();
    }
    this.current = until;
  }
}
