/**
 * What happened to each state of one execution, derived from its history events alone, so the
 * dashboard can colour the state graph the way the Step Functions console does: succeeded,
 * failed, caught (an error left the state through a Catch), retried (it failed, was retried and
 * then succeeded), running, aborted, or not reached. It also lists each visit of a state as a
 * step with its input, output and error, for the execution page's step table. Pure: no I/O.
 */
import type { HistoryEvent } from '../../engine/control.js';

export const StepStatus = {
  Succeeded: 'succeeded',
  Retried: 'retried',
  Caught: 'caught',
  Failed: 'failed',
  Running: 'running',
  Aborted: 'aborted',
  NotReached: 'not-reached',
} as const;
export type StepStatus = (typeof StepStatus)[keyof typeof StepStatus];

/** One visit of a state: entered once, left once (or not yet). */
export interface Step {
  name: string;
  /** The state's type as the event names it (`Task`, `Choice`, `Map`...). */
  type: string;
  status: StepStatus;
  enteredEventId: number;
  enteredAt: number;
  exitedAt?: number;
  /** JSON text, as the history holds it. */
  input?: string;
  output?: string;
  /** Failures within the visit that a Retrier answered. */
  retries: number;
  /** The last error seen in the visit (caught, failed or retried). */
  error?: string;
  cause?: string;
}

/** The summary of every visit to one state: what the graph colours it by. */
export interface StateOutcome {
  status: StepStatus;
  visits: number;
  retries: number;
  error?: string;
}

export interface ExecutionPath {
  steps: Step[];
  /** Only the states that were entered; any other state of the definition was not reached. */
  states: Record<string, StateOutcome>;
}

interface OpenVisit {
  step: Step;
  failures: number;
  /** Whether the latest event attributed to this visit was a failure. */
  lastWasFailure: boolean;
}

/** Failure events of a task or a state (not of the execution itself). */
function isStepFailure(type: string): boolean {
  return (
    !type.startsWith('Execution') &&
    (type.endsWith('Failed') || type.endsWith('TimedOut') || type.endsWith('Aborted'))
  );
}

/** The `...EventDetails` object of an event, whatever its type. */
function detailsOf(event: HistoryEvent): Record<string, unknown> | undefined {
  for (const [key, value] of Object.entries(event)) {
    if (key.endsWith('EventDetails') && typeof value === 'object' && value !== null)
      return value as Record<string, unknown>;
  }
  return undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/**
 * Walks the history in order. Task and state events carry no state name, so each one belongs
 * to the most recently entered state that has not exited yet: exact for sequential workflows; in
 * Parallel and Map branches that interleave, an error may be shown on a sibling's step.
 *
 * @param executionStatus the execution's current status, which decides what a state that never
 *   exited became (running, failed, aborted).
 */
export function executionPath(
  events: readonly HistoryEvent[],
  executionStatus: string,
): ExecutionPath {
  const steps: Step[] = [];
  const open: OpenVisit[] = [];

  for (const event of events) {
    const type = event.type;
    const details = detailsOf(event);
    if (type.endsWith('StateEntered')) {
      const step: Step = {
        name: text(details?.name) ?? '?',
        type: type.slice(0, -'StateEntered'.length),
        status: StepStatus.Running,
        enteredEventId: event.id,
        enteredAt: event.timestamp,
        retries: 0,
        ...(text(details?.input) === undefined ? {} : { input: text(details?.input) as string }),
      };
      steps.push(step);
      const visit: OpenVisit = { step, failures: 0, lastWasFailure: false };
      open.push(visit);
      continue;
    }
    if (type.endsWith('StateExited')) {
      const name = text(details?.name);
      const index = findLastIndex(open, (visit) => visit.step.name === name);
      if (index < 0) continue;
      const [visit] = open.splice(index, 1) as [OpenVisit];
      const step = visit.step;
      step.exitedAt = event.timestamp;
      const output = text(details?.output);
      if (output !== undefined) step.output = output;
      if (visit.lastWasFailure) {
        // The last attempt failed and the state was still left normally: a Catch took it.
        step.status = StepStatus.Caught;
        step.retries = visit.failures - 1;
      } else {
        step.retries = visit.failures;
        step.status = visit.failures > 0 ? StepStatus.Retried : StepStatus.Succeeded;
      }
      continue;
    }
    if (type.startsWith('Execution')) continue;
    const current = open[open.length - 1];
    if (!current) continue;
    if (isStepFailure(type)) {
      current.failures++;
      current.lastWasFailure = true;
      const error = text(details?.error);
      const cause = text(details?.cause);
      if (error !== undefined) current.step.error = error;
      if (cause !== undefined) current.step.cause = cause;
    } else if (
      type.endsWith('Scheduled') ||
      type.endsWith('Started') ||
      type.endsWith('Succeeded')
    ) {
      current.lastWasFailure = false;
    }
  }

  // States entered but never left: what they are depends on how the execution stands.
  for (const visit of open) {
    const step = visit.step;
    if (executionStatus === 'RUNNING') {
      step.status = StepStatus.Running;
      step.retries = visit.failures;
    } else if (executionStatus === 'ABORTED') {
      step.status = StepStatus.Aborted;
      step.retries = visit.failures;
    } else {
      step.status = StepStatus.Failed;
      step.retries = Math.max(0, visit.failures - 1);
    }
  }

  const states: Record<string, StateOutcome> = {};
  for (const step of steps) {
    const previous = states[step.name];
    states[step.name] = {
      // The latest visit decides the colour; retries add up over visits.
      status: step.status,
      visits: (previous?.visits ?? 0) + 1,
      retries: (previous?.retries ?? 0) + step.retries,
      ...(step.error !== undefined
        ? { error: step.error }
        : previous?.error !== undefined
          ? { error: previous.error }
          : {}),
    };
  }
  return { steps, states };
}

function findLastIndex<T>(items: readonly T[], predicate: (item: T) => boolean): number {
  for (let i = items.length - 1; i >= 0; i--) if (predicate(items[i] as T)) return i;
  return -1;
}
