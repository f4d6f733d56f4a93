/**
 * Rules particular to one state type: a Task's resource, timeouts and task token; a Wait's one
 * duration; a Fail's error and cause; a Map's processor, selector, limits and the Distributed
 * features this engine does not run.
 */
import type { Json, JsonObject } from '../json.js';
import { isJsonObject } from '../json.js';
import type { DiagnosticCollector } from './diagnostics.js';
import { DiagnosticCode, pointer, quote } from './diagnostics.js';
import { kindOf } from './input.js';
import { checkKnownFields } from './retry-catch.js';
import { isJsonataExpression, isTimestamp } from './values.js';
import type { StateSite } from './walk.js';
import { StateType } from './walk.js';

/** AWS: the largest TimeoutSeconds, HeartbeatSeconds and Wait Seconds. */
const MAX_SECONDS = 99_999_999;

export interface StateRuleOptions {
  readonly isResourceSupported?: (resource: string) => boolean;
}

/** Runs the rules of the state's type. */
export function checkStateRules(
  site: StateSite,
  options: StateRuleOptions,
  report: DiagnosticCollector,
): void {
  switch (site.type) {
    case StateType.Task:
      checkTask(site, options, report);
      break;
    case StateType.Wait:
      checkWait(site, report);
      break;
    case StateType.Fail:
      checkFail(site, report);
      break;
    case StateType.Map:
      checkMap(site, report);
      break;
    default:
      break;
  }
}

function checkTask(site: StateSite, options: StateRuleOptions, report: DiagnosticCollector): void {
  const { state } = site;
  const resource = state.Resource;
  if (typeof resource === 'string') {
    if (resource === '') {
      report.error(
        DiagnosticCode.InvalidResource,
        pointer(site.pointer, 'Resource'),
        'must not be empty',
      );
    } else if (
      options.isResourceSupported !== undefined &&
      !options.isResourceSupported(resource)
    ) {
      report.error(
        DiagnosticCode.InvalidResource,
        pointer(site.pointer, 'Resource'),
        `${quote(resource, 200)} is not a resource this engine can run`,
      );
    }
    if (resource.endsWith('.waitForTaskToken')) checkTaskToken(site, report);
  }
  exclusive(site, 'TimeoutSeconds', 'TimeoutSecondsPath', report);
  exclusive(site, 'HeartbeatSeconds', 'HeartbeatSecondsPath', report);
  const timeout = secondsField(site, 'TimeoutSeconds', 1, report);
  const heartbeat = secondsField(site, 'HeartbeatSeconds', 1, report);
  if (timeout !== undefined && heartbeat !== undefined && heartbeat >= timeout) {
    report.error(
      DiagnosticCode.SchemaValidationFailed,
      pointer(site.pointer, 'HeartbeatSeconds'),
      `(${heartbeat}) must be smaller than TimeoutSeconds (${timeout})`,
    );
  }
}

/**
 * AWS: a `.waitForTaskToken` integration must hand the token to someone, so it rejects a
 * definition whose Parameters (Arguments) never mention the context object's Task.Token.
 */
function checkTaskToken(site: StateSite, report: DiagnosticCollector): void {
  const jsonata = site.language === 'JSONata';
  const field = jsonata ? 'Arguments' : 'Parameters';
  const payload = site.state[field];
  const found = jsonata
    ? containsString(
        payload,
        (s) => isJsonataExpression(s) && s.includes('$states.context.Task.Token'),
      )
    : containsPathValue(payload, (s) => s.includes('$$.Task.Token'));
  if (!found) {
    const token = jsonata
      ? "'{% $states.context.Task.Token %}'"
      : "a 'key.$' field set to '$$.Task.Token'";
    report.error(
      DiagnosticCode.SchemaValidationFailed,
      payload === undefined ? site.pointer : pointer(site.pointer, field),
      `a '.waitForTaskToken' resource must pass the task token: put ${token} in ${field}`,
    );
  }
}

