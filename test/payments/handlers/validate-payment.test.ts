import { describe, expect, it } from 'vitest';
import { validatePayment } from '../../../src/payments/handlers/validate-payment.js';
import { fixture, request, thrown } from './fixture.js';

describe('validatePayment', () => {
  it('creates the transaction as VALIDATED and returns the payment with exact money', async () => {
    const f = fixture();
    const result = await validatePayment(f.ports)(request);
    expect(result).toMatchObject({
      transaction_id: 'TXN-001',
      amount: { amount_minor: 10050, currency: 'USD' },
      payment_token: 'tok_debit',
      last4: '4242',
    });
    expect((await f.store.get('TXN-001'))?.status).toBe('VALIDATED');
    expect(
      (await f.audit.list('TXN-001')).map((e) => [e.action, e.from_status, e.to_status]),
    ).toEqual([['status_changed', 'RECEIVED', 'VALIDATED']]);
  });

  it('changes nothing when run again for the same payment', async () => {
    const f = fixture();
    const handler = validatePayment(f.ports);
    const first = await handler(request);
    f.advance(1000);
    expect(await handler(request)).toEqual(first);
    expect((await f.store.get('TXN-001'))?.updated_at).toBe(
      (await f.store.get('TXN-001'))?.created_at,
    );
    expect(await f.audit.list('TXN-001')).toHaveLength(1);
  });

  it('fails with Payment.ValidationFailed naming each reason, and stores no transaction', async () => {
    const f = fixture();
    const error = await thrown(
      validatePayment(f.ports)({ ...request, payment_amount: 20000, payment_method: 'cheque' }),
    );
    expect(error).toMatchObject({ name: 'Payment.ValidationFailed', retryable: false });
    expect(error['details']).toEqual({
      reasons: [
        expect.objectContaining({ code: 'UNSUPPORTED_METHOD' }),
        expect.objectContaining({ code: 'AMOUNT_ABOVE_LIMIT' }),
      ],
    });
    expect(await f.store.get('TXN-001')).toBeUndefined();
    expect(await f.audit.list('TXN-001')).toMatchObject([
      {
        action: 'payment_rejected',
        details: { reasons: [{ code: 'UNSUPPORTED_METHOD' }, { code: 'AMOUNT_ABOVE_LIMIT' }] },
      },
    ]);
  });

  it('never stores or echoes a raw card number or CVV', async () => {
    const f = fixture();
    const error = await thrown(
      validatePayment(f.ports)({
        ...request,
        payment_details: { number: '4111 1111 1111 1111', cvv: '321' },
      }),
    );
    expect(error.name).toBe('Payment.ValidationFailed');
    const everything = JSON.stringify([
      error.message,
      error['details'],
      f.db.prepare('SELECT * FROM audit_log').all(),
      f.db.prepare('SELECT * FROM transactions').all(),
    ]);
    expect(everything).toContain('RAW_CARD_NUMBER');
    expect(everything).toContain('CVV_PRESENT');
    expect(everything).not.toMatch(/4111/);
    expect(everything).not.toContain('321');
  });

  it('rejects a different payment reusing a transaction id', async () => {
    const f = fixture();
    await validatePayment(f.ports)(request);
    const error = await thrown(validatePayment(f.ports)({ ...request, payment_amount: 99 }));
    expect(error['details']).toEqual({
      reasons: [expect.objectContaining({ code: 'DUPLICATE_TRANSACTION' })],
    });
    expect((await f.store.get('TXN-001'))?.amount.amount_minor).toBe(10050);
  });
});
