/**
 * The engine's durable state in SQLite: state machines, executions, runs (the root run of each
 * execution and its Parallel/Map children), history, and timers. The executor writes all of it
 * inside one transaction per batch of transitions (group commit); nothing here decides anything.
 */
import { createHash } from 'node:crypto';
import type { Statement } from 'better-sqlite3';
import type { SqliteDatabase } from '../sqlite/database.js';
import { migrate } from '../sqlite/database.js';
import type { JsonObject } from '../asl/json.js';
import { decodeHistoryChunk } from './history-codec.js';

export const engineMigrations = [
  `CREATE TABLE definitions (hash TEXT PRIMARY KEY, body TEXT NOT NULL) WITHOUT ROWID;
   CREATE TABLE state_machines (
     arn TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, definition_hash TEXT NOT NULL,
     role_arn TEXT NOT NULL, type TEXT NOT NULL, status TEXT NOT NULL,
     revision_id TEXT NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
     description TEXT NOT NULL DEFAULT '');
   CREATE TABLE executions (
     arn TEXT PRIMARY KEY, state_machine_arn TEXT NOT NULL, name TEXT NOT NULL,
     definition_hash TEXT NOT NULL, status TEXT NOT NULL, input TEXT NOT NULL,
     output TEXT, error TEXT, cause TEXT, start_date INTEGER NOT NULL, stop_date INTEGER,
     redrive_count INTEGER NOT NULL DEFAULT 0, redrive_date INTEGER, seed TEXT NOT NULL,
     timeout_at INTEGER);
   CREATE INDEX executions_by_machine ON executions (state_machine_arn, start_date DESC);
   CREATE INDEX executions_by_status ON executions (status, start_date DESC);
   CREATE INDEX executions_by_start ON executions (start_date DESC);
   CREATE TABLE runs (
     id INTEGER PRIMARY KEY, execution_arn TEXT NOT NULL, parent_id INTEGER,
     child_index INTEGER, status TEXT NOT NULL, snapshot TEXT NOT NULL);
   CREATE INDEX runs_by_execution ON runs (execution_arn);
   CREATE TABLE history (
     execution_arn TEXT NOT NULL, first_id INTEGER NOT NULL, last_id INTEGER NOT NULL,
     events TEXT NOT NULL, PRIMARY KEY (execution_arn, first_id)) WITHOUT ROWID;
   CREATE TABLE timers (
     id TEXT PRIMARY KEY, execution_arn TEXT NOT NULL, run_id INTEGER, kind TEXT NOT NULL,
     due_at INTEGER NOT NULL, token TEXT) WITHOUT ROWID;
   CREATE INDEX timers_by_run ON timers (run_id);`,
  // History chunks are kilobytes each, and WITHOUT ROWID suits rows under about a twentieth of a
  // page (SQLite's own guidance): as a rowid table the chunks append in order and a small index
  // finds them. Measured with bench/engine.ts: about a third less writer-thread CPU per transition.
  `CREATE TABLE history_chunks (
     execution_arn TEXT NOT NULL, first_id INTEGER NOT NULL, last_id INTEGER NOT NULL,
     events TEXT NOT NULL);
   INSERT INTO history_chunks (execution_arn, first_id, last_id, events)
     SELECT execution_arn, first_id, last_id, events FROM history ORDER BY execution_arn, first_id;
   DROP TABLE history;
   ALTER TABLE history_chunks RENAME TO history;
   CREATE UNIQUE INDEX history_by_execution ON history (execution_arn, first_id);`,
  // Executions get an integer id, given in start order, and history is keyed by it. Keyed by
  // ARN, each transition's history row went into the index wherever its execution's name sorts:
  // with payment-like names (random), nearly every row of a commit dirtied an index page of its
  // own. By id, the executions in flight are neighbours at the index's end, and an
  // index entry is a few bytes rather than a hundred. Measured with bench/engine.ts: see the
  // README. The id is the rowid (INTEGER PRIMARY KEY), so VACUUM keeps it.
  `CREATE TABLE executions_by_id (
     id INTEGER PRIMARY KEY, arn TEXT NOT NULL UNIQUE, state_machine_arn TEXT NOT NULL,
     name TEXT NOT NULL, definition_hash TEXT NOT NULL, status TEXT NOT NULL, input TEXT NOT NULL,
     output TEXT, error TEXT, cause TEXT, start_date INTEGER NOT NULL, stop_date INTEGER,
     redrive_count INTEGER NOT NULL DEFAULT 0, redrive_date INTEGER, seed TEXT NOT NULL,
     timeout_at INTEGER);
   INSERT INTO executions_by_id (id, arn, state_machine_arn, name, definition_hash, status, input,
       output, error, cause, start_date, stop_date, redrive_count, redrive_date, seed, timeout_at)
     SELECT rowid, arn, state_machine_arn, name, definition_hash, status, input, output, error,
       cause, start_date, stop_date, redrive_count, redrive_date, seed, timeout_at
     FROM executions ORDER BY rowid;
   CREATE TABLE history_by_id (
     execution_id INTEGER NOT NULL, first_id INTEGER NOT NULL, last_id INTEGER NOT NULL,
     events TEXT NOT NULL);
   INSERT INTO history_by_id (execution_id, first_id, last_id, events)
     SELECT e.id, h.first_id, h.last_id, h.events
     FROM history h JOIN executions_by_id e ON e.arn = h.execution_arn
     ORDER BY e.id, h.first_id;
   DROP TABLE history;
   DROP TABLE executions;
   ALTER TABLE executions_by_id RENAME TO executions;
   ALTER TABLE history_by_id RENAME TO history;
   CREATE INDEX executions_by_machine ON executions (state_machine_arn, start_date DESC);
   CREATE INDEX executions_by_status ON executions (status, start_date DESC);
   CREATE INDEX executions_by_start ON executions (start_date DESC);
   CREATE UNIQUE INDEX history_by_execution ON history (execution_id, first_id);`,
  // Closing an execution deletes its timers, and recovery reads them, by execution: without an
  // index each was a scan of every timer, and every running payment holds one (its execution
  // timeout). Measured: 1.2 ms per close with 20,000 timers, on the writer thread.
  `CREATE INDEX timers_by_execution ON timers (execution_arn);`,
  // No change of tables: history chunks are from now on written in format 2 (history-codec.ts),
  // which a paystep from before would misread. The version bump makes it refuse the file instead.
  `SELECT 1;`,
];

