/**
 * The durable executor. It keeps the active runs of every running execution in memory, feeds
 * them outcomes through the pure step function (src/asl/step.ts), and commits each batch of
 * transitions — snapshots, history events, timers, new and ended runs — in ONE SQLite
 * transaction before any command of that batch (invoke a task, arm a timer) is carried out.
 *
 * So a transition is durable before the next one starts, and many executions share each fsync
 * (group commit). After a crash, `start()` reloads every running execution from its last commit,
 * re-arms its timers and re-invokes the tasks whose results were never committed, with the same
 * task token (at-least-once; handlers deduplicate with it or with their own idempotency key).
 *
 * Nothing here knows about payments. Nothing here polls: work arrives through an in-memory inbox
 * (task results, timer firings, callbacks, starts) and the loop sleeps when it is empty.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Json, JsonObject } from '../asl/json.js';
import { StatesErrorName } from '../asl/errors.js';
import type { StateMachineDefinition } from '../asl/types.js';
import { compileMachine } from '../asl/machine.js';
import type { CompiledMachine } from '../asl/machine.js';
import { newRun, step } from '../asl/step.js';
import type { Command, Outcome, RunResult, RunSnapshot, StepEnv } from '../asl/step.js';
import type { HistoryEventDraft } from '../asl/history.js';
import type { Clock } from './clock.js';
import { VirtualClock } from './clock.js';
import { EngineStore } from './store.js';
import type { ExecutionRow, ExecutionStatus, TimerKind, WriteOp } from './store.js';
import type { Committer } from './committer.js';
import { createCommitter, inlineCommitter } from './committer.js';
import { encodeHistoryChunk } from './history-codec.js';
import type { SqliteDatabase } from '../sqlite/database.js';
import { resolveResource, toTaskError } from './resources.js';
import type { Invoker, TaskContext, TaskResources } from './resources.js';
import { EngineError, EngineErrorCode } from './errors.js';
import { createRandom, seedFor } from './random.js';
import { arns } from './arns.js';

export interface EngineOptions {
  db: SqliteDatabase;
  clock: Clock;
  resources: TaskResources;
  /** @default 'us-east-1' */
  region?: string;
  /** @default '000000000000' */
  accountId?: string;
  /**
   * Executions whose states run at once; further started executions are recorded and wait.
   * @default 1000
   */
  maxConcurrentExecutions?: number;
  /**
   * Most inbox items stepped per batch handed to the committer. Small batches reach the writer
   * thread sooner, so it flushes while this thread steps the next ones; batches that queue up
   * behind a flush are still merged into one transaction, sharing its fsync. Measured with
   * bench/engine.ts at concurrency 100: 16 completes about 10% more executions per second than
   * 512; at concurrency 1,000 the two are even.
   * @default 16
   */
  maxBatch?: number;
  /** Where the engine reports a failure it cannot attribute to an execution. @default console.error */
  onError?: (error: unknown) => void;
  /**
   * Called at named points of the commit cycle ('before-commit', 'after-commit',
   * 'before-dispatch'); crash tests kill the process there. @default none
   */
  crashPoint?: (name: CrashPoint) => void;
  /**
   * Commit batches on a writer thread with its own connection, so the next batch is stepped
   * while the previous one waits for fsync. In-memory databases always commit inline.
   * @default true
   */
  commitInWorker?: boolean;
  /**
   * Hears every history event once it is committed, in order per execution: the feed for
   * metrics, alarms and live views. Must not throw or block. @default none
   */
  onEvents?: (executionArn: string, stateMachineArn: string, events: readonly JsonObject[]) => void;
}

/** Batches allowed in flight to the writer before stepping waits for one to land. */
const maxPendingCommits = 8;

export type CrashPoint = 'before-commit' | 'after-commit' | 'before-dispatch';

/** One ongoing pass through a scope of states (see src/asl/step.ts). */
interface ActiveRun {
  id: number;
  execution: ActiveExecution;
  parentId: number | null;
  childIndex: number | null;
  snapshot: RunSnapshot;
  lastEventId: number;
  children: Set<number>;
  cancelTimers: (() => void)[];
}

interface ActiveExecution {
  /** The store's integer id (start order), which keys the execution's history. */
  id: number;
  arn: string;
  name: string;
  stateMachineArn: string;
  machine: CompiledMachine;
  rootRunId: number;
  nextEventId: number;
  seed: string;
  contextExecution: JsonObject;
  contextStateMachine: JsonObject;
  started: boolean;
  cancelTimeout?: () => void;
  /** Set once the execution closed in memory; its commit may still be pending. */
  closed: boolean;
  /** Ids of this execution's active runs. */
  runIds: Set<number>;
  /**
   * Whether rows of it other than its root run (child runs, timers) may be on disk, so that
   * closing it must delete them. Most payments never have any: two statements saved per close.
   */
  mayHaveRows: boolean;
  /**
   * Its row as committed while it runs. Its close answers waiters with this row closed, as the
   * commit wrote it, rather than reading it back (at concurrency 100 that read was ~4% of the
   * engine thread).
   */
  row: ExecutionRow;
}

type InboxItem =
  | { kind: 'outcome'; runId: number; outcome: Outcome; done?: (error?: unknown) => void }
  | {
      kind: 'start';
      arn: string;
      input: Json;
      name: string;
      stateMachineArn: string;
      done: (error?: unknown) => void;
    }
  | {
      kind: 'close';
      arn: string;
      status: 'TIMED_OUT' | 'ABORTED';
      error: string;
      cause: string;
      done?: (error?: unknown) => void;
    }
  | { kind: 'redrive'; arn: string; done: (error?: unknown) => void };

/** What one batch will write and, once committed, do. */
interface Batch {
  writes: WriteOp[];
  dirty: Map<number, ActiveRun>;
  history: Map<
    string,
    { executionId: number; first: number; stateMachineArn: string; events: JsonObject[] }
  >;
  after: (() => void)[];
  done: ((error?: unknown) => void)[];
  /**
   * Runs created in this batch, with their insertRun op. The op's snapshot is filled in when the
   * batch is sealed, with the run's state at that moment, so a new run is written once, not
   * inserted and then updated in the same transaction.
   */
  inserted: Map<number, { run: ActiveRun; op: WriteOp }>;
}

export interface StartExecutionResult {
  executionArn: string;
  startDate: number;
  /** False when an execution of that name and input was already running (idempotent start). */
  created: boolean;
}

