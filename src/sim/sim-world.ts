/**
 * The world a simulation runs in, wired from the real parts: the durable engine on a SQLite file
 * and the virtual clock, the payment workflow and its handlers, the SQLite transaction store,
 * audit log and outbox, the seeded simulated gateway (ledger in the same file), the ops metrics
 * and alarm monitor, and a local alert topic that records what the workflow publishes. Only the
 * transaction archive is in memory: it is the one adapter doing real asynchronous I/O, which would
 * let virtual time move while a write is in flight and make a day depend on the disk.
 */
import { Registry } from 'prom-client';
import type { JsonObject } from '../asl/json.js';
import { SimulatedGateway } from '../adapters/gateway/simulated-gateway.js';
import { logNormalLatency } from '../adapters/gateway/latency.js';
import { SqliteAuditLog } from '../adapters/sqlite/sqlite-audit-log.js';
import { SqliteOutboxNotifier } from '../adapters/sqlite/sqlite-outbox-notifier.js';
import { SqliteTransactionStore } from '../adapters/sqlite/sqlite-transaction-store.js';
import { PaymentOperations } from '../api/payment-operations.js';
import { VirtualClock } from '../engine/clock.js';
import { StepFunctionsControl } from '../engine/control.js';
import type { CrashPoint } from '../engine/engine.js';
import { Engine } from '../engine/engine.js';
import type { SnsPublisher, TaskHandler } from '../engine/resources.js';
import { AlarmMonitor } from '../ops/alarm-monitor.js';
import { defaultAlarms } from '../ops/alarm-definitions.js';
import type { Alert } from '../ops/alerts.js';
import { OpsMetrics } from '../ops/ops-metrics.js';
import { createPrometheusMetrics } from '../ops/prometheus-metrics.js';
import { SqliteMetricStore } from '../ops/sqlite-metric-store.js';
import type {
  ArchivedTransaction,
  TransactionArchive,
} from '../payments/ports/transaction-archive.js';
import { archiveDay } from '../payments/ports/transaction-archive.js';
import {
  createPaymentHandlers,
  loadPaymentWorkflow,
  localSubstitutions,
} from '../payments/workflow/index.js';
import { migrate, openDatabase } from '../sqlite/database.js';
import type { SqliteDatabase } from '../sqlite/database.js';
import type { SimulationConfig } from './sim-config.js';
import { MinuteMs } from './sim-config.js';

/** How often (virtual time) buffered metrics are written to SQLite. */
const flushEveryMs = 5 * MinuteMs;

/** Longest look-back of the default alarms plus a minute, in minutes. */
const quietMinutes = 7;

/** The simulation's state machine name. */
export const SIM_STATE_MACHINE = 'payment-workflow';

const migrations = [
  `CREATE TABLE sim_state (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
   CREATE TABLE sim_alerts (
     execution_arn TEXT PRIMARY KEY, transaction_id TEXT, at INTEGER NOT NULL, subject TEXT NOT NULL
   ) WITHOUT ROWID;`,
];

export interface SimWorld {
  readonly db: SqliteDatabase;
  readonly clock: VirtualClock;
  readonly engine: Engine;
  readonly control: StepFunctionsControl;
  readonly stateMachineArn: string;
  readonly operations: PaymentOperations;
  readonly gateway: SimulatedGateway;
  readonly metrics: OpsMetrics;
  readonly metricStore: SqliteMetricStore;
  readonly alarms: AlarmMonitor;
  /** Alarm transitions published in this process, in order. */
  readonly alarmTransitions: Alert[];
  /**
   * Evaluates every alarm as of `at`, a minute boundary virtual time has already passed: the
   * alarm reads only whole minutes before `at`, so a late evaluation decides as a timely one.
   */
  evaluateAlarmsAt(at: number): Alert[];
  /** Notes that metrics were recorded at `at` (alarms near it must be evaluated). */
  recordActivity(at: number): void;
  /** Saves how far virtual time got, so a restarted process resumes there. */
  saveClock(): void;
  close(): Promise<void>;
}

