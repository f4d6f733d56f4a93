// The engine's writer thread (see committer.ts). Plain JavaScript so it loads in any worker,
// with or without a TypeScript loader. It applies batches of [statement, ...params] in order;
// batches that arrive while a transaction is flushing are merged into the next transaction, and
// each batch is acknowledged only after the transaction holding it committed.
import { setImmediate } from 'node:timers';
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

const db = new Database(workerData.file);
db.pragma('journal_mode = WAL');
db.pragma(`synchronous = ${Number(workerData.synchronous)}`);
db.pragma('busy_timeout = 5000');
const statements = Object.fromEntries(
  Object.entries(workerData.statements).map(([name, sql]) => [name, db.prepare(sql)]),
);
// Each batch's ops come flat: [paramCount, name, ...params, paramCount, name, ...] (committer.ts).
const applyAll = db.transaction((batches) => {
  for (const { ops } of batches) {
    for (let i = 0; i < ops.length;) {
      const count = ops[i];
      const statement = statements[ops[i + 1]];
      if (count === 1) statement.run(ops[i + 2]);
      else statement.run(...ops.slice(i + 2, i + 2 + count));
      i += count + 2;
    }
  }
});

let queued = [];
let scheduled = false;

function flush() {
  scheduled = false;
  const batches = queued;
  queued = [];
  try {
    applyAll(batches);
    for (const batch of batches) parentPort.postMessage({ id: batch.id });
  } catch (error) {
    for (const batch of batches) parentPort.postMessage({ id: batch.id, error: String(error) });
  }
}

parentPort.on('message', (batch) => {
  queued.push(batch);
  if (!scheduled) {
    scheduled = true;
    setImmediate(flush);
  }
});
