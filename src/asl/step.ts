/**
 * The pure step function of the States Language: given where one run of a state machine is (a
 * snapshot), what just happened (an outcome) and the time and randomness to use, it returns the
 * next snapshot, the history events to append and the commands for the executor to carry out
 * (invoke a task, set a timer, start branch runs). It does no I/O, reads no clock and draws no
 * randomness of its own, so the executor can commit its result atomically and a replay with the
 * same inputs decides exactly the same way.
 *
 * A "run" is one pass through a scope of states: the state machine itself, one Parallel branch,
 * or one Map iteration. Branches and iterations are separate runs that the executor keeps as
 * durable child records; their parent waits in a `children` snapshot and hears of each child's
 * end through a `childDone` outcome.
 */
import type { Json, JsonObject } from './json.js';
import { isJsonObject } from './json.js';
import { StatesError, StatesErrorName } from './errors.js';
import type { EvalScope } from './scope.js';
import type { CompiledMachine, CompiledScope, CompiledState, Evaluator } from './machine.js';
import { decideRetry, findCatcher } from './retry.js';
import type { HistoryEventDraft } from './history.js';
import { stateEntered, stateExited } from './history.js';
import type { MapState } from './types.js';

/** Transitions one step may make without waiting before the run is failed as a runaway loop. */
const maxHopsPerStep = 10_000;

/** How a run ended. */
export type RunResult =
  { status: 'SUCCEEDED'; output: Json } | { status: 'FAILED'; error: string; cause: string };

/** What a run is waiting for between steps. */
export type Waiting =
  | {
      kind: 'task';
      token: string;
      resource: string;
      /** The task's input after Parameters/Arguments: what was (or will be) sent. */
      parameters: Json;
      timeoutSeconds?: number;
      heartbeatSeconds?: number;
    }
  | { kind: 'timer'; purpose: 'wait' | 'retry'; timerId: string; dueAt: number }
  | {
      kind: 'children';
      total: number;
      launched: number;
      completed: number;
      failed: number;
      maxConcurrency: number;
      toleratedFailureCount: number | undefined;
      toleratedFailurePercentage: number | undefined;
      /** Map: each child's input, kept until launched (MaxConcurrency). */
      pendingInputs: Json[];
      results: Json[];
    };

export interface RunSnapshot {
  /** The scope this run walks ('' for the state machine). */
  scopeId: string;
  /** The current state. */
  state: string;
  /** The current state's raw input (before InputPath). */
  input: Json;
  variables: Record<string, Json>;
  /** When the current state was entered, ISO 8601 (the context object's `$$.State.EnteredTime`). */
  enteredTime: string;
  /** `$$.State.RetryCount`: retries of the current state so far. */
  retryCount: number;
  /** Attempts used per retrier of the current state. */
  retrierAttempts: number[];
  /** Increments with every step; names timers and tokens so stale ones are recognised. */
  seq: number;
  waiting?: Waiting | undefined;
}

export type Outcome =
  | { type: 'start' }
  | { type: 'taskSucceeded'; token: string; output: Json }
  | { type: 'taskFailed'; token: string; error: string; cause: string; timedOut?: boolean }
  | { type: 'timerFired'; timerId: string }
  | { type: 'childDone'; index: number; result: RunResult };

export interface ChildSpec {
  index: number;
  scopeId: string;
  input: Json;
  variables: Record<string, Json>;
}

export type Command =
  | {
      type: 'invokeTask';
      token: string;
      resource: string;
      stateName: string;
      parameters: Json;
      waitForTaskToken: boolean;
      timeoutSeconds?: number;
      heartbeatSeconds?: number;
    }
  | { type: 'scheduleTimer'; purpose: 'wait' | 'retry'; timerId: string; dueAt: number }
  | { type: 'startChildren'; children: ChildSpec[] }
  | { type: 'abortChildren' };