export interface SimWorldOptions {
  /** The SQLite file; reopened as it is when a crashed simulation restarts. */
  file: string;
  /** Called when a manual review is requested, with the transaction id. */
  onReviewRequested: (transactionId: string) => void;
  /** Crash points of the engine's commit cycle (chaos). @default none */
  crashPoint?: (name: CrashPoint) => void;
  /** Where engine errors go. @default ignored (they surface as failed executions) */
  onError?: (error: unknown) => void;
}

/** Opens (or reopens) the world of `config` on `options.file`. */
export function openSimWorld(config: SimulationConfig, options: SimWorldOptions): SimWorld {
  // A scratch file: a process crash loses nothing at synchronous OFF (the OS keeps the pages);
  // only a power cut would, and a simulation does not survive one anyway.
  const db = openDatabase(options.file, { synchronous: 'OFF' });
  // One process at a time keeps a day (a chaos restart opens the file after the killed one is
  // gone): holding the lock for the whole run spares each of the day's tens of thousands of
  // commits taking and releasing it.
  db.pragma('locking_mode = EXCLUSIVE');
  migrate(db, 'sim', migrations);
  const saved = db.prepare("SELECT value FROM sim_state WHERE key = 'clock'").get() as
    { value: number } | undefined;
  const clock = new VirtualClock(Math.max(config.startMs, saved?.value ?? 0));
  const saveClockStatement = db.prepare(
    "INSERT INTO sim_state (key, value) VALUES ('clock', ?) ON CONFLICT (key) DO UPDATE SET value = MAX(value, excluded.value)",
  );
  // The saved value only ever grows: a save at the time already saved would change nothing.
  let savedClock = saved?.value;
  const saveClock = () => {
    const now = clock.now();
    if (now === savedClock) return;
    saveClockStatement.run(now);
    savedClock = now;
  };

  const store = new SqliteTransactionStore(db);
  const audit = new SqliteAuditLog(db);
  const notifier = new SqliteOutboxNotifier(db);
  const outageStart = config.startMs + config.outageAtMs;
  const gateway = new SimulatedGateway({
    now: () => clock.now(),
    delay: (ms) => clock.sleep(ms),
    seed: config.seed,
    declineRate: config.declineRate,
    transientErrorRate: config.transientErrorRate,
    timeoutRate: config.timeoutRate,
    latency: logNormalLatency({ medianMs: config.latencyMedianMs, p99Ms: config.latencyP99Ms }),
    timeoutMs: config.gatewayTimeoutMs,
    outages:
      config.outageMs > 0 ? [{ startMs: outageStart, endMs: outageStart + config.outageMs }] : [],
    db,
  });

  const metricStore = new SqliteMetricStore(db, { now: () => clock.now() });
  const metrics = new OpsMetrics({
    recorder: metricStore,
    prometheus: createPrometheusMetrics(new Registry()),
    now: () => clock.now(),
  });

  // Minutes in which metrics were recorded: alarms over quiet stretches need no evaluation.
  const activeMinutes = new Set<number>();
  const paymentHandlers = createPaymentHandlers({
    store,
    audit,
    gateway,
    notifier,
    archive: new MemoryTransactionArchive(),
    clock,
  });
  const handlers: Record<string, TaskHandler> = {};
  for (const [name, handler] of Object.entries(paymentHandlers)) {
    handlers[name] = async (input, context) => {
      const started = clock.now();
      activeMinutes.add(Math.floor(started / MinuteMs));
      try {
        const output = await handler(input, context);
        metrics.taskInvoked(name, 'success', clock.now() - started);
        if (name === 'request-manual-review') {
          const id = (output as JsonObject)['transaction_id'];
          if (typeof id === 'string') options.onReviewRequested(id);
        }
        return output;
      } catch (error) {
        metrics.taskInvoked(name, 'error', clock.now() - started);
        throw error;
      }
    };
  }

  const engine = new Engine({
    db,
    clock,
    resources: { handlers, sns: recordingTopic(db, clock) },
    // Inline commits: a worker thread's timing would decide when virtual time may move.
    commitInWorker: false,
    onError: options.onError ?? (() => undefined),
    ...(options.crashPoint ? { crashPoint: options.crashPoint } : {}),
  });
  const control = new StepFunctionsControl(engine);
  const definition = loadPaymentWorkflow(localSubstitutions(engine.region, engine.accountId));
  const stateMachineArn = engine.arn.stateMachine(SIM_STATE_MACHINE);
  if (!engine.store.getStateMachine.get(stateMachineArn))
    control.createStateMachine({ name: SIM_STATE_MACHINE, definition });
  const operations = new PaymentOperations({
    control,
    stateMachineArn,
    store,
    audit,
    notifier,
    clock,
  });

  const alarmTransitions: Alert[] = [];
  let evaluationTime = clock.now();
  let lastFlush = clock.now();
  const alarms = new AlarmMonitor({
    db,
    metrics: metricStore,
    alarms: defaultAlarms({
      stateMachineName: SIM_STATE_MACHINE,
      stateMachineArn,
      functionNames: Object.keys(handlers),
      // Nothing throttles a simulated task: its Throttles alarms could never fire.
    }).filter((alarm) => alarm.metricName !== 'Throttles'),
    alerts: { publish: (alert) => alarmTransitions.push(alert) },
    // The simulation evaluates at each minute boundary itself (see `evaluateAlarmsUntil`).
    now: () => evaluationTime,
    schedule: () => () => undefined,
  });

  return {
    db,
    clock,
    engine,
    control,
    stateMachineArn,
    operations,
    gateway,
    metrics,
    metricStore,
    alarms,
    alarmTransitions,
    evaluateAlarmsAt(at) {
      // Every default alarm treats missing data as not breaching and looks back at most
      // quietMinutes: after that long without a datapoint, its state is OK and stays OK.
      const minute = Math.floor(at / MinuteMs);
      let recent = false;
      for (let m = minute - quietMinutes; m < minute && !recent; m++) recent = activeMinutes.has(m);
      if (!recent) return [];
      // Queries scan the unflushed buffer: keep it short, as the store's own timer would.
      if (at - lastFlush >= flushEveryMs) {
        metricStore.flush();
        lastFlush = at;
      }
      evaluationTime = at;
      return alarms.evaluateAll();
    },
    recordActivity(at) {
      activeMinutes.add(Math.floor(at / MinuteMs));
    },
    saveClock,
    async close() {
      await engine.stop();
      metricStore.flush();
      saveClockStatement.run(clock.now());
      db.close();
    },
  };
}

