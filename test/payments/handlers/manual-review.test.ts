import { describe, expect, it } from 'vitest';
import { DEFAULT_FRAUD_CONFIG } from '../../../src/payments/fraud.js';
import { chargePayment } from '../../../src/payments/handlers/charge-payment.js';
import { requestManualReview } from '../../../src/payments/handlers/request-manual-review.js';
import { resolveManualReview } from '../../../src/payments/handlers/resolve-manual-review.js';
import { screenFraud } from '../../../src/payments/handlers/screen-fraud.js';
import { validatePayment } from '../../../src/payments/handlers/validate-payment.js';
import { fixture, request, thrown } from './fixture.js';

// Review everything with any points: a wallet payment scores 5.
const reviewAll = { ...DEFAULT_FRAUD_CONFIG, reviewThreshold: 1 };

async function inReview() {
  const f = fixture();
  const payment = await validatePayment(f.ports)({ ...request, payment_method: 'digital_wallet' });
  const fraud = await screenFraud({ ...f.ports, fraud: reviewAll })({ payment });
  expect(fraud).toMatchObject({ outcome: 'review' });
  await requestManualReview(f.ports)({ TaskToken: 'token-1', payment, fraud });
  return { f, payment, fraud };
}

describe('requestManualReview', () => {
  it('parks the payment IN_REVIEW with the task token an operator answers', async () => {
    const { f } = await inReview();
    expect(await f.store.get('TXN-001')).toMatchObject({
      status: 'IN_REVIEW',
      review_task_token: 'token-1',
    });
  });

  it('records the new token when the task is retried', async () => {
    const { f, payment, fraud } = await inReview();
    await requestManualReview(f.ports)({ TaskToken: 'token-2', payment, fraud });
    expect((await f.store.get('TXN-001'))?.review_task_token).toBe('token-2');
    expect((await f.audit.list('TXN-001')).filter((e) => e.to_status === 'IN_REVIEW')).toHaveLength(
      1,
    );
  });

  it('fails with Payment.InvalidInput without a task token', async () => {
    const { f, payment } = await inReview();
    expect(await thrown(requestManualReview(f.ports)({ payment }))).toMatchObject({
      name: 'Payment.InvalidInput',
    });
  });
});

describe('resolveManualReview', () => {
  it('approves: the payment stays for ChargePayment, which moves it on', async () => {
    const { f, payment } = await inReview();
    const result = await resolveManualReview(f.ports)({
      payment,
      review: { decision: 'approve', reviewer: 'alice' },
    });
    expect(result).toMatchObject({ approved: true, status: 'IN_REVIEW' });
    expect(await chargePayment(f.ports)({ payment })).toMatchObject({ outcome: 'charged' });
    expect(await f.audit.list('TXN-001')).toContainEqual(
      expect.objectContaining({ action: 'review_approved', actor: 'operator:alice' }),
    );
  });

  it.each([
    { decision: 'reject', code: 'review_rejected' },
    { decision: 'expired', code: 'review_expired' },
  ])('declines on $decision', async ({ decision, code }) => {
    const { f, payment } = await inReview();
    const result = await resolveManualReview(f.ports)({ payment, review: { decision } });
    expect(result).toMatchObject({ approved: false, status: 'DECLINED' });
    expect(await f.store.get('TXN-001')).toMatchObject({ status: 'DECLINED', decline_code: code });
    expect(await chargePayment(f.ports)({ payment })).toMatchObject({ outcome: 'declined' });
    expect(f.gateway.requests).toHaveLength(0);
  });

  it('fails with Payment.InvalidInput on an unknown decision', async () => {
    const { f, payment } = await inReview();
    expect(
      await thrown(resolveManualReview(f.ports)({ payment, review: { decision: 'maybe' } })),
    ).toMatchObject({ name: 'Payment.InvalidInput' });
  });
});
