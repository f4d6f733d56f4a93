import { describe, expect, it } from 'vitest';
import type { EvaluatedAlarm, AlarmDatapoint } from '../../src/ops/alarm-evaluator.js';
import {
  AlarmState,
  evaluateAlarm,
  evaluationRangeLength,
  isBreaching,
} from '../../src/ops/alarm-evaluator.js';
import type { TreatMissingData } from '../../src/ops/alarm-definitions.js';
import { ComparisonOperator } from '../../src/ops/alarm-definitions.js';

const periodMs = 300_000;
const t0 = Date.UTC(2025, 0, 2, 10, 0, 0);

/** "0 - X - X" -> datapoints oldest first: 0 = within threshold (1), X = breaching (5), - = missing. */
function range(pattern: string): (AlarmDatapoint | null)[] {
  return pattern
    .split(/\s+/)
    .filter(Boolean)
    .map((c, i) => {
      if (c === '-') return null;
      return { timestamp: t0 + i * periodMs, value: c === 'X' ? 5 : 1 };
    });
}

function alarm(m: number, n: number, treatMissingData: TreatMissingData): EvaluatedAlarm {
  return {
    evaluationPeriods: n,
    datapointsToAlarm: m,
    threshold: 3,
    comparisonOperator: ComparisonOperator.GreaterThanThreshold,
    treatMissingData,
  };
}

const Retain = 'retain' as const;
type Expected = AlarmState | typeof Retain;

// The two example tables of "Configuring how CloudWatch alarms treat missing data", in order.
// Columns: data points (oldest first), MISSING, IGNORE, BREACHING, NOT BREACHING.
const threeOfThree: [string, Expected, Expected, Expected, Expected][] = [
  ['0 - X - X', 'OK', 'OK', 'OK', 'OK'],
  ['0 - - - -', 'OK', 'OK', 'OK', 'OK'],
  ['- - - - -', 'INSUFFICIENT_DATA', Retain, 'ALARM', 'OK'],
  ['0 X X - X', 'ALARM', 'ALARM', 'ALARM', 'ALARM'],
  ['- - - - X', 'INSUFFICIENT_DATA', Retain, 'ALARM', 'OK'],
  ['X - - - -', 'ALARM', Retain, 'ALARM', 'OK'],
];
const twoOfThree: [string, Expected, Expected, Expected, Expected][] = [
  ['0 - X - X', 'ALARM', 'ALARM', 'ALARM', 'ALARM'],
  ['0 0 X 0 X', 'ALARM', 'ALARM', 'ALARM', 'ALARM'],
  ['0 - X - -', 'OK', 'OK', 'ALARM', 'OK'],
  ['- - - - 0', 'OK', 'OK', 'ALARM', 'OK'],
  ['- - - - X', 'INSUFFICIENT_DATA', Retain, 'ALARM', 'OK'],
];

const treatments = ['missing', 'ignore', 'breaching', 'notBreaching'] as const;

function cases(m: number, table: [string, Expected, Expected, Expected, Expected][]) {
  return table.flatMap(([pattern, ...expected]) =>
    treatments.map((treat, i) => ({ m, pattern, treat, expected: expected[i] as Expected })),
  );
}

describe('evaluateAlarm', () => {
  it('retrieves 5 datapoints for 3 evaluation periods, as in the documented examples', () => {
    expect(evaluationRangeLength(3)).toBe(5);
  });

  describe.each([
    { title: '3 out of 3', rows: cases(3, threeOfThree) },
    { title: '2 out of 3', rows: cases(2, twoOfThree) },
  ])('reproduces the CloudWatch missing-data table for $title alarms', ({ rows }) => {
    it.each(rows)('$pattern with $treat gives $expected', ({ m, pattern, treat, expected }) => {
      // Start from each state, so "retain current state" is told apart from a computed state.
      for (const current of [AlarmState.Ok, AlarmState.Alarm, AlarmState.InsufficientData]) {
        const result = evaluateAlarm(alarm(m, 3, treat), range(pattern), current);
        expect(result.state).toBe(expected === Retain ? current : expected);
        expect(result.changed).toBe(result.state !== current);
      }
    });
  });

  it('evaluates only the N most recent real datapoints when there are enough', () => {
    const result = evaluateAlarm(alarm(1, 2, 'breaching'), range('X X 0 - 0'), AlarmState.Alarm);
    expect(result.state).toBe(AlarmState.Ok);
    expect(result.evaluated.map((d) => d.value)).toEqual([1, 1]);
  });

  it('does not alarm on M-1 breaching datapoints out of N', () => {
    const result = evaluateAlarm(alarm(3, 5, 'missing'), range('X X 0 0 0 0 0'), AlarmState.Ok);
    expect(result.state).toBe(AlarmState.Ok);
    expect(result.changed).toBe(false);
  });

  it('alarms on M non-consecutive breaching datapoints out of N', () => {
    const result = evaluateAlarm(alarm(3, 5, 'missing'), range('0 0 X 0 X 0 X'), AlarmState.Ok);
    expect(result.state).toBe(AlarmState.Alarm);
    expect(result.changed).toBe(true);
  });

  it('reports no change when the state is the same', () => {
    const result = evaluateAlarm(alarm(1, 1, 'missing'), range('X X X'), AlarmState.Alarm);
    expect(result).toMatchObject({ state: AlarmState.Alarm, changed: false });
  });

  it('words the reason like CloudWatch StateReason', () => {
    const failed = evaluateAlarm(
      { ...alarm(1, 1, 'notBreaching'), threshold: 2 },
      [null, null, { timestamp: Date.UTC(2025, 0, 2, 10, 5, 0), value: 5 }],
      AlarmState.Ok,
    );
    expect(failed.reason).toBe(
      'Threshold Crossed: 1 out of the last 1 datapoint [5.0 (02/01/25 10:05:00)] was greater than the threshold (2.0) (minimum 1 datapoint for OK -> ALARM transition).',
    );
    const recovered = evaluateAlarm(
      { ...alarm(1, 1, 'notBreaching'), threshold: 2 },
      [{ timestamp: Date.UTC(2025, 0, 2, 10, 10, 0), value: 0 }],
      AlarmState.Alarm,
    );
    expect(recovered.reason).toBe(
      'Threshold Crossed: 1 out of the last 1 datapoint [0.0 (02/01/25 10:10:00)] was not greater than the threshold (2.0) (minimum 1 datapoint for ALARM -> OK transition).',
    );
    const empty = evaluateAlarm(alarm(3, 3, 'missing'), range('- - - - -'), AlarmState.Ok);
    expect(empty.reason).toBe(
      'Insufficient Data: no datapoints were received for 3 periods and 3 missing datapoints were treated as [Missing].',
    );
  });

  it.each([
    ['GreaterThanOrEqualToThreshold', 3, true],
    ['GreaterThanOrEqualToThreshold', 2.9, false],
    ['GreaterThanThreshold', 3, false],
    ['GreaterThanThreshold', 3.1, true],
    ['LessThanThreshold', 3, false],
    ['LessThanThreshold', 2.9, true],
    ['LessThanOrEqualToThreshold', 3, true],
    ['LessThanOrEqualToThreshold', 3.1, false],
  ] as const)('%s with value %d against 3 breaches: %s', (operator, value, breaching) => {
    expect(isBreaching({ threshold: 3, comparisonOperator: operator }, value)).toBe(breaching);
  });
});
