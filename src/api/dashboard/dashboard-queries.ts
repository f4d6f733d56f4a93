/**
 * The read queries behind the dashboard, straight on the engine's SQLite tables. Each one is
 * answered from an index (by status and start date, by start date, by primary key) or aggregated
 * inside SQLite, so the dashboard stays fast with 100,000 executions in the store: nothing here
 * loads every execution into memory.
 */
import type { SqliteDatabase } from '../../sqlite/database.js';
import type { ExecutionStatus } from '../../engine/store.js';
import { arns } from '../../engine/arns.js';
import { InvalidCursorError } from '../transaction-queries.js';

export const ExecutionStatuses = [
  'RUNNING',
  'SUCCEEDED',
  'FAILED',
  'TIMED_OUT',
  'ABORTED',
  'PENDING_REDRIVE',
] as const satisfies readonly ExecutionStatus[];

/** Statuses counted as failures in the failure rate: everything closed that did not succeed. */
const failedStatusList = "('FAILED','TIMED_OUT','ABORTED')";

export interface ExecutionListFilter {
  status?: ExecutionStatus;
  /** Epoch ms, inclusive, on the start date. */
  from?: number;
  /** Epoch ms, exclusive, on the start date. */
  to?: number;
  /** An execution ARN or an execution name (e.g. a payment's transaction id); exact match. */
  id?: string;
  /** 1 to 200. */
  limit: number;
  /** From a previous page's `nextCursor`. */
  cursor?: string;
}

export interface ExecutionListItem {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  startDate: number;
  stopDate?: number;
  redriveCount: number;
  error?: string;
}

export interface TimelineBucket {
  /** Start of the bucket, epoch ms. */
  start: number;
  started: number;
  succeeded: number;
  failed: number;
}

export interface LatencyPercentiles {
  /** Closed executions the percentiles are taken over. */
  count: number;
  p50?: number;
  p90?: number;
  p99?: number;
  max?: number;
}

export interface WaitingTask {
  executionArn: string;
  executionName: string;
  stateName: string;
  resource: string;
  /** When the state was entered, ISO 8601 (from the run's snapshot). */
  enteredTime: string;
  /** The task's parameters: what the reviewer looks at. */
  parameters: unknown;
}

interface ExecutionListRow {
  id: number;
  arn: string;
  state_machine_arn: string;
  name: string;
  status: ExecutionStatus;
  start_date: number;
  stop_date: number | null;
  redrive_count: number;
  error: string | null;
}

export class DashboardQueries {
  constructor(
    private readonly db: SqliteDatabase,
    private readonly region: string,
    private readonly accountId: string,
  ) {}

  /** How many executions are in each status (every status present, zero when none). */
  statusCounts(): Record<ExecutionStatus, number> {
    const counts = Object.fromEntries(ExecutionStatuses.map((status) => [status, 0])) as Record<
      ExecutionStatus,
      number
    >;
    // One pass over the (status, start_date) index; no table rows are read.
    const rows = this.db
      .prepare<[], { status: ExecutionStatus; n: number }>(
        'SELECT status, COUNT(*) AS n FROM executions INDEXED BY executions_by_status GROUP BY status',
      )
      .all();
    for (const row of rows) counts[row.status] = row.n;
    return counts;
  }