/** Everything the step may observe of the world: supplied by the executor, stored by it. */
export interface StepEnv {
  /** Epoch milliseconds. */
  now: number;
  /** Uniform in [0, 1); seeded by the executor per step so replays draw the same numbers. */
  random: () => number;
  /** A fresh task token (callback tasks and idempotency). */
  newToken: () => string;
  /** `$$.Execution`: Id, Input, Name, RoleArn, StartTime, RedriveCount... */
  execution: JsonObject;
  /** `$$.StateMachine`: Id, Name. */
  stateMachine: JsonObject;
}

export interface StepResult {
  /**
   * The run's next snapshot. When the run has ended (see `result`) it still names the state the
   * run ended in, which is where a redrive of a failed execution starts again.
   */
  snapshot: RunSnapshot;
  result?: RunResult;
  events: HistoryEventDraft[];
  commands: Command[];
  /** False when the outcome was stale (a late task result, an old timer) and nothing changed. */
  changed: boolean;
}

/**
 * `new Date(ms).toISOString()`, remembering the last answer: the steps of one batch share a
 * millisecond or a few, and the conversion is a measurable share of a step.
 */
let lastIsoMs = Number.NaN;
let lastIso = '';
function isoTime(ms: number): string {
  if (ms !== lastIsoMs) {
    lastIso = new Date(ms).toISOString();
    lastIsoMs = ms;
  }
  return lastIso;
}

/** Creates the snapshot of a run about to start; feed it `{ type: 'start' }`. */
export function newRun(
  scope: CompiledScope,
  input: Json,
  variables: Record<string, Json>,
  now: number,
): RunSnapshot {
  return {
    scopeId: scope.id,
    state: scope.startAt,
    input,
    variables,
    enteredTime: isoTime(now),
    retryCount: 0,
    retrierAttempts: [],
    seq: 0,
  };
}

/** Advances one run by one outcome. Never throws for workflow errors: they become results. */
export async function step(
  machine: CompiledMachine,
  snapshot: RunSnapshot,
  outcome: Outcome,
  env: StepEnv,
): Promise<StepResult> {
  const scope = machine.scopes.get(snapshot.scopeId);
  if (!scope) throw new Error(`Unknown scope '${snapshot.scopeId}'`);
  const run = new Stepper(scope, { ...snapshot, seq: snapshot.seq + 1 }, env);
  return run.handle(outcome);
}

class Stepper {
  private readonly events: HistoryEventDraft[] = [];
  private readonly commands: Command[] = [];
  private result: RunResult | undefined;
  private readonly nowIso: string;

  constructor(
    private readonly scope: CompiledScope,
    private snap: RunSnapshot,
    private readonly env: StepEnv,
  ) {
    this.nowIso = isoTime(env.now);
  }

  /** An outcome that no longer applies (a stale token or timer) changes nothing. */
  private unchanged(): StepResult {
    return { snapshot: this.snap, events: [], commands: [], changed: false };
  }

  async handle(outcome: Outcome): Promise<StepResult> {
    const waiting = this.snap.waiting;
    const state = this.current();
    switch (outcome.type) {
      case 'start':
        this.pendingEntry = true;
        break;
      case 'taskSucceeded':
        if (waiting?.kind !== 'task' || waiting.token !== outcome.token) return this.unchanged();
        this.snap.waiting = undefined;
        this.events.push(taskEvent(state, 'Succeeded', { output: outcome.output }));
        await this.guard(state, () => this.finishWithResult(state, outcome.output));
        break;
      case 'taskFailed':
        if (waiting?.kind !== 'task' || waiting.token !== outcome.token) return this.unchanged();
        this.snap.waiting = undefined;
        this.events.push(
          taskEvent(state, outcome.timedOut ? 'TimedOut' : 'Failed', {
            error: outcome.error,
            cause: outcome.cause,
          }),
        );
        await this.fail(state, outcome.error, outcome.cause);
        break;
      case 'timerFired':
        if (waiting?.kind !== 'timer' || waiting.timerId !== outcome.timerId)
          return this.unchanged();
        this.snap.waiting = undefined;
        if (waiting.purpose === 'retry') {
          await this.guard(state, () => this.run(state));
        } else {
          await this.guard(state, () => this.finishPassThrough(state));
        }
        break;
      case 'childDone':
        if (waiting?.kind !== 'children') return this.unchanged();
        await this.childDone(state, waiting, outcome.index, outcome.result);
        break;
    }
    await this.drive();
    return {
      snapshot: this.snap,
      ...(this.result ? { result: this.result } : {}),
      events: this.events,
      commands: this.commands,
      changed: true,
    };
  }

