/**
 * Validation of Amazon States Language definitions: rejects what AWS Step Functions rejects at
 * CreateStateMachine, with diagnostics shaped like ValidateStateMachineDefinition's, each naming
 * the state (through nested branches) and the field. The interpreter, the CLI and the Step
 * Functions-compatible API all call {@link validateDefinition}; the checks live in validate/.
 */
import type { StateMachineDefinition } from './types.js';
import { checkChoiceRules } from './validate/choice-rules.js';
import type { ValidationDiagnostic } from './validate/diagnostics.js';
import { DiagnosticCode, DiagnosticCollector } from './validate/diagnostics.js';
import { ExpressionChecker } from './validate/expressions.js';
import { checkFields } from './validate/fields.js';
import { readInput } from './validate/input.js';
import { checkRetryCatch } from './validate/retry-catch.js';
import { checkSchema } from './validate/schema.js';
import { checkStateRules } from './validate/state-rules.js';
import { checkTransitions } from './validate/transitions.js';
import { mapMachine } from './validate/walk.js';

export type { ValidationDiagnostic } from './validate/diagnostics.js';
export { DiagnosticCode } from './validate/diagnostics.js';

export interface ValidationOptions {
  /** Whether a Task Resource is one this engine can run; unsupported ones are errors naming the
   *  resource. Default: accept any. */
  isResourceSupported?: (resource: string) => boolean;
}

export type ValidationResult =
  | { ok: true; definition: StateMachineDefinition; diagnostics: [] }
  | { ok: false; diagnostics: ValidationDiagnostic[] };

/**
 * Validates a state machine definition. Accepts a JSON string or a parsed object. Never throws
 * for bad input. On success, `definition` is a private copy of the input, plain JSON.
 *
 * @example
 * const result = validateDefinition(text, { isResourceSupported: (r) => r.startsWith('arn:') });
 * if (!result.ok) for (const d of result.diagnostics) console.error(d.code, d.message);
 */
export function validateDefinition(
  input: unknown,
  options: ValidationOptions = {},
): ValidationResult {
  try {
    return validate(input, options);
  } catch (error) {
    // A check that throws is a bug of ours; the caller still gets a verdict, not an exception.
    const text = error instanceof Error ? error.message : String(error);
    return {
      ok: false,
      diagnostics: [
        {
          code: DiagnosticCode.SchemaValidationFailed,
          message: `Definition: could not be validated (${text.slice(0, 200)})`,
          location: '',
        },
      ],
    };
  }
}

function validate(input: unknown, options: ValidationOptions): ValidationResult {
  const read = readInput(input);
  if (!read.ok) return { ok: false, diagnostics: [read.diagnostic] };
  const { document } = read;
  const report = new DiagnosticCollector(document);
  const map = mapMachine(document, report);
  const expressions = new ExpressionChecker(report);
  for (const site of map.states) {
    if (site.type === undefined) continue;
    checkFields(site, report);
    checkRetryCatch(site, report);
    checkStateRules(site, options, report);
    checkChoiceRules(site, expressions, report);
    expressions.checkState(site);
  }
  checkTransitions(map, document, report);
  // The package's schemas are a backstop: their messages are vaguer than ours, so they speak
  // only when every check of ours has passed.
  if (report.count === 0) checkSchema(document, map, report);
  if (report.count > 0) return { ok: false, diagnostics: report.list() };
  return {
    ok: true,
    definition: document as unknown as StateMachineDefinition,
    diagnostics: [],
  };
}
