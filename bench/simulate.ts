/**
 * `npm run bench:simulate`: the default simulated day of issue 8 (2,000 payments over 24 h, 5%
 * transient gateway errors, 1% timeouts, a 10-minute outage at noon) through the real engine,
 * handlers and SQLite stores on virtual time. Prints wall time, payments and workflow
 * transitions per wall second, and the speed-up of virtual over wall time (the peer is the clock
 * on the wall: a day of real time, measured in the same run). The last line on stdout is one JSON
 * object for tracking from run to run.
 *
 * argv: [payments] [seed]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readDayRecord } from '../src/sim/day-record.js';
import { checkInvariants } from '../src/sim/invariants.js';
import { formatDuration, resolveSimulationConfig } from '../src/sim/sim-config.js';
import { runSimulation } from '../src/sim/simulation.js';
import { summarize } from '../src/sim/summary.js';
import { openDatabase } from '../src/sqlite/database.js';

const payments = Number(process.argv[2] ?? 2000);
const seed = Number(process.argv[3] ?? 1);
const config = resolveSimulationConfig({ payments, seed });
const dir = mkdtempSync(join(tmpdir(), 'paystep-bench-sim-'));
const file = join(dir, 'day.db');
try {
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const plan = await runSimulation(config, { file });
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const db = openDatabase(file);
  let transitions = 0;
  let summary;
  let invariantsOk = false;
  try {
    transitions = (
      db.prepare('SELECT COALESCE(SUM(last_id - first_id + 1), 0) AS n FROM history').get() as {
        n: number;
      }
    ).n;
    const record = await readDayRecord(db, plan);
    summary = summarize(config, plan, record);
    invariantsOk = checkInvariants(record).every((r) => r.ok);
  } finally {
    db.close();
  }
  const virtualMs = config.overMs;
  const figures = {
    benchmark: 'simulate',
    payments,
    seed,
    wallSeconds: Number((wallMs / 1000).toFixed(2)),
    cpuSeconds: Number(((cpu.user + cpu.system) / 1e6).toFixed(2)),
    paymentsPerSecond: Math.round(payments / (wallMs / 1000)),
    historyEventsPerSecond: Math.round(transitions / (wallMs / 1000)),
    virtualOverWall: Math.round(virtualMs / wallMs),
    latencyP99Ms: summary.latency.p99,
    invariantsOk,
  };
  console.log(`simulated day: ${payments} payments over ${formatDuration(virtualMs)}`);
  console.log(`  wall time            ${figures.wallSeconds} s (CPU ${figures.cpuSeconds} s)`);
  console.log(`  payments / s         ${figures.paymentsPerSecond}`);
  console.log(`  history events / s   ${figures.historyEventsPerSecond}`);
  console.log(`  virtual / wall time  ${figures.virtualOverWall}x`);
  console.log(`  invariants           ${invariantsOk ? 'hold' : 'VIOLATED'}`);
  console.log(JSON.stringify(figures));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
