import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fixedLatency, uniformLatency } from '../../../src/adapters/gateway/latency.js';
import { Fault, SimulatedGateway } from '../../../src/adapters/gateway/simulated-gateway.js';
import type { SimulatedGatewayOptions } from '../../../src/adapters/gateway/simulated-gateway.js';
import { GatewayErrorCode } from '../../../src/payments/ports/gateway.js';
import { openDatabase } from '../../../src/sqlite/database.js';
import type { SqliteDatabase } from '../../../src/sqlite/database.js';
import { VirtualTime, chargeRequest, outcomeOf } from './gateway-harness.js';

type Options = Omit<SimulatedGatewayOptions, 'now' | 'delay'>;

function simulator(options: Options = {}, time = new VirtualTime()) {
  return { sim: new SimulatedGateway({ ...options, now: time.now, delay: time.delay }), time };
}

describe('SimulatedGateway', () => {
  describe('with a SQLite ledger', () => {
    const dirs: string[] = [];
    const dbs: SqliteDatabase[] = [];
    afterEach(() => {
      for (const db of dbs.splice(0)) db.close();
      for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
    });
    function open(file: string) {
      const db = openDatabase(file);
      dbs.push(db);
      return db;
    }

    it('keeps charges across a restart, so a repeat after it does not charge again', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'gateway-sim-'));
      dirs.push(dir);
      const file = join(dir, 'paystep.db');
      const before = simulator({ db: open(file), plan: () => Fault.TimeoutAfterApply }).sim;
      const lost = await outcomeOf(before.charge(chargeRequest()));
      dbs.pop()?.close();

      const after = simulator({ db: open(file) }).sim;
      const truth = await after.getCharge('txn-0001');
      const repeated = await after.charge(chargeRequest());

      expect(lost).toEqual({ error: GatewayErrorCode.Timeout });
      expect(truth?.status).toBe('succeeded');
      expect(repeated).toEqual(truth);
      expect(after.chargeCount('txn-0001')).toBe(1);
    });

    it('lets SQL count the charges per key', async () => {
      const db = open(':memory:');
      const { sim } = simulator({ db });
      await sim.charge(chargeRequest({ idempotencyKey: 'a' }));
      await sim.charge(chargeRequest({ idempotencyKey: 'a' }));
      await sim.charge(chargeRequest({ idempotencyKey: 'b' }));

      const rows = db
        .prepare(
          "SELECT idempotency_key AS key, COUNT(*) AS n FROM gateway_sim_ledger WHERE kind = 'charge' GROUP BY key ORDER BY key",
        )
        .all();

      expect(rows).toEqual([
        { key: 'a', n: 1 },
        { key: 'b', n: 1 },
      ]);
    });

    it('gives two gateways on one file the same ledger, one charge per key', async () => {
      const db = open(':memory:');
      const first = simulator({ db }).sim;
      const second = simulator({ db }).sim;

      const a = await first.charge(chargeRequest());
      const b = await second.charge(chargeRequest());

      expect(b).toEqual(a);
      expect(second.ledger()).toEqual(first.ledger());
      expect(first.chargeCount('txn-0001')).toBe(1);
    });

    it('records refunds with their charge', async () => {
      const { sim } = simulator({ db: open(':memory:') });
      const charge = await sim.charge(chargeRequest());

      await sim.refund({ idempotencyKey: 'rf-1', chargeId: charge.chargeId });

      expect(sim.ledger()).toMatchObject([
        { seq: 1, kind: 'charge', idempotencyKey: 'txn-0001' },
        { seq: 2, kind: 'refund', idempotencyKey: 'rf-1', result: { chargeId: charge.chargeId } },
      ]);
    });
  });

  describe('time', () => {
    it('waits each call latency on the injected delay', async () => {
      const { sim, time } = simulator({ latency: fixedLatency(120) });

      await sim.charge(chargeRequest());
      await sim.getCharge('txn-0001');

      expect(time.delays).toEqual([120, 120]);
    });

    it('draws latency from the seed: same delays for the same seed', async () => {
      const run = async () => {
        const { sim, time } = simulator({ seed: 9, latency: uniformLatency(10, 500) });
        for (const key of ['a', 'b', 'c', 'd'])
          await sim.charge(chargeRequest({ idempotencyKey: key }));
        return time.delays;
      };

      const first = await run();

      expect(await run()).toEqual(first);
      expect(new Set(first).size).toBeGreaterThan(1);
    });

    it('decides an outage by the time a call arrives, not when its latency ends', async () => {
      const time = new VirtualTime(1_000);
      const { sim } = simulator(
        { latency: fixedLatency(50), outages: [{ startMs: 1_000, endMs: 1_030 }] },
        time,
      );

      const during = await outcomeOf(sim.charge(chargeRequest({ idempotencyKey: 'a' })));
      const after = await outcomeOf(sim.charge(chargeRequest({ idempotencyKey: 'b' })));

      expect(during).toEqual({ error: GatewayErrorCode.Unavailable });
      expect(after).toMatchObject({ ok: { status: 'succeeded' } });
      expect(time.now()).toBe(1_100);
    });

    it('stamps charges with the injected clock', async () => {
      const { sim } = simulator({}, new VirtualTime(Date.UTC(2026, 4, 17, 9, 30)));

      const result = await sim.charge(chargeRequest());

      expect(result.createdAt).toBe('2026-05-17T09:30:00.000Z');
    });
  });

  describe('rates', () => {
    it('declines about the configured share of payments', async () => {
      const { sim } = simulator({ seed: 3, declineRate: 0.2 });
      let declined = 0;
      for (let i = 0; i < 1_000; i++) {
        const result = await sim.charge(chargeRequest({ idempotencyKey: `txn-${i}` }));
        if (result.status === 'declined') declined++;
      }

      expect(declined).toBeGreaterThan(150);
      expect(declined).toBeLessThan(250);
    });

    it('splits timeouts between before and after applying by timeoutAfterApplyRate', async () => {
      const { sim } = simulator({ seed: 5, timeoutRate: 1, timeoutAfterApplyRate: 0.25 });
      for (let i = 0; i < 400; i++) {
        await outcomeOf(sim.charge(chargeRequest({ idempotencyKey: `txn-${i}` })));
      }

      const applied = sim.ledger().length;

      expect(applied).toBeGreaterThan(70);
      expect(applied).toBeLessThan(130);
    });

    it('fails lookups at lookupErrorRate and leaves charges alone', async () => {
      const { sim } = simulator({ lookupErrorRate: 1 });

      const charged = await outcomeOf(sim.charge(chargeRequest()));
      const lookedUp = await outcomeOf(sim.getCharge('txn-0001'));

      expect(charged).toMatchObject({ ok: { status: 'succeeded' } });
      expect(lookedUp).toEqual({ error: GatewayErrorCode.Transient });
    });

    it('counts attempts per operation and key, failed ones included', async () => {
      const { sim } = simulator({
        plan: (call) => (call.attempt < 3 ? Fault.Transient : undefined),
      });

      for (let i = 0; i < 3; i++) await outcomeOf(sim.charge(chargeRequest()));

      expect(sim.attempts('charge', 'txn-0001')).toBe(3);
      expect(sim.attempts('getCharge', 'txn-0001')).toBe(0);
      expect(sim.chargeCount('txn-0001')).toBe(1);
    });

    it.each([
      [{ declineRate: 1.5 }],
      [{ timeoutRate: -0.1 }],
      [{ transientErrorRate: 0.6, timeoutRate: 0.6 }],
      [{ declineCodes: [] }],
    ])('rejects impossible options %j', (options) => {
      expect(() => simulator(options)).toThrow(RangeError);
    });
  });
});
