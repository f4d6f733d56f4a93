/**
 * Validation of ASL definitions: one invalid fixture per rule (code, message fragment and
 * location), valid definitions of every state type in both query languages, and the property
 * that validation never throws, whatever it is given.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { ValidationOptions, ValidationResult } from '../../src/asl/validate.js';
import { validateDefinition } from '../../src/asl/validate.js';
import type { Json, JsonObject } from '../../src/asl/json.js';
import { DiagnosticCollector } from '../../src/asl/validate/diagnostics.js';
import { checkSchema } from '../../src/asl/validate/schema.js';
import { mapMachine } from '../../src/asl/validate/walk.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/asl/', import.meta.url));
const INVALID_DIR = join(FIXTURES, 'invalid');
const VALID_DIR = join(FIXTURES, 'valid');

const OPTIONS = {
  lambdaOnly: {
    isResourceSupported: (resource: string) =>
      resource.startsWith('arn:aws:lambda:') || resource === 'arn:aws:states:::lambda:invoke',
  },
} satisfies Record<string, ValidationOptions>;

type Row = [
  file: string,
  code: string,
  fragment: string,
  location: string,
  options?: keyof typeof OPTIONS,
];

/** Each invalid fixture breaks one rule: the diagnostic it must produce. */
const INVALID: Row[] = [
  ['not-an-object.json', 'SCHEMA_VALIDATION_FAILED', 'must be a JSON object, not an array', ''],
  [
    'missing-start-at.json',
    'SCHEMA_VALIDATION_FAILED',
    "Definition: field 'StartAt': is required",
    '/StartAt',
  ],
  [
    'unknown-top-level-field.json',
    'SCHEMA_VALIDATION_FAILED',
    "field 'TimeoutSecond': is not a field of a state machine (did you mean 'TimeoutSeconds'?)",
    '/TimeoutSecond',
  ],
  [
    'start-at-missing-state.json',
    'MISSING_TRANSITION_TARGET',
    "Definition: field 'StartAt': no state named 'Start'",
    '/StartAt',
  ],
  [
    'next-typo.json',
    'MISSING_TRANSITION_TARGET',
    "State 'Charge': field 'Next': no state named 'Recrod' (did you mean 'Record'?)",
    '/States/Charge/Next',
  ],
  [
    'unknown-state-type.json',
    'SCHEMA_VALIDATION_FAILED',
    "State 'A': field 'Type': 'Tsak' is not a state type (did you mean 'Task'?)",
    '/States/A/Type',
  ],
  [
    'task-missing-resource.json',
    'SCHEMA_VALIDATION_FAILED',
    "State 'A': field 'Resource': is required",
    '/States/A/Resource',
  ],
  [
    'next-and-end.json',
    'SCHEMA_VALIDATION_FAILED',
    "State 'A': field 'End': cannot be used together with 'Next'",
    '/States/A/End',
  ],
  [
    'no-next-no-end.json',
    'SCHEMA_VALIDATION_FAILED',
    "State 'A': must have either 'Next'",
    '/States/A',
  ],
  [
    'end-false.json',
    'SCHEMA_VALIDATION_FAILED',
    "State 'A': field 'End': must be true when present",
    '/States/A/End',
  ],
  [
    'choice-with-next.json',
    'SCHEMA_VALIDATION_FAILED',
    "State 'C': field 'Next': is not allowed on a Choice state",
    '/States/C/Next',
  ],
  [
    'succeed-with-end.json',
    'SCHEMA_VALIDATION_FAILED',
    "State 'A': field 'End': is not allowed on a Succeed state",
    '/States/A/End',
  ],
  [
    'jsonata-state-with-parameters.json',
    'SCHEMA_VALIDATION_FAILED',
    "State 'A': field 'Parameters': is not allowed in a JSONata state; use 'Arguments'",
    '/States/A/Parameters',
  ],
  [
    'jsonata-state-with-result-selector.json',
    'SCHEMA_VALIDATION_FAILED',
    "State 'A': field 'ResultSelector': is not allowed in a JSONata state; use 'Output'",
    '/States/A/ResultSelector',
  ],
  [
    'jsonpath-state-with-arguments.json',
    'SCHEMA_VALIDATION_FAILED',
    "State 'A': field 'Arguments': is not allowed in a JSONPath state; use 'Parameters'",
    '/States/A/Arguments',
  ],
  [
    'jsonpath-state-with-output.json',
    'SCHEMA_VALIDATION_FAILED',
    "State 'A': field 'Output': is not allowed in a JSONPath state",
    '/States/A/Output',
  ],
  [
    'unknown-state-field.json',
    'SCHEMA_VALIDATION_FAILED',
    "State 'A': field 'ResultPth': is not a field of a JSONPath Pass state (did you mean 'ResultPath'?)",
    '/States/A/ResultPth',
  ],
  [
    'succeed-with-assign.json',
    'SCHEMA_VALIDATION_FAILED',
    "field 'Assign': is not a field of a JSONPath Succeed state",
    '/States/A/Assign',
  ],
  [
    'jsonata-machine-jsonpath-state.json',
    'SCHEMA_VALIDATION_FAILED',
    "State 'A': field 'QueryLanguage': cannot be 'JSONPath' when the state machine's QueryLanguage is 'JSONata'",
    '/States/A/QueryLanguage',
  ],
  [
    'branch-transition-leaves.json',
    'MISSING_TRANSITION_TARGET',
    "State 'Fanout' > branch 0 > 'A': field 'Next': 'Done' is State 'Done', outside this Parallel branch; a transition cannot leave a Parallel branch",
    '/States/Fanout/Branches/0/States/A/Next',
  ],
  [
    'transition-enters-branch.json',
    'MISSING_TRANSITION_TARGET',
    "State 'Start': field 'Next': 'Inner' is State 'Fanout' > branch 0 > 'Inner', inside a Parallel branch or Map item processor; a transition cannot enter one from outside",
    '/States/Start/Next',
  ],
  [
    'map-transition-leaves.json',
    'MISSING_TRANSITION_TARGET',
    "State 'Each' > item processor > 'Work': field 'Next': 'After' is State 'After', outside this Map item processor; a transition cannot leave a Map item processor",
    '/States/Each/ItemProcessor/States/Work/Next',
  ],
  [
    'unreachable-state.json',
    'MISSING_TRANSITION_TARGET',
    "State 'Orphan': is not reachable from StartAt 'A'",
    '/States/Orphan',
  ],
  [
    'no-terminal-state.json',
    'MISSING_END_STATE',
    "Definition: field 'States': has no terminal state",
    '/States',
  ],
  [
    'duplicate-state-name.json',
    'DUPLICATE_STATE_NAME',
    "State 'A' > branch 0 > 'A': the name 'A' is already used by State 'A'",
    '/States/A/Branches/0/States/A',
  ],
  [
    'state-name-too-long.json',
    'INVALID_STATE_NAME',
    'a state name must be 1 to 80 characters long (it is 81)',
    '/States/XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX',
  ],
  [
    'empty-states.json',
    'SCHEMA_VALIDATION_FAILED',
    "Definition: field 'States': must have at least one state",
    '/States',
  ],
  [
    'retry-states-all-not-alone.json',
    'SCHEMA_VALIDATION_FAILED',
    "State 'A': field 'Retry[0].ErrorEquals': 'States.ALL' must be the only error name",
    '/States/A/Retry/0/ErrorEquals',
  ],
  [
    'retry-states-all-not-last.json',
    'SCHEMA_VALIDATION_FAILED',
    "State 'A': field 'Retry[0].ErrorEquals': 'States.ALL' may appear only in the last retrier",
    '/States/A/Retry/0/ErrorEquals',
  ],
  [
    'catch-states-all-not-last.json',
    'SCHEMA_VALIDATION_FAILED',
    "'States.ALL' may appear only in the last catcher",
    '/States/A/Catch/0/ErrorEquals',
  ],
  [
    'retry-empty-error-equals.json',
    'SCHEMA_VALIDATION_FAILED',
    "field 'Retry[0].ErrorEquals': must be a non-empty array of error names",
    '/States/A/Retry/0/ErrorEquals',
  ],
  [
    'retry-max-attempts-negative.json',
    'SCHEMA_VALIDATION_FAILED',
    "field 'Retry[0].MaxAttempts': must be an integer from 0 to 99999999, not '-1'",
    '/States/A/Retry/0/MaxAttempts',
  ],
  [
    'retry-backoff-below-one.json',
    'SCHEMA_VALIDATION_FAILED',
    "field 'Retry[0].BackoffRate': must be a number of at least 1.0",
    '/States/A/Retry/0/BackoffRate',
  ],
  [
    'retry-interval-zero.json',
    'SCHEMA_VALIDATION_FAILED',
    "field 'Retry[0].IntervalSeconds': must be an integer from 1",
    '/States/A/Retry/0/IntervalSeconds',
  ],
  [
    'retry-max-delay-zero.json',
    'SCHEMA_VALIDATION_FAILED',
    "field 'Retry[0].MaxDelaySeconds': must be an integer from 1",
    '/States/A/Retry/0/MaxDelaySeconds',
  ],
  [
    'retry-jitter-invalid.json',
    'SCHEMA_VALIDATION_FAILED',
    "field 'Retry[0].JitterStrategy': must be 'FULL' or 'NONE'",
    '/States/A/Retry/0/JitterStrategy',
  ],
  [
    'retry-unknown-field.json',
    'SCHEMA_VALIDATION_FAILED',
    "field 'Retry[0].MaxAttempt': is not a field of a retrier (did you mean 'MaxAttempts'?)",
    '/States/A/Retry/0/MaxAttempt',
  ],
  [
    'catch-missing-next.json',
    'SCHEMA_VALIDATION_FAILED',
    "field 'Catch[0].Next': is required",
    '/States/A/Catch/0/Next',
  ],
  [
    'catch-next-missing-state.json',
    'MISSING_TRANSITION_TARGET',
    "State 'A': field 'Catch[0].Next': no state named 'Alrt' (did you mean 'Alert'?)",
    '/States/A/Catch/0/Next',
  ],
  [
    'timeout-seconds-zero.json',
    'SCHEMA_VALIDATION_FAILED',
    "State 'A': field 'TimeoutSeconds': must be an integer from 1",
    '/States/A/TimeoutSeconds',
  ],
  [
    'heartbeat-not-below-timeout.json',
    'SCHEMA_VALIDATION_FAILED',
    "State 'A': field 'HeartbeatSeconds': (10) must be smaller than TimeoutSeconds (10)",
    '/States/A/HeartbeatSeconds',
  ],
  [
    'timeout-and-timeout-path.json',
    'SCHEMA_VALIDATION_FAILED',
    "field 'TimeoutSecondsPath': cannot be used together with 'TimeoutSeconds'",
    '/States/A/TimeoutSecondsPath',
  ],
  [
    'invalid-input-path.json',
    'SCHEMA_VALIDATION_FAILED',
    "State 'A': field 'InputPath': 'payment.amount' is not a path",
    '/States/A/InputPath',
  ],
  [
    'invalid-result-path.json',
    'SCHEMA_VALIDATION_FAILED',
    "State 'A': field 'ResultPath': '$.items[*]' is not a reference path",
    '/States/A/ResultPath',
  ],
  [
    'items-path-indefinite.json',
    'SCHEMA_VALIDATION_FAILED',
    "State 'M': field 'ItemsPath': '$..items' must select a single value",
    '/States/M/ItemsPath',
  ],
  [
    'parameters-bad-path.json',
    'SCHEMA_VALIDATION_FAILED',
    "State 'A': field 'Parameters.order.amount.$': 'amount' is not a path",
    '/States/A/Parameters/order/amount.$',
  ],
  [
    'parameters-bad-intrinsic.json',
    'SCHEMA_VALIDATION_FAILED',
    "State 'A': field 'Parameters.id.$':",
    '/States/A/Parameters/id.$',
  ],
  [
    'parameters-dollar-key-not-string.json',
    'SCHEMA_VALIDATION_FAILED',
    "field 'Parameters.id.$': a field whose name ends in '.$' must be a path",
    '/States/A/Parameters/id.$',
  ],
  [
    'jsonata-syntax-error.json',
    'SCHEMA_VALIDATION_FAILED',
    "State 'A': field 'Output.total':",
    '/States/A/Output/total',
  ],
  [
    'jsonata-seconds-not-expression.json',
    'SCHEMA_VALIDATION_FAILED',
    "State 'W': field 'Seconds': must be an integer from 0 to 99999999 or a JSONata expression, not '10'",
    '/States/W/Seconds',
  ],
  [
    'choice-two-operators.json',
    'SCHEMA_VALIDATION_FAILED',
    "State 'C': field 'Choices[0]': must have exactly one comparison operator; found StringEquals, NumericEquals",
    '/States/C/Choices/0',
  ],
  [
    'choice-no-operator.json',
    'SCHEMA_VALIDATION_FAILED',
    "State 'C': field 'Choices[0]': has no comparison operator",
    '/States/C/Choices/0',
  ],
  [
    'choice-wrong-operand-type.json',
    'SCHEMA_VALIDATION_FAILED',
    "State 'C': field 'Choices[0].NumericGreaterThan': must be a number, not '100'",
    '/States/C/Choices/0/NumericGreaterThan',
  ],
  [
    'choice-bad-timestamp.json',
    'SCHEMA_VALIDATION_FAILED',
    "field 'Choices[0].TimestampLessThan': must be an RFC 3339 timestamp",
    '/States/C/Choices/0/TimestampLessThan',
  ],
  [
    'choice-missing-variable.json',
    'SCHEMA_VALIDATION_FAILED',
    "State 'C': field 'Choices[0].Variable': is required",
    '/States/C/Choices/0/Variable',
  ],
  [
    'choice-unknown-operator.json',
    'SCHEMA_VALIDATION_FAILED',
    "field 'Choices[0].StringEqual': is not a field of a choice rule (did you mean 'StringEquals'?)",
    '/States/C/Choices/0/StringEqual',
  ],
  [
    'choice-nested-next.json',
    'SCHEMA_VALIDATION_FAILED',
    "field 'Choices[0].And[0].Next': is allowed only on a top-level choice rule",
    '/States/C/Choices/0/And/0/Next',
  ],
  [
    'choice-empty-and.json',
    'SCHEMA_VALIDATION_FAILED',
    "field 'Choices[0].And': must be a non-empty array of rules",
    '/States/C/Choices/0/And',
  ],
  [
    'choice-jsonata-missing-condition.json',
    'SCHEMA_VALIDATION_FAILED',
    "State 'C': field 'Choices[0].Condition': is required in a JSONata choice rule",
    '/States/C/Choices/0/Condition',
  ],
  [
    'choice-jsonata-with-variable.json',
    'SCHEMA_VALIDATION_FAILED',
    "field 'Choices[0].Variable': is not a field of a JSONata choice rule",
    '/States/C/Choices/0/Variable',
  ],
  [
    'choice-default-missing-state.json',
    'MISSING_TRANSITION_TARGET',
    "State 'C': field 'Default': no state named 'Fallbak' (did you mean 'Fallback'?)",
    '/States/C/Default',
  ],
  [
    'choice-empty-choices.json',
    'SCHEMA_VALIDATION_FAILED',
    "State 'C': field 'Choices': must have at least one rule",
    '/States/C/Choices',
  ],
  [
    'map-processor-and-iterator.json',
    'SCHEMA_VALIDATION_FAILED',
    "State 'M': field 'Iterator': cannot be used together with 'ItemProcessor'",
    '/States/M/Iterator',
  ],
  [
    'map-missing-processor.json',
    'SCHEMA_VALIDATION_FAILED',
    "State 'M': field 'ItemProcessor': is required",
    '/States/M/ItemProcessor',
  ],
  [
    'map-selector-and-parameters.json',
    'SCHEMA_VALIDATION_FAILED',
    "State 'M': field 'Parameters': cannot be used together with 'ItemSelector'",
    '/States/M/Parameters',
  ],
  [
    'map-max-concurrency-negative.json',
    'SCHEMA_VALIDATION_FAILED',
    "State 'M': field 'MaxConcurrency': must be an integer of at least 0",
    '/States/M/MaxConcurrency',
  ],
  [
    'map-tolerated-percentage-over-100.json',
    'SCHEMA_VALIDATION_FAILED',
    "State 'M': field 'ToleratedFailurePercentage': must be a number from 0 to 100",
    '/States/M/ToleratedFailurePercentage',
  ],
  [
    'map-distributed.json',
    'UNSUPPORTED_FEATURE',
    "State 'M' > item processor: field 'ProcessorConfig.Mode': 'DISTRIBUTED' is not supported by this engine",
    '/States/M/ItemProcessor/ProcessorConfig/Mode',
  ],
  [
    'map-item-reader.json',
    'UNSUPPORTED_FEATURE',
    "State 'M': field 'ItemReader': belongs to a Distributed Map",
    '/States/M/ItemReader',
  ],
  [
    'parallel-empty-branches.json',
    'SCHEMA_VALIDATION_FAILED',
    "State 'P': field 'Branches': must have at least one branch",
    '/States/P/Branches',
  ],
  [
    'branch-missing-start-at.json',
    'SCHEMA_VALIDATION_FAILED',
    "State 'P' > branch 0: field 'StartAt': is required",
    '/States/P/Branches/0/StartAt',
  ],
  [
    'assign-dollar-prefix.json',
    'SCHEMA_VALIDATION_FAILED',
    "State 'A': field 'Assign.$total.$': is named without the '$'",
    '/States/A/Assign/$total.$',
  ],
  [
    'assign-reserved-name.json',
    'SCHEMA_VALIDATION_FAILED',
    "State 'A': field 'Assign.states': 'states' is a reserved variable name",
    '/States/A/Assign/states',
  ],
  [
    'assign-invalid-name.json',
    'SCHEMA_VALIDATION_FAILED',
    "'order-total' is not a valid variable name",
    '/States/A/Assign/order-total',
  ],
  [
    'assign-jsonata-dollar-key.json',
    'SCHEMA_VALIDATION_FAILED',
    "JSONata states do not use '.$' keys",
    '/States/A/Assign/total.$',
  ],
  [
    'unsupported-resource.json',
    'INVALID_RESOURCE',
    "State 'A': field 'Resource': 'arn:aws:states:::glue:startJobRun' is not a resource this engine can run",
    '/States/A/Resource',
    'lambdaOnly',
  ],
  [
    'wait-for-task-token-without-token.json',
    'SCHEMA_VALIDATION_FAILED',
    "State 'A': field 'Parameters': a '.waitForTaskToken' resource must pass the task token",
    '/States/A/Parameters',
  ],
  [
    'wait-two-durations.json',
    'SCHEMA_VALIDATION_FAILED',
    "State 'W': must have only one of 'Seconds' and 'Timestamp'",
    '/States/W',
  ],
  [
    'wait-no-duration.json',
    'SCHEMA_VALIDATION_FAILED',
    "State 'W': must have exactly one of 'Seconds', 'Timestamp', 'SecondsPath' or 'TimestampPath'",
    '/States/W',
  ],
  [
    'wait-bad-timestamp.json',
    'SCHEMA_VALIDATION_FAILED',
    "State 'W': field 'Timestamp': must be an RFC 3339 timestamp",
    '/States/W/Timestamp',
  ],
  [
    'fail-error-and-error-path.json',
    'SCHEMA_VALIDATION_FAILED',
    "State 'F': field 'ErrorPath': cannot be used together with 'Error'",
    '/States/F/ErrorPath',
  ],
  [
    'fail-with-input-path.json',
    'SCHEMA_VALIDATION_FAILED',
    "State 'F': field 'InputPath': is not a field of a JSONPath Fail state",
    '/States/F/InputPath',
  ],
  [
    'nested-error-names-path.json',
    'MISSING_TRANSITION_TARGET',
    "State 'Fanout' > branch 0 > 'Each' > item processor > 'Charge': field 'Next': no state named 'Recrod' (did you mean 'Record'?)",
    '/States/Fanout/Branches/0/States/Each/ItemProcessor/States/Charge/Next',
  ],
  [
    'machine-timeout-zero.json',
    'SCHEMA_VALIDATION_FAILED',
    "Definition: field 'TimeoutSeconds': must be a positive integer",
    '/TimeoutSeconds',
  ],
  [
    'jsonata-arguments-not-expression.json',
    'SCHEMA_VALIDATION_FAILED',
    "State 'A': field 'Arguments': must be an object or a JSONata expression, not a string",
    '/States/A/Arguments',
  ],
];

