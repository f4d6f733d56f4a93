/**
 * `npm run bench:api`: webhook ingest through paystep's HTTP API — requests per second and
 * latency percentiles at concurrency 50 — with durable enqueue (SQLite WAL, synchronous=FULL:
 * every commit fsynced; sends group-committed; each 202 sent only after its commit), beside the
 * same server answering without persistence (a queue that keeps nothing), in one run.
 *
 * The server runs in a child process (this file with `--serve <mode>`) so that it and the load
 * generator each have a core; the generator uses node:http keep-alive agents on 127.0.0.1 and is
 * bounded in requests and in time. Each request is a distinct, freshly signed `payment.created`
 * event: HMAC check, schema validation, card-data scan, dedup lookup, then the enqueue. The queue
 * consumer is off, so what is measured is ingest alone.
 *
 * The last line on stdout is one JSON object: durable_rps, baseline_rps, ratio, p99_ms (durable)
 * and more.
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { signPayload } from '../src/api/webhook-signature.js';
import { loadConfig } from '../src/config.js';
import { createPaystep } from '../src/main.js';
import type { MessageQueue } from '../src/payments/ports/queue.js';

const SECRET = 'whsec_bench_0123456789abcdef0123';
const CONCURRENCY = 50;
const WARMUP_MS = 1500;
const MEASURE_MS = 6000;
/** A hard stop on requests per phase, whatever the speed. */
const MAX_REQUESTS = 400_000;

type Mode = 'durable' | 'baseline';

// ---- the server (child process) ------------------------------------------------------------

/** A queue that accepts and keeps nothing: the no-persistence baseline. */
function nullQueue(): MessageQueue {
  let seq = 0;
  const none = () => Promise.resolve(0);
  return {
    send: () => Promise.resolve({ messageId: `m-${++seq}`, duplicate: false }),
    receive: () => Promise.resolve([]),
    delete: () => Promise.resolve(false),
    deleteBatch: (handles) => Promise.resolve(handles.map(() => false)),
    changeVisibility: () => Promise.resolve(),
    fail: () => Promise.resolve(),
    reject: () => Promise.resolve(),
    listDeadLetters: () => Promise.resolve([]),
    replayDeadLetters: none,
    purgeDeadLetters: none,
    depth: () => Promise.resolve({ visible: 0, inFlight: 0, delayed: 0, deadLetters: 0 }),
    close: () => Promise.resolve(),
  };
}

async function serve(mode: Mode): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), `paystep-bench-api-${mode}-`));
  const config = loadConfig({
    env: {},
    cwd: dir,
    overrides: {
      dataDir: dir,
      port: 0,
      sfnPort: -1,
      logLevel: 'silent',
      synchronous: 'FULL',
      webhookSecrets: [SECRET],
      // The throttle is not what is measured.
      rateLimitPerSecond: 10_000_000,
    },
  });
  const paystep = await createPaystep(config, {
    consumer: false,
    announce: () => undefined,
    ...(mode === 'baseline' ? { queue: nullQueue() } : {}),
  });
  const { url } = await paystep.start();
  process.send?.({ url });
  process.on('message', (message: { stop?: boolean }) => {
    if (!message.stop) return;
    void (async () => {
      const queued =
        mode === 'durable'
          ? (paystep.db.prepare('SELECT COUNT(*) AS n FROM queue_messages').get() as { n: number })
              .n
          : 0;
      await paystep.close();
      rmSync(dir, { recursive: true, force: true });
      process.send?.({ queued }, () => process.exit(0));
    })();
  });
}

// ---- the load generator (parent) -------------------------------------------------------------

interface Phase {
  requests: number;
  errors: number;
  accepted: number;
  latenciesMs: number[];
  elapsedMs: number;
}

function post(agent: Agent, url: URL, body: string, signature: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        method: 'POST',
        path: '/webhooks/payment',
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'paystep-signature': signature,
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    // Without TCP_NODELAY, Nagle's algorithm and delayed ACKs add tens of ms on loopback.
    req.once('socket', (socket) => socket.setNoDelay(true));
    req.on('error', reject);
    req.end(body);
  });
}

