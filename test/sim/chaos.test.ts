/**
 * Chaos: the simulated day in a real child process, SIGKILLed at random commit points and
 * restarted on the same SQLite file until the day completes; then the invariants hold.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runChaos } from '../../src/sim/chaos.js';
import { planDay } from '../../src/sim/day-plan.js';
import { readDayRecord } from '../../src/sim/day-record.js';
import { checkInvariants } from '../../src/sim/invariants.js';
import { HourMs, resolveSimulationConfig } from '../../src/sim/sim-config.js';
import { summarize } from '../../src/sim/summary.js';
import { openDatabase } from '../../src/sqlite/database.js';

const dir = mkdtempSync(join(tmpdir(), 'paystep-chaos-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// `npm run test:soak` sets PAYSTEP_SOAK=1: a longer day and many more kills.
const soak = process.env['PAYSTEP_SOAK'] === '1';

describe('chaos', () => {
  it('finishes a day killed with SIGKILL at random points, with every invariant holding', async () => {
    const config = resolveSimulationConfig({
      payments: soak ? 400 : 40,
      overMs: soak ? 6 * HourMs : HourMs,
      seed: 11,
      transientErrorRate: 0.15,
      timeoutRate: 0.05,
    });
    const file = join(dir, 'chaos.db');
    const crashes: number[] = [];
    const result = await runChaos(config, {
      file,
      crashEvery: soak ? 200 : 60,
      maxCrashes: soak ? 40 : 4,
      onCrash: (crash) => crashes.push(crash.at),
    });
    expect(result.crashes).toBeGreaterThanOrEqual(1);
    expect(crashes).toHaveLength(result.crashes);
    expect(result.processes).toBe(result.crashes + 1);

    const plan = planDay(config);
    const db = openDatabase(file);
    try {
      const record = await readDayRecord(db, plan);
      expect(checkInvariants(record).filter((r) => !r.ok)).toEqual([]);
      const summary = summarize(config, plan, record);
      expect(summary.outcomes.unfinished).toBe(0);
      expect(summary.gateway.chargesSucceeded).toBeGreaterThanOrEqual(summary.outcomes.approved);
    } finally {
      db.close();
    }
  });
});