function readFixture(dir: string, file: string): string {
  return readFileSync(join(dir, file), 'utf8');
}

function diagnosticsOf(result: ValidationResult): ValidationResult['diagnostics'] {
  return result.diagnostics;
}

describe('validateDefinition rejects each broken rule', () => {
  it.each(INVALID)('%s: %s', (file, code, fragment, location, options) => {
    const result = validateDefinition(
      readFixture(INVALID_DIR, file),
      options === undefined ? undefined : OPTIONS[options],
    );

    expect(result.ok).toBe(false);
    expect(diagnosticsOf(result)).toContainEqual({
      code,
      location,
      message: expect.stringContaining(fragment) as string,
    });
  });

  it.each(INVALID)('%s: reports that one problem and nothing else', (file, _c, _f, _l, options) => {
    const result = validateDefinition(
      readFixture(INVALID_DIR, file),
      options === undefined ? undefined : OPTIONS[options],
    );

    expect(diagnosticsOf(result)).toHaveLength(1);
  });

  it('has a row for every invalid fixture and a fixture for every row', () => {
    const files = readdirSync(INVALID_DIR).filter((f) => f.endsWith('.json'));

    expect(new Set(INVALID.map(([file]) => file))).toEqual(new Set(files));
  });
});

describe('validateDefinition accepts valid definitions', () => {
  const files = readdirSync(VALID_DIR).filter((f) => f.endsWith('.json'));

  it.each(files)('%s, given as text', (file) => {
    const result = validateDefinition(readFixture(VALID_DIR, file));

    expect(result.diagnostics).toEqual([]);
    expect(result.ok).toBe(true);
  });

  it.each(files)('%s, given as an object, returning a copy equal to it', (file) => {
    const parsed = JSON.parse(readFixture(VALID_DIR, file)) as JsonObject;
    const result = validateDefinition(parsed);

    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.definition).toEqual(parsed);
    expect(result.definition).not.toBe(parsed);
  });

  it('covers every state type in both query languages', () => {
    const seen = new Set<string>();
    const visit = (value: Json, language: string): void => {
      if (Array.isArray(value)) value.forEach((v) => visit(v, language));
      else if (value !== null && typeof value === 'object') {
        const lang = typeof value.QueryLanguage === 'string' ? value.QueryLanguage : language;
        if (typeof value.Type === 'string') seen.add(`${lang} ${value.Type}`);
        Object.values(value).forEach((v) => visit(v, lang));
      }
    };
    for (const file of files) visit(JSON.parse(readFixture(VALID_DIR, file)) as Json, 'JSONPath');

    for (const language of ['JSONPath', 'JSONata']) {
      for (const type of ['Task', 'Pass', 'Choice', 'Wait', 'Succeed', 'Fail', 'Parallel', 'Map']) {
        expect(seen).toContain(`${language} ${type}`);
      }
    }
  });

  it('does not modify a frozen input', () => {
    const parsed = deepFreeze(JSON.parse(readFixture(VALID_DIR, 'payment-jsonpath.json')) as Json);

    expect(validateDefinition(parsed).ok).toBe(true);
  });

  it('accepts every resource when no isResourceSupported is given', () => {
    const definition = machine({ A: { Type: 'Task', Resource: 'anything:at-all', End: true } });

    expect(validateDefinition(definition).ok).toBe(true);
  });
});

