/**
 * Which fields each state type may have in each query language, which it must have, and the
 * JSON type of each. A field of the other query language gets a message naming the field to
 * use instead; an unknown field gets the closest known one.
 */
import type { Json } from '../json.js';
import { isJsonObject } from '../json.js';
import type { QueryLanguage } from '../types.js';
import type { DiagnosticCollector } from './diagnostics.js';
import { DiagnosticCode, pointer, quote } from './diagnostics.js';
import { kindOf } from './input.js';
import { isJsonataExpression } from './values.js';
import { didYouMean } from './suggest.js';
import type { StateSite } from './walk.js';
import { StateType } from './walk.js';

/** Fields of one query language only, with what the other language uses instead. */
const JSONPATH_ONLY: Readonly<Record<string, string>> = {
  InputPath: "'Arguments' (reading $states.input)",
  OutputPath: "'Output'",
  Parameters: "'Arguments' (or 'ItemSelector' in a Map)",
  ResultSelector: "'Output'",
  ResultPath: "'Output' or 'Assign'",
  Result: "'Output'",
  ItemsPath: "'Items'",
  SecondsPath: "'Seconds' with a JSONata expression",
  TimestampPath: "'Timestamp' with a JSONata expression",
  TimeoutSecondsPath: "'TimeoutSeconds' with a JSONata expression",
  HeartbeatSecondsPath: "'HeartbeatSeconds' with a JSONata expression",
  MaxConcurrencyPath: "'MaxConcurrency' with a JSONata expression",
  ToleratedFailureCountPath: "'ToleratedFailureCount' with a JSONata expression",
  ToleratedFailurePercentagePath: "'ToleratedFailurePercentage' with a JSONata expression",
  ErrorPath: "'Error' with a JSONata expression",
  CausePath: "'Cause' with a JSONata expression",
};
const JSONATA_ONLY: Readonly<Record<string, string>> = {
  Arguments: "'Parameters'",
  Output: "'OutputPath' or 'ResultSelector'",
  Items: "'ItemsPath'",
};

const COMMON = ['Type', 'Comment', 'QueryLanguage'];
const FLOW = ['Next', 'End'];
const IO_PATHS = ['InputPath', 'OutputPath'];

/** Every field each state type may have, in either query language. */
const FIELDS: Readonly<Record<StateType, readonly string[]>> = {
  Pass: [...COMMON, ...FLOW, ...IO_PATHS, 'ResultPath', 'Parameters', 'Result', 'Assign', 'Output'],
  Task: [
    ...COMMON,
    ...FLOW,
    ...IO_PATHS,
    'Resource',
    'ResultPath',
    'Parameters',
    'ResultSelector',
    'Retry',
    'Catch',
    'TimeoutSeconds',
    'TimeoutSecondsPath',
    'HeartbeatSeconds',
    'HeartbeatSecondsPath',
    'Credentials',
    'Assign',
    'Arguments',
    'Output',
  ],
  Choice: [...COMMON, ...IO_PATHS, 'Choices', 'Default', 'Assign', 'Output'],
  Wait: [
    ...COMMON,
    ...FLOW,
    ...IO_PATHS,
    'Seconds',
    'Timestamp',
    'SecondsPath',
    'TimestampPath',
    'Assign',
    'Output',
  ],
  // AWS: Succeed and Fail take no Assign (variables are for Pass, Task, Map, Parallel, Choice, Wait).
  Succeed: [...COMMON, ...IO_PATHS, 'Output'],
  Fail: [...COMMON, 'Error', 'Cause', 'ErrorPath', 'CausePath'],
  Parallel: [
    ...COMMON,
    ...FLOW,
    ...IO_PATHS,
    'Branches',
    'ResultPath',
    'Parameters',
    'ResultSelector',
    'Retry',
    'Catch',
    'Assign',
    'Arguments',
    'Output',
  ],
  Map: [
    ...COMMON,
    ...FLOW,
    ...IO_PATHS,
    'ItemProcessor',
    'Iterator',
    'ItemsPath',
    'Items',
    'ItemSelector',
    'Parameters',
    'MaxConcurrency',
    'MaxConcurrencyPath',
    'ToleratedFailureCount',
    'ToleratedFailureCountPath',
    'ToleratedFailurePercentage',
    'ToleratedFailurePercentagePath',
    'ItemReader',
    'ItemBatcher',
    'ResultWriter',
    'Label',
    'ResultPath',
    'ResultSelector',
    'Retry',
    'Catch',
    'Assign',
    'Output',
  ],
};

const REQUIRED: Readonly<Partial<Record<StateType, readonly string[]>>> = {
  Task: ['Resource'],
  Choice: ['Choices'],
};

/** True for the fields `site` may have given its type and query language. */
export function isAllowedField(type: StateType, language: QueryLanguage, field: string): boolean {
  if (!FIELDS[type].includes(field)) return false;
  if (language === 'JSONata' && field in JSONPATH_ONLY) return false;
  if (language === 'JSONPath' && field in JSONATA_ONLY) return false;
  return true;
}