function checkWait(site: StateSite, report: DiagnosticCollector): void {
  const { state } = site;
  const fields = ['Seconds', 'Timestamp', 'SecondsPath', 'TimestampPath'].filter(
    (f) => state[f] !== undefined,
  );
  if (fields.length !== 1) {
    report.error(
      DiagnosticCode.SchemaValidationFailed,
      site.pointer,
      fields.length === 0
        ? `must have exactly one of ${site.language === 'JSONata' ? "'Seconds' or 'Timestamp'" : "'Seconds', 'Timestamp', 'SecondsPath' or 'TimestampPath'"}`
        : `must have only one of ${fields.map((f) => `'${f}'`).join(' and ')}`,
    );
  }
  secondsField(site, 'Seconds', 0, report);
  const timestamp = state.Timestamp;
  if (timestamp !== undefined && !(site.language === 'JSONata' && isJsonataExpression(timestamp))) {
    if (typeof timestamp !== 'string' || !isTimestamp(timestamp)) {
      report.error(
        DiagnosticCode.SchemaValidationFailed,
        pointer(site.pointer, 'Timestamp'),
        `must be an RFC 3339 timestamp such as '2026-01-31T09:00:00Z'${site.language === 'JSONata' ? ' or a JSONata expression' : ''}, not ${quote(timestamp)}`,
      );
    }
  }
}

function checkFail(site: StateSite, report: DiagnosticCollector): void {
  exclusive(site, 'Error', 'ErrorPath', report);
  exclusive(site, 'Cause', 'CausePath', report);
  for (const field of ['Error', 'Cause']) {
    const value = site.state[field];
    if (value !== undefined && typeof value !== 'string') {
      report.error(
        DiagnosticCode.SchemaValidationFailed,
        pointer(site.pointer, field),
        `must be a string, not ${kindOf(value)}`,
      );
    }
  }
}

const PROCESSOR_CONFIG_FIELDS = ['Mode', 'ExecutionType'];
const DISTRIBUTED_ONLY = ['ItemReader', 'ItemBatcher', 'ResultWriter', 'Label'];

function checkMap(site: StateSite, report: DiagnosticCollector): void {
  const { state } = site;
  if (state.ItemProcessor === undefined && state.Iterator === undefined) {
    report.error(
      DiagnosticCode.SchemaValidationFailed,
      pointer(site.pointer, 'ItemProcessor'),
      'is required (the states to run for each item)',
    );
  }
  exclusive(site, 'ItemProcessor', 'Iterator', report);
  exclusive(site, 'ItemSelector', 'Parameters', report);
  exclusive(site, 'MaxConcurrency', 'MaxConcurrencyPath', report);
  exclusive(site, 'ToleratedFailureCount', 'ToleratedFailureCountPath', report);
  exclusive(site, 'ToleratedFailurePercentage', 'ToleratedFailurePercentagePath', report);

  const processor = state.ItemProcessor;
  if (isJsonObject(processor) && processor.ProcessorConfig !== undefined) {
    checkProcessorConfig(
      processor,
      pointer(site.pointer, 'ItemProcessor', 'ProcessorConfig'),
      report,
    );
  }
  for (const field of DISTRIBUTED_ONLY) {
    if (state[field] !== undefined) {
      report.error(
        DiagnosticCode.UnsupportedFeature,
        pointer(site.pointer, field),
        'belongs to a Distributed Map, which this engine does not run; use an inline Map',
      );
    }
  }
  numberField(
    site,
    'MaxConcurrency',
    { min: 0, max: Number.MAX_SAFE_INTEGER, integer: true },
    report,
  );
  numberField(
    site,
    'ToleratedFailureCount',
    { min: 0, max: Number.MAX_SAFE_INTEGER, integer: true },
    report,
  );
  numberField(site, 'ToleratedFailurePercentage', { min: 0, max: 100, integer: false }, report);

  const items = state.Items;
  if (
    site.language === 'JSONata' &&
    items !== undefined &&
    !Array.isArray(items) &&
    !isJsonataExpression(items)
  ) {
    report.error(
      DiagnosticCode.SchemaValidationFailed,
      pointer(site.pointer, 'Items'),
      `must be an array or a JSONata expression that yields one, not ${kindOf(items)}`,
    );
  }
  for (const field of ['ItemSelector', 'Parameters']) {
    const value = state[field];
    if (value === undefined || isJsonObject(value)) continue;
    if (site.language === 'JSONata' && isJsonataExpression(value)) continue;
    report.error(
      DiagnosticCode.SchemaValidationFailed,
      pointer(site.pointer, field),
      `must be an object${site.language === 'JSONata' ? ' or a JSONata expression' : ''}, not ${kindOf(value)}`,
    );
  }
}