describe('validateDefinition options', () => {
  it('asks isResourceSupported about every Task, nested ones included', () => {
    const asked: string[] = [];
    const definition = machine({
      P: {
        Type: 'Parallel',
        Branches: [
          { StartAt: 'Inner', States: { Inner: { Type: 'Task', Resource: 'r:inner', End: true } } },
        ],
        Next: 'Outer',
      },
      Outer: { Type: 'Task', Resource: 'r:outer', End: true },
    });

    const result = validateDefinition(definition, {
      isResourceSupported: (resource) => {
        asked.push(resource);
        return resource !== 'r:inner';
      },
    });

    expect(asked.sort()).toEqual(['r:inner', 'r:outer']);
    expect(diagnosticsOf(result)).toEqual([
      {
        code: 'INVALID_RESOURCE',
        location: '/States/P/Branches/0/States/Inner/Resource',
        message:
          "State 'P' > branch 0 > 'Inner': field 'Resource': 'r:inner' is not a resource this engine can run",
      },
    ]);
  });
});

describe('the asl-validator schema backstop', () => {
  it('reports what the schemas reject, named by state and field', () => {
    // Our own checks would catch this first; the backstop is called directly to see it speak.
    const document: JsonObject = machine({
      A: {
        Type: 'Task',
        Resource: 'r',
        Retry: [{ ErrorEquals: ['X'], IntervalSeconds: -1 }],
        End: true,
      },
    });
    const report = new DiagnosticCollector(document);

    checkSchema(document, mapMachine(document, report), report);

    expect(report.list()).toContainEqual({
      code: 'SCHEMA_VALIDATION_FAILED',
      location: '/States/A/Retry/0/IntervalSeconds',
      message: expect.stringContaining(
        "State 'A': field 'Retry[0].IntervalSeconds': does not match the States Language schema: must be >= 0",
      ) as string,
    });
  });

  it('leaves the input untouched when annotating query languages', () => {
    const document: JsonObject = machine({ A: { Type: 'Pass', End: true } });
    const report = new DiagnosticCollector(document);

    checkSchema(document, mapMachine(document, report), report);

    expect(report.list()).toEqual([]);
    expect(document).toEqual(machine({ A: { Type: 'Pass', End: true } }));
  });
});