export type ExecutionStatus =
  'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED' | 'PENDING_REDRIVE';
export type RunStatus = 'RUNNING' | 'ENDED';
export type TimerKind = 'wait' | 'retry' | 'task-timeout' | 'heartbeat' | 'execution-timeout';

export interface StateMachineRow {
  arn: string;
  name: string;
  definition_hash: string;
  role_arn: string;
  type: string;
  status: string;
  revision_id: string;
  created_at: number;
  updated_at: number;
  description: string;
}

export interface ExecutionRow {
  /** Given in start order by the engine; history is keyed by it. */
  id: number;
  arn: string;
  state_machine_arn: string;
  name: string;
  definition_hash: string;
  status: ExecutionStatus;
  input: string;
  output: string | null;
  error: string | null;
  cause: string | null;
  start_date: number;
  stop_date: number | null;
  redrive_count: number;
  redrive_date: number | null;
  seed: string;
  timeout_at: number | null;
}

export interface RunRow {
  id: number;
  execution_arn: string;
  parent_id: number | null;
  child_index: number | null;
  status: RunStatus;
  snapshot: string;
}

export interface TimerRow {
  id: string;
  execution_arn: string;
  run_id: number | null;
  kind: TimerKind;
  due_at: number;
  token: string | null;
}

export interface HistoryChunkRow {
  first_id: number;
  last_id: number;
  events: string;
}

