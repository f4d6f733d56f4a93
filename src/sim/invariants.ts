/**
 * The invariants a day must end with, however many times its process was killed: every payment
 * reached a terminal state; the gateway charged each payment at most once and every successful
 * charge belongs to a completed payment (or one flagged NEEDS_ATTENTION because money may have
 * moved); transaction records agree with execution results; every status change is in the audit
 * trail; and the engine's queue of runs and timers holds nothing for closed executions, nor the
 * outbox anything for a payment that was not notified.
 */
import { TerminalStatuses } from '../payments/lifecycle.js';
import type { TransactionStatus } from '../payments/lifecycle.js';
import type { DayRecord, PaymentRecord } from './day-record.js';

export interface InvariantResult {
  readonly name: string;
  readonly ok: boolean;
  /** What was checked, or the first few violations. */
  readonly detail: string;
}

const maxShown = 5;

function result(name: string, violations: string[], checked: string): InvariantResult {
  return {
    name,
    ok: violations.length === 0,
    detail:
      violations.length === 0
        ? checked
        : `${violations.length} violation(s): ${violations.slice(0, maxShown).join('; ')}`,
  };
}

/** Checks every invariant on the record of a day. */
export function checkInvariants(record: DayRecord): InvariantResult[] {
  return [
    everyPaymentTerminal(record.payments),
    chargesMatchPayments(record),
    recordsAgreeWithExecutions(record.payments),
    noAuditGap(record.payments),
    nothingUnaccounted(record),
  ];
}

function everyPaymentTerminal(payments: readonly PaymentRecord[]): InvariantResult {
  const violations: string[] = [];
  for (const p of payments) {
    if (p.executionStatus === undefined) violations.push(`${p.transactionId} never started`);
    else if (p.executionStatus === 'RUNNING') violations.push(`${p.transactionId} still running`);
    else if (p.transaction && !TerminalStatuses.includes(p.transaction.status))
      violations.push(`${p.transactionId} is ${p.transaction.status}`);
  }
  return result(
    'every payment reached a terminal state',
    violations,
    `${payments.length} executions closed, every stored transaction terminal`,
  );
}

function chargesMatchPayments(record: DayRecord): InvariantResult {
  const violations: string[] = [];
  const byId = new Map(record.payments.map((p) => [p.transactionId, p]));
  const chargesPerKey = new Map<string, number>();
  let succeeded = 0;
  for (const entry of record.ledger) {
    if (entry.kind !== 'charge') continue;
    chargesPerKey.set(entry.idempotencyKey, (chargesPerKey.get(entry.idempotencyKey) ?? 0) + 1);
    if (entry.result.status !== 'succeeded') continue;
    succeeded++;
    const transaction = byId.get(entry.idempotencyKey)?.transaction;
    const status = transaction?.status;
    if (status === 'NEEDS_ATTENTION') continue;
    if (status !== 'COMPLETED' && status !== 'REFUNDED')
      violations.push(
        `charge ${entry.result.chargeId} for ${entry.idempotencyKey} but payment is ${status ?? 'missing'}`,
      );
    else if (transaction?.charge_id !== entry.result.chargeId)
      violations.push(
        `${entry.idempotencyKey} records charge ${transaction?.charge_id ?? 'none'}, ledger ${entry.result.chargeId}`,
      );
  }
  for (const [key, count] of chargesPerKey)
    if (count > 1) violations.push(`${key} charged ${count} times`);
  let completed = 0;
  for (const p of record.payments) {
    if (p.transaction?.status !== 'COMPLETED') continue;
    completed++;
    if (!chargesPerKey.has(p.transactionId))
      violations.push(`${p.transactionId} completed without a charge`);
  }
  return result(
    'gateway charges == successful payments (no double charge, no lost charge)',
    violations,
    `${succeeded} successful charges for ${completed} completed payments, none charged twice`,
  );
}

/** The transaction statuses each execution result may leave. */
function expectedStatuses(p: PaymentRecord): readonly (TransactionStatus | undefined)[] {
  if (p.executionStatus !== 'SUCCEEDED') return ['FAILED', 'NEEDS_ATTENTION', undefined];
  switch (p.outputStatus) {
    case 'COMPLETED':
      return ['COMPLETED'];
    case 'DECLINED':
      return ['DECLINED'];
    case 'REJECTED':
      // Invalid requests are never stored (only audited), or stored and rejected.
      return [undefined, 'REJECTED'];
    default:
      return [];
  }
}

function recordsAgreeWithExecutions(payments: readonly PaymentRecord[]): InvariantResult {
  const violations: string[] = [];
  for (const p of payments) {
    if (p.executionStatus === undefined || p.executionStatus === 'RUNNING') continue;
    const status = p.transaction?.status;
    if (!expectedStatuses(p).includes(status))
      violations.push(
        `${p.transactionId}: execution ${p.executionStatus}/${p.outputStatus ?? '-'} but transaction ${status ?? 'missing'}`,
      );
  }
  return result(
    'transaction records agree with execution results',
    violations,
    `${payments.length} executions and their transactions agree`,
  );
}

function noAuditGap(payments: readonly PaymentRecord[]): InvariantResult {
  const violations: string[] = [];
  let moves = 0;
  for (const p of payments) {
    const transaction = p.transaction;
    if (!transaction) continue;
    const moveTo = new Map<string, string | undefined>();
    for (const entry of p.audit) {
      if (entry.action === 'status_changed' && entry.to_status !== undefined)
        moveTo.set(entry.to_status, entry.from_status);
    }
    // Walk back from the current status to RECEIVED along audited moves.
    let status: string | undefined = transaction.status;
    for (let steps = 0; status !== 'RECEIVED' && steps < 20; steps++) {
      if (status === undefined || !moveTo.has(status)) {
        violations.push(`${p.transactionId}: no audit entry for the move to ${status ?? '?'}`);
        break;
      }
      moves++;
      status = moveTo.get(status);
    }
  }
  return result('no audit gap', violations, `${moves} status changes, each audited`);
}

function nothingUnaccounted(record: DayRecord): InvariantResult {
  const violations: string[] = [];
  if (record.orphanRuns > 0)
    violations.push(`${record.orphanRuns} runs left for closed executions`);
  if (record.orphanTimers > 0)
    violations.push(`${record.orphanTimers} timers left for closed executions`);
  const known = new Map(record.payments.map((p) => [p.transactionId, p]));
  let queued = 0;
  for (const [id, count] of record.notifications) {
    queued += count;
    const status = known.get(id)?.transaction?.status;
    if (count > 1) violations.push(`${id}: ${count} notifications queued`);
    if (status !== 'COMPLETED' && status !== 'DECLINED')
      violations.push(`${id}: notification queued for a payment that is ${status ?? 'unknown'}`);
  }
  for (const p of record.payments) {
    const status = p.transaction?.status;
    if (
      (status === 'COMPLETED' || status === 'DECLINED') &&
      !record.notifications.has(p.transactionId)
    )
      violations.push(`${p.transactionId}: ${status} but no notification queued`);
  }
  return result(
    'the queue holds nothing unaccounted for',
    violations,
    `no runs or timers left for closed executions; ${queued} notifications, one per notified payment`,
  );
}

/** The results as lines of text: one per invariant, `ok` or `VIOLATED`. */
export function formatInvariants(results: readonly InvariantResult[]): string[] {
  return results.map((r) => `  ${r.ok ? 'ok      ' : 'VIOLATED'} ${r.name}: ${r.detail}`);
}