/** Unknown and misplaced fields, required fields, Next/End, and the JSON type of simple fields. */
export function checkFields(site: StateSite, report: DiagnosticCollector): void {
  const { type, state, language } = site;
  if (type === undefined) return;
  for (const field of Object.keys(state)) {
    if (isAllowedField(type, language, field)) continue;
    const at = pointer(site.pointer, field);
    const other = language === 'JSONata' ? JSONPATH_ONLY[field] : JSONATA_ONLY[field];
    if (other !== undefined && FIELDS[type].includes(field)) {
      report.error(
        DiagnosticCode.SchemaValidationFailed,
        at,
        `is not allowed in a ${language} state; use ${other}`,
      );
    } else if (field === 'Next' || field === 'End') {
      report.error(
        DiagnosticCode.SchemaValidationFailed,
        at,
        type === StateType.Choice
          ? `is not allowed on a Choice state; each rule in 'Choices' names its own 'Next', and 'Default' the fallback`
          : `is not allowed on a ${type} state, which always ends the execution or branch`,
      );
    } else {
      const known = FIELDS[type].filter((f) => isAllowedField(type, language, f));
      report.error(
        DiagnosticCode.SchemaValidationFailed,
        at,
        `is not a field of a ${language} ${type} state${didYouMean(field, known)}`,
      );
    }
  }
  for (const field of REQUIRED[type] ?? []) {
    if (state[field] === undefined) {
      report.error(
        DiagnosticCode.SchemaValidationFailed,
        pointer(site.pointer, field),
        'is required',
      );
    }
  }
  checkNextEnd(site, report);
  checkSimpleTypes(site, report);
}

function checkNextEnd(site: StateSite, report: DiagnosticCollector): void {
  const { type, state } = site;
  if (type === StateType.Choice || type === StateType.Succeed || type === StateType.Fail) return;
  const hasNext = state.Next !== undefined;
  const hasEnd = state.End !== undefined;
  if (hasNext && hasEnd) {
    report.error(
      DiagnosticCode.SchemaValidationFailed,
      pointer(site.pointer, 'End'),
      "cannot be used together with 'Next'; a state either moves on or ends",
    );
  } else if (!hasNext && !hasEnd) {
    report.error(
      DiagnosticCode.SchemaValidationFailed,
      site.pointer,
      "must have either 'Next' (the state to go to) or 'End': true",
    );
  }
  if (hasNext && typeof state.Next !== 'string') {
    report.error(
      DiagnosticCode.SchemaValidationFailed,
      pointer(site.pointer, 'Next'),
      `must be a state name, not ${kindOf(state.Next)}`,
    );
  }
  if (hasEnd && state.End !== true) {
    report.error(
      DiagnosticCode.SchemaValidationFailed,
      pointer(site.pointer, 'End'),
      `must be true when present, not ${quote(state.End)}`,
    );
  }
}

type Shape = 'string' | 'object' | 'path' | 'array' | 'template';
/** The JSON type of fields whose type does not depend on the state (deeper checks elsewhere). */
const SHAPES: Readonly<Record<string, Shape>> = {
  Comment: 'string',
  Resource: 'string',
  Default: 'string',
  Label: 'string',
  InputPath: 'path',
  OutputPath: 'path',
  ResultPath: 'path',
  ItemsPath: 'string',
  SecondsPath: 'string',
  TimestampPath: 'string',
  TimeoutSecondsPath: 'string',
  HeartbeatSecondsPath: 'string',
  MaxConcurrencyPath: 'string',
  ToleratedFailureCountPath: 'string',
  ToleratedFailurePercentagePath: 'string',
  ErrorPath: 'string',
  CausePath: 'string',
  Assign: 'object',
  ResultSelector: 'object',
  Credentials: 'object',
  Choices: 'array',
  Retry: 'array',
  Catch: 'array',
  Arguments: 'template',
};

function checkSimpleTypes(site: StateSite, report: DiagnosticCollector): void {
  for (const [field, value] of Object.entries(site.state)) {
    const shape = SHAPES[field];
    if (shape === undefined || !isAllowedField(site.type as StateType, site.language, field)) {
      continue;
    }
    const problem = shapeProblem(shape, value);
    if (problem !== undefined) {
      report.error(DiagnosticCode.SchemaValidationFailed, pointer(site.pointer, field), problem);
    }
  }
}

function shapeProblem(shape: Shape, value: Json): string | undefined {
  switch (shape) {
    case 'string':
      return typeof value === 'string' ? undefined : `must be a string, not ${kindOf(value)}`;
    case 'path':
      return typeof value === 'string' || value === null
        ? undefined
        : `must be a path string or null, not ${kindOf(value)}`;
    case 'object':
      return isJsonObject(value) ? undefined : `must be an object, not ${kindOf(value)}`;
    case 'array':
      return Array.isArray(value) ? undefined : `must be an array, not ${kindOf(value)}`;
    case 'template':
      // AWS: Arguments is an object, or a JSONata expression that yields one.
      return isJsonObject(value) || isJsonataExpression(value)
        ? undefined
        : `must be an object or a JSONata expression, not ${kindOf(value)}`;
  }
}
