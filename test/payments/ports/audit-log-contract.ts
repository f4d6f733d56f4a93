/**
 * The AuditLog contract: behaviour every adapter of the port must show. An adapter's test file
 * calls `auditLogContract` with a factory that returns a fresh, empty log.
 */
import { describe, expect, it } from 'vitest';
import type { AuditLog } from '../../../src/payments/ports/audit-log.js';

export function auditLogContract(
  adapter: string,
  makeLog: () => AuditLog | Promise<AuditLog>,
): void {
  describe(`${adapter} (AuditLog contract)`, () => {
    it('lists a transaction entries oldest first, with who, what, when and the statuses', async () => {
      const log = await makeLog();
      await log.append({
        id: 'T1:status:VALIDATED',
        transaction_id: 'T1',
        at: 1,
        actor: 'step:ValidatePayment',
        action: 'status_changed',
        from_status: 'RECEIVED',
        to_status: 'VALIDATED',
      });
      await log.append({
        id: 'T1:review:approve',
        transaction_id: 'T1',
        at: 2,
        actor: 'operator:alice',
        action: 'review_approved',
        details: { note: 'known customer' },
      });
      await log.append({ id: 'T2:x', transaction_id: 'T2', at: 3, actor: 'a', action: 'b' });
      expect(await log.list('T1')).toEqual([
        {
          id: 'T1:status:VALIDATED',
          transaction_id: 'T1',
          at: 1,
          actor: 'step:ValidatePayment',
          action: 'status_changed',
          from_status: 'RECEIVED',
          to_status: 'VALIDATED',
        },
        {
          id: 'T1:review:approve',
          transaction_id: 'T1',
          at: 2,
          actor: 'operator:alice',
          action: 'review_approved',
          details: { note: 'known customer' },
        },
      ]);
    });

    it('keeps the first entry when an id is appended again', async () => {
      const log = await makeLog();
      const entry = { id: 'T1:a', transaction_id: 'T1', at: 1, actor: 'x', action: 'first' };
      await log.append(entry);
      await log.append({ ...entry, at: 2, action: 'second' });
      expect(await log.list('T1')).toEqual([entry]);
    });
  });
}
