/**
 * Runs the alarm definitions locally, the way CloudWatch does: every minute, for each alarm, it
 * reads the alarm's statistic per period over the evaluation range from the metric source,
 * evaluates it with `evaluateAlarm`, commits a changed state with its history entry to SQLite, and
 * only then hands the transition to the alert publisher. Time comes from the injected clock and
 * timer, so a virtual clock drives it in tests and simulations.
 */
import type { SqliteDatabase } from '../sqlite/database.js';
import { migrate } from '../sqlite/database.js';
import type { AlarmDefinition } from './alarm-definitions.js';
import { validateAlarmDefinitions } from './alarm-definitions.js';
import type { AlarmDatapoint } from './alarm-evaluator.js';
import { AlarmState, evaluateAlarm, evaluationRangeLength } from './alarm-evaluator.js';
import type { Alert } from './alerts.js';
import type { MetricSource } from './metrics.js';
import { MinuteMs, minuteOf } from './metrics.js';
import type { Now, Schedule } from './schedule.js';

const migrations = [
  `CREATE TABLE ops_alarm_state (
     alarm_name TEXT PRIMARY KEY,
     state TEXT NOT NULL,
     reason TEXT NOT NULL,
     updated_at INTEGER NOT NULL
   );
   CREATE TABLE ops_alarm_history (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     alarm_name TEXT NOT NULL,
     timestamp INTEGER NOT NULL,
     previous_state TEXT NOT NULL,
     state TEXT NOT NULL,
     reason TEXT NOT NULL
   );
   CREATE INDEX ops_alarm_history_by_alarm ON ops_alarm_history (alarm_name, timestamp);`,
];

/** Where transitions go; `AlertPublisher` implements it. Must not throw or block. */
export interface AlertTarget {
  publish(alert: Alert): void;
}

export interface AlarmMonitorOptions {
  db: SqliteDatabase;
  metrics: MetricSource;
  /** The definitions to evaluate; validated by the constructor. */
  alarms: readonly AlarmDefinition[];
  alerts: AlertTarget;
  now: Now;
  schedule: Schedule;
  /**
   * Time between evaluations. AWS: alarms with periods of a minute or more are evaluated every
   * minute, over a window that slides by a minute.
   * @default 60000
   */
  evaluationIntervalMs?: number;
  /**
   * How long state history is kept. @default 14 days (CloudWatch keeps alarm history two weeks)
   */
  historyRetentionMs?: number;
  /** Told when one alarm cannot be evaluated (the others still are). @default ignore */
  onError?: (alarmName: string, error: unknown) => void;
}

/** The current state of one alarm, for the dashboard and the API. */
export interface AlarmStatus {
  alarmName: string;
  state: AlarmState;
  reason: string;
  /** When the state last changed, epoch ms; undefined before the first evaluation. */
  updatedAt: number | undefined;
}

/** One recorded state change. */
export interface AlarmHistoryItem {
  alarmName: string;
  timestamp: number;
  previousState: AlarmState;
  state: AlarmState;
  reason: string;
}

interface StateRow {
  alarm_name: string;
  state: AlarmState;
  reason: string;
  updated_at: number;
}

interface HistoryRow {
  alarm_name: string;
  timestamp: number;
  previous_state: AlarmState;
  state: AlarmState;
  reason: string;
}

/** Evaluates alarms on a timer, persists their state and publishes transitions. */
export class AlarmMonitor {
  private readonly intervalMs: number;
  private readonly historyRetentionMs: number;
  private readonly alarms: readonly AlarmDefinition[];
  private cancelTimer: (() => void) | undefined;
  private readonly statements;

  /** @throws AlarmDefinitionError when a definition is invalid */
  constructor(private readonly options: AlarmMonitorOptions) {
    this.alarms = validateAlarmDefinitions(options.alarms);
    migrate(options.db, 'ops-alarms', migrations);
    this.intervalMs = options.evaluationIntervalMs ?? MinuteMs;
    this.historyRetentionMs = options.historyRetentionMs ?? 14 * 24 * 3_600_000;
    const db = options.db;
    this.statements = {
      state: db.prepare('SELECT * FROM ops_alarm_state WHERE alarm_name = ?'),
      setState: db.prepare(
        `INSERT INTO ops_alarm_state (alarm_name, state, reason, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (alarm_name) DO UPDATE SET state = excluded.state, reason = excluded.reason,
           updated_at = excluded.updated_at`,
      ),
      addHistory: db.prepare(
        'INSERT INTO ops_alarm_history (alarm_name, timestamp, previous_state, state, reason) VALUES (?, ?, ?, ?, ?)',
      ),
      pruneHistory: db.prepare('DELETE FROM ops_alarm_history WHERE timestamp < ?'),
      history: db.prepare('SELECT * FROM ops_alarm_history ORDER BY id DESC LIMIT ?'),
      historyOf: db.prepare(
        'SELECT * FROM ops_alarm_history WHERE alarm_name = ? ORDER BY id DESC LIMIT ?',
      ),
    };
  }