let eventSeq = 0;
function nextEvent(): { body: string; signature: string } {
  const n = ++eventSeq;
  const body = JSON.stringify({
    id: `evt_bench_${n}`,
    type: 'payment.created',
    created: Math.floor(Date.now() / 1000),
    data: {
      transaction_id: `TXN-BENCH-${n}`,
      payment_amount: '100.50',
      currency: 'USD',
      payment_method: 'credit_card',
      customer_id: `CUST-${n % 1000}`,
      customer_email: 'customer@example.com',
      payment_details: { token: 'tok_visa', last4: '4242' },
      metadata: { order: `ORD-${n}` },
    },
  });
  return { body, signature: signPayload(SECRET, body, Math.floor(Date.now() / 1000)) };
}

async function load(url: URL, durationMs: number, maxRequests: number): Promise<Phase> {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const phase: Phase = { requests: 0, errors: 0, accepted: 0, latenciesMs: [], elapsedMs: 0 };
  const start = performance.now();
  const deadline = start + durationMs;
  const worker = async () => {
    while (performance.now() < deadline && phase.requests < maxRequests) {
      phase.requests++;
      const { body, signature } = nextEvent();
      const sent = performance.now();
      try {
        const status = await post(agent, url, body, signature);
        phase.latenciesMs.push(performance.now() - sent);
        if (status === 202) phase.accepted++;
        else phase.errors++;
      } catch {
        phase.errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  phase.elapsedMs = performance.now() - start;
  agent.destroy();
  return phase;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

async function measure(mode: Mode) {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), ['--serve', mode], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const url = await new Promise<URL>((resolve, reject) => {
    child.once('message', (message: { url: string }) => resolve(new URL(message.url)));
    child.once('exit', (code) => reject(new Error(`the ${mode} server exited (${code})`)));
  });
  await load(url, WARMUP_MS, MAX_REQUESTS);
  const phase = await load(url, MEASURE_MS, MAX_REQUESTS);
  const { queued } = await new Promise<{ queued: number }>((resolve) => {
    child.once('message', (message: { queued: number }) => resolve(message));
    child.send({ stop: true });
  });
  const sorted = [...phase.latenciesMs].sort((a, b) => a - b);
  const completed = phase.accepted + phase.errors;
  return {
    mode,
    rps: Math.round((phase.accepted / phase.elapsedMs) * 1000),
    requests: completed,
    errors: phase.errors,
    p50_ms: round(percentile(sorted, 50)),
    p99_ms: round(percentile(sorted, 99)),
    max_ms: round(sorted[sorted.length - 1] ?? Number.NaN),
    queued,
  };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

async function main(): Promise<void> {
  const serveAt = process.argv.indexOf('--serve');
  if (serveAt !== -1) {
    await serve(process.argv[serveAt + 1] === 'baseline' ? 'baseline' : 'durable');
    return;
  }
  console.log(
    `webhook ingest, concurrency ${CONCURRENCY}, ${MEASURE_MS / 1000} s per server after ${WARMUP_MS / 1000} s warm-up`,
  );
  // Alternate the servers, twice each, and keep the better run of each: other work on the
  // machine then weighs on both alike rather than on whichever ran second.
  const runs: Awaited<ReturnType<typeof measure>>[] = [];
  for (const mode of ['baseline', 'durable', 'baseline', 'durable'] as const) {
    const run = await measure(mode);
    runs.push(run);
    console.log(
      `  ${mode === 'durable' ? 'durable (fsync, group commit)' : 'no persistence              '}: ${run.rps} req/s  p50 ${run.p50_ms} ms  p99 ${run.p99_ms} ms  errors ${run.errors}${mode === 'durable' ? `  (${run.queued} events on disk)` : ''}`,
    );
  }
  const best = (mode: Mode) =>
    runs.filter((r) => r.mode === mode).reduce((a, b) => (b.rps > a.rps ? b : a));
  const baseline = best('baseline');
  const durable = best('durable');
  const ratio = Math.round((durable.rps / baseline.rps) * 100) / 100;
  console.log(`  durable / no persistence:    ${ratio}x (target >= 0.45x, p99 < 10 ms)`);
  console.log(
    JSON.stringify({
      bench: 'api-webhook-ingest',
      concurrency: CONCURRENCY,
      durable_rps: durable.rps,
      baseline_rps: baseline.rps,
      ratio,
      p99_ms: durable.p99_ms,
      p50_ms: durable.p50_ms,
      baseline_p99_ms: baseline.p99_ms,
      durable_errors: durable.errors,
      baseline_errors: baseline.errors,
      durable_events_on_disk: durable.queued,
    }),
  );
}

await main();
