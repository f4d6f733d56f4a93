/**
 * Pure alarm evaluation with CloudWatch's documented semantics: given an alarm, the datapoints of
 * its evaluation range (oldest first, `null` where a period had no data) and its current state, it
 * returns the next state and a reason worded like CloudWatch's `StateReason`. No clock, no I/O:
 * the `AlarmMonitor` fetches the datapoints and stores the result.
 *
 * AWS: CloudWatch looks at more periods than `evaluationPeriods` (the "evaluation range") and
 * only fills in missing datapoints when fewer than N real ones exist in that range; the rules
 * below reproduce the example tables of "Configuring how CloudWatch alarms treat missing data"
 * and its "avoiding premature transitions to alarm state" rule.
 */
import type { AlarmDefinition } from './alarm-definitions.js';
import { ComparisonOperator, TreatMissingData } from './alarm-definitions.js';

export const AlarmState = {
  Ok: 'OK',
  Alarm: 'ALARM',
  InsufficientData: 'INSUFFICIENT_DATA',
} as const;
export type AlarmState = (typeof AlarmState)[keyof typeof AlarmState];

/** One period's statistic value, stamped with the period's start (epoch ms). */
export interface AlarmDatapoint {
  timestamp: number;
  value: number;
}

/** The parts of an alarm definition evaluation needs. */
export type EvaluatedAlarm = Pick<
  AlarmDefinition,
  | 'evaluationPeriods'
  | 'datapointsToAlarm'
  | 'threshold'
  | 'comparisonOperator'
  | 'treatMissingData'
>;

export interface AlarmEvaluation {
  state: AlarmState;
  /** Human-readable, in the style of CloudWatch's StateReason. */
  reason: string;
  /** True when `state` differs from the state the alarm was in. */
  changed: boolean;
  /** Real datapoints the decision used, newest first. */
  evaluated: AlarmDatapoint[];
}

/**
 * How many periods CloudWatch retrieves for an alarm with N evaluation periods. AWS documents
 * only that it is more than N (and 5 for N = 3 in its examples); this follows the example.
 */
export function evaluationRangeLength(evaluationPeriods: number): number {
  return evaluationPeriods + Math.max(2, Math.floor(evaluationPeriods / 3));
}

/** True if `value` breaches the alarm's threshold under its comparison operator. */
export function isBreaching(
  alarm: Pick<EvaluatedAlarm, 'threshold' | 'comparisonOperator'>,
  value: number,
): boolean {
  switch (alarm.comparisonOperator) {
    case ComparisonOperator.GreaterThanOrEqualToThreshold:
      return value >= alarm.threshold;
    case ComparisonOperator.GreaterThanThreshold:
      return value > alarm.threshold;
    case ComparisonOperator.LessThanThreshold:
      return value < alarm.threshold;
    case ComparisonOperator.LessThanOrEqualToThreshold:
      return value <= alarm.threshold;
  }
}

/**
 * Decides the alarm state from the datapoints of its evaluation range.
 *
 * - At least N real datapoints in the range: the N most recent are evaluated and missing ones do
 *   not matter, whatever `treatMissingData` says.
 * - None at all: `missing` gives INSUFFICIENT_DATA, `ignore` keeps the state, `breaching` ALARM,
 *   `notBreaching` OK.
 * - Some but fewer than N: with `breaching`/`notBreaching`, all real datapoints plus as few filled
 *   ones as make N are evaluated. With `missing`/`ignore`, the real ones are evaluated as they are:
 *   M breaching gives ALARM; any non-breaching one gives OK; only breaching ones (fewer than M)
 *   decide nothing (INSUFFICIENT_DATA, or the state kept for `ignore`) - except that, to avoid
 *   premature transitions, `missing` goes to ALARM when the oldest real datapoint breaches and is
 *   at least M periods old and all later ones breach or are missing.
 *
 * @param datapoints the evaluation range, oldest first; `null` marks a missing period
 */
