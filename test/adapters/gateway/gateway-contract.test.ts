/**
 * The PaymentGateway contract, run against every adapter: the simulator in process, and the HTTP
 * client against a real gateway-sim server. The simulator's ledger is the witness that nothing
 * was charged twice.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Fault } from '../../../src/adapters/gateway/simulated-gateway.js';
import type { GatewayCall } from '../../../src/adapters/gateway/simulated-gateway.js';
import { DeclineCode, GatewayErrorCode } from '../../../src/payments/ports/gateway.js';
import type { ChargeResult } from '../../../src/payments/ports/gateway.js';
import { chargeRequest, directHarness, httpHarness, outcomeOf } from './gateway-harness.js';
import type { GatewayHarness, HarnessFactory, SimOptions } from './gateway-harness.js';

const adapters: readonly (readonly [string, HarnessFactory])[] = [
  ['SimulatedGateway', directHarness],
  ['HttpGateway -> gateway-sim server', httpHarness],
];

/** A plan that gives `fault` to the first call of `operation`, and none to the rest. */
function firstCall(operation: GatewayCall['operation'], fault: Fault) {
  return (call: GatewayCall) =>
    call.operation === operation && call.attempt === 1 ? fault : Fault.None;
}

describe.each(adapters)('PaymentGateway contract: %s', (_name, makeHarness) => {
  let harness: GatewayHarness | undefined;
  const open = async (options?: SimOptions) => {
    harness = await makeHarness(options);
    return harness;
  };
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  describe('idempotency', () => {
    it('returns the first result for a repeated key and records one charge', async () => {
      const { gateway, sim } = await open();

      const first = await gateway.charge(chargeRequest());
      const second = await gateway.charge(chargeRequest());

      expect(first.status).toBe('succeeded');
      expect(second).toEqual(first);
      expect(sim.chargeCount('txn-0001')).toBe(1);
      expect(sim.ledger()).toHaveLength(1);
    });

    it('records one charge when the same key arrives concurrently', async () => {
      const { gateway, sim } = await open();

      const results = await Promise.all(
        Array.from({ length: 8 }, () => gateway.charge(chargeRequest())),
      );

      expect(new Set(results.map((result) => result.chargeId)).size).toBe(1);
      expect(sim.chargeCount('txn-0001')).toBe(1);
    });

    it('charges different keys separately', async () => {
      const { gateway, sim } = await open();

      const a = await gateway.charge(chargeRequest({ idempotencyKey: 'txn-a' }));
      const b = await gateway.charge(chargeRequest({ idempotencyKey: 'txn-b' }));

      expect(a.chargeId).not.toBe(b.chargeId);
      expect(sim.ledger().map((entry) => entry.idempotencyKey)).toEqual(['txn-a', 'txn-b']);
    });

    it.each([
      ['amount', { amount: { amount_minor: 99, currency: 'USD' } }],
      ['currency', { amount: { amount_minor: 12_550, currency: 'EUR' } }],
      ['payment method', { paymentMethodToken: 'tok_mastercard' }],
      ['customer', { customerId: 'cus_2' }],
    ])('rejects a reused key with another %s as an idempotency conflict', async (_what, change) => {
      const { gateway, sim } = await open();
      await gateway.charge(chargeRequest());

      const error = await gateway.charge(chargeRequest(change)).catch((e: unknown) => e);

      expect(error).toMatchObject({
        name: GatewayErrorCode.IdempotencyConflict,
        code: GatewayErrorCode.IdempotencyConflict,
        retryable: false,
      });
      expect(sim.ledger()).toHaveLength(1);
    });
  });

  describe('declines', () => {
    it.each([
      DeclineCode.InsufficientFunds,
      DeclineCode.CardDeclined,
      DeclineCode.ExpiredCard,
      DeclineCode.DoNotHonor,
    ])('resolves a %s decline as a result, not an error', async (code) => {
      const { gateway, sim } = await open();

      const result = await gateway.charge(
        chargeRequest({ paymentMethodToken: `tok_decline_${code}` }),
      );

      expect(result).toMatchObject({ status: 'declined', declineCode: code });
      expect(result.status === 'declined' && result.declineMessage.length).toBeGreaterThan(0);
      expect(sim.ledger()).toMatchObject([{ kind: 'charge', result: { status: 'declined' } }]);
    });

    it('repeats the same decline for the same key instead of trying again', async () => {
      const { gateway, sim } = await open({ declineRate: 1 });

      const first = await gateway.charge(chargeRequest());
      const second = await gateway.charge(chargeRequest());

      expect(first.status).toBe('declined');
      expect(second).toEqual(first);
      expect(sim.chargeCount('txn-0001')).toBe(1);
    });

    it('draws random declines from the configured codes', async () => {
      const { gateway } = await open({ declineRate: 1, declineCodes: [DeclineCode.Fraudulent] });

      const result = await gateway.charge(chargeRequest());

      expect(result).toMatchObject({ status: 'declined', declineCode: DeclineCode.Fraudulent });
    });
  });

  describe('transient errors', () => {
    it('throws Gateway.Transient without charging, and a retry with the key succeeds', async () => {
      const { gateway, sim } = await open({ plan: firstCall('charge', Fault.Transient) });

      const error = await gateway.charge(chargeRequest()).catch((e: unknown) => e);
      const lookedUp = await gateway.getCharge('txn-0001');
      const retried = await gateway.charge(chargeRequest());

      expect(error).toMatchObject({ name: GatewayErrorCode.Transient, retryable: true });
      expect(lookedUp).toBeUndefined();
      expect(retried.status).toBe('succeeded');
      expect(sim.chargeCount('txn-0001')).toBe(1);
    });

    it('fails every charge at a transient error rate of 1', async () => {
      const { gateway, sim } = await open({ transientErrorRate: 1 });

      const outcomes = await Promise.all(
        ['a', 'b', 'c'].map((key) =>
          outcomeOf(gateway.charge(chargeRequest({ idempotencyKey: key }))),
        ),
      );

      expect(outcomes).toEqual(Array(3).fill({ error: GatewayErrorCode.Transient }));
      expect(sim.ledger()).toEqual([]);
    });
  });

  describe('timeouts', () => {
    it('times out before applying: getCharge finds nothing and a retry charges once', async () => {
      const { gateway, sim } = await open({ plan: firstCall('charge', Fault.TimeoutBeforeApply) });

      const error = await gateway.charge(chargeRequest()).catch((e: unknown) => e);

      expect(error).toMatchObject({ name: GatewayErrorCode.Timeout, retryable: true });
      expect(await gateway.getCharge('txn-0001')).toBeUndefined();
      expect(sim.ledger()).toEqual([]);

      const retried = await gateway.charge(chargeRequest());
      expect(retried.status).toBe('succeeded');
      expect(sim.chargeCount('txn-0001')).toBe(1);
    });

    it('times out after applying: getCharge tells the truth and a retry returns it', async () => {
      const { gateway, sim } = await open({ plan: firstCall('charge', Fault.TimeoutAfterApply) });

      const error = await gateway.charge(chargeRequest()).catch((e: unknown) => e);
      const truth = await gateway.getCharge('txn-0001');
      const retried = await gateway.charge(chargeRequest());

      expect(error).toMatchObject({ name: GatewayErrorCode.Timeout });
      expect(truth).toMatchObject({ status: 'succeeded', idempotencyKey: 'txn-0001' });
      expect(retried).toEqual(truth);
      expect(sim.chargeCount('txn-0001')).toBe(1);
    });

    it('waits the timeout out on the injected clock', async () => {
      const { gateway, time } = await open({ timeoutRate: 1, timeoutMs: 8_000 });
      const before = time.now();

      await outcomeOf(gateway.charge(chargeRequest()));

      expect(time.now() - before).toBe(8_000);
    });
  });

  describe('refunds', () => {
    async function succeededCharge(h: GatewayHarness): Promise<ChargeResult> {
      return h.gateway.charge(chargeRequest({ amount: { amount_minor: 10_000, currency: 'USD' } }));
    }

    it('refunds the whole charge when no amount is given, once per refund key', async () => {
      const h = await open();
      const charge = await succeededCharge(h);

      const first = await h.gateway.refund({ idempotencyKey: 'rf-1', chargeId: charge.chargeId });
      const again = await h.gateway.refund({ idempotencyKey: 'rf-1', chargeId: charge.chargeId });

      expect(first).toMatchObject({
        status: 'succeeded',
        chargeId: charge.chargeId,
        amount: { amount_minor: 10_000, currency: 'USD' },
      });
      expect(again).toEqual(first);
      expect(h.sim.ledger().filter((entry) => entry.kind === 'refund')).toHaveLength(1);
    });

    it('allows partial refunds up to the charged amount and no further', async () => {
      const h = await open();
      const charge = await succeededCharge(h);
      const part = { amount_minor: 4_000, currency: 'USD' };

      await h.gateway.refund({ idempotencyKey: 'rf-1', chargeId: charge.chargeId, amount: part });
      await h.gateway.refund({ idempotencyKey: 'rf-2', chargeId: charge.chargeId, amount: part });
      const rest = await h.gateway.refund({ idempotencyKey: 'rf-3', chargeId: charge.chargeId });
      const tooMuch = await h.gateway
        .refund({ idempotencyKey: 'rf-4', chargeId: charge.chargeId, amount: part })
        .catch((e: unknown) => e);

      expect(rest.amount).toEqual({ amount_minor: 2_000, currency: 'USD' });
      expect(tooMuch).toMatchObject({ code: GatewayErrorCode.InvalidRequest, retryable: false });
      expect(h.sim.ledger().filter((entry) => entry.kind === 'refund')).toHaveLength(3);
    });

    it.each([
      ['an unknown charge', 'ch_unknown'],
      ['a declined charge', 'declined'],
    ])('rejects a refund of %s', async (_what, which) => {
      const h = await open();
      const declined = await h.gateway.charge(
        chargeRequest({ paymentMethodToken: 'tok_decline_card_declined' }),
      );
      const chargeId = which === 'declined' ? declined.chargeId : which;

      const error = await h.gateway
        .refund({ idempotencyKey: 'rf-1', chargeId })
        .catch((e: unknown) => e);

      expect(error).toMatchObject({ code: GatewayErrorCode.InvalidRequest });
      expect(h.sim.ledger().filter((entry) => entry.kind === 'refund')).toEqual([]);
    });

    it('refunds once when the first refund timed out after applying', async () => {
      const h = await open({ plan: firstCall('refund', Fault.TimeoutAfterApply) });
      const charge = await succeededCharge(h);

      const error = await h.gateway
        .refund({ idempotencyKey: 'rf-1', chargeId: charge.chargeId })
        .catch((e: unknown) => e);
      const retried = await h.gateway.refund({ idempotencyKey: 'rf-1', chargeId: charge.chargeId });

      expect(error).toMatchObject({ code: GatewayErrorCode.Timeout });
      expect(retried.amount.amount_minor).toBe(10_000);
      expect(h.sim.ledger().filter((entry) => entry.kind === 'refund')).toHaveLength(1);
    });
  });

  describe('outage windows', () => {
    const start = Date.UTC(2026, 0, 1, 0, 10);
    const end = Date.UTC(2026, 0, 1, 0, 20);

    it.each([
      [Fault.Unavailable, GatewayErrorCode.Unavailable],
      [Fault.Transient, GatewayErrorCode.Transient],
    ] as const)('fails every call with %s inside the window', async (fault, code) => {
      const h = await open({ outages: [{ startMs: start, endMs: end, fault }] });
      await h.gateway.charge(chargeRequest({ idempotencyKey: 'before' }));
      h.time.current = start;

      const outcomes = [
        await outcomeOf(h.gateway.charge(chargeRequest({ idempotencyKey: 'during' }))),
        await outcomeOf(h.gateway.getCharge('before')),
      ];

      expect(outcomes).toEqual([{ error: code }, { error: code }]);
      expect(h.sim.ledger().map((entry) => entry.idempotencyKey)).toEqual(['before']);
    });

    it('works again from the end of the window', async () => {
      const h = await open({ outages: [{ startMs: start, endMs: end }] });
      h.time.current = end;

      const result = await h.gateway.charge(chargeRequest());

      expect(result.status).toBe('succeeded');
    });
  });

  describe('determinism', () => {
    const rates: SimOptions = {
      declineRate: 0.3,
      transientErrorRate: 0.2,
      timeoutRate: 0.2,
      timeoutAfterApplyRate: 0.5,
    };

    async function run(seed: number): Promise<unknown[]> {
      const h = await makeHarness({ ...rates, seed });
      try {
        const outcomes: unknown[] = [];
        for (let i = 0; i < 30; i++) {
          const key = `txn-${i % 10}`;
          outcomes.push(await outcomeOf(h.gateway.charge(chargeRequest({ idempotencyKey: key }))));
        }
        outcomes.push(h.sim.ledger());
        return outcomes;
      } finally {
        await h.close();
      }
    }

    it('gives the same outcomes, ids and ledger for the same seed', async () => {
      const first = await run(42);
      const second = await run(42);

      expect(second).toEqual(first);
      // The rates are high enough that the run saw every kind of outcome.
      const kinds = new Set(
        first.slice(0, -1).map((o) => {
          const { ok, error } = o as { ok?: ChargeResult; error?: string };
          return ok?.status ?? error;
        }),
      );
      expect([...kinds].sort()).toEqual([
        GatewayErrorCode.Timeout,
        GatewayErrorCode.Transient,
        'declined',
        'succeeded',
      ]);
    });

    it('gives different outcomes for another seed', async () => {
      expect(await run(43)).not.toEqual(await run(42));
    });
  });

  describe('lookups and bad requests', () => {
    it('finds no charge under a key never used', async () => {
      const { gateway } = await open();

      expect(await gateway.getCharge('txn-unknown')).toBeUndefined();
    });

    it('accepts long digit runs that are not card numbers, such as timestamps in ids', async () => {
      const { gateway } = await open();

      const result = await gateway.charge(
        chargeRequest({
          description: 'paystep txn-1767225600000123',
          paymentMethodToken: 'tok_1767225600000123',
        }),
      );

      expect(result.status).toBe('succeeded');
    });

    it('looks up keys that need URL encoding', async () => {
      const { gateway } = await open();
      const key = 'pay/2026 01?#ü';
      const charged = await gateway.charge(chargeRequest({ idempotencyKey: key }));

      expect(await gateway.getCharge(key)).toEqual(charged);
    });

    it.each([
      ['a card number as token', { paymentMethodToken: '4242 4242 4242 4242' }],
      ['a zero amount', { amount: { amount_minor: 0, currency: 'USD' } }],
      ['a fractional amount', { amount: { amount_minor: 10.5, currency: 'USD' } }],
      ['an empty key', { idempotencyKey: '' }],
      ['an empty merchant', { merchantId: '' }],
    ])('rejects %s without charging', async (_what, change) => {
      const { gateway, sim } = await open();

      const error = await gateway.charge(chargeRequest(change)).catch((e: unknown) => e);

      expect(error).toMatchObject({ code: GatewayErrorCode.InvalidRequest, retryable: false });
      expect(String((error as Error).message)).not.toContain('4242');
      expect(sim.ledger()).toEqual([]);
    });
  });
});
