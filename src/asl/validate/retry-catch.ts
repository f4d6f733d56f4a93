/**
 * Retriers and catchers of Task, Parallel and Map states: their fields, their numeric ranges as
 * AWS enforces them, and the rule that States.ALL stands alone and comes last.
 */
import type { JsonObject } from '../json.js';
import { isJsonObject } from '../json.js';
import type { DiagnosticCollector } from './diagnostics.js';
import { DiagnosticCode, pointer, quote } from './diagnostics.js';
import { kindOf } from './input.js';
import { didYouMean } from './suggest.js';
import type { StateSite } from './walk.js';
import { StateType } from './walk.js';

const STATES_ALL = 'States.ALL';
/** AWS: the upper bound of IntervalSeconds, MaxAttempts and other counts. */
const MAX_COUNT = 99_999_999;
/** AWS: MaxDelaySeconds is below 31622401 (one leap year). */
const MAX_DELAY_SECONDS = 31_622_400;

const RETRIER_FIELDS = [
  'ErrorEquals',
  'IntervalSeconds',
  'MaxAttempts',
  'BackoffRate',
  'MaxDelaySeconds',
  'JitterStrategy',
  'Comment',
];
const CATCHER_FIELDS_JSONPATH = ['ErrorEquals', 'Next', 'ResultPath', 'Assign', 'Comment'];
const CATCHER_FIELDS_JSONATA = ['ErrorEquals', 'Next', 'Output', 'Assign', 'Comment'];

/** Checks Retry and Catch of a state that may have them. */
export function checkRetryCatch(site: StateSite, report: DiagnosticCollector): void {
  if (
    site.type !== StateType.Task &&
    site.type !== StateType.Parallel &&
    site.type !== StateType.Map
  ) {
    return;
  }
  const { state } = site;
  const retriers = state.Retry;
  if (Array.isArray(retriers)) {
    const at = pointer(site.pointer, 'Retry');
    retriers.forEach((retrier, i) => {
      if (!isJsonObject(retrier)) {
        report.error(
          DiagnosticCode.SchemaValidationFailed,
          pointer(at, i),
          `must be an object, not ${kindOf(retrier)}`,
        );
        return;
      }
      checkRetrier(retrier, pointer(at, i), i === retriers.length - 1, report);
    });
  }
  const catchers = state.Catch;
  if (Array.isArray(catchers)) {
    const at = pointer(site.pointer, 'Catch');
    const fields = site.language === 'JSONata' ? CATCHER_FIELDS_JSONATA : CATCHER_FIELDS_JSONPATH;
    catchers.forEach((catcher, i) => {
      const here = pointer(at, i);
      if (!isJsonObject(catcher)) {
        report.error(
          DiagnosticCode.SchemaValidationFailed,
          here,
          `must be an object, not ${kindOf(catcher)}`,
        );
        return;
      }
      checkKnownFields(catcher, fields, here, `a ${site.language} catcher`, report);
      checkErrorEquals(catcher, here, i === catchers.length - 1, 'catcher', report);
      if (catcher.Next === undefined) {
        report.error(DiagnosticCode.SchemaValidationFailed, pointer(here, 'Next'), 'is required');
      } else if (typeof catcher.Next !== 'string') {
        report.error(
          DiagnosticCode.SchemaValidationFailed,
          pointer(here, 'Next'),
          `must be a state name, not ${kindOf(catcher.Next)}`,
        );
      }
      if (
        catcher.ResultPath !== undefined &&
        catcher.ResultPath !== null &&
        typeof catcher.ResultPath !== 'string'
      ) {
        report.error(
          DiagnosticCode.SchemaValidationFailed,
          pointer(here, 'ResultPath'),
          `must be a path string or null, not ${kindOf(catcher.ResultPath)}`,
        );
      }
      if (catcher.Assign !== undefined && !isJsonObject(catcher.Assign)) {
        report.error(
          DiagnosticCode.SchemaValidationFailed,
          pointer(here, 'Assign'),
          `must be an object, not ${kindOf(catcher.Assign)}`,
        );
      }
    });
  }
}