export class Engine {
  readonly store: EngineStore;
  readonly clock: Clock;
  readonly region: string;
  readonly accountId: string;
  private readonly resources: TaskResources;
  private readonly maxConcurrent: number;
  private readonly maxBatch: number;
  private readonly onError: (error: unknown) => void;
  private readonly crashPoint: (name: CrashPoint) => void;
  private readonly onEvents: EngineOptions['onEvents'];

  private readonly executions = new Map<string, ActiveExecution>();
  private readonly runs = new Map<number, ActiveRun>();
  private readonly tokens = new Map<string, number>();
  private readonly heartbeatDue = new Map<string, number>();
  private readonly machines = new Map<string, CompiledMachine>();
  private readonly invokers = new Map<string, Invoker | undefined>();
  private readonly waiters = new Map<string, ((row: ExecutionRow) => void)[]>();
  /** Starts enqueued but not yet committed, by execution ARN: their input text and settlement. */
  private readonly pendingStarts = new Map<string, { input: string; settled: Promise<unknown> }>();
  private readonly waitingToStart: ActiveExecution[] = [];
  private inbox: InboxItem[] = [];
  private readonly committer: Committer;
  private readonly inlineCommitter: Committer;
  private readonly randomPool = new RandomPool();
  /** Made once: a closure made per step costs a `__name` call under tsx (esbuild keepNames). */
  private readonly newToken = () => this.randomPool.token();
  private readonly pendingCommits = new Set<Promise<void>>();
  private runSeq = 0;
  private executionSeq = 0;
  private running = 0;
  private inflight = 0;
  private scheduled = false;
  private processing = false;
  private stopped = true;
  /** Set by stop(), cleared by start(): work offered meanwhile is refused, not left waiting. */
  private halted = false;

  constructor(options: EngineOptions) {
    this.store = new EngineStore(options.db);
    this.clock = options.clock;
    this.resources = options.resources;
    this.region = options.region ?? 'us-east-1';
    this.accountId = options.accountId ?? '000000000000';
    this.maxConcurrent = options.maxConcurrentExecutions ?? 1000;
    this.maxBatch = options.maxBatch ?? 16;
    this.onError = options.onError ?? ((error) => console.error(error));
    this.crashPoint = options.crashPoint ?? (() => undefined);
    this.onEvents = options.onEvents;
    if (this.clock instanceof VirtualClock) {
      this.clock.onSleep(() => {
        if (this.inbox.length === 0 && !this.processing) this.maybeAdvanceVirtualTime();
      });
    }
    this.committer = createCommitter(this.store, options.commitInWorker ?? true);
    this.inlineCommitter = inlineCommitter(this.store);
  }

  /** ARNs in AWS's shape for this engine's region and account. */
  get arn() {
    return arns(this.region, this.accountId);
  }

  /** Whether a Task Resource can run here (for validation before anything runs). */
  isResourceSupported = (resource: string): boolean => this.invokerFor(resource) !== undefined;

  // ---- life cycle ------------------------------------------------------------------------

