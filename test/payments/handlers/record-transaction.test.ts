import { describe, expect, it } from 'vitest';
import { recordTransaction } from '../../../src/payments/handlers/record-transaction.js';
import { charged } from './fixture.js';

describe('recordTransaction', () => {
  it('books the charge as RECORDED and archives it without the review token', async () => {
    const { f, state } = await charged();
    expect(await recordTransaction(f.ports)(state)).toEqual({
      transaction_id: 'TXN-001',
      status: 'RECORDED',
    });
    expect((await f.store.get('TXN-001'))?.status).toBe('RECORDED');
    expect(await f.archive.readDay('2026-01-01')).toMatchObject([
      { transaction_id: 'TXN-001', status: 'RECORDED', transaction: { charge_id: 'ch_TXN-001' } },
    ]);
    expect(JSON.stringify(f.archive.lines)).not.toContain('review_task_token');
  });

  it('archives again on a re-run, so a crash between the two writes loses nothing', async () => {
    const { f, state } = await charged();
    await recordTransaction(f.ports)(state);
    await recordTransaction(f.ports)(state);
    expect(f.archive.lines).toHaveLength(2);
    expect(await f.audit.list('TXN-001')).toHaveLength(5);
  });
});
