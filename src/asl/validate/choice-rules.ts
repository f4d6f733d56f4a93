/**
 * Choice rules. In JSONPath, a rule is a data test (a Variable and exactly one comparison
 * operator with an operand of the right type) or a Boolean combination (And, Or, Not); only
 * top-level rules have Next and Assign. In JSONata, a rule is a Condition and a Next.
 */
import type { Json, JsonObject } from '../json.js';
import { isJsonObject } from '../json.js';
import type { DiagnosticCollector } from './diagnostics.js';
import { DiagnosticCode, pointer, quote } from './diagnostics.js';
import type { ExpressionChecker } from './expressions.js';
import { PathKind } from './expressions.js';
import { kindOf } from './input.js';
import { isJsonataExpression, isTimestamp } from './values.js';
import { didYouMean } from './suggest.js';
import type { StateSite } from './walk.js';
import { StateType } from './walk.js';

type Operand = 'string' | 'number' | 'boolean' | 'timestamp' | 'path';

/** Every comparison operator of the spec and AWS, with the type of its operand. */
const OPERATORS: Readonly<Record<string, Operand>> = (() => {
  const table: Record<string, Operand> = {
    StringMatches: 'string',
    IsNull: 'boolean',
    IsPresent: 'boolean',
    IsNumeric: 'boolean',
    IsString: 'boolean',
    IsBoolean: 'boolean',
    IsTimestamp: 'boolean',
    BooleanEquals: 'boolean',
    BooleanEqualsPath: 'path',
  };
  const kinds: [string, Operand][] = [
    ['String', 'string'],
    ['Numeric', 'number'],
    ['Timestamp', 'timestamp'],
  ];
  for (const [prefix, operand] of kinds) {
    for (const op of ['Equals', 'LessThan', 'GreaterThan', 'LessThanEquals', 'GreaterThanEquals']) {
      table[`${prefix}${op}`] = operand;
      table[`${prefix}${op}Path`] = 'path';
    }
  }
  return table;
})();
const OPERATOR_NAMES = Object.keys(OPERATORS);
const BOOLEAN_OPERATORS = ['And', 'Or', 'Not'];
const JSONATA_RULE_FIELDS = ['Condition', 'Next', 'Output', 'Assign', 'Comment'];

/** Checks the Choices of a Choice state. */
export function checkChoiceRules(
  site: StateSite,
  expressions: ExpressionChecker,
  report: DiagnosticCollector,
): void {
  if (site.type !== StateType.Choice) return;
  const choices = site.state.Choices;
  if (!Array.isArray(choices)) return; // type reported with the fields
  const at = pointer(site.pointer, 'Choices');
  if (choices.length === 0) {
    report.error(DiagnosticCode.SchemaValidationFailed, at, 'must have at least one rule');
  }
  choices.forEach((rule, i) => {
    const here = pointer(at, i);
    if (!isJsonObject(rule)) {
      report.error(
        DiagnosticCode.SchemaValidationFailed,
        here,
        `must be a rule object, not ${kindOf(rule)}`,
      );
      return;
    }
    if (site.language === 'JSONata') checkJsonataRule(rule, here, site, expressions, report);
    else checkJsonPathRule(rule, here, true, site, expressions, report);
  });
}