  /**
   * The window [from, to), read through the start-date index: executions started in each
   * bucket, and of those how many succeeded and how many failed (failed, timed out or aborted),
   * empty buckets included; and the percentiles of execution time (stop minus start) of those
   * that closed, by the nearest-rank method.
   */
  window(
    from: number,
    to: number,
    bucketMs: number,
  ): { timeline: TimelineBucket[]; latency: LatencyPercentiles } {
    const timeline: TimelineBucket[] = [];
    for (let start = from; start < to; start += bucketMs) {
      timeline.push({ start, started: 0, succeeded: 0, failed: 0 });
    }
    // Counting inside SQLite: no row crosses into JavaScript.
    const counts = this.db
      .prepare<
        [number, number, number, number],
        { bucket: number; started: number; succeeded: number; failed: number }
      >(
        `SELECT CAST((start_date - ?) / ? AS INTEGER) AS bucket, COUNT(*) AS started,
                SUM(status = 'SUCCEEDED') AS succeeded, SUM(status IN ${failedStatusList}) AS failed
         FROM executions WHERE start_date >= ? AND start_date < ? GROUP BY bucket`,
      )
      .all(from, bucketMs, from, to);
    for (const row of counts) {
      const bucket = timeline[row.bucket];
      if (!bucket) continue;
      bucket.started = row.started;
      bucket.succeeded = row.succeeded;
      bucket.failed = row.failed;
    }
    // Durations as bare numbers, sorted in a typed array: cheaper than asking SQLite to sort
    // the window once per percentile.
    const sorted = Float64Array.from(
      this.db
        .prepare<[number, number], number>(
          `SELECT stop_date - start_date FROM executions
           WHERE start_date >= ? AND start_date < ? AND stop_date IS NOT NULL`,
        )
        .pluck()
        .all(from, to),
    ).sort();
    const closed = sorted.length;
    const rank = (p: number) => sorted[Math.max(0, Math.ceil((p / 100) * closed) - 1)] as number;
    const latency: LatencyPercentiles =
      closed === 0
        ? { count: 0 }
        : {
            count: closed,
            p50: rank(50),
            p90: rank(90),
            p99: rank(99),
            max: sorted[closed - 1] as number,
          };
    return { timeline, latency };
  }

  /** One page of executions, newest first, filtered; keyset-paginated on (start date, id). */
  listExecutions(filter: ExecutionListFilter): {
    items: ExecutionListItem[];
    nextCursor?: string;
  } {
    const query = this.listQuery(filter);
    if (!query) return { items: [] };
    const rows = this.db
      .prepare<(string | number)[], ExecutionListRow>(query.sql)
      .all(...query.params);
    const page = rows.slice(0, filter.limit);
    const last = page[page.length - 1];
    return {
      items: page.map((row) => ({
        executionArn: row.arn,
        stateMachineArn: row.state_machine_arn,
        name: row.name,
        status: row.status,
        startDate: row.start_date,
        ...(row.stop_date === null ? {} : { stopDate: row.stop_date }),
        redriveCount: row.redrive_count,
        ...(row.error === null ? {} : { error: row.error }),
      })),
      ...(rows.length > filter.limit && last
        ? { nextCursor: encodeCursor(last.start_date, last.id) }
        : {}),
    };
  }

  /** The query plan SQLite picks for a listing, so tests can prove it reads an index. */
  explainList(filter: ExecutionListFilter): string[] {
    const query = this.listQuery(filter);
    if (!query) return [];
    return this.db
      .prepare<(string | number)[], { detail: string }>(`EXPLAIN QUERY PLAN ${query.sql}`)
      .all(...query.params)
      .map((row) => row.detail);
  }

  private listQuery(
    filter: ExecutionListFilter,
  ): { sql: string; params: (string | number)[] } | undefined {
    const where: string[] = [];
    const params: (string | number)[] = [];
    if (filter.id !== undefined) {
      const candidates = this.arnsFor(filter.id);
      if (candidates.length === 0) return undefined;
      where.push(`arn IN (${candidates.map(() => '?').join(',')})`);
      params.push(...candidates);
    }
    if (filter.status !== undefined) {
      where.push('status = ?');
      params.push(filter.status);
    }
    if (filter.from !== undefined) {
      where.push('start_date >= ?');
      params.push(filter.from);
    }
    if (filter.to !== undefined) {
      where.push('start_date < ?');
      params.push(filter.to);
    }
    if (filter.cursor !== undefined) {
      const [date, id] = decodeCursor(filter.cursor);
      where.push('(start_date < ? OR (start_date = ? AND id < ?))');
      params.push(date, date, id);
    }
    params.push(filter.limit + 1);
    return {
      sql: `SELECT id, arn, state_machine_arn, name, status, start_date, stop_date, redrive_count, error
         FROM executions ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY start_date DESC, id DESC LIMIT ?`,
      params,
    };
  }

