/**
 * `npm run bench`: runs the engine, API and simulated-day benchmarks one after another, each in
 * its own child process (so one's heap and SQLite files do not weigh on the next), shows their
 * output as it comes, and ends with ONE Markdown table of the figures and of the peer ratios
 * measured in this run, with the machine and the date, ready to paste into the README's
 * performance section. Each benchmark's last stdout line is a JSON object; that is all this
 * reads of it (plus, for the engine's single-execution peer figure, the row it prints).
 *
 * argv: [names...] to run only some of engine, api, simulate. Exits 1 if any benchmark failed.
 */
import { spawn } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';

interface Bench {
  readonly name: 'engine' | 'api' | 'simulate';
  readonly file: string;
}

const BENCHES: readonly Bench[] = [
  { name: 'engine', file: 'engine.ts' },
  { name: 'api', file: 'api.ts' },
  { name: 'simulate', file: 'simulate.ts' },
];

interface BenchRun {
  readonly name: Bench['name'];
  readonly ok: boolean;
  readonly stdout: string;
  /** The last stdout line parsed as a JSON object, if it was one. */
  readonly figures: Readonly<Record<string, unknown>> | undefined;
  readonly wallSeconds: number;
}

/** Runs one benchmark as `node --import tsx bench/<file>`, echoing its stdout as it comes. */
function runBench(bench: Bench): Promise<BenchRun> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(import.meta.dirname, bench.file)],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const chunks: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      process.stdout.write(chunk);
    });
    const finish = (ok: boolean) => {
      const stdout = Buffer.concat(chunks).toString('utf8');
      const figures = lastJsonObject(stdout);
      resolve({
        name: bench.name,
        ok: ok && figures !== undefined,
        stdout,
        figures,
        wallSeconds: (performance.now() - started) / 1000,
      });
    };
    child.once('error', () => finish(false));
    child.once('close', (code) => finish(code === 0));
  });
}