function checkJsonataRule(
  rule: JsonObject,
  at: string,
  site: StateSite,
  expressions: ExpressionChecker,
  report: DiagnosticCollector,
): void {
  const isJsonPathField = (key: string): boolean =>
    key === 'Variable' || key in OPERATORS || BOOLEAN_OPERATORS.includes(key);
  const jsonPathFields = Object.keys(rule).filter(isJsonPathField);
  const first = jsonPathFields[0];
  if (first !== undefined) {
    const others = jsonPathFields.slice(1).map((k) => `'${k}'`);
    report.error(
      DiagnosticCode.SchemaValidationFailed,
      pointer(at, first),
      `is not a field of a JSONata choice rule${others.length > 0 ? ` (nor are ${others.join(', ')})` : ''}; a JSONata rule tests a 'Condition' such as '{% $states.input.amount > 100 %}'`,
    );
  }
  for (const key of Object.keys(rule)) {
    if (JSONATA_RULE_FIELDS.includes(key) || isJsonPathField(key)) continue;
    report.error(
      DiagnosticCode.SchemaValidationFailed,
      pointer(at, key),
      `is not a field of a JSONata choice rule${didYouMean(key, JSONATA_RULE_FIELDS)}`,
    );
  }
  requireNext(rule, at, report);
  const condition = rule.Condition;
  if (condition === undefined) {
    report.error(
      DiagnosticCode.SchemaValidationFailed,
      pointer(at, 'Condition'),
      'is required in a JSONata choice rule',
    );
  } else if (typeof condition !== 'boolean' && !isJsonataExpression(condition)) {
    report.error(
      DiagnosticCode.SchemaValidationFailed,
      pointer(at, 'Condition'),
      `must be a JSONata expression '{% ... %}' or a boolean, not ${quote(condition)}`,
    );
  } else {
    expressions.jsonata(condition, pointer(at, 'Condition'));
  }
  if (rule.Output !== undefined) expressions.jsonata(rule.Output, pointer(at, 'Output'));
  checkRuleAssign(rule, at, site, expressions, report);
}

function checkJsonPathRule(
  rule: JsonObject,
  at: string,
  topLevel: boolean,
  site: StateSite,
  expressions: ExpressionChecker,
  report: DiagnosticCollector,
): void {
  const booleans = BOOLEAN_OPERATORS.filter((op) => rule[op] !== undefined);
  const operators = OPERATOR_NAMES.filter((op) => rule[op] !== undefined);
  const allowed = [
    'Comment',
    'Variable',
    ...BOOLEAN_OPERATORS,
    ...OPERATOR_NAMES,
    ...(topLevel ? ['Next', 'Assign'] : []),
  ];
  const unknown = Object.keys(rule).filter((key) => !allowed.includes(key));
  for (const key of unknown) {
    const text =
      key === 'Next' || key === 'Assign'
        ? `is allowed only on a top-level choice rule, not inside And, Or or Not`
        : key === 'Condition'
          ? "is for JSONata rules; a JSONPath rule has a 'Variable' and a comparison operator"
          : `is not a field of a choice rule${didYouMean(key, [...OPERATOR_NAMES, ...BOOLEAN_OPERATORS, 'Variable', 'Next'])}`;
    report.error(DiagnosticCode.SchemaValidationFailed, pointer(at, key), text);
  }
  if (topLevel) {
    requireNext(rule, at, report);
    checkRuleAssign(rule, at, site, expressions, report);
  }

  if (booleans.length > 0) {
    if (booleans.length > 1 || operators.length > 0 || rule.Variable !== undefined) {
      report.error(
        DiagnosticCode.SchemaValidationFailed,
        at,
        `must have exactly one of And, Or, Not, or a Variable with one comparison; found ${[...booleans, ...operators, ...(rule.Variable !== undefined ? ['Variable'] : [])].join(', ')}`,
      );
    }
    for (const op of booleans) checkBoolean(rule, op, at, site, expressions, report);
    return;
  }
  if (rule.Variable === undefined) {
    report.error(
      DiagnosticCode.SchemaValidationFailed,
      pointer(at, 'Variable'),
      'is required: a JSONPath choice rule compares a Variable (or combines rules with And, Or, Not)',
    );
  } else if (typeof rule.Variable !== 'string') {
    report.error(
      DiagnosticCode.SchemaValidationFailed,
      pointer(at, 'Variable'),
      `must be a path string, not ${kindOf(rule.Variable)}`,
    );
  } else {
    // The spec makes Variable and the ...Path operands Paths, not Reference Paths.
    expressions.path(rule.Variable, PathKind.Path, pointer(at, 'Variable'));
  }
  // A misspelt operator is reported as an unknown field; "no operator" would say it twice.
  if (operators.length > 1 || (operators.length === 0 && unknown.length === 0)) {
    report.error(
      DiagnosticCode.SchemaValidationFailed,
      at,
      operators.length === 0
        ? 'has no comparison operator (such as StringEquals, NumericGreaterThan or IsPresent)'
        : `must have exactly one comparison operator; found ${operators.join(', ')}`,
    );
  }
  for (const op of operators) checkOperand(op, rule[op], pointer(at, op), expressions, report);
}