export function evaluateAlarm(
  alarm: EvaluatedAlarm,
  datapoints: readonly (AlarmDatapoint | null)[],
  currentState: AlarmState,
): AlarmEvaluation {
  const n = alarm.evaluationPeriods;
  const m = alarm.datapointsToAlarm;
  const real = datapoints.filter((d): d is AlarmDatapoint => d !== null);
  const newestFirst = [...real].reverse();
  const treat = alarm.treatMissingData;
  const result = (
    state: AlarmState,
    reason: string,
    evaluated: AlarmDatapoint[],
  ): AlarmEvaluation => ({
    state,
    reason,
    changed: state !== currentState,
    evaluated,
  });
  const keep = (evaluated: AlarmDatapoint[]): AlarmEvaluation =>
    result(currentState, 'Unchanged: missing data is ignored.', evaluated);

  if (real.length >= n) {
    const evaluated = newestFirst.slice(0, n);
    const breaching = evaluated.filter((d) => isBreaching(alarm, d.value)).length;
    const state = breaching >= m ? AlarmState.Alarm : AlarmState.Ok;
    return result(state, thresholdReason(alarm, state, evaluated, 0, currentState), evaluated);
  }

  if (real.length === 0) {
    const periods = `no datapoints were received for ${plural(n, 'period')} and ${plural(n, 'missing datapoint')} ${n === 1 ? 'was' : 'were'} treated as`;
    switch (treat) {
      case TreatMissingData.Missing:
        return result(AlarmState.InsufficientData, `Insufficient Data: ${periods} [Missing].`, []);
      case TreatMissingData.Ignore:
        return keep([]);
      case TreatMissingData.Breaching:
        return result(AlarmState.Alarm, `Threshold Crossed: ${periods} [Breaching].`, []);
      case TreatMissingData.NotBreaching:
        return result(AlarmState.Ok, `Threshold Crossed: ${periods} [NonBreaching].`, []);
    }
  }

  const filled = n - real.length;
  if (treat === TreatMissingData.Breaching || treat === TreatMissingData.NotBreaching) {
    const realBreaching = real.filter((d) => isBreaching(alarm, d.value)).length;
    const breaching = realBreaching + (treat === TreatMissingData.Breaching ? filled : 0);
    const state = breaching >= m ? AlarmState.Alarm : AlarmState.Ok;
    return result(
      state,
      thresholdReason(alarm, state, newestFirst, filled, currentState),
      newestFirst,
    );
  }

  // missing or ignore, with 1..N-1 real datapoints: evaluate the ones there are.
  const breaching = real.filter((d) => isBreaching(alarm, d.value)).length;
  if (breaching >= m) {
    return result(
      AlarmState.Alarm,
      thresholdReason(alarm, AlarmState.Alarm, newestFirst, 0, currentState),
      newestFirst,
    );
  }
  if (breaching < real.length) {
    return result(
      AlarmState.Ok,
      thresholdReason(alarm, AlarmState.Ok, newestFirst, 0, currentState),
      newestFirst,
    );
  }
  // Only breaching datapoints, fewer than M of them.
  const oldestIndex = datapoints.findIndex((d) => d !== null);
  const oldestAgeInPeriods = datapoints.length - oldestIndex;
  if (treat === TreatMissingData.Ignore) return keep(newestFirst);
  if (oldestAgeInPeriods >= m) {
    // AWS: avoiding premature transitions - a breach old enough to have been M datapoints ago,
    // followed only by breaches or silence, alarms even with fewer than M datapoints.
    return result(
      AlarmState.Alarm,
      thresholdReason(alarm, AlarmState.Alarm, newestFirst, 0, currentState),
      newestFirst,
    );
  }
  return result(
    AlarmState.InsufficientData,
    `Insufficient Data: ${plural(real.length, 'datapoint')} ${real.length === 1 ? 'was' : 'were'} breaching but ${plural(n - real.length, 'datapoint')} ${n - real.length === 1 ? 'was' : 'were'} unknown (minimum ${plural(m, 'datapoint')} for ALARM).`,
    newestFirst,
  );
}

const comparisonWords: Record<ComparisonOperator, string> = {
  GreaterThanOrEqualToThreshold: 'greater than or equal to',
  GreaterThanThreshold: 'greater than',
  LessThanThreshold: 'less than',
  LessThanOrEqualToThreshold: 'less than or equal to',
};

/**
 * CloudWatch's wording, e.g. "Threshold Crossed: 1 out of the last 1 datapoints [5.0 (02/01/25
 * 10:05:00)] was greater than the threshold (2.0) (minimum 1 datapoint for OK -> ALARM transition)."
 */
function thresholdReason(
  alarm: EvaluatedAlarm,
  state: AlarmState,
  evaluated: readonly AlarmDatapoint[],
  filled: number,
  currentState: AlarmState,
): string {
  const words = comparisonWords[alarm.comparisonOperator];
  const total = evaluated.length + filled;
  const shown = `[${evaluated.map((d) => `${formatValue(d.value)} (${formatTimestamp(d.timestamp)})`).join(', ')}]`;
  const fill =
    filled > 0
      ? ` and ${plural(filled, 'missing datapoint')} treated as [${alarm.treatMissingData === TreatMissingData.Breaching ? 'Breaching' : 'NonBreaching'}]`
      : '';
  const threshold = `the threshold (${formatValue(alarm.threshold)})`;
  if (state === AlarmState.Alarm) {
    const count =
      evaluated.filter((d) => isBreaching(alarm, d.value)).length +
      (alarm.treatMissingData === TreatMissingData.Breaching ? filled : 0);
    return `Threshold Crossed: ${count} out of the last ${plural(total, 'datapoint')} ${shown}${fill} ${count === 1 ? 'was' : 'were'} ${words} ${threshold} (minimum ${plural(alarm.datapointsToAlarm, 'datapoint')} for ${currentState} -> ALARM transition).`;
  }
  const count =
    evaluated.filter((d) => !isBreaching(alarm, d.value)).length +
    (alarm.treatMissingData === TreatMissingData.NotBreaching ? filled : 0);
  const needed = Math.max(1, total - alarm.datapointsToAlarm + 1);
  return `Threshold Crossed: ${count} out of the last ${plural(total, 'datapoint')} ${shown}${fill} ${count === 1 ? 'was' : 'were'} not ${words} ${threshold} (minimum ${plural(needed, 'datapoint')} for ${currentState} -> OK transition).`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** CloudWatch prints whole numbers with one decimal ("3.0"). */
function formatValue(value: number): string {
  return Number.isInteger(value) ? value.toFixed(1) : String(value);
}

/** CloudWatch's reason timestamps: dd/MM/yy HH:mm:ss in UTC. */
function formatTimestamp(timestamp: number): string {
  const d = new Date(timestamp);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getUTCDate())}/${two(d.getUTCMonth() + 1)}/${two(d.getUTCFullYear() % 100)} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
}