describe('validateDefinition on inputs that are not definitions', () => {
  it.each<[string, unknown, string]>([
    ['undefined', undefined, 'MISSING_DESCRIPTION'],
    ['null', null, 'MISSING_DESCRIPTION'],
    ['an empty string', '   ', 'MISSING_DESCRIPTION'],
    ['a number', 42, 'SCHEMA_VALIDATION_FAILED'],
    ['a JSON number', '42', 'SCHEMA_VALIDATION_FAILED'],
    ['text that is not JSON', '{"StartAt": "A", "States": {', 'INVALID_JSON_DESCRIPTION'],
    ['a function', () => 1, 'SCHEMA_VALIDATION_FAILED'],
    ['a bigint', 10n, 'INVALID_JSON_DESCRIPTION'],
    ['a cyclic object', cyclic(), 'INVALID_JSON_DESCRIPTION'],
    ['text past 1 MiB', `{"Comment":"${'x'.repeat(1_048_577)}"}`, 'DEFINITION_TOO_LARGE'],
    ['JSON nested 10,000 deep', '['.repeat(10_000) + ']'.repeat(10_000), 'TOO_DEEPLY_NESTED'],
    ['an object nested 300 deep', nested(300), 'TOO_DEEPLY_NESTED'],
  ])('reports %s with %s', (_name, input, code) => {
    const result = validateDefinition(input);

    expect(result.ok).toBe(false);
    expect(diagnosticsOf(result).map((d) => d.code)).toEqual([code]);
  });

  it('lists at most 100 problems and counts the rest', () => {
    // A chain of 150 states, each with one unknown field.
    const states: JsonObject = {};
    for (let i = 0; i < 150; i++) {
      states[`S${i}`] = {
        Type: 'Pass',
        Bogus: i,
        ...(i < 149 ? { Next: `S${i + 1}` } : { End: true }),
      };
    }

    const diagnostics = diagnosticsOf(validateDefinition(machine(states)));

    expect(diagnostics).toHaveLength(101);
    expect(diagnostics[100]).toMatchObject({ code: 'TOO_MANY_DIAGNOSTICS' });
    expect(diagnostics[100]?.message).toContain('50 more problems');
  });

  it('never throws, for junk and for mutations of valid definitions', () => {
    const random = seeded(20260131);
    const inputs: unknown[] = [
      0,
      -1.5,
      NaN,
      true,
      [],
      [[[]]],
      {},
      'x'.repeat(2_000_000),
      { StartAt: 'x'.repeat(500_000), States: { ['y'.repeat(500_000)]: { Type: 'Succeed' } } },
      { StartAt: 'A', States: [] },
      { StartAt: 'A', States: { A: null } },
      Symbol('s'),
    ];
    for (let i = 0; i < 300; i++) inputs.push(junk(random, 0));
    for (const file of readdirSync(VALID_DIR)) {
      const base = JSON.parse(readFixture(VALID_DIR, file)) as Json;
      for (let i = 0; i < 60; i++) inputs.push(mutate(base, random));
    }

    for (const input of inputs) {
      const result = validateDefinition(input);
      expect(typeof result.ok).toBe('boolean');
      for (const d of result.diagnostics) {
        expect(typeof d.code).toBe('string');
        expect(typeof d.message).toBe('string');
        expect(d.message.length).toBeLessThan(2_000);
        expect(typeof d.location).toBe('string');
      }
    }
  });
});