  private current(): CompiledState {
    const state = this.scope.states.get(this.snap.state);
    if (!state) throw new Error(`Unknown state '${this.snap.state}'`);
    return state;
  }

  private evalScope(input: Json, extra?: Partial<EvalScope>): EvalScope {
    return {
      input,
      context: this.context(),
      variables: this.snap.variables,
      random: this.env.random,
      ...extra,
    };
  }

  private context(extra?: JsonObject): JsonObject {
    const context: JsonObject = {
      Execution: this.env.execution,
      State: {
        EnteredTime: this.snap.enteredTime,
        Name: this.snap.state,
        RetryCount: this.snap.retryCount,
      },
      StateMachine: this.env.stateMachine,
    };
    return extra ? { ...context, ...extra } : context;
  }

  /** Set when the run moved to a state it has not entered yet (a transition or the start). */
  private pendingEntry = false;

  /**
   * Enters states one after another for as long as they need nothing from outside: a Pass, a
   * Choice, a caught error... Stops when a state waits (task, timer, children) or the run ends.
   */
  private async drive(): Promise<void> {
    for (let hops = 0; this.pendingEntry && !this.result && !this.snap.waiting; hops++) {
      if (hops >= maxHopsPerStep) {
        // A Pass/Choice cycle that never waits would spin forever inside one step.
        this.end({
          status: 'FAILED',
          error: StatesErrorName.Runtime,
          cause: `More than ${maxHopsPerStep} state transitions without waiting for anything`,
        });
        return;
      }
      this.pendingEntry = false;
      const state = this.current();
      this.snap.enteredTime = this.nowIso;
      this.snap.retryCount = 0;
      this.snap.retrierAttempts = [];
      this.events.push(stateEntered(state.type, state.name, this.snap.input));
      await this.guard(state, () => this.run(state));
    }
  }

  /** Runs `body`; a StatesError becomes the state's failure (retry, catch or fail the run). */
  private async guard(state: CompiledState, body: () => Promise<void> | void): Promise<void> {
    try {
      await body();
    } catch (error) {
      if (!(error instanceof StatesError)) throw error;
      await this.fail(state, error.code, error.message);
    }
  }

  private async run(state: CompiledState): Promise<void> {
    switch (state.type) {
      case 'Pass':
        return this.runPass(state);
      case 'Task':
        return this.runTask(state);
      case 'Choice':
        return this.runChoice(state);
      case 'Wait':
        return this.runWait(state);
      case 'Succeed':
        return this.finishPassThrough(state);
      case 'Fail':
        return this.runFail(state);
      case 'Parallel':
        return this.runParallel(state);
      case 'Map':
        return this.runMap(state);
    }
  }

  // ---- input and output processing ------------------------------------------------------

  /** InputPath (JSONPath); JSONata states see the raw input. */
  private effectiveInput(state: CompiledState): Json {
    const raw = this.snap.input;
    if (state.inputPath === undefined) return raw;
    if (state.inputPath === null) return {};
    return readRequired(
      state.inputPath.read(this.evalScope(raw)),
      'InputPath',
      state.inputPath.source,
      state.name,
    );
  }

  private async evaluate(evaluator: Evaluator, scope: EvalScope): Promise<Json> {
    return evaluator(scope);
  }