/**
 * The workflow's `sns:publish` ops alert, recorded once per execution in the simulation's file
 * (a re-run after a crash publishes again; the table keeps the first).
 */
function recordingTopic(db: SqliteDatabase, clock: VirtualClock): SnsPublisher {
  const insert = db.prepare(
    'INSERT OR IGNORE INTO sim_alerts (execution_arn, transaction_id, at, subject) VALUES (?, ?, ?, ?)',
  );
  let sequence = 0;
  return {
    publish(request) {
      let details: Record<string, unknown> = {};
      try {
        details = JSON.parse(request.Message) as Record<string, unknown>;
      } catch {
        // Not JSON: kept by subject only.
      }
      const arn =
        typeof details['execution_arn'] === 'string'
          ? details['execution_arn']
          : `unknown-${++sequence}`;
      const transactionId =
        typeof details['transaction_id'] === 'string' ? details['transaction_id'] : null;
      insert.run(arn, transactionId, clock.now(), request.Subject ?? 'paystep alert');
      return Promise.resolve({ MessageId: `sim-${arn.split(':').pop() ?? ''}` });
    },
  };
}

/** Finished-payment records kept in memory, one per transaction (the last written). */
export class MemoryTransactionArchive implements TransactionArchive {
  readonly #days = new Map<string, Map<string, ArchivedTransaction>>();

  append(record: ArchivedTransaction): Promise<void> {
    const day = archiveDay(record.archived_at);
    const records = this.#days.get(day) ?? new Map<string, ArchivedTransaction>();
    records.set(record.transaction_id, record);
    this.#days.set(day, records);
    return Promise.resolve();
  }

  readDay(day: string): Promise<readonly ArchivedTransaction[]> {
    return Promise.resolve([...(this.#days.get(day)?.values() ?? [])]);
  }
}
