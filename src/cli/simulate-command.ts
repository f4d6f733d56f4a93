/**
 * `paystep simulate`: a day of payments through the real engine, workflow, handlers and SQLite
 * stores with the simulated gateway, on virtual time, with a progress bar on stderr, the summary
 * and the invariants on stdout, and optionally a self-contained HTML report. With
 * `--crash-every <n>` the day runs in a child process killed with SIGKILL at random commit points
 * and restarted until it completes. Exit 0 when every invariant holds, 1 when one is violated.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runChaos } from '../sim/chaos.js';
import { planDay } from '../sim/day-plan.js';
import { readDayRecord } from '../sim/day-record.js';
import { renderHtmlReport } from '../sim/html-report.js';
import { checkInvariants, formatInvariants } from '../sim/invariants.js';
import type { SimulationConfig } from '../sim/sim-config.js';
import { parseDuration, resolveSimulationConfig } from '../sim/sim-config.js';
import type { SimulationProgress } from '../sim/simulation.js';
import { runSimulation } from '../sim/simulation.js';
import { formatSummary, summarize } from '../sim/summary.js';
import { openDatabase } from '../sqlite/database.js';
import type { Io } from './asl-commands.js';
import type { ParsedArgs } from './args.js';
import { numberOption, stringOption, UsageError } from './args.js';

/** The usage lines `paystep help` shows for this command. */
export const simulateUsage = `  simulate [--payments 2000] [--over 24h] [--seed 1] [--report <file.html>] [--db <file>]
           [--crash-every <n>] [--crashes 20] [--decline-rate 0.04] [--transient-rate 0.05]
           [--timeout-rate 0.01] [--outage 10m] [--outage-at 12h] [--invalid-rate 0.01]
           [--latency-median 180] [--latency-p99 1500] [--bursts 4] [--no-progress]
                                 simulate a day of payments on virtual time; with --crash-every,
                                 SIGKILL the process at random commit points and check invariants`;

function durationOption(args: ParsedArgs, name: string): number | undefined {
  const text = stringOption(args, name);
  if (text === undefined) return undefined;
  const ms = parseDuration(text);
  if (ms === undefined) throw new UsageError(`--${name} must be a duration like 24h, 10m or 30s`);
  return ms;
}

function optionalNumber(args: ParsedArgs, name: string): number | undefined {
  return args.options.has(name) ? numberOption(args, name, 0) : undefined;
}

/** Reads the configuration from the flags; bad values are usage errors. */
export function simulationConfigFrom(args: ParsedArgs): Readonly<SimulationConfig> {
  try {
    return resolveSimulationConfig({
      payments: optionalNumber(args, 'payments'),
      overMs: durationOption(args, 'over'),
      seed: optionalNumber(args, 'seed'),
      declineRate: optionalNumber(args, 'decline-rate'),
      transientErrorRate: optionalNumber(args, 'transient-rate'),
      timeoutRate: optionalNumber(args, 'timeout-rate'),
      outageMs: durationOption(args, 'outage'),
      outageAtMs: durationOption(args, 'outage-at'),
      invalidRate: optionalNumber(args, 'invalid-rate'),
      latencyMedianMs: optionalNumber(args, 'latency-median'),
      latencyP99Ms: optionalNumber(args, 'latency-p99'),
      bursts: optionalNumber(args, 'bursts'),
    } as Partial<SimulationConfig>);
  } catch (error) {
    if (error instanceof RangeError) throw new UsageError(error.message);
    throw error;
  }
}

/** A one-line progress bar, redrawn in place on stderr when something visible changed. */
function progressBar(io: Io, enabled: boolean): (progress: SimulationProgress) => void {
  let last = '';
  return (progress) => {
    if (!enabled) return;
    const share = progress.total === 0 ? 1 : progress.finished / progress.total;
    const filled = Math.round(share * 30);
    const line = `[${'#'.repeat(filled)}${'.'.repeat(30 - filled)}] ${progress.finished}/${progress.total} payments, virtual ${new Date(progress.virtualNow).toISOString().slice(11, 16)}`;
    if (line === last) return;
    last = line;
    if (process.stderr.isTTY) process.stderr.write(`\r${line}`);
    else if (progress.finished === progress.total || filled % 3 === 0) io.stderr(line);
  };
}

/** `paystep simulate`. */
export async function simulateCommand(args: ParsedArgs, io: Io): Promise<number> {
  const config = simulationConfigFrom(args);
  const crashEvery = optionalNumber(args, 'crash-every');
  if (crashEvery !== undefined && !(Number.isInteger(crashEvery) && crashEvery >= 1))
    throw new UsageError('--crash-every must be a whole number of at least 1');
  const maxCrashes = numberOption(args, 'crashes', 20);
  const reportFile = stringOption(args, 'report');
  const dbOption = stringOption(args, 'db');
  const scratch = dbOption ? undefined : mkdtempSync(join(tmpdir(), 'paystep-sim-'));
  const file = dbOption ?? join(scratch as string, 'simulation.db');
  const progress = progressBar(io, !args.options.has('no-progress'));
  const started = performance.now();
  try {
    let crashes: number | undefined;
    if (crashEvery === undefined) {
      await runSimulation(config, { file, onProgress: progress });
    } else {
      const result = await runChaos(config, {
        file,
        crashEvery,
        maxCrashes,
        onProgress: progress,
      });
      crashes = result.crashes;
    }
    if (process.stderr.isTTY) process.stderr.write('\n');
    const wallSeconds = (performance.now() - started) / 1000;
    const plan = planDay(config);
    const db = openDatabase(file, { synchronous: 'OFF' });
    let record;
    try {
      record = await readDayRecord(db, plan);
    } finally {
      db.close();
    }
    const summary = summarize(config, plan, record);
    const invariants = checkInvariants(record);
    for (const line of formatSummary(summary)) io.stdout(line);
    if (crashes !== undefined)
      io.stdout(`  process kills       ${crashes} (SIGKILL at random commit points)`);
    io.stdout(`  wall time           ${wallSeconds.toFixed(1)} s`);
    io.stdout('invariants');
    for (const line of formatInvariants(invariants)) io.stdout(line);
    if (reportFile) {
      writeFileSync(
        reportFile,
        renderHtmlReport(summary, {
          invariants,
          wallSeconds,
          ...(crashes === undefined ? {} : { crashes }),
        }),
      );
      io.stdout(`report written to ${reportFile}`);
    }
    return invariants.every((r) => r.ok) ? 0 : 1;
  } finally {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  }
}
