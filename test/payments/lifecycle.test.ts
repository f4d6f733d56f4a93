import { describe, expect, it } from 'vitest';
import {
  AllowedPredecessors,
  canTransition,
  hasReached,
  TransactionStatus,
} from '../../src/payments/lifecycle.js';

const S = TransactionStatus;

describe('lifecycle', () => {
  it.each([
    [S.Received, S.Validated, true],
    [S.Validated, S.Screened, true],
    [S.Screened, S.InReview, true],
    [S.InReview, S.Charging, true],
    [S.Screened, S.Charging, true],
    [S.Charging, S.Charged, true],
    [S.Charging, S.Declined, true],
    [S.Charged, S.Recorded, true],
    [S.Recorded, S.Completed, true],
    [S.Charging, S.NeedsAttention, true],
    [S.Charging, S.Failed, false],
    [S.Charged, S.Charging, false],
    [S.Completed, S.Recorded, false],
    [S.Declined, S.Charging, false],
    [S.Validated, S.Received, false],
  ])('%s -> %s allowed: %s', (from, to, allowed) => {
    expect(canTransition(from, to)).toBe(allowed);
  });

  it('has no cycles: status only moves forward', () => {
    for (const status of Object.values(S)) {
      for (const next of Object.values(S)) {
        if (canTransition(status, next)) expect(hasReached(status, next)).toBe(false);
      }
    }
  });

  it('lists a predecessor table entry for every status', () => {
    expect(Object.keys(AllowedPredecessors).sort()).toEqual(Object.values(S).sort());
  });

  it.each([
    [S.Completed, S.Validated, true],
    [S.Validated, S.Validated, true],
    [S.Screened, S.Charged, false],
    [S.Rejected, S.Validated, false],
  ])('hasReached(%s, %s) is %s', (current, target, reached) => {
    expect(hasReached(current, target)).toBe(reached);
  });
});
