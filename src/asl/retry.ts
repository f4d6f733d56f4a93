/**
 * Error matching and retry policy, as the States Language specifies them and AWS runs them.
 * Pure: the caller supplies the random number used for jitter.
 */
import type { Catcher, Retrier } from './types.js';
import { StatesErrorName } from './errors.js';

/**
 * AWS: `States.ALL` matches every error except `States.Runtime` and `States.DataLimitExceeded`,
 * which always fail the execution; `States.TaskFailed` matches every error a Task reports except
 * `States.Timeout` (the spec says only that States.ALL matches "any error name").
 */
export function errorMatches(errorEquals: readonly string[], error: string): boolean {
  for (const name of errorEquals) {
    if (name === error) return true;
    if (name === StatesErrorName.All && !isTerminalError(error)) return true;
    if (
      name === StatesErrorName.TaskFailed &&
      error !== StatesErrorName.Timeout &&
      !isTerminalError(error) &&
      !error.startsWith('States.')
    ) {
      return true;
    }
  }
  return false;
}

function isTerminalError(error: string): boolean {
  return error === StatesErrorName.Runtime || error === StatesErrorName.DataLimitExceeded;
}

/** What to do about a failed attempt under the state's retriers. */
export type RetryDecision =
  { retry: true; retrierIndex: number; delayMs: number } | { retry: false };

/**
 * Picks the first retrier matching `error`; retries while its own attempt count is under
 * MaxAttempts (default 3; 0 means never). Delay = IntervalSeconds (default 1) x BackoffRate
 * (default 2) ^ attempts, capped by MaxDelaySeconds, and with JitterStrategy FULL drawn
 * uniformly from [0, delay] (AWS's "full jitter").
 */
export function decideRetry(
  retriers: readonly Retrier[] | undefined,
  attempts: readonly number[],
  error: string,
  random: () => number,
): RetryDecision {
  if (!retriers) return { retry: false };
  for (let i = 0; i < retriers.length; i++) {
    const retrier = retriers[i] as Retrier;
    if (!errorMatches(retrier.ErrorEquals, error)) continue;
    const done = attempts[i] ?? 0;
    if (done >= (retrier.MaxAttempts ?? 3)) return { retry: false };
    let delaySeconds = (retrier.IntervalSeconds ?? 1) * Math.pow(retrier.BackoffRate ?? 2, done);
    if (retrier.MaxDelaySeconds !== undefined) {
      delaySeconds = Math.min(delaySeconds, retrier.MaxDelaySeconds);
    }
    if (retrier.JitterStrategy === 'FULL') delaySeconds = random() * delaySeconds;
    return { retry: true, retrierIndex: i, delayMs: Math.round(delaySeconds * 1000) };
  }
  return { retry: false };
}

/** The first catcher whose ErrorEquals matches, in the order they are written. */
export function findCatcher(catchers: readonly Catcher[] | undefined, error: string) {
  if (!catchers) return undefined;
  return catchers.find((catcher) => errorMatches(catcher.ErrorEquals, error));
}
