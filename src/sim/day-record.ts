/**
 * What a simulated day left in its SQLite file, read back through the same ports and stores that
 * wrote it: for each planned payment its execution (status, output, times, task attempts per
 * state), its transaction and its audit trail; the gateway's ledger; the ops alerts the workflow
 * published; the alarm transitions; and what the engine still holds (runs and timers). The summary
 * and the invariants are computed from this record only, so they hold whether the day ran in one
 * process or in many that were killed along the way.
 */
import type { JsonObject } from '../asl/json.js';
import type { LedgerEntry } from '../adapters/gateway/gateway-ledger.js';
import { SqliteGatewayLedger } from '../adapters/gateway/gateway-ledger.js';
import { SqliteAuditLog } from '../adapters/sqlite/sqlite-audit-log.js';
import { SqliteTransactionStore } from '../adapters/sqlite/sqlite-transaction-store.js';
import { EngineStore } from '../engine/store.js';
import { arns } from '../engine/arns.js';
import type { AuditEntry } from '../payments/ports/audit-log.js';
import type { Transaction } from '../payments/transaction.js';
import type { SqliteDatabase } from '../sqlite/database.js';
import type { DayPlan } from './day-plan.js';
import { SIM_STATE_MACHINE } from './sim-world.js';

export interface PaymentRecord {
  readonly transactionId: string;
  /** Planned arrival, epoch ms. */
  readonly arrivedAt: number;
  /** The execution's status, or undefined if it never started. */
  readonly executionStatus: string | undefined;
  /** `status` of the execution's output (COMPLETED, DECLINED, REJECTED) when it succeeded. */
  readonly outputStatus: string | undefined;
  readonly error: string | null;
  readonly stoppedAt: number | undefined;
  readonly transaction: Transaction | undefined;
  readonly audit: readonly AuditEntry[];
  /** Task attempts beyond the first, per state name (Retry in action). */
  readonly retries: Readonly<Record<string, number>>;
}

export interface AlarmTransition {
  readonly alarmName: string;
  readonly timestamp: number;
  readonly previousState: string;
  readonly state: string;
}

export interface OpsAlert {
  readonly executionArn: string;
  readonly transactionId: string | null;
  readonly at: number;
}

export interface DayRecord {
  readonly payments: readonly PaymentRecord[];
  readonly ledger: readonly LedgerEntry[];
  readonly alerts: readonly OpsAlert[];
  readonly alarmTransitions: readonly AlarmTransition[];
  /** Engine runs still RUNNING and timers still armed, for executions already closed. */
  readonly orphanRuns: number;
  readonly orphanTimers: number;
  /** Notifications queued in the outbox, by transaction id. */
  readonly notifications: ReadonlyMap<string, number>;
}

interface HistoryEventShape {
  type: string;
  stateEnteredEventDetails?: { name?: string };
}

/** Reads the day of `plan` from `db` (opened by the caller, closed by the caller). */
export async function readDayRecord(db: SqliteDatabase, plan: DayPlan): Promise<DayRecord> {
  const engineStore = new EngineStore(db);
  const store = new SqliteTransactionStore(db);
  const audit = new SqliteAuditLog(db);
  const names = arns('us-east-1', '000000000000');
  const payments: PaymentRecord[] = [];
  for (const planned of plan.payments) {
    const arn = names.execution(SIM_STATE_MACHINE, planned.transactionId);
    const row = engineStore.getExecution.get(arn);
    let outputStatus: string | undefined;
    if (row?.output) {
      const output = JSON.parse(row.output) as JsonObject;
      if (typeof output['status'] === 'string') outputStatus = output['status'];
    }
    payments.push({
      transactionId: planned.transactionId,
      arrivedAt: planned.at,
      executionStatus: row?.status,
      outputStatus,
      error: row?.error ?? null,
      stoppedAt: row?.stop_date ?? undefined,
      transaction: await store.get(planned.transactionId),
      audit: await audit.list(planned.transactionId),
      retries: row ? retriesOf(engineStore.history(arn) as unknown as HistoryEventShape[]) : {},
    });
  }
  const alerts = (
    db.prepare('SELECT execution_arn, transaction_id, at FROM sim_alerts ORDER BY at').all() as {
      execution_arn: string;
      transaction_id: string | null;
      at: number;
    }[]
  ).map((row) => ({
    executionArn: row.execution_arn,
    transactionId: row.transaction_id,
    at: row.at,
  }));
  const alarmTransitions = (
    hasTable(db, 'ops_alarm_history')
      ? (db
          .prepare(
            'SELECT alarm_name, timestamp, previous_state, state FROM ops_alarm_history ORDER BY id',
          )
          .all() as {
          alarm_name: string;
          timestamp: number;
          previous_state: string;
          state: string;
        }[])
      : []
  ).map((row) => ({
    alarmName: row.alarm_name,
    timestamp: row.timestamp,
    previousState: row.previous_state,
    state: row.state,
  }));
  const orphanRuns = (
    db
      .prepare(
        `SELECT COUNT(*) AS n FROM runs r JOIN executions e ON e.arn = r.execution_arn
         WHERE r.status = 'RUNNING' AND e.status <> 'RUNNING'`,
      )
      .get() as { n: number }
  ).n;
  const orphanTimers = (
    db
      .prepare(
        `SELECT COUNT(*) AS n FROM timers t JOIN executions e ON e.arn = t.execution_arn
         WHERE e.status <> 'RUNNING'`,
      )
      .get() as { n: number }
  ).n;
  const notifications = new Map<string, number>();
  if (hasTable(db, 'notification_outbox')) {
    for (const row of db
      .prepare(
        'SELECT transaction_id, COUNT(*) AS n FROM notification_outbox GROUP BY transaction_id',
      )
      .all() as { transaction_id: string; n: number }[])
      notifications.set(row.transaction_id, row.n);
  }
  return {
    payments,
    ledger: hasTable(db, 'gateway_sim_ledger') ? new SqliteGatewayLedger(db).entries() : [],
    alerts,
    alarmTransitions,
    orphanRuns,
    orphanTimers,
    notifications,
  };
}

/** Attempts beyond the first of each Task state, from an execution's history. */
function retriesOf(events: readonly HistoryEventShape[]): Record<string, number> {
  const retries: Record<string, number> = {};
  let state: string | undefined;
  let attempts = 0;
  for (const event of events) {
    if (event.type === 'TaskStateEntered') {
      state = event.stateEnteredEventDetails?.name;
      attempts = 0;
    } else if (
      (event.type === 'TaskScheduled' || event.type === 'LambdaFunctionScheduled') &&
      state !== undefined
    ) {
      attempts++;
      if (attempts > 1) retries[state] = (retries[state] ?? 0) + 1;
    }
  }
  return retries;
}

function hasTable(db: SqliteDatabase, name: string): boolean {
  return (
    db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !==
    undefined
  );
}
