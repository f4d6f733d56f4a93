/**
 * The status lifecycle of a payment transaction: the statuses, and for each the statuses it may
 * be entered from. Status only moves forward; the transaction store enforces this table with
 * conditional writes, so a step that runs twice finds its status already set and does nothing.
 *
 *   RECEIVED -> VALIDATED -> SCREENED -> (IN_REVIEW) -> CHARGING -> CHARGED -> RECORDED -> COMPLETED
 *   terminal: REJECTED (invalid), DECLINED (fraud, review or issuer), FAILED (no money moved),
 *   NEEDS_ATTENTION (money may have moved but the books do not say so yet), REFUNDED.
 */

export const TransactionStatus = {
  Received: 'RECEIVED',
  Validated: 'VALIDATED',
  Rejected: 'REJECTED',
  Screened: 'SCREENED',
  InReview: 'IN_REVIEW',
  Charging: 'CHARGING',
  Charged: 'CHARGED',
  Declined: 'DECLINED',
  Recorded: 'RECORDED',
  Completed: 'COMPLETED',
  Failed: 'FAILED',
  NeedsAttention: 'NEEDS_ATTENTION',
  Refunded: 'REFUNDED',
} as const;
export type TransactionStatus = (typeof TransactionStatus)[keyof typeof TransactionStatus];

const S = TransactionStatus;

/**
 * The statuses each status may be entered from. RECEIVED is only ever inserted. FAILED is only
 * reachable before any charge was attempted; once a charge may have moved money, an unfinished
 * payment goes to NEEDS_ATTENTION instead, which an operator resolves forward.
 */
export const AllowedPredecessors = {
  [S.Received]: [],
  [S.Validated]: [S.Received],
  [S.Rejected]: [S.Received],
  [S.Screened]: [S.Validated],
  [S.InReview]: [S.Screened],
  [S.Charging]: [S.Screened, S.InReview],
  [S.Charged]: [S.Charging],
  [S.Declined]: [S.Screened, S.InReview, S.Charging],
  [S.Recorded]: [S.Charged],
  [S.Completed]: [S.Recorded, S.NeedsAttention],
  [S.Failed]: [S.Received, S.Validated, S.Screened, S.InReview, S.NeedsAttention],
  [S.NeedsAttention]: [S.Charging, S.Charged, S.Recorded],
  [S.Refunded]: [S.Charged, S.Recorded, S.Completed, S.NeedsAttention],
} as const satisfies Record<TransactionStatus, readonly TransactionStatus[]>;

/** Statuses no workflow step moves out of (an operator may, for NEEDS_ATTENTION). */
export const TerminalStatuses: readonly TransactionStatus[] = [
  S.Rejected,
  S.Declined,
  S.Completed,
  S.Failed,
  S.NeedsAttention,
  S.Refunded,
];

/** True if `value` is a transaction status. */
export function isTransactionStatus(value: unknown): value is TransactionStatus {
  return typeof value === 'string' && Object.hasOwn(AllowedPredecessors, value);
}

/** The statuses `to` may be entered from. */
export function predecessorsOf(to: TransactionStatus): readonly TransactionStatus[] {
  return AllowedPredecessors[to];
}

/** True if a transaction in `from` may move to `to` in one step. */
export function canTransition(from: TransactionStatus, to: TransactionStatus): boolean {
  return predecessorsOf(to).includes(from);
}

/**
 * True if `from` can reach `to` by zero or more forward moves: a transaction already at or past
 * `to` on its path. A step that finds its target status reached this way has nothing to do.
 */
export function hasReached(current: TransactionStatus, target: TransactionStatus): boolean {
  if (current === target) return true;
  const seen = new Set<TransactionStatus>([target]);
  const queue: TransactionStatus[] = [target];
  // Walk forward from `target`: does any chain of moves lead to `current`?
  while (queue.length > 0) {
    const status = queue.shift() as TransactionStatus;
    for (const next of Object.keys(AllowedPredecessors) as TransactionStatus[]) {
      if (seen.has(next) || !canTransition(status, next)) continue;
      if (next === current) return true;
      seen.add(next);
      queue.push(next);
    }
  }
  return false;
}