  /** Recovers every execution a previous process left running, then starts the loop. */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.halted = false;
    this.runSeq = this.store.maxRunId.get()?.id ?? 0;
    this.executionSeq = this.store.maxExecutionId.get()?.id ?? 0;
    for (const row of this.store.runningExecutions.all()) this.recover(row);
    this.kick();
  }

  /** Stops taking work from the inbox; what is committed stays committed. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.halted = true;
    while (this.processing) await new Promise((resolve) => setImmediate(resolve));
    // What the inbox still holds was never committed: its callers hear so rather than wait
    // forever (a start's caller, and any caller of the same name waiting behind it). A task
    // result among it is not lost: recovery invokes the task again.
    const left = this.inbox;
    this.inbox = [];
    for (const item of left) item.done?.(stoppedError());
    await Promise.allSettled([...this.pendingCommits]);
    await this.committer.close();
    for (const run of this.runs.values()) for (const cancel of run.cancelTimers) cancel();
    for (const execution of this.executions.values()) execution.cancelTimeout?.();
  }

  /** Number of executions currently running in memory. */
  get activeExecutions(): number {
    return this.executions.size;
  }

  /** Resolves with the execution's row once it is no longer RUNNING. */
  waitForExecution(executionArn: string): Promise<ExecutionRow> {
    // Running here: its close is still to come, and resolves the waiters from the committed row.
    // No read now (at concurrency 100 that read was ~4% of the engine thread).
    if (this.executions.has(executionArn)) return this.addWaiter(executionArn);
    const row = this.store.getExecution.get(executionArn);
    if (!row)
      return Promise.reject(
        new EngineError(
          EngineErrorCode.ExecutionDoesNotExist,
          `Execution does not exist: '${executionArn}'`,
        ),
      );
    if (row.status !== 'RUNNING') return Promise.resolve(row);
    return this.addWaiter(executionArn);
  }

  private addWaiter(executionArn: string): Promise<ExecutionRow> {
    return new Promise((resolve) => {
      const list = this.waiters.get(executionArn) ?? [];
      list.push(resolve);
      this.waiters.set(executionArn, list);
    });
  }

  // ---- starting, stopping, redriving executions ---------------------------------------------

  /**
   * Starts an execution, durably, and resolves once it is committed. Idempotent by name as in
   * Standard workflows: the same name and input while it runs returns the running execution; a
   * different input, or a closed execution of that name, is ExecutionAlreadyExists.
   */
  startExecution(request: {
    stateMachineArn: string;
    name?: string;
    input?: string;
  }): Promise<StartExecutionResult> {
    const machine = this.store.stateMachine(request.stateMachineArn);
    if (!machine) {
      return Promise.reject(
        new EngineError(
          EngineErrorCode.StateMachineDoesNotExist,
          `State Machine Does Not Exist: '${request.stateMachineArn}'`,
        ),
      );
    }
    const name = request.name ?? randomUUID();
    validateName(name);
    const inputText = request.input ?? '{}';
    let input: Json;
    try {
      input = JSON.parse(inputText) as Json;
    } catch (error) {
      return Promise.reject(
        new EngineError(
          EngineErrorCode.InvalidExecutionInput,
          `Invalid State Machine Execution Input: '${(error as Error).message}'`,
        ),
      );
    }
    const arn = this.arn.execution(machine.name, name);
    // A start of the same name not yet committed: decide once it is, against the committed row,
    // so the answer (and describeExecution after it) always speaks of a durable execution.
    const pending = this.pendingStarts.get(arn);
    if (pending) return pending.settled.then(() => this.startExecution(request));
    const existing = this.store.getExecution.get(arn);
    if (existing) {
      if (existing.input === inputText && existing.status === 'RUNNING') {
        return Promise.resolve({
          executionArn: arn,
          startDate: existing.start_date,
          created: false,
        });
      }
      return Promise.reject(
        new EngineError(
          EngineErrorCode.ExecutionAlreadyExists,
          `Execution Already Exists: '${arn}'`,
        ),
      );
    }
    const startDate = this.clock.now();
    const started = new Promise<StartExecutionResult>((resolve, reject) => {
      this.enqueue({
        kind: 'start',
        arn,
        input,
        name,
        stateMachineArn: machine.arn,
        done: (error) => {
          this.pendingStarts.delete(arn);
          if (error) reject(asError(error));
          else resolve({ executionArn: arn, startDate, created: true });
        },
      });
    });
    this.pendingStarts.set(arn, { input: inputText, settled: started.catch(() => undefined) });
    return started;
  }

  /** Aborts a running execution durably (ABORTED, with error and cause), children included. */
  stopExecution(executionArn: string, error = '', cause = ''): Promise<{ stopDate: number }> {
    const row = this.requireExecution(executionArn);
    if (row.status !== 'RUNNING')
      return Promise.resolve({ stopDate: row.stop_date ?? this.clock.now() });
    return new Promise((resolve, reject) => {
      this.enqueue({
        kind: 'close',
        arn: executionArn,
        status: 'ABORTED',
        error,
        cause,
        done: (failure) =>
          failure ? reject(asError(failure)) : resolve({ stopDate: this.clock.now() }),
      });
    });
  }

  /**
   * Restarts a FAILED, TIMED_OUT or ABORTED execution from the state where it stopped, keeping
   * its ARN and history (AWS: RedriveExecution; succeeded states are not run again).
   */
  redriveExecution(executionArn: string): Promise<{ redriveDate: number }> {
    const row = this.requireExecution(executionArn);
    if (row.status === 'RUNNING' || row.status === 'SUCCEEDED') {
      return Promise.reject(
        new EngineError(
          EngineErrorCode.ExecutionNotRedrivable,
          `Execution with status ${row.status} cannot be redriven: '${executionArn}'`,
        ),
      );
    }
    const redrivableUntil = (row.stop_date ?? 0) + 14 * 24 * 3600 * 1000;
    if (this.clock.now() > redrivableUntil) {
      return Promise.reject(
        new EngineError(
          EngineErrorCode.ExecutionNotRedrivable,
          'Executions can be redriven within 14 days of closing (AWS)',
        ),
      );
    }
    return new Promise((resolve, reject) => {
      this.enqueue({
        kind: 'redrive',
        arn: executionArn,
        done: (error) =>
          error ? reject(asError(error)) : resolve({ redriveDate: this.clock.now() }),
      });
    });
  }

  // ---- callbacks ---------------------------------------------------------------------------

  sendTaskSuccess(taskToken: string, output: string): Promise<void> {
    let value: Json;
    try {
      value = JSON.parse(output) as Json;
    } catch {
      return Promise.reject(
        new EngineError(EngineErrorCode.InvalidOutput, 'Invalid output: not JSON'),
      );
    }
    return this.callback(taskToken, (token) => ({ type: 'taskSucceeded', token, output: value }));
  }

  sendTaskFailure(taskToken: string, error = '', cause = ''): Promise<void> {
    return this.callback(taskToken, (token) => ({ type: 'taskFailed', token, error, cause }));
  }

  /** Resets the HeartbeatSeconds clock of a waiting task. */
  sendTaskHeartbeat(taskToken: string): Promise<void> {
    let run: ActiveRun;
    try {
      run = this.runForToken(taskToken);
    } catch (error) {
      return Promise.reject(asError(error));
    }
    const waiting = run.snapshot.waiting;
    if (waiting?.kind === 'task' && waiting.heartbeatSeconds !== undefined) {
      const due = this.clock.now() + waiting.heartbeatSeconds * 1000;
      this.heartbeatDue.set(taskToken, due);
      this.store.write(['updateTimerDue', due, timerId(run.id, 'heartbeat', taskToken)]);
      this.armTimer(run, 'heartbeat', due, taskToken);
    }
    return Promise.resolve();
  }

  private callback(taskToken: string, outcome: (token: string) => Outcome): Promise<void> {
    return new Promise((resolve, reject) => {
      const run = this.runForToken(taskToken);
      this.enqueue({
        kind: 'outcome',
        runId: run.id,
        outcome: outcome(taskToken),
        done: (error) => (error ? reject(asError(error)) : resolve()),
      });
    });
  }

  private runForToken(taskToken: string): ActiveRun {
    const runId = this.tokens.get(taskToken);
    const run = runId === undefined ? undefined : this.runs.get(runId);
    if (!run || run.snapshot.waiting?.kind !== 'task' || run.snapshot.waiting.token !== taskToken) {
      throw new EngineError(
        EngineErrorCode.TaskDoesNotExist,
        'Task does not exist anymore (it completed, timed out or its execution closed)',
      );
    }
    return run;
  }

  // ---- the loop ------------------------------------------------------------------------------

  private enqueue(item: InboxItem): void {
    if (this.halted) {
      // Answered after the caller has finished offering it (a start registers itself as pending
      // once enqueued; its answer then clears that).
      queueMicrotask(() => item.done?.(stoppedError()));
      return;
    }
    this.inbox.push(item);
    this.kick();
  }

  private kick(): void {
    if (this.scheduled || this.processing || this.stopped) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.loop();
    });
  }

  private async loop(): Promise<void> {
    if (this.processing || this.stopped) return;
    this.processing = true;
    try {
      while (this.inbox.length > 0 && !this.stopped) {
        const limit = this.maxBatch;
        const items = this.inbox.length <= limit ? this.inbox : this.inbox.slice(0, limit);
        this.inbox = this.inbox.length <= limit ? [] : this.inbox.slice(limit);
        await this.processBatch(items);
      }
    } catch (error) {
      // A failed commit leaves memory ahead of the disk: stop, so a restart recovers from disk.
      this.stopped = true;
      this.onError(error);
    } finally {
      this.processing = false;
    }
    if (this.inbox.length > 0) this.kick();
    else this.maybeAdvanceVirtualTime();
  }

  /** Virtual time moves only when nothing can happen without it. */
  private maybeAdvanceVirtualTime(): void {
    const clock = this.clock;
    if (!(clock instanceof VirtualClock) || this.stopped) return;
    setImmediate(() => {
      if (this.inbox.length > 0 || this.processing || this.stopped) return;
      if (this.pendingCommits.size > 0) return;
      if (this.inflight > clock.sleepers) return;
      // A timer may wake a task that only goes back to sleep (simulated latency, then a
      // timeout): nothing else would look again, so look again after every jump.
      if (clock.advance()) this.maybeAdvanceVirtualTime();
    });
  }

  private async processBatch(items: InboxItem[]): Promise<void> {
    const batch: Batch = {
      writes: [],
      dirty: new Map(),
      history: new Map(),
      after: [],
      done: [],
      inserted: new Map(),
    };
    for (const item of items) {
      try {
        await this.apply(item, batch);
        if (item.done) batch.done.push(item.done);
      } catch (error) {
        if (error instanceof EngineError) {
          item.done?.(error);
          continue;
        }
        throw error;
      }
    }
    const ops = batch.writes;
    for (const { run, op } of batch.inserted.values()) op[6] = JSON.stringify(run.snapshot);
    for (const run of batch.dirty.values()) {
      if (!batch.inserted.has(run.id))
        ops.push(['updateRun', JSON.stringify(run.snapshot), 'RUNNING', run.id]);
    }
    for (const chunk of batch.history.values()) {
      const last = chunk.first + chunk.events.length - 1;
      const text = encodeHistoryChunk(chunk.events);
      ops.push(['insertHistory', chunk.executionId, chunk.first, last, text]);
    }
    this.crashPoint('before-commit');
    // Nothing of this batch happens outside until its commit is durable. The next batch may be
    // built meanwhile: commits land in order, so the disk always holds a prefix of the batches.
    // A lone batch meeting an idle writer is committed here: handing it to the thread and hearing
    // back costs more than the thread saves when nothing else waits to be stepped meanwhile
    // (bench/engine.ts, concurrency 1: p50 ~25% lower). Commits still land in order: none is in
    // flight.
    const committer =
      this.pendingCommits.size === 0 && this.inbox.length === 0
        ? this.inlineCommitter
        : this.committer;
    const committed = committer.commit(ops).then(
      () => {
        this.crashPoint('after-commit');
        if (this.onEvents) this.publish(batch);
        for (const action of batch.after) action();
        for (const done of batch.done) done();
        if (this.inbox.length === 0 && !this.processing) this.maybeAdvanceVirtualTime();
      },
      (error: unknown) => {
        // A failed commit leaves memory ahead of the disk: stop, so a restart recovers from disk.
        this.stopped = true;
        for (const done of batch.done) done(error);
        this.onError(error);
      },
    );
    this.pendingCommits.add(committed);
    void committed.finally(() => this.pendingCommits.delete(committed));
    if (this.pendingCommits.size >= maxPendingCommits) await Promise.race(this.pendingCommits);
  }

  private publish(batch: Batch): void {
    for (const [arn, chunk] of batch.history) {
      try {
        this.onEvents?.(arn, chunk.stateMachineArn, chunk.events);
      } catch (error) {
        this.onError(error);
      }
    }
  }

  private async apply(item: InboxItem, batch: Batch): Promise<void> {
    switch (item.kind) {
      case 'start':
        await this.applyStart(item, batch);
        return;
      case 'close':
        this.applyClose(item.arn, item.status, item.error, item.cause, batch);
        return;
      case 'redrive':
        await this.applyRedrive(item.arn, batch);
        return;
      case 'outcome': {
        const run = this.runs.get(item.runId);
        if (!run || run.execution.closed) {
          if (item.outcome.type === 'taskSucceeded' || item.outcome.type === 'taskFailed') {
            if (item.done)
              throw new EngineError(
                EngineErrorCode.TaskDoesNotExist,
                'Task does not exist anymore',
              );
          }
          return;
        }
        await this.feed(run, item.outcome, batch);
      }
    }
  }

  /** Steps one run and folds the result into the batch, stepping parents and children as needed. */
  private async feed(run: ActiveRun, outcome: Outcome, batch: Batch): Promise<void> {
    const execution = run.execution;
    const result = await step(execution.machine, run.snapshot, outcome, this.env(execution, run));
    if (!result.changed) {
      if (outcome.type === 'taskSucceeded' || outcome.type === 'taskFailed') {
        throw new EngineError(EngineErrorCode.TaskDoesNotExist, 'Task does not exist anymore');
      }
      return;
    }
    this.record(run, result.events, batch);
    const previous = run.snapshot.waiting;
    if (previous?.kind === 'task' && result.snapshot.waiting !== previous) {
      this.tokens.delete(previous.token);
      this.heartbeatDue.delete(previous.token);
    }
    run.snapshot = result.snapshot;
    if (run.cancelTimers.length > 0) {
      for (const cancel of run.cancelTimers) cancel();
      run.cancelTimers = [];
      const runId = run.id;
      batch.writes.push(['deleteTimersOfRun', runId]);
    }
    for (const command of result.commands) await this.command(run, command, batch);
    if (result.result) {
      await this.endRun(run, result.result, batch);
    } else {
      batch.dirty.set(run.id, run);
    }
  }

  private async command(run: ActiveRun, command: Command, batch: Batch): Promise<void> {
    const execution = run.execution;
    switch (command.type) {
      case 'invokeTask': {
        this.tokens.set(command.token, run.id);
        const now = this.clock.now();
        if (command.timeoutSeconds !== undefined) {
          this.timer(
            run,
            'task-timeout',
            now + command.timeoutSeconds * 1000,
            command.token,
            batch,
          );
        }
        if (command.heartbeatSeconds !== undefined) {
          this.heartbeatDue.set(command.token, now + command.heartbeatSeconds * 1000);
          this.timer(run, 'heartbeat', now + command.heartbeatSeconds * 1000, command.token, batch);
        }
        batch.after.push(() => this.dispatch(run, command));
        return;
      }
      case 'scheduleTimer':
        this.timer(run, command.purpose, command.dueAt, command.timerId, batch);
        return;
      case 'startChildren':
        for (const spec of command.children) {
          const scope = execution.machine.scopes.get(spec.scopeId);
          if (!scope) throw new Error(`Unknown scope ${spec.scopeId}`);
          const child = this.addRun(
            execution,
            run.id,
            spec.index,
            newRun(scope, spec.input, spec.variables, this.clock.now()),
          );
          child.lastEventId = run.lastEventId;
          run.children.add(child.id);
          this.insertRun(child, batch);
          await this.feed(child, { type: 'start' }, batch);
        }
        return;
      case 'abortChildren':
        for (const childId of [...run.children]) this.dropRun(childId, batch);
        return;
    }
  }

  private timer(run: ActiveRun, kind: TimerKind, dueAt: number, key: string, batch: Batch): void {
    const id = timerId(run.id, kind, key);
    const arn = run.execution.arn;
    const runId = run.id;
    run.execution.mayHaveRows = true;
    batch.writes.push(['insertTimer', id, arn, runId, kind, dueAt, key]);
    batch.after.push(() => this.armTimer(run, kind, dueAt, key));
  }

  /** Arms an in-memory timer; firing turns into an outcome for the run (stale ones are ignored). */
  private armTimer(run: ActiveRun, kind: TimerKind, dueAt: number, key: string): void {
    const cancel = this.clock.schedule(dueAt, () => {
      if (!this.runs.has(run.id)) return;
      switch (kind) {
        case 'wait':
        case 'retry':
          this.enqueue({
            kind: 'outcome',
            runId: run.id,
            outcome: { type: 'timerFired', timerId: key },
          });
          return;
        case 'task-timeout':
          this.enqueue({
            kind: 'outcome',
            runId: run.id,
            outcome: {
              type: 'taskFailed',
              token: key,
              error: StatesErrorName.Timeout,
              cause: 'Task timed out.',
              timedOut: true,
            },
          });
          return;
        case 'heartbeat': {
          const due = this.heartbeatDue.get(key);
          if (due === undefined || due > this.clock.now()) return;
          this.enqueue({
            kind: 'outcome',
            runId: run.id,
            outcome: {
              type: 'taskFailed',
              token: key,
              error: StatesErrorName.HeartbeatTimeout,
              cause: 'Task heartbeat timed out.',
              timedOut: true,
            },
          });
          return;
        }
        case 'execution-timeout':
          return;
      }
    });
    run.cancelTimers.push(cancel);
  }

  /** Invokes a task after its scheduling committed; its result comes back through the inbox. */
  private dispatch(run: ActiveRun, command: Extract<Command, { type: 'invokeTask' }>): void {
    const invoker = this.invokerFor(command.resource);
    const execution = run.execution;
    const context: TaskContext = {
      executionArn: execution.arn,
      executionName: execution.name,
      stateName: command.stateName,
      taskToken: command.token,
      idempotencyKey: command.token,
    };
    this.crashPoint('before-dispatch');
    this.inflight++;
    this.invoke(run, command, invoker, context).catch((error: unknown) => this.onError(error));
  }

  /** One task invocation, its result or failure turned into the run's next outcome. */
  private async invoke(
    run: ActiveRun,
    command: Extract<Command, { type: 'invokeTask' }>,
    invoker: Invoker | undefined,
    context: TaskContext,
  ): Promise<void> {
    const token = command.token;
    let outcome: Outcome | undefined;
    try {
      // Never within the caller's turn: a handler runs after the commit's callbacks are done.
      await Promise.resolve();
      if (!invoker)
        throw new EngineError(
          EngineErrorCode.ValidationException,
          `No local resource for '${command.resource}'`,
        );
      const output = await invoker(command.parameters, context);
      // Callback tasks wait for SendTaskSuccess/Failure; the invocation's result is not theirs.
      if (!command.waitForTaskToken) outcome = { type: 'taskSucceeded', token, output };
    } catch (error) {
      const failure = toTaskError(error);
      outcome = { type: 'taskFailed', token, error: failure.code, cause: failure.message };
    }
    try {
      if (outcome) this.enqueue({ kind: 'outcome', runId: run.id, outcome });
    } finally {
      // After the enqueue: virtual time must not jump while this task's outcome is on its way.
      this.inflight--;
      if (this.inbox.length === 0 && !this.processing) this.maybeAdvanceVirtualTime();
    }
  }

  private invokerFor(resource: string): Invoker | undefined {
    if (!this.invokers.has(resource))
      this.invokers.set(resource, resolveResource(this.resources, resource));
    return this.invokers.get(resource);
  }

  /** A run ended: the root closes its execution; a child reports to its parent in this batch. */
  private async endRun(run: ActiveRun, result: RunResult, batch: Batch): Promise<void> {
    const execution = run.execution;
    if (run.parentId === null) {
      const status: ExecutionStatus = result.status;
      const details: JsonObject =
        result.status === 'SUCCEEDED'
          ? {
              executionSucceededEventDetails: {
                output: result.output,
                outputDetails: { truncated: false },
              },
            }
          : { executionFailedEventDetails: { error: result.error, cause: result.cause } };
      this.record(
        run,
        [
          {
            type: result.status === 'SUCCEEDED' ? 'ExecutionSucceeded' : 'ExecutionFailed',
            ...details,
          },
        ],
        batch,
      );
      this.close(execution, status, result, batch);
      return;
    }
    const parent = this.runs.get(run.parentId);
    parent?.children.delete(run.id);
    this.forgetRun(run);
    const runId = run.id;
    batch.dirty.delete(run.id);
    batch.writes.push(['deleteRun', runId]);
    if (parent) {
      parent.lastEventId = Math.max(parent.lastEventId, run.lastEventId);
      await this.feed(parent, { type: 'childDone', index: run.childIndex ?? 0, result }, batch);
    }
  }

  private close(
    execution: ActiveExecution,
    status: ExecutionStatus,
    result: RunResult | { status: ExecutionStatus; error: string; cause: string },
    batch: Batch,
  ): void {
    execution.closed = true;
    execution.cancelTimeout?.();
    const root = this.runs.get(execution.rootRunId);
    for (const runId of [...execution.runIds]) {
      const run = this.runs.get(runId);
      if (run) this.forgetRun(run);
      batch.dirty.delete(runId);
    }
    this.executions.delete(execution.arn);
    if (execution.started) this.running--;
    const arn = execution.arn;
    const stopDate = this.clock.now();
    const rootSnapshot = root ? { ...root.snapshot, waiting: undefined } : null;
    for (const run of batch.dirty.values())
      if (run.execution === execution) batch.dirty.delete(run.id);
    const closed = {
      id: execution.id,
      status,
      output: 'output' in result ? JSON.stringify(result.output) : null,
      error: 'error' in result ? result.error : null,
      cause: 'cause' in result ? result.cause : null,
      stop_date: stopDate,
    };
    batch.writes.push(['closeExecution', closed]);
    // The root run keeps the state it stopped in: a redrive starts there.
    if (rootSnapshot)
      batch.writes.push(['endRun', JSON.stringify(rootSnapshot), execution.rootRunId]);
    if (execution.mayHaveRows) {
      batch.writes.push(['deleteRunsOfExecution', arn, execution.rootRunId]);
      batch.writes.push(['deleteTimersOfExecution', arn]);
    }
    batch.after.push(() => {
      const list = this.waiters.get(arn);
      if (list) {
        this.waiters.delete(arn);
        // The row as closeExecution left it.
        const { status, output, error, cause, stop_date } = closed;
        const row: ExecutionRow = { ...execution.row, status, output, error, cause, stop_date };
        for (const resolve of list) resolve(row);
      }
      this.startWaiting();
    });
  }

  private applyClose(
    arn: string,
    status: 'TIMED_OUT' | 'ABORTED',
    error: string,
    cause: string,
    batch: Batch,
  ): void {
    const execution = this.executions.get(arn);
    if (!execution || execution.closed) return;
    const root = this.runs.get(execution.rootRunId);
    if (root) {
      const type = status === 'TIMED_OUT' ? 'ExecutionTimedOut' : 'ExecutionAborted';
      const key =
        status === 'TIMED_OUT' ? 'executionTimedOutEventDetails' : 'executionAbortedEventDetails';
      this.record(root, [{ type, [key]: { error, cause } }], batch);
    }
    this.close(execution, status, { status, error, cause }, batch);
  }

  private async applyStart(
    item: Extract<InboxItem, { kind: 'start' }>,
    batch: Batch,
  ): Promise<void> {
    const machineRow = this.store.stateMachine(item.stateMachineArn);
    if (!machineRow)
      throw new EngineError(
        EngineErrorCode.StateMachineDoesNotExist,
        `State Machine Does Not Exist: '${item.stateMachineArn}'`,
      );
    const now = this.clock.now();
    const seed = this.randomPool.seed();
    const machine = this.compiled(machineRow.definition_hash);
    const timeoutSeconds = machine.definition.TimeoutSeconds;
    const timeoutAt = timeoutSeconds === undefined ? null : now + timeoutSeconds * 1000;
    const id = ++this.executionSeq;
    const inputText = this.pendingStarts.get(item.arn)?.input ?? JSON.stringify(item.input);
    const execution = this.activate({
      id,
      arn: item.arn,
      name: item.name,
      stateMachineArn: machineRow.arn,
      stateMachineName: machineRow.name,
      roleArn: machineRow.role_arn,
      machine,
      input: item.input,
      startDate: now,
      seed,
      redriveCount: 0,
      nextEventId: 1,
      fromDisk: false,
      row: {
        id,
        arn: item.arn,
        state_machine_arn: machineRow.arn,
        name: item.name,
        definition_hash: machineRow.definition_hash,
        status: 'RUNNING',
        input: inputText,
        output: null,
        error: null,
        cause: null,
        start_date: now,
        stop_date: null,
        redrive_count: 0,
        redrive_date: null,
        seed,
        timeout_at: timeoutAt,
      },
    });
    const root = this.addRun(execution, null, null, newRun(machine.root, item.input, {}, now));
    execution.rootRunId = root.id;
    batch.writes.push([
      'insertExecution',
      {
        id: execution.id,
        arn: item.arn,
        state_machine_arn: machineRow.arn,
        name: item.name,
        definition_hash: machineRow.definition_hash,
        input: inputText,
        start_date: now,
        seed,
        timeout_at: timeoutAt,
      },
    ]);
    this.insertRun(root, batch);
    this.record(
      root,
      [
        {
          type: 'ExecutionStarted',
          executionStartedEventDetails: {
            input: item.input,
            inputDetails: { truncated: false },
            roleArn: machineRow.role_arn,
          },
        },
      ],
      batch,
    );
    if (timeoutAt !== null) this.executionTimeout(execution, timeoutAt, batch);
    await this.begin(execution, root, batch);
  }

  /** Runs the first states now when under the concurrency cap, else queues the execution. */
  private async begin(execution: ActiveExecution, root: ActiveRun, batch: Batch): Promise<void> {
    if (this.running >= this.maxConcurrent) {
      this.waitingToStart.push(execution);
      return;
    }
    execution.started = true;
    this.running++;
    await this.feed(root, { type: 'start' }, batch);
  }

  /** Begins queued executions while under the concurrency cap (after others closed). */
  private startWaiting(): void {
    while (this.running < this.maxConcurrent && this.waitingToStart.length > 0) {
      const execution = this.waitingToStart.shift() as ActiveExecution;
      if (execution.closed) continue;
      execution.started = true;
      this.running++;
      this.enqueue({ kind: 'outcome', runId: execution.rootRunId, outcome: { type: 'start' } });
    }
  }

  private executionTimeout(
    execution: ActiveExecution,
    dueAt: number,
    batch: Batch | undefined,
  ): void {
    const arn = execution.arn;
    const id = `${arn}:execution-timeout`;
    if (batch) {
      execution.mayHaveRows = true;
      batch.writes.push(['insertTimer', id, arn, null, 'execution-timeout', dueAt, null]);
    }
    const arm = () => {
      execution.cancelTimeout = this.clock.schedule(dueAt, () => {
        this.enqueue({
          kind: 'close',
          arn,
          status: 'TIMED_OUT',
          error: StatesErrorName.Timeout,
          cause: 'The execution timed out (TimeoutSeconds of the state machine).',
        });
      });
    };
    if (batch) batch.after.push(arm);
    else arm();
  }

  private async applyRedrive(arn: string, batch: Batch): Promise<void> {
    const row = this.requireExecution(arn);
    if (row.status === 'RUNNING' || row.status === 'SUCCEEDED' || this.executions.has(arn)) {
      throw new EngineError(
        EngineErrorCode.ExecutionNotRedrivable,
        `Execution with status ${row.status} cannot be redriven: '${arn}'`,
      );
    }
    const runs = this.store.runsOfExecution.all(arn);
    const rootRow = runs.find((run) => run.parent_id === null);
    const machineRow = this.store.stateMachine(row.state_machine_arn);
    if (!rootRow)
      throw new EngineError(
        EngineErrorCode.ExecutionNotRedrivable,
        `Execution has no state to redrive from: '${arn}'`,
      );
    const machine = this.compiled(row.definition_hash);
    const now = this.clock.now();
    const lastEventId = this.store.lastEventId.get(arn)?.id ?? 0;
    const timeoutSeconds = machine.definition.TimeoutSeconds;
    const timeoutAt = timeoutSeconds === undefined ? null : now + timeoutSeconds * 1000;
    const execution = this.activate({
      id: row.id,
      arn,
      name: row.name,
      stateMachineArn: row.state_machine_arn,
      stateMachineName: machineRow?.name ?? row.state_machine_arn.split(':').pop() ?? '',
      roleArn: machineRow?.role_arn ?? '',
      machine,
      input: JSON.parse(row.input) as Json,
      startDate: row.start_date,
      seed: row.seed,
      redriveCount: row.redrive_count + 1,
      redriveDate: now,
      nextEventId: lastEventId + 1,
      fromDisk: true,
      // As reopenExecution (below) leaves the row.
      row: {
        ...row,
        status: 'RUNNING',
        output: null,
        error: null,
        cause: null,
        stop_date: null,
        redrive_count: row.redrive_count + 1,
        redrive_date: now,
        timeout_at: timeoutAt,
      },
    });
    const snapshot = JSON.parse(rootRow.snapshot) as RunSnapshot;
    const root = this.addRun(
      execution,
      null,
      null,
      { ...snapshot, waiting: undefined },
      rootRow.id,
    );
    root.lastEventId = lastEventId;
    execution.rootRunId = root.id;
    batch.writes.push(['reopenExecution', { arn, redrive_date: now, timeout_at: timeoutAt }]);
    batch.writes.push(['updateRun', JSON.stringify(root.snapshot), 'RUNNING', root.id]);
    this.record(
      root,
      [
        {
          type: 'ExecutionRedriven',
          executionRedrivenEventDetails: { redriveCount: row.redrive_count + 1 },
        },
      ],
      batch,
    );
    if (timeoutAt !== null) this.executionTimeout(execution, timeoutAt, batch);
    await this.begin(execution, root, batch);
  }

  // ---- recovery ------------------------------------------------------------------------------

  /** Rebuilds a running execution from its last commit and resumes what it was waiting for. */
  private recover(row: ExecutionRow): void {
    const machineRow = this.store.stateMachine(row.state_machine_arn);
    const machine = this.compiled(row.definition_hash);
    const lastEventId = this.store.lastEventId.get(row.arn)?.id ?? 0;
    const execution = this.activate({
      id: row.id,
      arn: row.arn,
      name: row.name,
      stateMachineArn: row.state_machine_arn,
      stateMachineName: machineRow?.name ?? '',
      roleArn: machineRow?.role_arn ?? '',
      machine,
      input: JSON.parse(row.input) as Json,
      startDate: row.start_date,
      seed: row.seed,
      redriveCount: row.redrive_count,
      ...(row.redrive_date !== null ? { redriveDate: row.redrive_date } : {}),
      nextEventId: lastEventId + 1,
      fromDisk: true,
      row,
    });
    const rows = this.store.runsOfExecution.all(row.arn).filter((run) => run.status === 'RUNNING');
    for (const runRow of rows) {
      const run = this.addRun(
        execution,
        runRow.parent_id,
        runRow.child_index,
        JSON.parse(runRow.snapshot) as RunSnapshot,
        runRow.id,
      );
      run.lastEventId = lastEventId;
      if (runRow.parent_id === null) execution.rootRunId = run.id;
    }
    for (const runId of execution.runIds) {
      const run = this.runs.get(runId) as ActiveRun;
      if (run.parentId === null) continue;
      this.runs.get(run.parentId)?.children.add(run.id);
    }
    if (row.timeout_at !== null) this.executionTimeout(execution, row.timeout_at, undefined);
    const timers = this.store.timersOfExecution.all(row.arn);
    const root = this.runs.get(execution.rootRunId);
    if (root && root.snapshot.seq === 0) {
      this.waitingToStart.push(execution);
      this.startWaiting();
      return;
    }
    execution.started = true;
    this.running++;
    for (const runId of execution.runIds) {
      const run = this.runs.get(runId) as ActiveRun;
      const waiting = run.snapshot.waiting;
      if (waiting?.kind === 'timer')
        this.armTimer(run, waiting.purpose, waiting.dueAt, waiting.timerId);
      if (waiting?.kind === 'task') {
        this.tokens.set(waiting.token, run.id);
        for (const timer of timers) {
          if (timer.run_id !== run.id || timer.token !== waiting.token) continue;
          if (timer.kind === 'heartbeat') this.heartbeatDue.set(waiting.token, timer.due_at);
          this.armTimer(run, timer.kind, timer.due_at, waiting.token);
        }
        // The result of this task was never committed: invoke it again, with the same token.
        this.dispatch(run, {
          type: 'invokeTask',
          token: waiting.token,
          resource: waiting.resource,
          stateName: run.snapshot.state,
          parameters: waiting.parameters,
          waitForTaskToken: this.isCallback(waiting.resource),
          ...(waiting.timeoutSeconds !== undefined
            ? { timeoutSeconds: waiting.timeoutSeconds }
            : {}),
          ...(waiting.heartbeatSeconds !== undefined
            ? { heartbeatSeconds: waiting.heartbeatSeconds }
            : {}),
        });
      }
    }
  }

  private isCallback(resource: string): boolean {
    return resource.endsWith('.waitForTaskToken');
  }

  // ---- bookkeeping -------------------------------------------------------------------------

  private activate(spec: {
    id: number;
    arn: string;
    name: string;
    stateMachineArn: string;
    stateMachineName: string;
    roleArn: string;
    machine: CompiledMachine;
    input: Json;
    startDate: number;
    seed: string;
    redriveCount: number;
    redriveDate?: number;
    nextEventId: number;
    /** Read back from disk (recovered or redriven) rather than started now. */
    fromDisk: boolean;
    row: ExecutionRow;
  }): ActiveExecution {
    const contextExecution: JsonObject = {
      Id: spec.arn,
      Input: spec.input,
      Name: spec.name,
      RoleArn: spec.roleArn,
      StartTime: new Date(spec.startDate).toISOString(),
      RedriveCount: spec.redriveCount,
    };
    if (spec.redriveDate !== undefined)
      contextExecution.RedriveTime = new Date(spec.redriveDate).toISOString();
    const execution: ActiveExecution = {
      id: spec.id,
      arn: spec.arn,
      name: spec.name,
      stateMachineArn: spec.stateMachineArn,
      machine: spec.machine,
      rootRunId: 0,
      nextEventId: spec.nextEventId,
      seed: spec.seed,
      contextExecution,
      contextStateMachine: { Id: spec.stateMachineArn, Name: spec.stateMachineName },
      started: false,
      closed: false,
      runIds: new Set(),
      mayHaveRows: spec.fromDisk,
      row: spec.row,
    };
    this.executions.set(spec.arn, execution);
    return execution;
  }

  private addRun(
    execution: ActiveExecution,
    parentId: number | null,
    childIndex: number | null,
    snapshot: RunSnapshot,
    id?: number,
  ): ActiveRun {
    const run: ActiveRun = {
      id: id ?? ++this.runSeq,
      execution,
      parentId,
      childIndex,
      snapshot,
      lastEventId: 0,
      children: new Set(),
      cancelTimers: [],
    };
    this.runs.set(run.id, run);
    execution.runIds.add(run.id);
    if (parentId !== null) execution.mayHaveRows = true;
    return run;
  }

  private forgetRun(run: ActiveRun): void {
    for (const cancel of run.cancelTimers) cancel();
    const waiting = run.snapshot.waiting;
    if (waiting?.kind === 'task') {
      this.tokens.delete(waiting.token);
      this.heartbeatDue.delete(waiting.token);
    }
    this.runs.delete(run.id);
    run.execution.runIds.delete(run.id);
  }

  /** Writes a new run's row; its snapshot is filled in when the batch is sealed. */
  private insertRun(run: ActiveRun, batch: Batch): void {
    const op: WriteOp = [
      'insertRun',
      run.id,
      run.execution.arn,
      run.parentId,
      run.childIndex,
      'RUNNING',
      null,
    ];
    batch.writes.push(op);
    batch.inserted.set(run.id, { run, op });
  }

  /** Removes a run and its descendants (an aborted branch or iteration). */
  private dropRun(runId: number, batch: Batch): void {
    const run = this.runs.get(runId);
    if (!run) return;
    for (const child of [...run.children]) this.dropRun(child, batch);
    this.forgetRun(run);
    batch.dirty.delete(runId);
    batch.writes.push(['deleteRun', runId], ['deleteTimersOfRun', runId]);
  }

  /** Gives events their ids and links, and adds them to the batch's history chunk. */
  private record(run: ActiveRun, drafts: HistoryEventDraft[], batch: Batch): void {
    if (drafts.length === 0) return;
    const execution = run.execution;
    const now = this.clock.now();
    let chunk = batch.history.get(execution.arn);
    if (!chunk) {
      chunk = {
        executionId: execution.id,
        first: execution.nextEventId,
        stateMachineArn: execution.stateMachineArn,
        events: [],
      };
      batch.history.set(execution.arn, chunk);
    }
    // The drafts are this step's own objects: numbering them in place spares a copy of each.
    for (const draft of drafts) {
      const id = execution.nextEventId++;
      draft.id = id;
      draft.previousEventId = run.lastEventId;
      draft.timestamp = now;
      chunk.events.push(draft);
      run.lastEventId = id;
    }
  }

  private env(execution: ActiveExecution, run: ActiveRun): StepEnv {
    return {
      now: this.clock.now(),
      random: lazyRandom(execution.seed, run.id, run.snapshot.seq),
      newToken: this.newToken,
      execution: execution.contextExecution,
      stateMachine: execution.contextStateMachine,
    };
  }

  private compiled(hash: string): CompiledMachine {
    let machine = this.machines.get(hash);
    if (!machine) {
      const body = this.store.getDefinition.get(hash)?.body;
      if (body === undefined) throw new Error(`Definition ${hash} is missing from the store`);
      machine = compileMachine(JSON.parse(body) as StateMachineDefinition);
      this.machines.set(hash, machine);
    }
    return machine;
  }

  private requireExecution(arn: string): ExecutionRow {
    const row = this.store.getExecution.get(arn);
    if (!row)
      throw new EngineError(
        EngineErrorCode.ExecutionDoesNotExist,
        `Execution Does Not Exist: '${arn}'`,
      );
    return row;
  }
}

