/**
 * `node --import tsx bench/queue-ingest.ts`: how many messages per second SqliteQueue makes durable
 * at synchronous=FULL when sends arrive concurrently (as from many HTTP requests at once), with group
 * commit (one transaction, so one WAL fsync, per event-loop turn) beside the same queue committing
 * each send on its own, measured in the same run, as a ratio; then group commit on a writer thread
 * (SqliteQueue's `writerThread`: the fsync off the event loop, the next batch gathered meanwhile).
 * Then the drain rate: receive up to 10 and delete them in one batch (two commits per ten
 * messages). Besides each rate, the event loop's utilisation: how much of the time the caller's
 * loop was busy, fsyncs included, rather than free for other work.
 *
 * The last line on stdout is one JSON object for tracking from run to run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteQueue } from '../src/adapters/sqlite/sqlite-queue.js';
import { openDatabase } from '../src/sqlite/database.js';

const TOTAL = Number(process.env.BENCH_MESSAGES ?? 2000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 100);
const body = JSON.stringify({
  paymentId: 'pay_0000000000000000',
  amount: { minor: 1999, currency: 'EUR' },
  method: { type: 'card', token: 'tok_visa', last4: '4242' },
});

const clock = { now: () => Date.now() };
const setTimer = (ms: number, fn: () => void) => {
  const handle = setTimeout(fn, ms);
  return () => clearTimeout(handle);
};

function openQueue(dir: string, name: string, maxBatchSize: number, writerThread = false) {
  const db = openDatabase(join(dir, `${name}.db`), { synchronous: 'FULL' });
  const queue = new SqliteQueue({ db, name, clock, setTimer, maxBatchSize, writerThread });
  return { db, queue };
}

/**
 * Sends TOTAL messages in waves of CONCURRENCY concurrent sends; returns messages per second and
 * the event loop's utilisation meanwhile.
 */
async function ingest(
  maxBatchSize: number,
  dir: string,
  writerThread = false,
): Promise<{ rate: number; loopBusy: number }> {
  const name = `ingest-${maxBatchSize}${writerThread ? '-thread' : ''}`;
  const { db, queue } = openQueue(dir, name, maxBatchSize, writerThread);
  // One send first, so the thread has started before the clock does.
  await queue.send(body);
  const elu = performance.eventLoopUtilization();
  const started = process.hrtime.bigint();
  for (let sent = 0; sent < TOTAL; sent += CONCURRENCY) {
    const wave = Math.min(CONCURRENCY, TOTAL - sent);
    await Promise.all(Array.from({ length: wave }, () => queue.send(body)));
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const loopBusy = performance.eventLoopUtilization(elu).utilization;
  await queue.close();
  db.close();
  return { rate: TOTAL / seconds, loopBusy };
}

async function drain(dir: string): Promise<number> {
  const { db, queue } = openQueue(dir, 'drain', 1000);
  await Promise.all(Array.from({ length: TOTAL }, () => queue.send(body)));
  const started = process.hrtime.bigint();
  let received = 0;
  while (received < TOTAL) {
    const messages = await queue.receive({ maxMessages: 10 });
    await queue.deleteBatch(messages.map((m) => m.receiptHandle));
    received += messages.length;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await queue.close();
  db.close();
  return TOTAL / seconds;
}

const dir = mkdtempSync(join(tmpdir(), 'paystep-bench-queue-'));
try {
  const single = await ingest(1, dir);
  const group = await ingest(1000, dir);
  const thread = await ingest(1000, dir, true);
  const drained = await drain(dir);
  const perMessage = single.rate;
  const grouped = group.rate;
  const ratio = grouped / perMessage;
  const busy = (run: { loopBusy: number }) => `loop busy ${Math.round(run.loopBusy * 100)}%`;
  console.log(`sends, ${TOTAL} messages, ${CONCURRENCY} concurrent, synchronous=FULL:`);
  console.log(
    `  one commit per send      ${perMessage.toFixed(0).padStart(8)} msg/s  ${busy(single)}`,
  );
  console.log(
    `  group commit             ${grouped.toFixed(0).padStart(8)} msg/s  (x${ratio.toFixed(1)})  ${busy(group)}`,
  );
  console.log(
    `  group commit, thread     ${thread.rate.toFixed(0).padStart(8)} msg/s  (x${(thread.rate / perMessage).toFixed(1)})  ${busy(thread)}`,
  );
  console.log(`receive 10 + delete batch  ${drained.toFixed(0).padStart(8)} msg/s`);
  console.log(
    JSON.stringify({
      bench: 'queue-ingest',
      messages: TOTAL,
      concurrency: CONCURRENCY,
      perMessageCommitPerSecond: Math.round(perMessage),
      groupCommitPerSecond: Math.round(grouped),
      groupCommitRatio: Number(ratio.toFixed(2)),
      writerThreadPerSecond: Math.round(thread.rate),
      groupCommitLoopBusy: Number(group.loopBusy.toFixed(2)),
      writerThreadLoopBusy: Number(thread.loopBusy.toFixed(2)),
      drainPerSecond: Math.round(drained),
    }),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