  /**
   * After a state produced `result`: ResultSelector, ResultPath, OutputPath (JSONPath) or Output
   * (JSONata), and Assign; then moves to Next or ends the run.
   */
  private async finishWithResult(state: CompiledState, result: Json): Promise<void> {
    const raw = this.snap.input;
    let output: Json;
    let assigned: JsonObject | undefined;
    if (state.queryLanguage === 'JSONata') {
      const scope = this.evalScope(raw, { result });
      assigned = state.assign ? await this.assignVariables(state.assign, scope) : undefined;
      output = state.output ? await this.evaluate(state.output, scope) : result;
    } else {
      const selected = state.resultSelector
        ? await this.evaluate(state.resultSelector, this.evalScope(result))
        : result;
      // AWS: in JSONPath states, Assign's `$` is the state's result (after ResultSelector).
      assigned = state.assign
        ? await this.assignVariables(state.assign, this.evalScope(selected))
        : undefined;
      output = this.applyOutputPath(state, applyResultPath(state, raw, selected));
    }
    this.commitVariables(assigned);
    this.exit(state, output, assigned);
  }

  /** Succeed, Wait, Choice-like states: input passes through to output. */
  private async finishPassThrough(state: CompiledState): Promise<void> {
    const raw = this.snap.input;
    let output: Json;
    let assigned: JsonObject | undefined;
    if (state.queryLanguage === 'JSONata') {
      const scope = this.evalScope(raw);
      assigned = state.assign ? await this.assignVariables(state.assign, scope) : undefined;
      output = state.output ? await this.evaluate(state.output, scope) : raw;
    } else {
      const effective = this.effectiveInput(state);
      assigned = state.assign
        ? await this.assignVariables(state.assign, this.evalScope(effective))
        : undefined;
      output = this.applyOutputPath(state, effective);
    }
    this.commitVariables(assigned);
    this.exit(state, output, assigned);
  }

  private applyOutputPath(state: CompiledState, combined: Json): Json {
    if (state.outputPath === undefined) return combined;
    if (state.outputPath === null) return {};
    return readRequired(
      state.outputPath.read(this.evalScope(combined)),
      'OutputPath',
      state.outputPath.source,
      state.name,
    );
  }

  private async assignVariables(assign: Evaluator, scope: EvalScope): Promise<JsonObject> {
    const values = await this.evaluate(assign, scope);
    if (!isJsonObject(values)) {
      throw new StatesError(
        StatesErrorName.Runtime,
        `The Assign field of state '${this.snap.state}' must produce an object`,
      );
    }
    return values;
  }

  /** New variable values become visible only to the states after this one (AWS). */
  private commitVariables(assigned: JsonObject | undefined): void {
    if (assigned) this.snap.variables = { ...this.snap.variables, ...assigned };
  }

  /** Leaves `state` with `output`: to its Next, or the run ends (End / Succeed). */
  private exit(state: CompiledState, output: Json, assigned?: JsonObject): void {
    this.events.push(stateExited(state.type, state.name, output, assigned));
    const next = (state.def as { Next?: string }).Next;
    if (state.type === 'Succeed' || !next) {
      this.end({ status: 'SUCCEEDED', output });
      return;
    }
    this.transition(next, output);
  }

  private transition(next: string, input: Json): void {
    this.snap.state = next;
    this.snap.input = input;
    this.snap.waiting = undefined;
    this.pendingEntry = true;
  }

  private end(result: RunResult): void {
    this.result = result;
    this.snap.waiting = undefined;
  }

  // ---- errors: Retry, then Catch, then the run fails ---------------------------------------

