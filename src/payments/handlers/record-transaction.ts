/**
 * RecordTransaction: books a charged payment (CHARGED -> RECORDED) and files it in the daily
 * archive. The archive append is at-least-once: it follows the status move, and a re-run that
 * finds the status already RECORDED appends again, so a crash between the two never loses the
 * record (readers keep the last line per transaction).
 */
import type { Json } from '../../asl/json.js';
import { isJsonObject } from '../../asl/json.js';
import { hasReached, TransactionStatus } from '../lifecycle.js';
import { paymentFromJson } from '../payment.js';
import { transactionToJson } from '../transaction.js';
import { moveStatus, unexpectedStatus } from './status-step.js';
import type { PaymentPorts, PaymentTaskHandler } from './task-handler.js';

/** Builds the handler. Input: `{ payment, charge }`. Result: `{ status: 'RECORDED' }`. */
export function recordTransaction(
  ports: Pick<PaymentPorts, 'store' | 'audit' | 'clock' | 'archive'>,
): PaymentTaskHandler {
  return async (input: Json): Promise<Json> => {
    const payment = paymentFromJson(isJsonObject(input) ? input['payment'] : undefined);
    const id = payment.transaction_id;
    const at = ports.clock.now();
    const moved = await moveStatus(ports, {
      transactionId: id,
      to: TransactionStatus.Recorded,
      at,
      actor: 'step:RecordTransaction',
    });
    if (moved.outcome === 'applied' || moved.outcome === 'unchanged') {
      await ports.archive.append({
        transaction_id: id,
        status: moved.transaction.status,
        archived_at: at,
        transaction: archivable(transactionToJson(moved.transaction)),
      });
    } else if (
      moved.outcome === 'not_found' ||
      !hasReached(moved.transaction.status, TransactionStatus.Recorded)
    ) {
      throw unexpectedStatus('RecordTransaction', moved);
    }
    return { transaction_id: id, status: TransactionStatus.Recorded };
  };
}

/** The archived copy leaves out the review task token: it is a credential, not a fact. */
function archivable(transaction: Record<string, Json>) {
  const { review_task_token: _token, ...rest } = transaction;
  return rest;
}