  /**
   * Tasks that wait for a callback (`.waitForTaskToken`) in running executions: manual reviews.
   * Read from the active runs of running executions only, through the status index.
   */
  waitingTasks(limit: number): WaitingTask[] {
    const rows = this.db
      .prepare<[number], { arn: string; name: string; snapshot: string }>(
        `SELECT e.arn, e.name, r.snapshot FROM executions e INDEXED BY executions_by_status
         JOIN runs r ON r.execution_arn = e.arn
         WHERE e.status = 'RUNNING' AND r.status = 'RUNNING'
           AND json_extract(r.snapshot, '$.waiting.kind') = 'task'
           AND json_extract(r.snapshot, '$.waiting.resource') LIKE '%.waitForTaskToken'
         ORDER BY e.start_date LIMIT ?`,
      )
      .all(limit);
    return rows.map((row) => {
      const snapshot = JSON.parse(row.snapshot) as {
        state: string;
        enteredTime: string;
        waiting: { resource: string; parameters: unknown };
      };
      return {
        executionArn: row.arn,
        executionName: row.name,
        stateName: snapshot.state,
        resource: snapshot.waiting.resource,
        enteredTime: snapshot.enteredTime,
        parameters: withoutTaskToken(snapshot.waiting.parameters),
      };
    });
  }

  /** How many callback tasks are waiting (see {@link waitingTasks}). */
  waitingTaskCount(): number {
    return (
      this.db
        .prepare<[], { n: number }>(
          `SELECT COUNT(*) AS n FROM executions e INDEXED BY executions_by_status
           JOIN runs r ON r.execution_arn = e.arn
           WHERE e.status = 'RUNNING' AND r.status = 'RUNNING'
             AND json_extract(r.snapshot, '$.waiting.kind') = 'task'
             AND json_extract(r.snapshot, '$.waiting.resource') LIKE '%.waitForTaskToken'`,
        )
        .get()?.n ?? 0
    );
  }

  /**
   * The task token an execution's callback task waits on, or undefined. The token never leaves
   * the server: the dashboard names the execution and the server answers the token.
   */
  waitingToken(executionArn: string): string | undefined {
    const row = this.db
      .prepare<[string], { token: string }>(
        `SELECT json_extract(snapshot, '$.waiting.token') AS token FROM runs
         WHERE execution_arn = ? AND status = 'RUNNING'
           AND json_extract(snapshot, '$.waiting.kind') = 'task'
           AND json_extract(snapshot, '$.waiting.resource') LIKE '%.waitForTaskToken'
         ORDER BY id LIMIT 1`,
      )
      .get(executionArn);
    return row?.token ?? undefined;
  }

  /** The newest execution with this ARN or name under any state machine, if one exists. */
  findExecution(id: string): string | undefined {
    const candidates = this.arnsFor(id);
    if (candidates.length === 0) return undefined;
    return this.db
      .prepare<string[], { arn: string }>(
        `SELECT arn FROM executions WHERE arn IN (${candidates.map(() => '?').join(',')})
         ORDER BY start_date DESC LIMIT 1`,
      )
      .get(...candidates)?.arn;
  }

  /** The ARNs an id may name: itself if it is an ARN, else that name under each state machine. */
  private arnsFor(id: string): string[] {
    if (id.startsWith('arn:')) return [id];
    const build = arns(this.region, this.accountId);
    return this.db
      .prepare<[], { name: string }>('SELECT name FROM state_machines')
      .all()
      .map((machine) => build.execution(machine.name, id));
  }
}

function withoutTaskToken(parameters: unknown): unknown {
  if (typeof parameters !== 'object' || parameters === null || Array.isArray(parameters))
    return parameters;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(parameters)) {
    if (/^task_?token$/i.test(key)) continue;
    out[key] = key === 'Payload' ? withoutTaskToken(value) : value;
  }
  return out;
}

function encodeCursor(startDate: number, id: number): string {
  return Buffer.from(JSON.stringify([startDate, id]), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): [number, number] {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      Number.isInteger(value[0]) &&
      Number.isInteger(value[1])
    ) {
      return [value[0] as number, value[1] as number];
    }
  } catch {
    // fall through
  }
  throw new InvalidCursorError('The cursor was not issued by this dashboard');
}