  private async fail(state: CompiledState, error: string, cause: string): Promise<void> {
    const retry = decideRetry(state.retriers, this.snap.retrierAttempts, error, this.env.random);
    if (retry.retry) {
      const attempts = [...this.snap.retrierAttempts];
      attempts[retry.retrierIndex] = (attempts[retry.retrierIndex] ?? 0) + 1;
      this.snap.retrierAttempts = attempts;
      this.snap.retryCount += 1;
      this.wait('retry', this.env.now + retry.delayMs);
      return;
    }
    const catcher = findCatcher(
      state.catchers.map((c) => c.catcher),
      error,
    );
    if (!catcher) {
      if (state.type === 'Parallel' || state.type === 'Map') {
        this.events.push({ type: `${state.type}StateFailed` });
      }
      this.end({ status: 'FAILED', error, cause });
      return;
    }
    const compiled = state.catchers.find((c) => c.catcher === catcher);
    const errorOutput: JsonObject = { Error: error, Cause: cause };
    const raw = this.snap.input;
    let output: Json;
    let assigned: JsonObject | undefined;
    try {
      if (state.queryLanguage === 'JSONata') {
        const scope = this.evalScope(raw, { errorOutput });
        assigned = compiled?.assign
          ? await this.assignVariables(compiled.assign, scope)
          : undefined;
        output = compiled?.output ? await this.evaluate(compiled.output, scope) : errorOutput;
      } else {
        assigned = compiled?.assign
          ? await this.assignVariables(compiled.assign, this.evalScope(errorOutput))
          : undefined;
        const resultPath = compiled?.resultPath;
        // AWS: a Catcher without ResultPath replaces the input with the error output; OutputPath
        // is not applied to caught errors.
        output =
          resultPath === undefined
            ? errorOutput
            : resultPath === null
              ? raw
              : resultPath.write(raw, errorOutput);
      }
    } catch (failure) {
      if (!(failure instanceof StatesError)) throw failure;
      this.end({ status: 'FAILED', error: failure.code, cause: failure.message });
      return;
    }
    this.commitVariables(assigned);
    this.events.push(stateExited(state.type, state.name, output, assigned));
    // A caught error continues the run from the catcher's target in this same step.
    this.transition(catcher.Next, output);
  }

  private wait(purpose: 'wait' | 'retry', dueAt: number): void {
    const timerId = `${this.snap.seq}`;
    this.snap.waiting = { kind: 'timer', purpose, timerId, dueAt };
    this.commands.push({ type: 'scheduleTimer', purpose, timerId, dueAt });
  }

  // ---- the state types ----------------------------------------------------------------------

  private async runPass(state: CompiledState): Promise<void> {
    const def = state.def as { Result?: Json };
    if (state.queryLanguage === 'JSONata') {
      await this.finishPassThrough(state);
      return;
    }
    const effective = this.effectiveInput(state);
    let result: Json = effective;
    if (def.Result !== undefined) result = def.Result;
    else if (state.parameters)
      result = await this.evaluate(state.parameters, this.evalScope(effective));
    const raw = this.snap.input;
    const assigned = state.assign
      ? await this.assignVariables(state.assign, this.evalScope(result))
      : undefined;
    this.commitVariables(assigned);
    this.exit(state, this.applyOutputPath(state, applyResultPath(state, raw, result)), assigned);
  }

  private async runTask(state: CompiledState): Promise<void> {
    const resource = state.resource;
    if (!resource) throw new Error(`Task '${state.name}' has no resource`);
    const token = this.env.newToken();
    const effective =
      state.queryLanguage === 'JSONata' ? this.snap.input : this.effectiveInput(state);
    const scope = this.evalScope(effective, {
      context: this.context(resource.waitForTaskToken ? { Task: { Token: token } } : undefined),
    });
    const parameters = state.parameters ? await this.evaluate(state.parameters, scope) : effective;
    const timeoutSeconds = await this.positiveNumber(state, 'TimeoutSeconds', scope);
    const heartbeatSeconds = await this.positiveNumber(state, 'HeartbeatSeconds', scope);
    this.snap.waiting = {
      kind: 'task',
      token,
      resource: (state.def as { Resource: string }).Resource,
      parameters,
      ...(timeoutSeconds !== undefined ? { timeoutSeconds } : {}),
      ...(heartbeatSeconds !== undefined ? { heartbeatSeconds } : {}),
    };
    const scheduled: JsonObject = resource.lambdaFunction
      ? { resource: resource.resource, input: parameters }
      : {
          resourceType: resource.resourceType,
          resource: resource.resource,
          region: regionOf(this.env.execution),
          parameters,
        };
    if (timeoutSeconds !== undefined) scheduled.timeoutInSeconds = timeoutSeconds;
    if (heartbeatSeconds !== undefined && !resource.lambdaFunction)
      scheduled.heartbeatInSeconds = heartbeatSeconds;
    if (resource.lambdaFunction) {
      this.events.push({
        type: 'LambdaFunctionScheduled',
        lambdaFunctionScheduledEventDetails: scheduled,
      });
      this.events.push({ type: 'LambdaFunctionStarted' });
    } else {
      this.events.push({ type: 'TaskScheduled', taskScheduledEventDetails: scheduled });
      this.events.push({
        type: 'TaskStarted',
        taskStartedEventDetails: {
          resourceType: resource.resourceType,
          resource: resource.resource,
        },
      });
    }
    this.commands.push({
      type: 'invokeTask',
      token,
      resource: (state.def as { Resource: string }).Resource,
      stateName: state.name,
      parameters,
      waitForTaskToken: resource.waitForTaskToken,
      ...(timeoutSeconds !== undefined ? { timeoutSeconds } : {}),
      ...(heartbeatSeconds !== undefined ? { heartbeatSeconds } : {}),
    });
  }

