/**
 * A child process for the gateway crash test: charges three payments on a simulated gateway whose
 * ledger is a real SQLite file, and kills itself with SIGKILL while the third call "waits for its
 * answer" — after the charge was applied, or before, as told. The process that restarts on the
 * file must find the truth in the ledger.
 *
 * argv: <db file> <after-apply | before-apply>
 */
import { Fault, SimulatedGateway } from '../../../src/adapters/gateway/simulated-gateway.js';
import { openDatabase } from '../../../src/sqlite/database.js';

/** The timeout the third charge hangs in; the worker dies inside it. */
const CRASH_TIMEOUT_MS = 86_400_000;

const [file, mode] = process.argv.slice(2);
if (!file || (mode !== 'after-apply' && mode !== 'before-apply')) {
  throw new Error('usage: gateway-crash-worker <db> <after-apply|before-apply>');
}
let now = Date.UTC(2026, 0, 1);
const gateway = new SimulatedGateway({
  db: openDatabase(file),
  now: () => now,
  delay: (ms) => {
    if (ms === CRASH_TIMEOUT_MS) process.kill(process.pid, 'SIGKILL');
    now += ms;
    return Promise.resolve();
  },
  timeoutMs: CRASH_TIMEOUT_MS,
  plan: (call) =>
    call.idempotencyKey !== 'txn-3'
      ? Fault.None
      : mode === 'after-apply'
        ? Fault.TimeoutAfterApply
        : Fault.TimeoutBeforeApply,
});
for (const key of ['txn-1', 'txn-2', 'txn-3']) {
  await gateway.charge({
    idempotencyKey: key,
    amount: { amount_minor: 2_500, currency: 'GBP' },
    paymentMethodToken: 'tok_visa',
    customerId: 'cus_1',
    merchantId: 'mer_1',
  });
}
