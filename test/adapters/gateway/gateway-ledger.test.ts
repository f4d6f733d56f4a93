import { describe, expect, it } from 'vitest';
import { SqliteGatewayLedger } from '../../../src/adapters/gateway/gateway-ledger.js';
import type { ChargeResult, RefundResult } from '../../../src/payments/ports/gateway.js';
import { openDatabase } from '../../../src/sqlite/database.js';
import { countPrepares } from '../sqlite/count-prepares.js';

const amount = { amount_minor: 1_000, currency: 'USD' };

function charge(key: string): ChargeResult {
  return {
    chargeId: `ch_${key}`,
    idempotencyKey: key,
    amount,
    createdAt: '2026-01-01T00:00:00.000Z',
    status: 'succeeded',
  };
}

function refund(key: string, chargeId: string): RefundResult {
  return {
    refundId: `re_${key}`,
    chargeId,
    idempotencyKey: key,
    status: 'succeeded',
    amount,
    createdAt: '2026-01-01T00:00:00.000Z',
  };
}

describe('SqliteGatewayLedger', () => {
  it('keeps each applied charge and refund in order, found by key and by charge', () => {
    const ledger = new SqliteGatewayLedger(openDatabase(':memory:'));
    ledger.atomically(() => {
      ledger.append({
        kind: 'charge',
        idempotencyKey: 'k1',
        fingerprint: 'f',
        result: charge('k1'),
      });
      ledger.append({
        kind: 'refund',
        idempotencyKey: 'r1',
        fingerprint: 'g',
        result: refund('r1', 'ch_k1'),
      });
    });
    expect(ledger.findCharge('k1')).toMatchObject({ seq: 1, result: { chargeId: 'ch_k1' } });
    expect(ledger.findChargeById('ch_k1')?.idempotencyKey).toBe('k1');
    expect(ledger.findRefund('r1')).toMatchObject({ seq: 2, kind: 'refund' });
    expect(ledger.refundsOf('ch_k1').map((entry) => entry.idempotencyKey)).toEqual(['r1']);
    expect(ledger.entries().map((entry) => entry.kind)).toEqual(['charge', 'refund']);
    expect(ledger.findCharge('r1')).toBeUndefined();
  });

  it('prepares its statements once, not on every call', () => {
    const db = openDatabase(':memory:');
    const ledger = new SqliteGatewayLedger(db);
    const prepared = countPrepares(db);
    for (const key of ['k1', 'k2']) {
      ledger.atomically(() => {
        if (ledger.findCharge(key) === undefined)
          ledger.append({
            kind: 'charge',
            idempotencyKey: key,
            fingerprint: 'f',
            result: charge(key),
          });
        ledger.findChargeById(`ch_${key}`);
        ledger.findRefund(`r-${key}`);
        ledger.refundsOf(`ch_${key}`);
      });
      ledger.entries();
    }
    expect(prepared()).toBe(0);
  });
});