/**
 * Unguessable task tokens (24 random bytes each) and execution seeds (16 bytes), drawn from a
 * buffer refilled 256 tokens' worth at a time: one call into the CSPRNG per few hundred draws
 * instead of one per draw.
 */
class RandomPool {
  private buffer = Buffer.alloc(0);
  private offset = 0;

  token(): string {
    return this.take(24, 'base64url');
  }

  seed(): string {
    return this.take(16, 'hex');
  }

  private take(length: number, encoding: BufferEncoding): string {
    if (this.offset + length > this.buffer.length) {
      this.buffer = randomBytes(24 * 256);
      this.offset = 0;
    }
    const start = this.offset;
    this.offset += length;
    return this.buffer.toString(encoding, start, this.offset);
  }
}

/** Seeds the step's generator only if the step draws a number (most never do). */
function lazyRandom(seed: string, runId: number, seq: number): () => number {
  let random: (() => number) | undefined;
  return () => (random ??= createRandom(seedFor(seed, runId, seq)))();
}

function timerId(runId: number, kind: TimerKind, key: string): string {
  return `${runId}:${kind}:${key}`;
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/** AWS: names are 1-80 characters, without whitespace, wildcards, brackets or control characters. */
export function validateName(name: string): void {
  if (
    name.length < 1 ||
    name.length > 80 ||
    // eslint-disable-next-line no-control-regex -- control characters are exactly what AWS forbids
    /[\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]/.test(name)
  ) {
    throw new EngineError(EngineErrorCode.InvalidName, `Invalid Name: '${name}'`);
  }
}

/** Why work offered to a stopped engine did not happen: nothing of it was recorded. */
function stoppedError(): Error {
  return new Error('The engine stopped before this was committed: nothing of it was recorded.');
}