/**
 * Every statement that changes the engine's tables, by name. A batch of transitions is a list of
 * [name, ...parameters] operations, so it can be committed on this connection or handed to the
 * commit worker (commit-worker.mjs), which prepares the same statements on its own connection.
 */
export const writeStatements = {
  insertExecution: `INSERT INTO executions (id, arn, state_machine_arn, name, definition_hash, status, input, start_date, seed, timeout_at)
     VALUES (@id, @arn, @state_machine_arn, @name, @definition_hash, 'RUNNING', @input, @start_date, @seed, @timeout_at)`,
  closeExecution: `UPDATE executions SET status = @status, output = @output, error = @error, cause = @cause, stop_date = @stop_date
     WHERE id = @id AND status = 'RUNNING'`,
  reopenExecution: `UPDATE executions SET status = 'RUNNING', output = NULL, error = NULL, cause = NULL, stop_date = NULL,
     redrive_count = redrive_count + 1, redrive_date = @redrive_date, timeout_at = @timeout_at WHERE arn = @arn`,
  insertRun:
    'INSERT INTO runs (id, execution_arn, parent_id, child_index, status, snapshot) VALUES (?, ?, ?, ?, ?, ?)',
  updateRun: 'UPDATE runs SET snapshot = ?, status = ? WHERE id = ?',
  endRun: "UPDATE runs SET snapshot = ?, status = 'ENDED' WHERE id = ?",
  deleteRun: 'DELETE FROM runs WHERE id = ?',
  deleteRunsOfExecution: 'DELETE FROM runs WHERE execution_arn = ? AND id != ?',
  insertHistory:
    'INSERT INTO history (execution_id, first_id, last_id, events) VALUES (?, ?, ?, ?)',
  insertTimer:
    'INSERT OR REPLACE INTO timers (id, execution_arn, run_id, kind, due_at, token) VALUES (?, ?, ?, ?, ?, ?)',
  deleteTimersOfRun: 'DELETE FROM timers WHERE run_id = ?',
  deleteTimersOfExecution: 'DELETE FROM timers WHERE execution_arn = ?',
  updateTimerDue: 'UPDATE timers SET due_at = ? WHERE id = ?',
} as const;
export type WriteName = keyof typeof writeStatements;
/** One change: a statement name and its parameters (structured-cloneable data). */
export type WriteOp = [WriteName, ...unknown[]];

/** Applies one op with a prepared statement. */
function runOp(statements: Record<WriteName, Statement>, op: WriteOp): void {
  const [name, ...params] = op;
  statements[name].run(...params);
}

export function definitionHash(body: string): string {
  return createHash('sha256').update(body).digest('hex');
}

/** Prepared statements over the engine's tables. */
export class EngineStore {
  readonly insertDefinition;
  readonly getDefinition;
  private readonly insertStateMachine;
  private readonly updateStateMachine;
  private readonly deleteStateMachine;
  readonly getStateMachine;
  readonly listStateMachines;
  readonly getExecution;
  readonly runningExecutions;
  readonly runsOfExecution;
  readonly maxRunId;
  readonly maxExecutionId;
  readonly historyOf;
  readonly lastEventId;
  readonly timersOfExecution;

  private readonly writes: Record<WriteName, Statement>;
  /**
   * State machine rows by ARN, read once: every start looks its machine up, and this process is
   * the only writer of the table (one engine owns one file), so the cache cannot go stale.
   */
  private readonly machineRows = new Map<string, StateMachineRow>();