  private async positiveNumber(
    state: CompiledState,
    field: string,
    scope: EvalScope,
  ): Promise<number | undefined> {
    const evaluator = state.numbers[field];
    if (!evaluator) return undefined;
    const value = await this.evaluate(evaluator, scope);
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
      throw new StatesError(
        StatesErrorName.Runtime,
        `The value of the field '${field}' of state '${state.name}' must be a non-negative integer, got ${JSON.stringify(value)}`,
      );
    }
    return value;
  }

  private async runChoice(state: CompiledState): Promise<void> {
    const def = state.def as { Default?: string };
    const jsonata = state.queryLanguage === 'JSONata';
    const effective = jsonata ? this.snap.input : this.effectiveInput(state);
    const scope = this.evalScope(effective);
    const match = state.choose ? await state.choose(scope) : undefined;
    const next = match?.next ?? def.Default;
    if (next === undefined) {
      throw new StatesError(StatesErrorName.NoChoiceMatched, `No Matches! (state '${state.name}')`);
    }
    const rule = match ? state.rules[match.index] : undefined;
    const assignEvaluator = rule?.assign ?? (match ? undefined : state.assign);
    const outputEvaluator = rule?.output ?? (match ? undefined : state.output);
    const assigned = assignEvaluator
      ? await this.assignVariables(assignEvaluator, scope)
      : undefined;
    const output = jsonata
      ? outputEvaluator
        ? await this.evaluate(outputEvaluator, scope)
        : this.snap.input
      : this.applyOutputPath(state, effective);
    this.commitVariables(assigned);
    this.events.push(stateExited(state.type, state.name, output, assigned));
    this.transition(next, output);
  }

  private async runWait(state: CompiledState): Promise<void> {
    const effective =
      state.queryLanguage === 'JSONata' ? this.snap.input : this.effectiveInput(state);
    const scope = this.evalScope(effective);
    let dueAt: number;
    if (state.numbers.Seconds) {
      const seconds = await this.evaluate(state.numbers.Seconds, scope);
      if (typeof seconds !== 'number' || seconds < 0 || !Number.isInteger(seconds)) {
        throw new StatesError(
          StatesErrorName.Runtime,
          `The Seconds of Wait state '${state.name}' must be a non-negative integer, got ${JSON.stringify(seconds)}`,
        );
      }
      dueAt = Date.parse(this.snap.enteredTime) + seconds * 1000;
    } else {
      const timestamp = state.numbers.Timestamp
        ? await this.evaluate(state.numbers.Timestamp, scope)
        : null;
      const parsed = typeof timestamp === 'string' ? Date.parse(timestamp) : NaN;
      if (Number.isNaN(parsed)) {
        throw new StatesError(
          StatesErrorName.Runtime,
          `The Timestamp of Wait state '${state.name}' is not an ISO 8601 timestamp: ${JSON.stringify(timestamp)}`,
        );
      }
      dueAt = parsed;
    }
    if (dueAt <= this.env.now) {
      await this.finishPassThrough(state);
      return;
    }
    this.wait('wait', dueAt);
  }

  private async runFail(state: CompiledState): Promise<void> {
    const scope = this.evalScope(this.snap.input);
    const text = async (field: 'Error' | 'Cause'): Promise<string> => {
      const evaluator = state.numbers[field];
      const value = evaluator ? await this.evaluate(evaluator, scope) : null;
      if (value === null) return '';
      return typeof value === 'string' ? value : JSON.stringify(value);
    };
    this.end({ status: 'FAILED', error: await text('Error'), cause: await text('Cause') });
  }

  // ---- Parallel and Map: children are separate durable runs --------------------------------

  private async runParallel(state: CompiledState): Promise<void> {
    const effective =
      state.queryLanguage === 'JSONata' ? this.snap.input : this.effectiveInput(state);
    const input = state.parameters
      ? await this.evaluate(state.parameters, this.evalScope(effective))
      : effective;
    const total = state.branches.length;
    this.snap.waiting = {
      kind: 'children',
      total,
      launched: total,
      completed: 0,
      failed: 0,
      maxConcurrency: 0,
      toleratedFailureCount: undefined,
      toleratedFailurePercentage: undefined,
      pendingInputs: [],
      results: new Array<Json>(total).fill(null),
    };
    this.events.push({ type: 'ParallelStateStarted' });
    this.commands.push({
      type: 'startChildren',
      children: state.branches.map((branch, index) => ({
        index,
        scopeId: branch.id,
        input,
        variables: this.snap.variables,
      })),
    });
  }

  private async runMap(state: CompiledState): Promise<void> {
    const def = state.def as MapState;
    const jsonata = state.queryLanguage === 'JSONata';
    const effective = jsonata ? this.snap.input : this.effectiveInput(state);
    const scope = this.evalScope(effective);
    const items = state.items ? await this.evaluate(state.items, scope) : effective;
    if (!Array.isArray(items)) {
      throw new StatesError(
        jsonata ? StatesErrorName.QueryEvaluationError : StatesErrorName.Runtime,
        `Map state '${state.name}': ${jsonata ? 'Items' : `ItemsPath '${def.ItemsPath ?? '$'}'`} must select an array, got ${typeOf(items)}`,
      );
    }
    const inputs: Json[] = [];
    for (let index = 0; index < items.length; index++) {
      const value = items[index] as Json;
      if (!state.parameters) {
        inputs.push(value);
        continue;
      }
      const itemContext = this.context({ Map: { Item: { Index: index, Value: value } } });
      inputs.push(
        await this.evaluate(state.parameters, this.evalScope(effective, { context: itemContext })),
      );
    }
    const maxConcurrency = (await this.positiveNumber(state, 'MaxConcurrency', scope)) ?? 0;
    const toleratedFailureCount = await this.positiveNumber(state, 'ToleratedFailureCount', scope);
    const toleratedFailurePercentage = state.numbers.ToleratedFailurePercentage
      ? Number(await this.evaluate(state.numbers.ToleratedFailurePercentage, scope))
      : undefined;
    this.snap.waiting = {
      kind: 'children',
      total: inputs.length,
      launched: 0,
      completed: 0,
      failed: 0,
      maxConcurrency,
      toleratedFailureCount,
      toleratedFailurePercentage,
      pendingInputs: inputs,
      results: new Array<Json>(inputs.length).fill(null),
    };
    this.events.push({
      type: 'MapStateStarted',
      mapStateStartedEventDetails: { length: inputs.length },
    });
    if (inputs.length === 0) {
      this.events.push({ type: 'MapStateSucceeded' });
      this.snap.waiting = undefined;
      await this.finishWithResult(state, []);
      return;
    }
    this.launchIterations(state);
  }

  /** Starts Map iterations up to MaxConcurrency (0 = all at once; AWS caps inline Map at 40). */
  private launchIterations(state: CompiledState): void {
    const waiting = this.snap.waiting;
    if (waiting?.kind !== 'children') return;
    const running = waiting.launched - waiting.completed;
    const limit = waiting.maxConcurrency === 0 ? Number.POSITIVE_INFINITY : waiting.maxConcurrency;
    const children: ChildSpec[] = [];
    while (waiting.launched < waiting.total && running + children.length < limit) {
      const index = waiting.launched;
      children.push({
        index,
        scopeId: (state.branches[0] as CompiledScope).id,
        input: waiting.pendingInputs[index] as Json,
        variables: this.snap.variables,
      });
      waiting.pendingInputs[index] = null;
      waiting.launched += 1;
      this.events.push({
        type: 'MapIterationStarted',
        mapIterationStartedEventDetails: { name: state.name, index },
      });
    }
    if (children.length > 0) this.commands.push({ type: 'startChildren', children });
  }

  private async childDone(
    state: CompiledState,
    waiting: Extract<Waiting, { kind: 'children' }>,
    index: number,
    result: RunResult,
  ): Promise<void> {
    // Copy-on-write: the snapshot we were given must stay untouched.
    const next = {
      ...waiting,
      pendingInputs: [...waiting.pendingInputs],
      results: [...waiting.results],
    };
    this.snap.waiting = next;
    next.completed += 1;
    const isMap = state.type === 'Map';
    if (result.status === 'SUCCEEDED') {
      next.results[index] = result.output;
      if (isMap)
        this.events.push({
          type: 'MapIterationSucceeded',
          mapIterationSucceededEventDetails: { name: state.name, index },
        });
    } else {
      next.failed += 1;
      next.results[index] = { Error: result.error, Cause: result.cause };
      if (isMap)
        this.events.push({
          type: 'MapIterationFailed',
          mapIterationFailedEventDetails: { name: state.name, index },
        });
      if (!isMap || this.exceedsTolerance(next)) {
        this.snap.waiting = undefined;
        this.commands.push({ type: 'abortChildren' });
        const tolerated =
          next.toleratedFailureCount !== undefined || next.toleratedFailurePercentage !== undefined;
        const error =
          isMap && tolerated ? StatesErrorName.ExceedToleratedFailureThreshold : result.error;
        const cause =
          isMap && tolerated
            ? `Map state '${state.name}' exceeded its tolerated failure threshold (${next.failed} of ${next.total} failed)`
            : result.cause;
        await this.fail(state, error, cause);
        return;
      }
    }
    if (next.completed < next.total) {
      if (isMap) this.launchIterations(state);
      return;
    }
    this.snap.waiting = undefined;
    this.events.push({ type: `${state.type}StateSucceeded` });
    await this.guard(state, () => this.finishWithResult(state, next.results));
  }

  private exceedsTolerance(waiting: Extract<Waiting, { kind: 'children' }>): boolean {
    const count = waiting.toleratedFailureCount;
    const percentage = waiting.toleratedFailurePercentage;
    if (count === undefined && percentage === undefined) return true;
    if (count !== undefined && waiting.failed > count) return true;
    if (percentage !== undefined && (waiting.failed / waiting.total) * 100 > percentage)
      return true;
    return false;
  }
}