/** The last non-empty line of `text` if it is a JSON object. */
function lastJsonObject(text: string): Record<string, unknown> | undefined {
  const line = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0)
    .pop();
  if (line === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(line);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function num(figures: Readonly<Record<string, unknown>> | undefined, key: string) {
  const value = figures?.[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/**
 * The peer's executions per second at concurrency 1. The engine benchmark's JSON line names
 * only the concurrency-100 peer figure, so this reads the row it prints for concurrency 1 when
 * the JSON has no `peer_eps_c1`.
 */
function peerEpsC1(run: BenchRun | undefined): number | undefined {
  const fromJson = num(run?.figures, 'peer_eps_c1');
  if (fromJson !== undefined) return fromJson;
  const row = run?.stdout
    .split('\n')
    .find((l) => /aws-local-stepfunctions.*conc(\.|urrency) 1\b/.test(l));
  const value = row ? Number(/\s(\d+(?:\.\d+)?)\s+\d+(?:\.\d+)?\s*$/.exec(row)?.[1]) : NaN;
  return Number.isFinite(value) ? value : undefined;
}

const fmt = (value: number | undefined, digits = 0, unit = '') =>
  value === undefined
    ? 'n/a'
    : `${value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })}${unit}`;

const ratio = (ours: number | undefined, peer: number | undefined) =>
  ours === undefined || peer === undefined || peer === 0 ? undefined : ours / peer;

/** The Markdown section: machine, date, and one table of every figure with its peer. */
function renderSummary(runs: readonly BenchRun[], now = new Date()): string {
  const byName = new Map(runs.map((r) => [r.name, r]));
  const engine = byName.get('engine');
  const api = byName.get('api');
  const sim = byName.get('simulate');
  const e = engine?.figures;
  const a = api?.figures;
  const s = sim?.figures;
  const cpu = cpus();
  const rows: [string, string, string, string][] = [];
  const add = (figure: string, ours: string, peer: string, r: string) =>
    rows.push([figure, ours, peer, r]);

  if (engine) {
    const c1 = num(e, 'engine_eps_c1');
    const p1 = peerEpsC1(engine);
    const c100 = num(e, 'engine_eps');
    const p100 = num(e, 'peer_eps');
    add(
      'Engine executions/s, concurrency 1 (durable, fsync)',
      fmt(c1),
      fmt(p1),
      fmt(ratio(c1, p1), 2, 'x'),
    );
    add(
      'Engine executions/s, concurrency 100 (durable, fsync)',
      fmt(c100),
      fmt(p100),
      fmt(num(e, 'ratio') ?? ratio(c100, p100), 2, 'x'),
    );
    add(
      'Engine CPU µs per state transition (lower is better)',
      fmt(num(e, 'us_per_transition'), 1),
      fmt(num(e, 'peer_us_per_state'), 1),
      fmt(ratio(num(e, 'us_per_transition'), num(e, 'peer_us_per_state')), 2, 'x'),
    );
    add(
      'Pure interpreter CPU µs per state (no storage)',
      fmt(num(e, 'interpreter_us_per_state'), 2),
      '',
      '',
    );
    add('Single execution on an idle engine, p50', fmt(num(e, 'p50_ms_c1'), 2, ' ms'), '', '');
    const syncMs = num(e, 'disk_sync_p50_ms');
    if (syncMs !== undefined) {
      add(
        "Disk floor: 4 KB write + fdatasync p50, and six of them (an execution's commits)",
        `${fmt(syncMs, 3, ' ms')}, ${fmt(syncMs * 6, 2, ' ms')}`,
        '',
        '',
      );
    }
  }
  if (api) {
    const durable = num(a, 'durable_rps');
    const baseline = num(a, 'baseline_rps');
    const concurrency = num(a, 'concurrency');
    const c = concurrency === undefined ? '' : `, concurrency ${concurrency}`;
    add(
      `Webhook ingest requests/s${c} (durable vs no persistence)`,
      fmt(durable),
      fmt(baseline),
      fmt(num(a, 'ratio') ?? ratio(durable, baseline), 2, 'x'),
    );
    add(
      'Webhook ingest p99 (durable vs no persistence)',
      fmt(num(a, 'p99_ms'), 2, ' ms'),
      fmt(num(a, 'baseline_p99_ms'), 2, ' ms'),
      '',
    );
    const floors = [
      ['floor', 'Machine floor: bare node:http'],
      ['fastify_floor', 'Framework floor: bare Fastify route'],
    ] as const;
    for (const [key, label] of floors) {
      const rps = num(a, `${key}_rps`);
      if (rps === undefined) continue;
      const p99 = fmt(num(a, `${key}_p99_ms`), 2, ' ms');
      add(`${label}, same client (requests/s, p99)`, `${fmt(rps)}, ${p99}`, '', '');
    }
  }
  if (sim) {
    const payments = num(s, 'payments');
    add(
      `Simulated day${payments === undefined ? '' : ` (${fmt(payments)} payments)`}: wall time`,
      fmt(num(s, 'wallSeconds'), 2, ' s'),
      '',
      '',
    );
    add('Simulated day: payments/s of wall time', fmt(num(s, 'paymentsPerSecond')), '', '');
    add('Simulated day: virtual time / wall time', fmt(num(s, 'virtualOverWall'), 0, 'x'), '', '');
  }

  const failed = runs.filter((r) => !r.ok).map((r) => r.name);
  const lines = [
    `### Benchmarks (${now.toISOString().slice(0, 10)})`,
    '',
    `Machine: ${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB RAM, ${process.platform}/${process.arch}, Node ${process.version}. Peers measured in the same run: aws-local-stepfunctions (in memory) for the engine, the same Fastify server without persistence for the API.`,
    '',
    '| Figure | paystep | Peer | paystep / peer |',
    '|---|--:|--:|--:|',
    ...rows.map((cells) => `| ${cells.join(' | ')} |`),
  ];
  if (failed.length > 0) lines.push('', `Failed (no figures): ${failed.join(', ')}.`);
  return lines.join('\n');
}

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const chosen = BENCHES.filter((b) => wanted.length === 0 || wanted.includes(b.name));
  const runs: BenchRun[] = [];
  for (const bench of chosen) {
    console.log(`\n=== bench:${bench.name} ===`);
    runs.push(await runBench(bench));
  }
  console.log(`\n${renderSummary(runs)}`);
  if (runs.some((r) => !r.ok)) process.exitCode = 1;
}

await main();
