import { describe, expect, it } from 'vitest';
import { DEFAULT_FRAUD_CONFIG } from '../../../src/payments/fraud.js';
import { chargePayment } from '../../../src/payments/handlers/charge-payment.js';
import { screenFraud } from '../../../src/payments/handlers/screen-fraud.js';
import { validatePayment } from '../../../src/payments/handlers/validate-payment.js';
import type { GatewayStep } from './fixture.js';
import { fixture, request, thrown } from './fixture.js';

async function screened(...script: GatewayStep[]) {
  const f = fixture();
  f.gateway.script.push(...script);
  const input = { payment: await validatePayment(f.ports)(request) };
  await screenFraud(f.ports)(input);
  return { f, input, charge: chargePayment(f.ports) };
}

describe('chargePayment', () => {
  it('charges with the transaction id as idempotency key and records CHARGED', async () => {
    const { f, input, charge } = await screened('succeed');
    expect(await charge(input)).toEqual({
      outcome: 'charged',
      status: 'CHARGED',
      charge_id: 'ch_TXN-001',
      decline_code: null,
      decline_message: null,
    });
    expect(f.gateway.requests).toMatchObject([
      {
        idempotencyKey: 'TXN-001',
        amount: { amount_minor: 10050, currency: 'USD' },
        paymentMethodToken: 'tok_debit',
      },
    ]);
    expect(await f.store.get('TXN-001')).toMatchObject({
      status: 'CHARGED',
      charge_id: 'ch_TXN-001',
    });
    expect((await f.audit.list('TXN-001')).map((e) => e.to_status)).toEqual([
      'VALIDATED',
      'SCREENED',
      'CHARGING',
      'CHARGED',
    ]);
  });

  it('returns a decline as a result and records DECLINED', async () => {
    const { f, input, charge } = await screened('decline');
    expect(await charge(input)).toMatchObject({
      outcome: 'declined',
      status: 'DECLINED',
      decline_code: 'insufficient_funds',
      charge_id: null,
    });
    expect(await f.store.get('TXN-001')).toMatchObject({
      status: 'DECLINED',
      decline_code: 'insufficient_funds',
    });
  });

  it('resolves a timeout by asking the gateway, and finds the charge applied', async () => {
    const { f, input, charge } = await screened('timeout-applied');
    expect(await charge(input)).toMatchObject({ outcome: 'charged', charge_id: 'ch_TXN-001' });
    expect(f.gateway.requests).toHaveLength(1);
    expect((await f.store.get('TXN-001'))?.status).toBe('CHARGED');
  });

  it('resolves a timeout by asking the gateway, and finds nothing applied: retryable', async () => {
    const { f, input, charge } = await screened('timeout-not-applied');
    const error = await thrown(charge(input));
    expect(error).toMatchObject({ name: 'Gateway.Transient', retryable: true });
    expect((await f.store.get('TXN-001'))?.status).toBe('CHARGING');
    // The workflow's retry charges again, under the same key.
    expect(await charge(input)).toMatchObject({ outcome: 'charged' });
    expect(f.gateway.requests.map((r) => r.idempotencyKey)).toEqual(['TXN-001', 'TXN-001']);
    expect(f.gateway.charges.size).toBe(1);
  });

  it('keeps Gateway.Timeout when the gateway cannot say what happened', async () => {
    const { f, input, charge } = await screened('timeout-lookup-fails');
    expect(await thrown(charge(input))).toMatchObject({ name: 'Gateway.Timeout' });
    expect((await f.store.get('TXN-001'))?.status).toBe('CHARGING');
  });

  it('lets transient gateway errors through for the workflow to retry', async () => {
    const { input, charge } = await screened('transient');
    expect(await thrown(charge(input))).toMatchObject({ name: 'Gateway.Transient' });
  });

  it('never calls the gateway again once the charge is recorded', async () => {
    const { f, input, charge } = await screened('succeed');
    const first = await charge(input);
    expect(await charge(input)).toEqual(first);
    expect(f.gateway.requests).toHaveLength(1);
  });

  it('does not charge a payment fraud screening declined', async () => {
    const f = fixture();
    const input = { payment: await validatePayment(f.ports)(request) };
    await screenFraud({
      ...f.ports,
      fraud: {
        ...DEFAULT_FRAUD_CONFIG,
        blockedMerchants: ['M-1'],
      },
    })(input);
    expect(await chargePayment(f.ports)(input)).toMatchObject({
      outcome: 'declined',
      decline_code: 'fraud_screening',
    });
    expect(f.gateway.requests).toHaveLength(0);
  });

  it('fails with Payment.InvalidState for a transaction that was never screened', async () => {
    const f = fixture();
    const input = { payment: await validatePayment(f.ports)(request) };
    expect(await thrown(chargePayment(f.ports)(input))).toMatchObject({
      name: 'Payment.InvalidState',
      retryable: false,
    });
    expect(f.gateway.requests).toHaveLength(0);
  });
});