function applyResultPath(state: CompiledState, raw: Json, result: Json): Json {
  if (state.resultPath === undefined) return result;
  if (state.resultPath === null) return raw;
  return state.resultPath.write(raw, result);
}

function readRequired(
  value: Json | undefined,
  field: string,
  path: string,
  stateName: string,
): Json {
  if (value === undefined) {
    throw new StatesError(
      StatesErrorName.Runtime,
      `An error occurred while executing the state '${stateName}'. Invalid path '${path}' : No results for path: ${path} (field ${field})`,
    );
  }
  return value;
}

function taskEvent(
  state: CompiledState,
  what: 'Succeeded' | 'Failed' | 'TimedOut',
  details: JsonObject,
): HistoryEventDraft {
  const resource = state.resource;
  if (resource?.lambdaFunction) {
    const type = `LambdaFunction${what}`;
    return { type, [`lambdaFunction${what}EventDetails`]: details };
  }
  return {
    type: `Task${what}`,
    [`task${what}EventDetails`]: {
      resourceType: resource?.resourceType ?? 'unknown',
      resource: resource?.resource ?? 'unknown',
      ...details,
    },
  };
}

function regionOf(execution: JsonObject): string {
  const id = execution.Id;
  return typeof id === 'string' ? (id.split(':')[3] ?? '') : '';
}

function typeOf(value: Json): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