function checkRetrier(
  retrier: JsonObject,
  at: string,
  isLast: boolean,
  report: DiagnosticCollector,
): void {
  checkKnownFields(retrier, RETRIER_FIELDS, at, 'a retrier', report);
  checkErrorEquals(retrier, at, isLast, 'retrier', report);
  integerField(retrier, 'IntervalSeconds', 1, MAX_COUNT, at, report);
  integerField(retrier, 'MaxAttempts', 0, MAX_COUNT, at, report);
  integerField(retrier, 'MaxDelaySeconds', 1, MAX_DELAY_SECONDS, at, report);
  const backoff = retrier.BackoffRate;
  if (backoff !== undefined && !(typeof backoff === 'number' && backoff >= 1)) {
    // AWS: BackoffRate is at least 1.0 (the spec only says positive).
    report.error(
      DiagnosticCode.SchemaValidationFailed,
      pointer(at, 'BackoffRate'),
      `must be a number of at least 1.0, not ${quote(backoff)}`,
    );
  }
  const jitter = retrier.JitterStrategy;
  if (jitter !== undefined && jitter !== 'FULL' && jitter !== 'NONE') {
    report.error(
      DiagnosticCode.SchemaValidationFailed,
      pointer(at, 'JitterStrategy'),
      `must be 'FULL' or 'NONE', not ${quote(jitter)}`,
    );
  }
}

/** ErrorEquals: a non-empty array of error names; States.ALL alone and in the last entry. */
function checkErrorEquals(
  entry: JsonObject,
  at: string,
  isLast: boolean,
  what: 'retrier' | 'catcher',
  report: DiagnosticCollector,
): void {
  const names = entry.ErrorEquals;
  const here = pointer(at, 'ErrorEquals');
  if (names === undefined) {
    report.error(DiagnosticCode.SchemaValidationFailed, here, 'is required');
    return;
  }
  if (!Array.isArray(names) || names.length === 0) {
    report.error(
      DiagnosticCode.SchemaValidationFailed,
      here,
      `must be a non-empty array of error names, not ${Array.isArray(names) ? 'an empty array' : kindOf(names)}`,
    );
    return;
  }
  names.forEach((name, i) => {
    if (typeof name !== 'string' || name === '') {
      report.error(
        DiagnosticCode.SchemaValidationFailed,
        pointer(here, i),
        `must be a non-empty error name, not ${quote(name)}`,
      );
    }
  });
  if (names.includes(STATES_ALL)) {
    if (names.length > 1) {
      report.error(
        DiagnosticCode.SchemaValidationFailed,
        here,
        `'${STATES_ALL}' must be the only error name in its ErrorEquals`,
      );
    }
    if (!isLast) {
      report.error(
        DiagnosticCode.SchemaValidationFailed,
        here,
        `'${STATES_ALL}' may appear only in the last ${what}`,
      );
    }
  }
}

/** Reports fields of `entry` not in `allowed`. */
export function checkKnownFields(
  entry: JsonObject,
  allowed: readonly string[],
  at: string,
  what: string,
  report: DiagnosticCollector,
): void {
  for (const key of Object.keys(entry)) {
    if (!allowed.includes(key)) {
      report.error(
        DiagnosticCode.SchemaValidationFailed,
        pointer(at, key),
        `is not a field of ${what}${didYouMean(key, allowed)}`,
      );
    }
  }
}

/** An optional integer field within [min, max]. */
export function integerField(
  entry: JsonObject,
  field: string,
  min: number,
  max: number,
  at: string,
  report: DiagnosticCollector,
): void {
  const value = entry[field];
  if (value === undefined) return;
  if (!(typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max)) {
    report.error(
      DiagnosticCode.SchemaValidationFailed,
      pointer(at, field),
      `must be an integer from ${min} to ${max}, not ${quote(value)}`,
    );
  }
}
