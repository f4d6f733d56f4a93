/**
 * Chaos: the simulated day runs in a child process that is killed with SIGKILL at random points
 * of the engine's commit cycle (before a commit, after it, before a task is dispatched), and
 * restarted on the same SQLite file each time, until the day completes. The points are drawn from
 * the seed, so a chaos run replays; after `maxCrashes` kills the last process runs to the end.
 */
import { spawn } from 'node:child_process';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mulberry32 } from '../adapters/gateway/seeded-random.js';
import type { SimulationConfig } from './sim-config.js';
import type { SimulationProgress } from './simulation.js';

export interface ChaosOptions {
  /** The SQLite file the day is kept in across processes. */
  file: string;
  /** Mean number of crash points a process passes before it is killed. */
  crashEvery: number;
  /** Most kills; the process after the last one runs to the end. @default 20 */
  maxCrashes?: number;
  /** Told of the children's progress. @default none */
  onProgress?: (progress: SimulationProgress) => void;
  /** Told of each kill, with the crash point counted to. @default none */
  onCrash?: (crash: { number: number; at: number }) => void;
}

export interface ChaosResult {
  /** Processes killed with SIGKILL. */
  crashes: number;
  /** Processes started, the last one included. */
  processes: number;
}

/** What the worker needs, passed as one JSON argument. */
export interface ChaosWorkerArgs {
  file: string;
  config: SimulationConfig;
  /** Kill this process at the n-th crash point it passes; 0 for never. */
  crashAt: number;
}

/** The worker script next to this module, and how to run it (tsx for the TypeScript sources). */
function workerCommand(): { command: string; args: string[] } {
  const self = fileURLToPath(import.meta.url);
  const extension = extname(self);
  const script = self.slice(0, -extension.length).replace(/chaos$/, 'chaos-worker') + extension;
  const loader = extension === '.ts' ? ['--import', 'tsx'] : [];
  return { command: process.execPath, args: [...loader, script] };
}

/** Runs the day of `config` under repeated SIGKILLs until it completes. */
export async function runChaos(
  config: SimulationConfig,
  options: ChaosOptions,
): Promise<ChaosResult> {
  const random = mulberry32(config.seed ^ 0xc4a05);
  const maxCrashes = options.maxCrashes ?? 20;
  const { command, args } = workerCommand();
  let crashes = 0;
  for (let processes = 1; ; processes++) {
    const crashAt =
      crashes < maxCrashes ? 1 + Math.floor(random() * Math.max(1, 2 * options.crashEvery)) : 0;
    const workerArgs: ChaosWorkerArgs = { file: options.file, config, crashAt };
    const outcome = await runWorker(
      command,
      [...args, JSON.stringify(workerArgs)],
      options.onProgress,
    );
    if (outcome.signal === 'SIGKILL') {
      crashes++;
      options.onCrash?.({ number: crashes, at: crashAt });
      continue;
    }
    if (outcome.code === 0) return { crashes, processes };
    throw new Error(
      `chaos worker exited with ${outcome.signal ?? `code ${String(outcome.code)}`}: ${outcome.stderr.slice(-2000)}`,
    );
  }
}

function runWorker(
  command: string,
  args: string[],
  onProgress: ((progress: SimulationProgress) => void) | undefined,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let pending = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-20_000);
    });
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      pending += chunk;
      let newline = pending.indexOf('\n');
      while (newline !== -1) {
        const line = pending.slice(0, newline);
        pending = pending.slice(newline + 1);
        newline = pending.indexOf('\n');
        try {
          onProgress?.(JSON.parse(line) as SimulationProgress);
        } catch {
          // Not a progress line.
        }
      }
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stderr }));
  });
}
