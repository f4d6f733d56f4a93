/**
 * Exactly once under crashes: the process is SIGKILLed right after a charge reached the gateway
 * and before its result was committed; after a restart the charge task runs again with the same
 * idempotency key, and the gateway's ledger shows exactly one charge per successful payment.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const worker = join(import.meta.dirname, 'charge-crash-worker.ts');

function run(db: string, occurrence?: number) {
  const args = ['--import', 'tsx', worker, db, ...(occurrence ? [String(occurrence)] : [])];
  return spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 60_000 });
}

describe('charging under SIGKILL', () => {
  it.each([1, 3])(
    'charges each payment exactly once after a kill following charge #%i',
    (occurrence) => {
      const dir = mkdtempSync(join(tmpdir(), 'paystep-charge-crash-'));
      try {
        const db = join(dir, 'paystep.db');
        expect(run(db, occurrence).signal).toBe('SIGKILL');
        const resumed = run(db);
        expect(resumed.stderr).toBe('');
        const results = JSON.parse(resumed.stdout) as Record<
          string,
          { execution: string; transaction: string; charges: number }
        >;
        expect(Object.values(results)).toEqual(
          Array.from({ length: 4 }, () => ({
            execution: 'SUCCEEDED',
            transaction: 'COMPLETED',
            charges: 1,
          })),
        );
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