  /** Evaluates at every interval boundary (whole minutes by default) until `stop`. */
  start(): void {
    if (this.cancelTimer) return;
    const arm = () => {
      const now = this.options.now();
      const wait = this.intervalMs - (now % this.intervalMs);
      this.cancelTimer = this.options.schedule(wait, () => {
        this.evaluateAll();
        arm();
      });
    };
    arm();
  }

  stop(): void {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
  }

  /**
   * Evaluates every alarm once at the current time. Transitions are committed before they are
   * published. @returns the transitions, as published
   */
  evaluateAll(): Alert[] {
    const now = this.options.now();
    const transitions: Alert[] = [];
    for (const alarm of this.alarms) {
      try {
        const transition = this.evaluateOne(alarm, now);
        if (transition) transitions.push(transition);
      } catch (error) {
        this.options.onError?.(alarm.name, error);
      }
    }
    this.statements.pruneHistory.run(now - this.historyRetentionMs);
    for (const alert of transitions) {
      try {
        this.options.alerts.publish(alert);
      } catch (error) {
        this.options.onError?.(alert.alarmName, error);
      }
    }
    return transitions;
  }

  /** Current state of every alarm; INSUFFICIENT_DATA before its first evaluation. */
  states(): AlarmStatus[] {
    return this.alarms.map((alarm) => {
      const row = this.stateRow(alarm.name);
      return {
        alarmName: alarm.name,
        state: row?.state ?? AlarmState.InsufficientData,
        reason: row?.reason ?? 'Unchecked: Initial alarm creation',
        updatedAt: row?.updated_at,
      };
    });
  }

  /** State changes, newest first, optionally of one alarm. */
  history(options: { alarmName?: string; limit?: number } = {}): AlarmHistoryItem[] {
    const limit = options.limit ?? 100;
    const rows = (
      options.alarmName === undefined
        ? this.statements.history.all(limit)
        : this.statements.historyOf.all(options.alarmName, limit)
    ) as HistoryRow[];
    return rows.map((row) => ({
      alarmName: row.alarm_name,
      timestamp: row.timestamp,
      previousState: row.previous_state,
      state: row.state,
      reason: row.reason,
    }));
  }

  /** The datapoints of an alarm's evaluation range ending at the minute holding `now`, oldest first. */
  evaluationRange(alarm: AlarmDefinition, now: number): (AlarmDatapoint | null)[] {
    const periodMs = alarm.periodSeconds * 1000;
    const length = evaluationRangeLength(alarm.evaluationPeriods);
    // The minute in progress is not complete yet; CloudWatch evaluates up to the last full one.
    const end = minuteOf(now);
    const start = end - length * periodMs;
    const points = this.options.metrics.getStatistics({
      namespace: alarm.namespace,
      metricName: alarm.metricName,
      dimensions: alarm.dimensions,
      statistic: alarm.statistic,
      periodSeconds: alarm.periodSeconds,
      startTime: start,
      endTime: end,
    });
    const byStart = new Map(points.map((p) => [p.timestamp, p.value]));
    return Array.from({ length }, (_, i) => {
      const timestamp = start + i * periodMs;
      const value = byStart.get(timestamp);
      return value === undefined ? null : { timestamp, value };
    });
  }

  private evaluateOne(alarm: AlarmDefinition, now: number): Alert | undefined {
    const current = this.stateRow(alarm.name)?.state ?? AlarmState.InsufficientData;
    const result = evaluateAlarm(alarm, this.evaluationRange(alarm, now), current);
    if (!result.changed) return undefined;
    this.options.db.transaction(() => {
      this.statements.setState.run(alarm.name, result.state, result.reason, now);
      this.statements.addHistory.run(alarm.name, now, current, result.state, result.reason);
    })();
    return {
      alarmName: alarm.name,
      description: alarm.description,
      previousState: current,
      state: result.state,
      reason: result.reason,
      timestamp: now,
      namespace: alarm.namespace,
      metricName: alarm.metricName,
      dimensions: alarm.dimensions,
    };
  }

  private stateRow(alarmName: string): StateRow | undefined {
    return this.statements.state.get(alarmName) as StateRow | undefined;
  }
}
