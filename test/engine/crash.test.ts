/**
 * Crash tests: a real child process running workflows is killed with SIGKILL at many distinct
 * points (before and after commits, before a task is dispatched, in the middle of a task); after
 * a restart on the same SQLite file every execution finishes with the output and history it
 * would have had without the crash.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const worker = join(import.meta.dirname, 'crash-worker.ts');

function runWorker(db: string, crash?: [string, number]) {
  return spawnSync(
    process.execPath,
    ['--import', 'tsx', worker, db, ...(crash ? [crash[0], String(crash[1])] : [])],
    {
      encoding: 'utf8',
      timeout: 60_000,
    },
  );
}

function withDb<T>(body: (db: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'paystep-crash-'));
  try {
    return body(join(dir, 'crash.db'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A handler's error cause carries its stack trace, as AWS Lambda's does. Below the frame that
 * threw, the trace shows how the engine happened to schedule the call (from which queue of
 * ticks), which a resumed run need not repeat: compare the throwing frame only.
 */
function throwingFrameOnly(value: unknown): unknown {
  if (typeof value === 'string' && value.startsWith('{"errorMessage"')) {
    const cause = JSON.parse(value) as { trace?: string[] };
    return JSON.stringify({ ...cause, trace: cause.trace?.slice(0, 1) });
  }
  if (Array.isArray(value)) return value.map(throwingFrameOnly);
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, throwingFrameOnly(v)]));
  return value;
}

function outcomes(stdout: string) {
  return throwingFrameOnly(JSON.parse(stdout)) as Record<string, { status: string }>;
}

const reference = withDb((db) => {
  const result = runWorker(db);
  if (result.status !== 0) throw new Error(`reference run failed: ${result.stderr}`);
  return outcomes(result.stdout);
});

// A reference run makes 7 commits, 22 task dispatches and 18 task invocations: points spread
// over the whole run, including during the Map, the Parallel's Wait and the retry backoff.
const crashes: [string, number][] = [
  ['before-commit', 1],
  ['before-commit', 3],
  ['before-commit', 5],
  ['before-commit', 7],
  ['after-commit', 1],
  ['after-commit', 4],
  ['after-commit', 6],
  ['before-dispatch', 2],
  ['before-dispatch', 11],
  ['before-dispatch', 20],
  ['mid-task', 1],
  ['mid-task', 9],
  ['mid-task', 17],
];

describe('crash recovery', () => {
  it('has a reference run where every execution closes', () => {
    expect(
      Object.values(reference)
        .map((r) => r.status)
        .sort(),
    ).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
  });

  it.each(crashes)(
    'finishes every execution identically after SIGKILL at %s #%i',
    (point, occurrence) => {
      withDb((db) => {
        const crashed = runWorker(db, [point, occurrence]);
        expect(crashed.signal).toBe('SIGKILL');
        const resumed = runWorker(db);
        expect(resumed.stderr).toBe('');
        expect(resumed.status).toBe(0);
        expect(outcomes(resumed.stdout)).toEqual(reference);
      });
    },
  );
});