function checkProcessorConfig(
  processor: JsonObject,
  at: string,
  report: DiagnosticCollector,
): void {
  const config = processor.ProcessorConfig;
  if (!isJsonObject(config)) {
    report.error(
      DiagnosticCode.SchemaValidationFailed,
      at,
      `must be an object, not ${kindOf(config)}`,
    );
    return;
  }
  checkKnownFields(config, PROCESSOR_CONFIG_FIELDS, at, 'ProcessorConfig', report);
  const mode = config.Mode;
  if (mode === 'DISTRIBUTED') {
    report.error(
      DiagnosticCode.UnsupportedFeature,
      pointer(at, 'Mode'),
      "'DISTRIBUTED' is not supported by this engine; use 'INLINE' (the default)",
    );
  } else if (mode !== undefined && mode !== 'INLINE') {
    report.error(
      DiagnosticCode.SchemaValidationFailed,
      pointer(at, 'Mode'),
      `must be 'INLINE' or 'DISTRIBUTED', not ${quote(mode)}`,
    );
  }
  if (config.ExecutionType !== undefined && mode !== 'DISTRIBUTED') {
    report.error(
      DiagnosticCode.SchemaValidationFailed,
      pointer(at, 'ExecutionType'),
      "applies only to Mode 'DISTRIBUTED'",
    );
  }
}

/** Reports a state that has both the literal and the Path form of one setting. */
function exclusive(site: StateSite, a: string, b: string, report: DiagnosticCollector): void {
  if (site.state[a] !== undefined && site.state[b] !== undefined) {
    report.error(
      DiagnosticCode.SchemaValidationFailed,
      pointer(site.pointer, b),
      `cannot be used together with '${a}'; use one or the other`,
    );
  }
}

/**
 * A seconds field: an integer from `min` to AWS's maximum, or in JSONata a JSONata expression.
 * Returns the number when it is a valid literal.
 */
function secondsField(
  site: StateSite,
  field: string,
  min: number,
  report: DiagnosticCollector,
): number | undefined {
  const value = site.state[field];
  if (value === undefined) return undefined;
  if (site.language === 'JSONata' && isJsonataExpression(value)) return undefined;
  if (
    typeof value === 'number' &&
    Number.isInteger(value) &&
    value >= min &&
    value <= MAX_SECONDS
  ) {
    return value;
  }
  report.error(
    DiagnosticCode.SchemaValidationFailed,
    pointer(site.pointer, field),
    `must be an integer from ${min} to ${MAX_SECONDS}${site.language === 'JSONata' ? ' or a JSONata expression' : ''}, not ${quote(value)}`,
  );
  return undefined;
}

function numberField(
  site: StateSite,
  field: string,
  range: { min: number; max: number; integer: boolean },
  report: DiagnosticCollector,
): void {
  const value = site.state[field];
  if (value === undefined) return;
  if (site.language === 'JSONata' && isJsonataExpression(value)) return;
  if (
    typeof value === 'number' &&
    value >= range.min &&
    value <= range.max &&
    (!range.integer || Number.isInteger(value))
  ) {
    return;
  }
  const what = range.integer
    ? `an integer of at least ${range.min}`
    : `a number from ${range.min} to ${range.max}`;
  report.error(
    DiagnosticCode.SchemaValidationFailed,
    pointer(site.pointer, field),
    `must be ${what}${site.language === 'JSONata' ? ' or a JSONata expression' : ''}, not ${quote(value)}`,
  );
}

/** True when some string anywhere in `value` passes `test`. */
function containsString(value: Json | undefined, test: (s: string) => boolean): boolean {
  if (typeof value === 'string') return test(value);
  if (Array.isArray(value)) return value.some((v) => containsString(v, test));
  if (isJsonObject(value)) return Object.values(value).some((v) => containsString(v, test));
  return false;
}

/** True when some `key.$` value anywhere in a payload template passes `test`. */
function containsPathValue(value: Json | undefined, test: (s: string) => boolean): boolean {
  if (Array.isArray(value)) return value.some((v) => containsPathValue(v, test));
  if (!isJsonObject(value)) return false;
  return Object.entries(value).some(([key, v]) =>
    key.endsWith('.$') && typeof v === 'string' ? test(v) : containsPathValue(v, test),
  );
}
