/**
 * The timer operations code runs on, injected so tests drive it with a virtual clock instead of
 * waiting: `schedule(ms, fn)` runs `fn` once after `ms` and returns a function that cancels it.
 */

/** Runs `fn` once after `delayMs`; the returned function cancels it if it has not run. */
export type Schedule = (delayMs: number, fn: () => void) => () => void;

/** Epoch milliseconds now, from the injected clock. */
export type Now = () => number;

/** Waits `ms` (retry backoff); injected so tests do not sleep. */
export type Delay = (ms: number) => Promise<void>;

/** The real-time `Schedule`, for wiring at the edge. Timers do not keep the process alive. */
export const realSchedule: Schedule = (delayMs, fn) => {
  const timer = setTimeout(fn, delayMs);
  timer.unref();
  return () => clearTimeout(timer);
};

/** The real-time `Delay`, for wiring at the edge. */
export const realDelay: Delay = (ms) =>
  new Promise((resolve) => {
    setTimeout(resolve, ms);
  });
