/**
 * Child process for the charge crash test: runs payments through the real workflow on a SQLite
 * file whose gateway ledger lives in the same file, and SIGKILLs itself right after the Nth
 * charge reached the gateway — the charge is applied, its result not yet committed. Run again
 * without a crash point, it recovers and prints each payment's status and charge count.
 *
 * argv: <db file> [<occurrence>]
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../../src/sqlite/database.js';
import { Engine } from '../../../src/engine/engine.js';
import { RealClock } from '../../../src/engine/clock.js';
import { StepFunctionsControl } from '../../../src/engine/control.js';
import { EngineError } from '../../../src/engine/errors.js';
import type { TaskHandler } from '../../../src/engine/resources.js';
import { SqliteTransactionStore } from '../../../src/adapters/sqlite/sqlite-transaction-store.js';
import { SqliteAuditLog } from '../../../src/adapters/sqlite/sqlite-audit-log.js';
import { SqliteOutboxNotifier } from '../../../src/adapters/sqlite/sqlite-outbox-notifier.js';
import { JsonlTransactionArchive } from '../../../src/adapters/archive/jsonl-transaction-archive.js';
import { SimulatedGateway } from '../../../src/adapters/gateway/simulated-gateway.js';
import {
  createPaymentHandlers,
  loadPaymentWorkflow,
  localSubstitutions,
} from '../../../src/payments/workflow/index.js';

const [file, occurrenceText] = process.argv.slice(2);
if (!file) throw new Error('usage: charge-crash-worker <db> [<occurrence>]');
const crashAt = Number(occurrenceText ?? 0);
let charges = 0;

const db = openDatabase(file);
const clock = new RealClock();
const gateway = new SimulatedGateway({
  now: () => clock.now(),
  delay: () => Promise.resolve(),
  seed: 3,
  db,
});
const store = new SqliteTransactionStore(db);
const handlers: Record<string, TaskHandler> = {
  ...createPaymentHandlers({
    store,
    audit: new SqliteAuditLog(db),
    gateway,
    notifier: new SqliteOutboxNotifier(db),
    archive: new JsonlTransactionArchive(mkdtempSync(join(tmpdir(), 'paystep-archive-'))),
    clock,
  }),
};
const charge = handlers['charge-payment'] as TaskHandler;
handlers['charge-payment'] = async (input, context) => {
  const result = await charge(input, context);
  // The gateway applied the charge; the engine has not committed the task's result.
  if (++charges === crashAt) process.kill(process.pid, 'SIGKILL');
  return result;
};
const engine = new Engine({
  db,
  clock,
  resources: { handlers, sns: { publish: () => Promise.resolve({ MessageId: 'm' }) } },
});
const control = new StepFunctionsControl(engine);
engine.start();
const { stateMachineArn } = control.createStateMachine({
  name: 'payment-workflow',
  definition: loadPaymentWorkflow(localSubstitutions(engine.region, engine.accountId)),
});
const ids = ['TXN-A', 'TXN-B', 'TXN-C', 'TXN-D'];
const results: Record<string, unknown> = {};
await Promise.all(
  ids.map(async (id, i) => {
    const input = JSON.stringify({
      transaction_id: id,
      payment_amount: 10 + i,
      payment_method: 'debit_card',
      customer_id: `CUST-${i}`,
      payment_details: { token: 'tok_visa', last4: '4242' },
    });
    let executionArn = engine.arn.execution('payment-workflow', id);
    try {
      executionArn = (await control.startExecution({ stateMachineArn, name: id, input }))
        .executionArn;
    } catch (error) {
      if (!(error instanceof EngineError) || error.code !== 'ExecutionAlreadyExists') throw error;
    }
    const row = await engine.waitForExecution(executionArn);
    results[id] = {
      execution: row.status,
      transaction: (await store.get(id))?.status,
      charges: gateway.chargeCount(id),
    };
  }),
);
await engine.stop();
db.close();
process.stdout.write(`${JSON.stringify(results)}\n`);
