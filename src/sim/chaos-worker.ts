/**
 * The chaos child process: runs (or resumes) the simulated day on the given SQLite file and
 * SIGKILLs itself at the n-th crash point of the engine's commit cycle, as the parent chose.
 * Progress goes to stdout as one JSON object a line; exit 0 means the day is complete.
 *
 * argv: one JSON argument, {@link ChaosWorkerArgs}.
 */
import type { ChaosWorkerArgs } from './chaos.js';
import { runSimulation } from './simulation.js';

const args = JSON.parse(process.argv[2] ?? '{}') as ChaosWorkerArgs;
let passed = 0;
let lastReport = 0;
await runSimulation(args.config, {
  file: args.file,
  crashPoint: () => {
    if (args.crashAt > 0 && ++passed === args.crashAt) process.kill(process.pid, 'SIGKILL');
  },
  onProgress: (progress) => {
    // Whole percents only: a line per payment would cost more than the payment.
    const percent = Math.floor((100 * progress.finished) / Math.max(1, progress.total));
    if (percent === lastReport && progress.finished !== progress.total) return;
    lastReport = percent;
    process.stdout.write(`${JSON.stringify(progress)}\n`);
  },
});
