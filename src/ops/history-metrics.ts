/**
 * Turns the engine's committed history events into the metrics a CloudWatch user knows from Step
 * Functions and Lambda: ExecutionsStarted/Succeeded/Failed/TimedOut/Aborted and ExecutionTime per
 * state machine, Invocations/Errors/Throttles/Duration per task function, and a retry count per
 * state. It listens to the engine's `onEvents` feed, so it sees each event once, after its commit,
 * in order per execution. It knows nothing of payments: a closed execution is handed to
 * `onClosed`, where the domain adds its own metrics.
 *
 * A task's events are paired through `previousEventId` (a run records nothing between a task's
 * start and its outcome), so tasks of parallel branches do not mix. What it keeps per execution
 * is a handful of small entries, dropped when the execution closes.
 */
import type { Json, JsonObject } from '../asl/json.js';
import type { ExecutionStatus, InvocationOutcome } from './ops-metrics.js';

/** The calls it makes; `OpsMetrics` implements them. */
export interface HistoryMetricsSink {
  executionStarted(stateMachineArn: string): void;
  executionFinished(stateMachineArn: string, status: ExecutionStatus, durationMs: number): void;
  taskInvoked(functionName: string, outcome: InvocationOutcome, durationMs: number): void;
  paymentRetried(step: string): void;
}

/** An execution that just closed, as its history tells it. */
export interface ClosedExecution {
  executionArn: string;
  stateMachineArn: string;
  status: ExecutionStatus;
  /** Epoch ms; undefined when neither the feed nor `lookup` knows the start. */
  startDate: number | undefined;
  stopDate: number;
  input: Json | undefined;
  /** The execution's output (succeeded executions only). */
  output: Json | undefined;
}

export interface HistoryMetricsOptions {
  metrics: HistoryMetricsSink;
  /**
   * Start date and input of an execution whose start event this process did not hear (it
   * started before a restart). @default unknown: no ExecutionTime is recorded for it
   */
  lookup?: (executionArn: string) => { startDate: number; input: Json } | undefined;
  /** Told about each closed execution, after its metrics. Must not throw. @default none */
  onClosed?: (closed: ClosedExecution) => void;
  /** Told when an event could not be turned into metrics. @default ignore */
  onError?: (error: unknown) => void;
}

/** What an event id stands for, while a later event may still point back at it. */
type Mark =
  | { kind: 'entered'; state: string }
  | { kind: 'scheduled' | 'failed'; state: string; functionName: string | undefined }
  | { kind: 'started'; state: string; functionName: string | undefined; at: number };

interface Tracked {
  startDate: number | undefined;
  input: Json | undefined;
  marks: Map<number, Mark>;
}

const closing: Readonly<Record<string, ExecutionStatus>> = {
  ExecutionSucceeded: 'SUCCEEDED',
  ExecutionFailed: 'FAILED',
  ExecutionTimedOut: 'TIMED_OUT',
  ExecutionAborted: 'ABORTED',
};

/**
 * AWS: Lambda reports a throttled invoke as `Lambda.TooManyRequestsException`; it is counted in
 * Throttles, not in Invocations or Errors.
 */
const throttled = 'Lambda.TooManyRequestsException';

/** Feeds metrics from history events. Pass `onEvents` to the engine. */
export class HistoryMetrics {
  private readonly executions = new Map<string, Tracked>();

  constructor(private readonly options: HistoryMetricsOptions) {}

  /** The engine's `onEvents` hook. Never throws. */
  readonly onEvents = (
    executionArn: string,
    stateMachineArn: string,
    events: readonly JsonObject[],
  ): void => {
    for (const event of events) {
      try {
        this.handle(executionArn, stateMachineArn, event);
      } catch (error) {
        this.options.onError?.(error);
      }
    }
  };

  /** Executions being followed (for tests and leak checks). */
  get tracked(): number {
    return this.executions.size;
  }

