/**
 * Crash test for the simulated gateway's SQLite ledger: a real child process is killed with
 * SIGKILL while a charge is waiting for its answer; a gateway opened on the same file afterwards
 * tells the truth about that charge and never applies it twice.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SimulatedGateway } from '../../../src/adapters/gateway/simulated-gateway.js';
import { openDatabase } from '../../../src/sqlite/database.js';
import type { SqliteDatabase } from '../../../src/sqlite/database.js';
import { VirtualTime, chargeRequest } from './gateway-harness.js';

const worker = join(import.meta.dirname, 'gateway-crash-worker.ts');

function crashWorker(file: string, mode: string) {
  return spawnSync(process.execPath, ['--import', 'tsx', worker, file, mode], {
    encoding: 'utf8',
    timeout: 60_000,
  });
}

describe('simulated gateway after a crash', () => {
  let dir: string | undefined;
  let db: SqliteDatabase | undefined;
  afterEach(() => {
    db?.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    db = undefined;
    dir = undefined;
  });

  it.each([
    ['after-apply', 'succeeded', 3],
    ['before-apply', undefined, 2],
  ] as const)(
    'knows whether a charge killed %s was applied, and charges it at most once',
    async (mode, truth, appliedBeforeRetry) => {
      dir = mkdtempSync(join(tmpdir(), 'gateway-crash-'));
      const file = join(dir, 'gateway.db');

      const crashed = crashWorker(file, mode);
      db = openDatabase(file);
      const time = new VirtualTime();
      const gateway = new SimulatedGateway({ db, now: time.now, delay: time.delay });
      const found = await gateway.getCharge('txn-3');
      const appliedBefore = gateway.ledger().length;
      const retried = await gateway.charge(
        chargeRequest({
          idempotencyKey: 'txn-3',
          amount: { amount_minor: 2_500, currency: 'GBP' },
        }),
      );

      expect(crashed.signal).toBe('SIGKILL');
      expect(found?.status).toBe(truth);
      expect(appliedBefore).toBe(appliedBeforeRetry);
      expect(retried.status).toBe('succeeded');
      if (found !== undefined) expect(retried).toEqual(found);
      expect(gateway.chargeCount('txn-3')).toBe(1);
      expect(gateway.ledger().map((entry) => entry.idempotencyKey)).toEqual([
        'txn-1',
        'txn-2',
        'txn-3',
      ]);
    },
  );
});
