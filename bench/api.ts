/**
 * `npm run bench:api`: webhook ingest through paystep's HTTP API — requests per second and
 * latency percentiles at concurrency 50 — with durable enqueue (SQLite WAL, synchronous=FULL:
 * every commit fsynced; sends group-committed; each 202 sent only after its commit), beside the
 * same server answering without persistence (a queue that keeps nothing), in one run. First, for
 * context, two floors answering 202 to the same client: a bare node:http server, which shows what
 * latency this machine allows at this concurrency at all, and a bare Fastify route, which shows
 * what the framework alone costs before any check.
 *
 * The server runs in a child process (this file with `--serve <mode>`) so that it and the load
 * generator each have a core. Each request is a distinct, freshly signed `payment.created` event:
 * HMAC check, schema validation, card-data scan, dedup lookup, then the enqueue. The queue
 * consumer is off, so what is measured is ingest alone.
 *
 * The generator must not be the bottleneck, or the benchmark measures the client. It is a lean
 * HTTP/1.1 client on raw keep-alive sockets (one request in flight per connection, no
 * pipelining, the response read by its Content-Length), as load generators such as autocannon
 * are; node:http's client costs several times more CPU per request than the server's route
 * (`BENCH_API_CLIENT=node-http` runs it for comparison). Each phase reports the CPU time per
 * request of the server and of the generator and the server's event-loop utilisation, so a run
 * shows which side was saturated, and CPU per request is comparable even on a busy machine.
 *
 * Environment: `BENCH_API_CLIENT` (`raw`, default, or `node-http`); `BENCH_API_PROFILE=<dir>`
 * writes a V8 CPU profile of each server's measured phase there (open it in Chrome DevTools);
 * `BENCH_API_LOG_LEVEL` (default `silent`) runs the server at another log level, its log lines
 * discarded, to measure what logging costs; `BENCH_API_QUEUE_WRITER=thread` gives the durable
 * server a queue that commits on a writer thread (SqliteQueue's `writerThread`).
 *
 * The last line on stdout is one JSON object: durable_rps, baseline_rps, ratio, p99_ms (durable),
 * floor_rps, floor_p99_ms and more.
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { Agent, createServer, request } from 'node:http';
import type { Server } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventLoopUtilization } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import Fastify from 'fastify';
import { signPayload } from '../src/api/webhook-signature.js';
import { loadConfig } from '../src/config.js';
import type { PaystepConfig } from '../src/config.js';
import { createPaystep, WEBHOOK_QUEUE } from '../src/main.js';
import { SqliteQueue } from '../src/adapters/sqlite/sqlite-queue.js';
import { openDatabase } from '../src/sqlite/database.js';
import type { MessageQueue } from '../src/payments/ports/queue.js';

const SECRET = 'whsec_bench_0123456789abcdef0123';
const CONCURRENCY = 50;
const WARMUP_MS = 1500;
const MEASURE_MS = 6000;
/** A hard stop on requests per phase, whatever the speed. */
const MAX_REQUESTS = 400_000;

const Client = { Raw: 'raw', NodeHttp: 'node-http' } as const;
type Client = (typeof Client)[keyof typeof Client];

type Mode = 'durable' | 'baseline' | 'floor' | 'fastify-floor';
type LogLevel = PaystepConfig['logLevel'];

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

/** What the server child reports when asked, to be subtracted phase end minus phase start. */
interface ServerMark {
  cpu: NodeJS.CpuUsage;
  elu: EventLoopUtilization;
}

type ToServer = { mark: true } | { stop: true };

/** Answers a mark: the server's CPU time and event-loop utilisation so far. */
function sendMark(): void {
  const mark: ServerMark = { cpu: process.cpuUsage(), elu: performance.eventLoopUtilization() };
  process.send?.(mark);
}

/**
 * Profiles the server's measured phase only (start-up, schema compilation and warm-up left out):
 * the first mark starts the V8 profiler, the second writes its profile into `dir`.
 */
function phaseProfiler(dir: string, mode: Mode): () => void {
  const session = new Session();
  session.connect();
  let running = false;
  return () => {
    if (!running) {
      running = true;
      session.post('Profiler.enable', () => session.post('Profiler.start'));
      return;
    }
    running = false;
    session.post('Profiler.stop', (error, result) => {
      if (error) throw error;
      const file = join(dir, `bench-api-${mode}-${process.pid}.cpuprofile`);
      writeFileSync(file, JSON.stringify(result.profile));
      console.error(`  (server profile: ${file})`);
    });
  };
}

/**
 * The machine's floors: what no paystep server on this machine and client can beat. `floor` is
 * node:http alone, reading each body and answering 202 with the same small JSON, no framework,
 * no checks. `fastify-floor` is a bare Fastify route doing the same (its JSON body parser, no
 * hooks, no schema, no checks): the framework's own cost, before anything paystep does. If a
 * floor's p99 is near the target, the target is out of reach here whatever paystep does.
 */