  private handle(executionArn: string, stateMachineArn: string, event: JsonObject): void {
    const type = typeof event.type === 'string' ? event.type : '';
    const id = typeof event.id === 'number' ? event.id : -1;
    const previous = typeof event.previousEventId === 'number' ? event.previousEventId : -1;
    // The engine gives epoch ms; an AWS history gives ISO 8601 text.
    const at =
      typeof event.timestamp === 'number'
        ? event.timestamp
        : typeof event.timestamp === 'string'
          ? Date.parse(event.timestamp)
          : NaN;
    const { metrics } = this.options;

    if (type === 'ExecutionStarted') {
      const details = object(event.executionStartedEventDetails);
      this.executions.set(executionArn, {
        startDate: at,
        input: parsed(details?.input),
        marks: new Map(),
      });
      metrics.executionStarted(stateMachineArn);
      return;
    }
    const status = closing[type];
    if (status !== undefined) {
      this.close(executionArn, stateMachineArn, status, at, event);
      return;
    }
    const tracked = this.track(executionArn);
    const marks = tracked.marks;
    if (type.endsWith('StateEntered')) {
      const name = object(event.stateEnteredEventDetails)?.name;
      if (typeof name === 'string') marks.set(id, { kind: 'entered', state: name });
      return;
    }
    if (type === 'TaskScheduled' || type === 'LambdaFunctionScheduled') {
      const before = marks.get(previous);
      marks.delete(previous);
      const state = before?.state ?? '';
      // A task scheduled right after the same task failed is a Retry of it.
      if (before?.kind === 'failed') metrics.paymentRetried(state);
      marks.set(id, { kind: 'scheduled', state, functionName: functionNameOf(type, event) });
      return;
    }
    if (type === 'TaskStarted' || type === 'LambdaFunctionStarted') {
      const before = marks.get(previous);
      marks.delete(previous);
      if (before?.kind === 'scheduled') {
        marks.set(id, {
          kind: 'started',
          state: before.state,
          functionName: before.functionName,
          at,
        });
      }
      return;
    }
    const outcome = taskOutcome(type);
    if (outcome === undefined) return;
    const before = marks.get(previous);
    marks.delete(previous);
    if (before?.kind !== 'started') return;
    if (outcome !== 'success') {
      marks.set(id, { kind: 'failed', state: before.state, functionName: before.functionName });
    }
    if (before.functionName === undefined) return;
    const details = object(event[`${lowerFirst(type)}EventDetails`]);
    const failedWithThrottle = outcome !== 'success' && details?.error === throttled;
    metrics.taskInvoked(
      before.functionName,
      failedWithThrottle ? 'throttled' : outcome === 'success' ? 'success' : 'error',
      Math.max(0, at - before.at),
    );
  }

  private close(
    executionArn: string,
    stateMachineArn: string,
    status: ExecutionStatus,
    at: number,
    event: JsonObject,
  ): void {
    const tracked = this.executions.get(executionArn);
    this.executions.delete(executionArn);
    const known = tracked?.startDate === undefined ? this.lookup(executionArn) : undefined;
    const startDate = tracked?.startDate ?? known?.startDate;
    const durationMs = startDate === undefined ? 0 : Math.max(0, at - startDate);
    this.options.metrics.executionFinished(stateMachineArn, status, durationMs);
    this.options.onClosed?.({
      executionArn,
      stateMachineArn,
      status,
      startDate,
      stopDate: at,
      input: tracked?.input ?? known?.input,
      output:
        status === 'SUCCEEDED'
          ? parsed(object(event.executionSucceededEventDetails)?.output)
          : undefined,
    });
  }

  private lookup(executionArn: string): { startDate: number; input: Json } | undefined {
    try {
      return this.options.lookup?.(executionArn);
    } catch (error) {
      // Unknown start: the execution is still counted, without its time.
      this.options.onError?.(error);
      return undefined;
    }
  }

  private track(executionArn: string): Tracked {
    let tracked = this.executions.get(executionArn);
    if (tracked === undefined) {
      // Started before this process: its start date and input are looked up when it closes.
      tracked = { startDate: undefined, input: undefined, marks: new Map() };
      this.executions.set(executionArn, tracked);
    }
    return tracked;
  }
}

function taskOutcome(type: string): 'success' | 'error' | undefined {
  switch (type) {
    case 'TaskSucceeded':
    case 'LambdaFunctionSucceeded':
      return 'success';
    case 'TaskFailed':
    case 'TaskTimedOut':
    case 'LambdaFunctionFailed':
    case 'LambdaFunctionTimedOut':
      return 'error';
    default:
      return undefined;
  }
}

/**
 * The Lambda function a task invokes, by name (the `FunctionName` dimension), or undefined for a
 * task that is not a Lambda invocation. AWS: a `.waitForTaskToken` invocation returns at once and
 * the task then waits for a person; the history does not show the function's own run, so such
 * tasks are not counted as invocations here.
 */
function functionNameOf(type: string, event: JsonObject): string | undefined {
  if (type === 'LambdaFunctionScheduled') {
    const resource = object(event.lambdaFunctionScheduledEventDetails)?.resource;
    return typeof resource === 'string' ? functionName(resource) : undefined;
  }
  const details = object(event.taskScheduledEventDetails);
  if (details?.resourceType !== 'lambda' || details.resource !== 'invoke') return undefined;
  const parameters = object(parsed(details.parameters));
  const name = parameters?.FunctionName;
  return typeof name === 'string' ? functionName(name) : undefined;
}

/** `arn:aws:lambda:us-east-1:123:function:charge-payment:live` -> `charge-payment`. */
function functionName(nameOrArn: string): string {
  const parts = nameOrArn.split(':');
  if (parts[0] === 'arn' && parts[5] === 'function') return parts[6] ?? nameOrArn;
  // The partial ARN `123456789012:function:name` is accepted by Lambda too.
  if (parts[1] === 'function') return parts[2] ?? nameOrArn;
  return nameOrArn;
}

/** AWS history carries inputs, outputs and parameters as JSON text; the engine may give values. */
function parsed(value: Json | undefined): Json | undefined {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as Json;
  } catch {
    return value;
  }
}

function object(value: Json | undefined): JsonObject | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : undefined;
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