function checkBoolean(
  rule: JsonObject,
  op: string,
  at: string,
  site: StateSite,
  expressions: ExpressionChecker,
  report: DiagnosticCollector,
): void {
  const value = rule[op];
  const here = pointer(at, op);
  if (op === 'Not') {
    if (isJsonObject(value)) checkJsonPathRule(value, here, false, site, expressions, report);
    else
      report.error(
        DiagnosticCode.SchemaValidationFailed,
        here,
        `must be a single rule object, not ${kindOf(value)}`,
      );
    return;
  }
  if (!Array.isArray(value) || value.length === 0) {
    report.error(
      DiagnosticCode.SchemaValidationFailed,
      here,
      `must be a non-empty array of rules, not ${Array.isArray(value) ? 'an empty array' : kindOf(value)}`,
    );
    return;
  }
  value.forEach((inner, i) => {
    if (isJsonObject(inner))
      checkJsonPathRule(inner, pointer(here, i), false, site, expressions, report);
    else
      report.error(
        DiagnosticCode.SchemaValidationFailed,
        pointer(here, i),
        `must be a rule object, not ${kindOf(inner)}`,
      );
  });
}

function checkOperand(
  op: string,
  value: Json | undefined,
  at: string,
  expressions: ExpressionChecker,
  report: DiagnosticCollector,
): void {
  const operand = OPERATORS[op];
  let ok: boolean;
  let expected: string;
  switch (operand) {
    case 'string':
      ok = typeof value === 'string';
      expected = 'a string';
      break;
    case 'number':
      ok = typeof value === 'number';
      expected = 'a number';
      break;
    case 'boolean':
      ok = typeof value === 'boolean';
      expected = 'true or false';
      break;
    case 'timestamp':
      ok = typeof value === 'string' && isTimestamp(value);
      expected = "an RFC 3339 timestamp such as '2026-01-31T09:00:00Z'";
      break;
    default:
      ok = typeof value === 'string';
      expected = 'a path string';
      if (ok) expressions.path(value as string, PathKind.Path, at);
  }
  if (!ok) {
    report.error(
      DiagnosticCode.SchemaValidationFailed,
      at,
      `must be ${expected}, not ${quote(value)}`,
    );
  }
}

function requireNext(rule: JsonObject, at: string, report: DiagnosticCollector): void {
  if (rule.Next === undefined) {
    report.error(
      DiagnosticCode.SchemaValidationFailed,
      pointer(at, 'Next'),
      'is required in a top-level choice rule',
    );
  } else if (typeof rule.Next !== 'string') {
    report.error(
      DiagnosticCode.SchemaValidationFailed,
      pointer(at, 'Next'),
      `must be a state name, not ${kindOf(rule.Next)}`,
    );
  }
}

function checkRuleAssign(
  rule: JsonObject,
  at: string,
  site: StateSite,
  expressions: ExpressionChecker,
  report: DiagnosticCollector,
): void {
  if (rule.Assign === undefined) return;
  if (isJsonObject(rule.Assign)) expressions.assign(rule.Assign, site, pointer(at, 'Assign'));
  else
    report.error(
      DiagnosticCode.SchemaValidationFailed,
      pointer(at, 'Assign'),
      `must be an object, not ${kindOf(rule.Assign)}`,
    );
}