  constructor(readonly db: SqliteDatabase) {
    migrate(db, 'engine', engineMigrations);
    this.writes = Object.fromEntries(
      Object.entries(writeStatements).map(([name, sql]) => [name, db.prepare(sql)]),
    ) as Record<WriteName, Statement>;
    this.insertDefinition = db.prepare(
      'INSERT OR IGNORE INTO definitions (hash, body) VALUES (?, ?)',
    );
    this.getDefinition = db.prepare<[string], { body: string }>(
      'SELECT body FROM definitions WHERE hash = ?',
    );
    this.insertStateMachine = db.prepare(
      `INSERT INTO state_machines (arn, name, definition_hash, role_arn, type, status, revision_id, created_at, updated_at, description)
       VALUES (@arn, @name, @definition_hash, @role_arn, @type, @status, @revision_id, @created_at, @updated_at, @description)`,
    );
    this.updateStateMachine = db.prepare(
      `UPDATE state_machines SET definition_hash = @definition_hash, role_arn = @role_arn, revision_id = @revision_id,
       updated_at = @updated_at, description = @description WHERE arn = @arn`,
    );
    this.deleteStateMachine = db.prepare('DELETE FROM state_machines WHERE arn = ?');
    this.getStateMachine = db.prepare<[string], StateMachineRow>(
      'SELECT * FROM state_machines WHERE arn = ?',
    );
    this.listStateMachines = db.prepare<[string, number], StateMachineRow>(
      'SELECT * FROM state_machines WHERE name > ? ORDER BY name LIMIT ?',
    );
    this.getExecution = db.prepare<[string], ExecutionRow>(
      'SELECT * FROM executions WHERE arn = ?',
    );
    this.runningExecutions = db.prepare<[], ExecutionRow>(
      "SELECT * FROM executions WHERE status = 'RUNNING'",
    );
    this.runsOfExecution = db.prepare<[string], RunRow>(
      'SELECT * FROM runs WHERE execution_arn = ? ORDER BY id',
    );
    this.maxRunId = db.prepare<[], { id: number | null }>('SELECT MAX(id) AS id FROM runs');
    this.maxExecutionId = db.prepare<[], { id: number | null }>(
      'SELECT MAX(id) AS id FROM executions',
    );
    this.historyOf = db.prepare<[string], HistoryChunkRow>(
      `SELECT first_id, last_id, events FROM history
       WHERE execution_id = (SELECT id FROM executions WHERE arn = ?) ORDER BY first_id`,
    );
    this.lastEventId = db.prepare<[string], { id: number | null }>(
      `SELECT MAX(last_id) AS id FROM history
       WHERE execution_id = (SELECT id FROM executions WHERE arn = ?)`,
    );
    this.timersOfExecution = db.prepare<[string], TimerRow>(
      'SELECT * FROM timers WHERE execution_arn = ?',
    );
  }

  /** Applies one batch of changes in one transaction on this connection. */
  commit(ops: readonly WriteOp[]): void {
    this.db.transaction(() => {
      for (const op of ops) runOp(this.writes, op);
    })();
  }

  /** Runs one change outside any batch (e.g. a heartbeat moving its timer). */
  write(op: WriteOp): void {
    runOp(this.writes, op);
  }

  /** An execution's history events, in order, as recorded (payloads as JSON values). */
  history(executionArn: string): JsonObject[] {
    const events: JsonObject[] = [];
    for (const chunk of this.historyOf.all(executionArn))
      for (const event of decodeHistoryChunk(chunk.events)) events.push(event);
    return events;
  }

  stateMachine(arn: string): StateMachineRow | undefined {
    let row = this.machineRows.get(arn);
    if (!row) {
      row = this.getStateMachine.get(arn);
      if (row) this.machineRows.set(arn, row);
    }
    return row;
  }

  createStateMachine(row: StateMachineRow): void {
    this.insertStateMachine.run(row);
    this.machineRows.delete(row.arn);
  }

  changeStateMachine(change: {
    arn: string;
    definition_hash: string;
    role_arn: string;
    revision_id: string;
    updated_at: number;
    description: string;
  }): void {
    this.updateStateMachine.run(change);
    this.machineRows.delete(change.arn);
  }

  removeStateMachine(arn: string): void {
    this.deleteStateMachine.run(arn);
    this.machineRows.delete(arn);
  }

  /** Stores a definition body once, by content hash, and returns the hash. */
  saveDefinition(body: string): string {
    const hash = definitionHash(body);
    this.insertDefinition.run(hash, body);
    return hash;
  }
}