async function serveFloor(kind: 'floor' | 'fastify-floor'): Promise<void> {
  const reply = { status: 'accepted', event_id: 'evt_bench' };
  const text = JSON.stringify(reply);
  let server: Server;
  if (kind === 'fastify-floor') {
    const app = Fastify({ logger: false });
    app.post('/webhooks/payment', async (_request, response) => {
      response.code(202);
      return reply;
    });
    await app.ready();
    server = app.server;
  } else {
    server = createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        response.writeHead(202, {
          'content-type': 'application/json; charset=utf-8',
          'content-length': Buffer.byteLength(text),
        });
        response.end(text);
      });
    });
  }
  server.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as AddressInfo;
    process.send?.({ url: `http://127.0.0.1:${port}` });
  });
  process.on('message', (message: ToServer) => {
    if ('mark' in message) {
      sendMark();
      return;
    }
    server.close();
    server.closeAllConnections();
    process.send?.({ queued: 0 }, () => process.exit(0));
  });
}

async function serve(
  mode: Exclude<Mode, 'floor' | 'fastify-floor'>,
  logLevel: LogLevel,
  writerThread: boolean,
  profileDir?: string,
): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), `paystep-bench-api-${mode}-`));
  const config = loadConfig({
    env: {},
    cwd: dir,
    overrides: {
      dataDir: dir,
      port: 0,
      sfnPort: -1,
      logLevel,
      synchronous: 'FULL',
      webhookSecrets: [SECRET],
      // The throttle is not what is measured.
      rateLimitPerSecond: 10_000_000,
    },
  });
  // The writer-thread queue is not (yet) what createPaystep builds: the bench builds it on a
  // connection of its own to the same file, with the same name, limits and durability.
  const queueDb = writerThread && mode === 'durable' ? openDatabase(config.dbFile) : undefined;
  const queue = queueDb
    ? new SqliteQueue({
        db: queueDb,
        name: WEBHOOK_QUEUE,
        clock: { now: () => Date.now() },
        setTimer: (ms, fn) => {
          const handle = setTimeout(fn, ms);
          return () => clearTimeout(handle);
        },
        writerThread: true,
      })
    : undefined;
  const paystep = await createPaystep(config, {
    consumer: false,
    announce: () => undefined,
    ...(mode === 'baseline' ? { queue: nullQueue() } : queue ? { queue } : {}),
  });
  const { url } = await paystep.start();
  process.send?.({ url });
  const profile = profileDir === undefined ? undefined : phaseProfiler(profileDir, mode);
  process.on('message', (message: ToServer) => {
    if ('mark' in message) {
      profile?.();
      sendMark();
      return;
    }
    void (async () => {
      const queued =
        mode === 'durable'
          ? (paystep.db.prepare('SELECT COUNT(*) AS n FROM queue_messages').get() as { n: number })
              .n
          : 0;
      await paystep.close();
      queueDb?.close();
      rmSync(dir, { recursive: true, force: true });
      process.send?.({ queued }, () => process.exit(0));
    })();
  });
}

// ---- the load generator (parent) -------------------------------------------------------------

let eventSeq = 0;
/** A distinct payment.created event, signed now. */
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

/** Sends one request and resolves with the response's status code. */
type Post = () => Promise<number>;

