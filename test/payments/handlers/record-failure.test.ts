import { describe, expect, it } from 'vitest';
import { chargePayment } from '../../../src/payments/handlers/charge-payment.js';
import { recordFailure } from '../../../src/payments/handlers/record-failure.js';
import { recordTransaction } from '../../../src/payments/handlers/record-transaction.js';
import { screenFraud } from '../../../src/payments/handlers/screen-fraud.js';
import { validatePayment } from '../../../src/payments/handlers/validate-payment.js';
import { charged, fixture, request, thrown } from './fixture.js';

describe('recordFailure', () => {
  it('parks a charged payment whose recording keeps failing as NEEDS_ATTENTION', async () => {
    const { f, state } = await charged();
    f.archive.failing = true;
    for (let attempt = 0; attempt < 4; attempt++) {
      await thrown(recordTransaction(f.ports)(state));
    }
    const result = await recordFailure(f.ports)({
      state: { ...state, error: { Error: 'Error', Cause: 'archive disk full' } },
      execution_arn: 'arn:aws:states:us-east-1:000000000000:execution:payments:TXN-001',
    });
    expect(result).toMatchObject({ status: 'NEEDS_ATTENTION', needs_attention: true });
    expect(await f.store.get('TXN-001')).toMatchObject({
      status: 'NEEDS_ATTENTION',
      failure: { error: 'Error', cause: 'archive disk full' },
      execution_arn: 'arn:aws:states:us-east-1:000000000000:execution:payments:TXN-001',
    });
    // The charge is not refunded: an operator completes or refunds it.
    expect(f.gateway.charges.get('TXN-001')?.status).toBe('succeeded');
  });

  it('marks a payment whose charge outcome stayed unknown NEEDS_ATTENTION', async () => {
    const f = fixture();
    f.gateway.script.push('timeout-lookup-fails');
    const payment = await validatePayment(f.ports)(request);
    await screenFraud(f.ports)({ payment });
    await thrown(chargePayment(f.ports)({ payment }));
    const result = await recordFailure(f.ports)({
      state: { payment, error: { Error: 'Gateway.Timeout', Cause: 'no answer' } },
    });
    expect(result).toMatchObject({ status: 'NEEDS_ATTENTION', error: 'Gateway.Timeout' });
  });

  it('marks a payment that never reached the gateway FAILED', async () => {
    const f = fixture();
    const payment = await validatePayment(f.ports)(request);
    const result = await recordFailure(f.ports)({
      state: { payment, error: { Error: 'Store.Unavailable', Cause: 'locked' } },
    });
    expect(result).toMatchObject({ status: 'FAILED', needs_attention: false });
    expect((await f.audit.list('TXN-001')).at(-1)).toMatchObject({
      action: 'status_changed',
      from_status: 'VALIDATED',
      to_status: 'FAILED',
      actor: 'step:RecordFailure',
    });
  });

  it('reports a failure before any transaction existed without writing anything', async () => {
    const f = fixture();
    const result = await recordFailure(f.ports)({
      state: { ...request, error: { Error: 'Lambda.Unknown', Cause: 'out of memory' } },
    });
    expect(result).toEqual({
      transaction_id: 'TXN-001',
      error: 'Lambda.Unknown',
      cause: 'out of memory',
      status: null,
      needs_attention: false,
    });
  });
});
