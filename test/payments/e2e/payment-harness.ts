/**
 * The payment workflow on the real engine for tests: a temporary SQLite file, the virtual clock,
 * the SQLite stores, the outbox notifier, a simulated gateway (its ledger proves charges) and a
 * local alert topic that keeps what the workflow published.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../../src/sqlite/database.js';
import type { SqliteDatabase } from '../../../src/sqlite/database.js';
import { Engine } from '../../../src/engine/engine.js';
import { VirtualClock } from '../../../src/engine/clock.js';
import { StepFunctionsControl } from '../../../src/engine/control.js';
import type { TaskHandler } from '../../../src/engine/resources.js';
import { SqliteTransactionStore } from '../../../src/adapters/sqlite/sqlite-transaction-store.js';
import { SqliteAuditLog } from '../../../src/adapters/sqlite/sqlite-audit-log.js';
import { SqliteOutboxNotifier } from '../../../src/adapters/sqlite/sqlite-outbox-notifier.js';
import { JsonlTransactionArchive } from '../../../src/adapters/archive/jsonl-transaction-archive.js';
import { SimulatedGateway } from '../../../src/adapters/gateway/simulated-gateway.js';
import type { SimulatedGatewayOptions } from '../../../src/adapters/gateway/simulated-gateway.js';
import {
  createPaymentHandlers,
  loadPaymentWorkflow,
  localSubstitutions,
} from '../../../src/payments/workflow/index.js';
import type { PaymentPorts } from '../../../src/payments/handlers/task-handler.js';
import type { FraudConfig } from '../../../src/payments/fraud.js';

export interface PaymentWorld {
  engine: Engine;
  control: StepFunctionsControl;
  clock: VirtualClock;
  db: SqliteDatabase;
  gateway: SimulatedGateway;
  store: SqliteTransactionStore;
  alerts: { TopicArn: string; Message: string }[];
  stateMachineArn: string;
  /** Submits a payment (the execution is named by its transaction id) and waits for its end. */
  pay(
    input: object,
  ): Promise<{ status: string; output: unknown; error: string | null; executionArn: string }>;
  start(input: object): Promise<string>;
  close(): Promise<void>;
}

export interface WorldOptions {
  gateway?: Partial<SimulatedGatewayOptions>;
  fraud?: FraudConfig;
  /** Wraps a handler by function name, e.g. to make recording fail. */
  wrap?: Partial<Record<string, (handler: TaskHandler) => TaskHandler>>;
}

export function paymentWorld(options: WorldOptions = {}): PaymentWorld {
  const dir = mkdtempSync(join(tmpdir(), 'paystep-pay-'));
  const db = openDatabase(join(dir, 'paystep.db'), { synchronous: 'OFF' });
  const clock = new VirtualClock();
  const gateway = new SimulatedGateway({
    now: () => clock.now(),
    delay: (ms) => clock.sleep(ms),
    seed: 7,
    ...options.gateway,
  });
  const store = new SqliteTransactionStore(db);
  const ports: PaymentPorts = {
    store,
    audit: new SqliteAuditLog(db),
    gateway,
    notifier: new SqliteOutboxNotifier(db),
    archive: new JsonlTransactionArchive(join(dir, 'archive')),
    clock,
    ...(options.fraud ? { fraud: options.fraud } : {}),
  };
  const handlers: Record<string, TaskHandler> = { ...createPaymentHandlers(ports) };
  for (const [name, wrap] of Object.entries(options.wrap ?? {})) {
    const handler = handlers[name];
    if (handler && wrap) handlers[name] = wrap(handler);
  }
  const alerts: { TopicArn: string; Message: string }[] = [];
  const engine = new Engine({
    db,
    clock,
    resources: {
      handlers,
      sns: {
        publish: (request) => {
          alerts.push({ TopicArn: request.TopicArn, Message: request.Message });
          return Promise.resolve({ MessageId: `msg-${alerts.length}` });
        },
      },
    },
  });
  const control = new StepFunctionsControl(engine);
  engine.start();
  const { stateMachineArn } = control.createStateMachine({
    name: 'payment-workflow',
    definition: loadPaymentWorkflow(localSubstitutions(engine.region, engine.accountId)),
  });
  const start = async (input: object) => {
    const id = (input as { transaction_id: string }).transaction_id;
    const started = await control.startExecution({
      stateMachineArn,
      name: id,
      input: JSON.stringify(input),
    });
    return started.executionArn;
  };
  return {
    engine,
    control,
    clock,
    db,
    gateway,
    store,
    alerts,
    stateMachineArn,
    start,
    async pay(input) {
      const executionArn = await start(input);
      const row = await engine.waitForExecution(executionArn);
      return {
        status: row.status,
        output: row.output === null ? null : (JSON.parse(row.output) as unknown),
        error: row.error,
        executionArn,
      };
    },
    async close() {
      await engine.stop();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

let sequence = 0;

/** The requirements' example payment, with a fresh transaction id. */
export function examplePayment(patch: object = {}): Record<string, unknown> {
  sequence += 1;
  return {
    transaction_id: `TXN-${String(sequence).padStart(4, '0')}`,
    payment_amount: 100.5,
    payment_method: 'credit_card',
    customer_id: `CUST-${sequence}`,
    payment_details: { token: 'tok_visa', last4: '4242' },
    ...patch,
  };
}
