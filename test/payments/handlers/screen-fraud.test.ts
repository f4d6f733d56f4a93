import { describe, expect, it } from 'vitest';
import { DEFAULT_FRAUD_CONFIG } from '../../../src/payments/fraud.js';
import { screenFraud } from '../../../src/payments/handlers/screen-fraud.js';
import { validatePayment } from '../../../src/payments/handlers/validate-payment.js';
import { fixture, request } from './fixture.js';

async function validated(f: ReturnType<typeof fixture>, input = request) {
  return { payment: await validatePayment(f.ports)(input) };
}

describe('screenFraud', () => {
  it('approves, records the assessment and moves to SCREENED', async () => {
    const f = fixture();
    const result = await screenFraud(f.ports)(await validated(f));
    expect(result).toEqual({ outcome: 'approve', score: 0, rules: [] });
    expect(await f.store.get('TXN-001')).toMatchObject({ status: 'SCREENED', fraud: result });
  });

  it('declines a blocklisted customer as a result, not an error, and records DECLINED', async () => {
    const f = fixture();
    const ports = {
      ...f.ports,
      fraud: { ...DEFAULT_FRAUD_CONFIG, blockedCustomers: ['CUST-123'] },
    };
    const result = await screenFraud(ports)(await validated(f));
    expect(result).toMatchObject({ outcome: 'decline', rules: [{ rule: 'BLOCKED_CUSTOMER' }] });
    expect(await f.store.get('TXN-001')).toMatchObject({
      status: 'DECLINED',
      decline_code: 'fraud_screening',
    });
    expect((await f.audit.list('TXN-001')).map((e) => e.to_status)).toEqual([
      'VALIDATED',
      'SCREENED',
      'DECLINED',
    ]);
  });

  it('reads velocity from the customer earlier payments in the store', async () => {
    const f = fixture();
    for (let i = 0; i < 5; i++) {
      await validatePayment(f.ports)({ ...request, transaction_id: `EARLIER-${i}` });
      f.advance(60_000);
    }
    const result = await screenFraud(f.ports)(await validated(f));
    expect(result).toMatchObject({ rules: [{ rule: 'VELOCITY_COUNT' }], score: 40 });
  });

  it('ignores payments older than the window', async () => {
    const f = fixture();
    for (let i = 0; i < 5; i++) {
      await validatePayment(f.ports)({ ...request, transaction_id: `OLD-${i}` });
    }
    f.advance(DEFAULT_FRAUD_CONFIG.velocityWindowMs + 1);
    expect(await screenFraud(f.ports)(await validated(f))).toMatchObject({ outcome: 'approve' });
  });

  it('returns the recorded assessment when run again, even if activity changed since', async () => {
    const f = fixture();
    const input = await validated(f);
    const first = await screenFraud(f.ports)(input);
    for (let i = 0; i < 6; i++) {
      await validatePayment(f.ports)({ ...request, transaction_id: `LATER-${i}` });
    }
    expect(await screenFraud(f.ports)(input)).toEqual(first);
  });

  it('fails with Payment.InvalidInput when the input has no payment', async () => {
    const f = fixture();
    await expect(screenFraud(f.ports)({})).rejects.toMatchObject({ name: 'Payment.InvalidInput' });
  });
});