/** node:http with a keep-alive agent: what an application would use, and slow. */
function nodeHttpClient(url: URL): { post: Post; close: () => void } {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const post: Post = () =>
    new Promise((resolve, reject) => {
      const { body, signature } = nextEvent();
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
  return { post, close: () => agent.destroy() };
}

const HEADER_END = Buffer.from('\r\n\r\n');
const CONTENT_LENGTH = /\r\ncontent-length:[ \t]*(\d+)/i;

/**
 * One keep-alive connection with at most one request in flight. The request is written as one
 * string; the response is complete when its headers and Content-Length bytes of body have come
 * (paystep always sends Content-Length: a reply without one is counted as an error).
 */
class RawConnection {
  private readonly socket: Socket;
  private readonly ready: Promise<void>;
  private received: Buffer = Buffer.alloc(0);
  private waiting: { resolve: (status: number) => void; reject: (error: Error) => void } | null =
    null;
  private failure: Error | null = null;

  constructor(
    url: URL,
    private readonly host: string,
  ) {
    this.socket = connect({ host: url.hostname, port: Number(url.port), noDelay: true });
    this.ready = new Promise((resolve, reject) => {
      this.socket.once('connect', resolve);
      this.socket.once('error', reject);
    });
    this.socket.on('data', (chunk: Buffer) => this.onData(chunk));
    const fail = (error: Error) => {
      this.failure = error;
      this.waiting?.reject(error);
      this.waiting = null;
    };
    this.socket.on('error', fail);
    this.socket.on('close', () => fail(new Error('connection closed')));
  }

  async post(): Promise<number> {
    await this.ready;
    if (this.failure) throw this.failure;
    const { body, signature } = nextEvent();
    this.socket.write(
      `POST /webhooks/payment HTTP/1.1\r\nhost: ${this.host}\r\ncontent-type: application/json\r\n` +
        `paystep-signature: ${signature}\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
    return new Promise((resolve, reject) => (this.waiting = { resolve, reject }));
  }

  close(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.received = this.received.length === 0 ? chunk : Buffer.concat([this.received, chunk]);
    const headerEnd = this.received.indexOf(HEADER_END);
    if (headerEnd === -1) return;
    const head = this.received.toString('latin1', 0, headerEnd);
    const length = CONTENT_LENGTH.exec(head)?.[1];
    const waiting = this.waiting;
    if (length === undefined) {
      this.socket.destroy(new Error('a response without Content-Length'));
      return;
    }
    const end = headerEnd + HEADER_END.length + Number(length);
    if (this.received.length < end) return;
    this.received = this.received.subarray(end);
    this.waiting = null;
    // "HTTP/1.1 202 Accepted": the status is the three digits after the first space.
    waiting?.resolve(Number(head.slice(9, 12)));
  }
}

function rawClient(url: URL): { post: Post; close: () => void } {
  const idle: RawConnection[] = [];
  const all: RawConnection[] = [];
  const host = `${url.hostname}:${url.port}`;
  const post: Post = async () => {
    let connection = idle.pop();
    if (!connection) all.push((connection = new RawConnection(url, host)));
    const status = await connection.post();
    idle.push(connection);
    return status;
  };
  return { post, close: () => all.forEach((c) => c.close()) };
}

interface Phase {
  requests: number;
  errors: number;
  accepted: number;
  latenciesMs: number[];
  elapsedMs: number;
  /** The generator's own CPU time over the phase, µs. */
  clientCpuUs: number;
}

async function load(url: URL, client: Client, durationMs: number): Promise<Phase> {
  const { post, close } = client === Client.Raw ? rawClient(url) : nodeHttpClient(url);
  const phase: Phase = {
    requests: 0,
    errors: 0,
    accepted: 0,
    latenciesMs: [],
    elapsedMs: 0,
    clientCpuUs: 0,
  };
  const cpuBefore = process.cpuUsage();
  const start = performance.now();
  const deadline = start + durationMs;
  const worker = async () => {
    while (performance.now() < deadline && phase.requests < MAX_REQUESTS) {
      phase.requests++;
      const sent = performance.now();
      try {
        const status = await post();
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
  const cpu = process.cpuUsage(cpuBefore);
  phase.clientCpuUs = cpu.user + cpu.system;
  close();
  return phase;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

function ask<T>(child: ChildProcess, message: ToServer): Promise<T> {
  return new Promise((resolve) => {
    child.once('message', (reply: T) => resolve(reply));
    child.send(message);
  });
}

interface Settings {
  client: Client;
  profileDir: string | undefined;
  logLevel: LogLevel;
  queueWriter: 'inline' | 'thread';
}

async function measure(mode: Mode, settings: Settings) {
  const child: ChildProcess = fork(
    fileURLToPath(import.meta.url),
    [
      '--serve',
      mode,
      '--log-level',
      settings.logLevel,
      '--queue-writer',
      settings.queueWriter,
      ...(settings.profileDir ? ['--profile-dir', settings.profileDir] : []),
    ],
    {
      execArgv: ['--import', 'tsx'],
      // The server's log lines, if any, are discarded: their cost is measured, not their text.
      stdio: ['ignore', 'inherit', settings.logLevel === 'silent' ? 'inherit' : 'ignore', 'ipc'],
    },
  );
  const url = await new Promise<URL>((resolve, reject) => {
    child.once('message', (message: { url: string }) => resolve(new URL(message.url)));
    child.once('exit', (code) => reject(new Error(`the ${mode} server exited (${code})`)));
  });
  await load(url, settings.client, WARMUP_MS);
  const before = await ask<ServerMark>(child, { mark: true });
  const phase = await load(url, settings.client, MEASURE_MS);
  const after = await ask<ServerMark>(child, { mark: true });
  const { queued } = await ask<{ queued: number }>(child, { stop: true });
  await new Promise((resolve) =>
    child.exitCode === null ? child.once('exit', resolve) : resolve(0),
  );
  const sorted = [...phase.latenciesMs].sort((a, b) => a - b);
  const completed = phase.accepted + phase.errors;
  const serverCpuUs = after.cpu.user + after.cpu.system - (before.cpu.user + before.cpu.system);
  const elu = performance.eventLoopUtilization(after.elu, before.elu);
  return {
    mode,
    rps: Math.round((phase.accepted / phase.elapsedMs) * 1000),
    requests: completed,
    errors: phase.errors,
    p50_ms: round(percentile(sorted, 50)),
    p99_ms: round(percentile(sorted, 99)),
    max_ms: round(sorted[sorted.length - 1] ?? Number.NaN),
    server_cpu_us_per_request: Math.round(serverCpuUs / Math.max(1, completed)),
    client_cpu_us_per_request: Math.round(phase.clientCpuUs / Math.max(1, completed)),
    server_event_loop_utilisation: round(elu.utilization),
    queued,
  };
}

const LABELS: Record<Mode, string> = {
  floor: 'bare node:http (floor)       ',
  'fastify-floor': 'bare Fastify route (floor)   ',
  baseline: 'no persistence              ',
  durable: 'durable (fsync, group commit)',
};

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

function argument(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at === -1 ? undefined : process.argv[at + 1];
}

async function main(): Promise<void> {
  const serveMode = argument('--serve');
  if (serveMode === 'floor' || serveMode === 'fastify-floor') {
    await serveFloor(serveMode);
    return;
  }
  if (serveMode !== undefined) {
    await serve(
      serveMode === 'baseline' ? 'baseline' : 'durable',
      (argument('--log-level') ?? 'silent') as LogLevel,
      argument('--queue-writer') === 'thread',
      argument('--profile-dir'),
    );
    return;
  }
  const settings: Settings = {
    client: process.env.BENCH_API_CLIENT === Client.NodeHttp ? Client.NodeHttp : Client.Raw,
    profileDir: process.env.BENCH_API_PROFILE || undefined,
    logLevel: (process.env.BENCH_API_LOG_LEVEL || 'silent') as LogLevel,
    queueWriter: process.env.BENCH_API_QUEUE_WRITER === 'thread' ? 'thread' : 'inline',
  };
  console.log(
    `webhook ingest, concurrency ${CONCURRENCY}, ${MEASURE_MS / 1000} s per server after ${WARMUP_MS / 1000} s warm-up, ${settings.client} client, server log level ${settings.logLevel}, queue commits ${settings.queueWriter === 'thread' ? 'on a writer thread' : 'on the event loop'}`,
  );
  // Alternate the servers, twice each, and keep the better run of each: other work on the
  // machine then weighs on both alike rather than on whichever ran second.
  // The floors first, once each: they are context, not competitors.
  const runs: Awaited<ReturnType<typeof measure>>[] = [];
  const modes = ['floor', 'fastify-floor', 'baseline', 'durable', 'baseline', 'durable'] as const;
  for (const mode of modes) {
    const run = await measure(mode, settings);
    runs.push(run);
    console.log(
      `  ${LABELS[mode]}: ${run.rps} req/s  p50 ${run.p50_ms} ms  p99 ${run.p99_ms} ms  errors ${run.errors}  cpu/request: server ${run.server_cpu_us_per_request} µs, client ${run.client_cpu_us_per_request} µs  server loop busy ${Math.round(run.server_event_loop_utilisation * 100)}%${mode === 'durable' ? `  (${run.queued} events on disk)` : ''}`,
    );
  }
  const best = (mode: Mode) =>
    runs.filter((r) => r.mode === mode).reduce((a, b) => (b.rps > a.rps ? b : a));
  const floor = best('floor');
  const fastifyFloor = best('fastify-floor');
  const baseline = best('baseline');
  const durable = best('durable');
  const ratio = Math.round((durable.rps / baseline.rps) * 100) / 100;
  console.log(`  durable / no persistence:    ${ratio}x (target >= 0.45x, p99 < 10 ms)`);
  console.log(
    JSON.stringify({
      bench: 'api-webhook-ingest',
      concurrency: CONCURRENCY,
      client: settings.client,
      queue_writer: settings.queueWriter,
      durable_rps: durable.rps,
      baseline_rps: baseline.rps,
      ratio,
      p99_ms: durable.p99_ms,
      p50_ms: durable.p50_ms,
      baseline_p99_ms: baseline.p99_ms,
      floor_rps: floor.rps,
      floor_p99_ms: floor.p99_ms,
      fastify_floor_rps: fastifyFloor.rps,
      fastify_floor_p99_ms: fastifyFloor.p99_ms,
      durable_errors: durable.errors,
      baseline_errors: baseline.errors,
      durable_events_on_disk: durable.queued,
      durable_server_cpu_us_per_request: durable.server_cpu_us_per_request,
      baseline_server_cpu_us_per_request: baseline.server_cpu_us_per_request,
      client_cpu_us_per_request: durable.client_cpu_us_per_request,
    }),
  );
}

await main();