function machine(states: JsonObject, top: JsonObject = {}): JsonObject {
  return { StartAt: Object.keys(states)[0] ?? 'A', States: states, ...top };
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}

function cyclic(): object {
  const node: Record<string, unknown> = { StartAt: 'A' };
  node.States = node;
  return node;
}

function nested(depth: number): Json {
  let value: Json = { Type: 'Succeed' };
  for (let i = 0; i < depth; i++) value = { inner: value };
  return { StartAt: 'A', States: { A: { Type: 'Pass', Result: value, End: true } } };
}

/** A small deterministic generator, so a failure is reproducible. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const WORDS = [
  'Type',
  'Next',
  'End',
  'States',
  'StartAt',
  'Task',
  'Map',
  'Choice',
  '$',
  '$.a',
  '{% %}',
  '.$',
  'States.ALL',
  '',
];

function junk(random: () => number, depth: number): Json {
  const pick = Math.floor(random() * (depth > 4 ? 4 : 7));
  switch (pick) {
    case 0:
      return Math.floor(random() * 2000) - 1000;
    case 1:
      return WORDS[Math.floor(random() * WORDS.length)] ?? '';
    case 2:
      return random() < 0.5;
    case 3:
      return null;
    case 4:
      return Array.from({ length: Math.floor(random() * 4) }, () => junk(random, depth + 1));
    default: {
      const object: JsonObject = {};
      const size = Math.floor(random() * 5);
      for (let i = 0; i < size; i++) {
        object[WORDS[Math.floor(random() * WORDS.length)] ?? 'k'] = junk(random, depth + 1);
      }
      return object;
    }
  }
}

/** The same definition with one value somewhere replaced by junk, or one key deleted. */
function mutate(base: Json, random: () => number): Json {
  const copy = structuredClone(base);
  let node: Json = copy;
  for (let steps = Math.floor(random() * 8); steps > 0; steps--) {
    const children: [string | number, Json][] = Array.isArray(node)
      ? node.map((v, i) => [i, v])
      : node !== null && typeof node === 'object'
        ? Object.entries(node)
        : [];
    const containers = children.filter(([, v]) => v !== null && typeof v === 'object');
    const next = containers[Math.floor(random() * containers.length)];
    if (next === undefined) break;
    node = next[1];
  }
  if (Array.isArray(node)) {
    if (node.length > 0) node[Math.floor(random() * node.length)] = junk(random, 3);
  } else if (node !== null && typeof node === 'object') {
    const keys = Object.keys(node);
    const key = keys[Math.floor(random() * keys.length)];
    if (key !== undefined) {
      if (random() < 0.3) delete node[key];
      else node[key] = junk(random, 3);
    }
  }
  return copy;
}
