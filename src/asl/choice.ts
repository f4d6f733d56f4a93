/**
 * Choice states: compiles a state's Choices once into a function that finds the first matching
 * rule. JSONPath rules become nested closures over compiled paths and pre-converted operands, so
 * evaluating one allocates nothing and throws only when AWS fails the state; JSONata rules are
 * Conditions evaluated as templates.
 */
import { compareValues, literalTest, parseComparison, TYPE_TESTS } from './choice/operators.js';
import type { ValueTest } from './choice/operators.js';
import { compileStringPattern } from './choice/string-matches.js';
import { DefinitionError, StatesError, StatesErrorName } from './errors.js';
import type { Json } from './json.js';
import { compileJsonataTemplate, createJsonataCache, jsonataExpressionText } from './jsonata.js';
import type { CompiledTemplate, JsonataCache } from './jsonata.js';
import { compilePath } from './paths.js';
import type { CompiledPath } from './paths.js';
import type { EvalScope } from './scope.js';
import type { ChoiceRule } from './types.js';

/** A compiled Choice state: evaluates rules in order, returns the first match or undefined. */
export interface ChoiceMatch {
  next: string;
  rule: ChoiceRule;
  index: number;
}

export type ChoiceEvaluator = (
  scope: EvalScope,
) => ChoiceMatch | undefined | Promise<ChoiceMatch | undefined>;

/**
 * Compiles the Choices of a Choice state.
 *
 * JSONPath: each rule is a Variable with one comparison operator of the spec or AWS (String,
 * Numeric, Boolean and Timestamp comparisons and their `...Path` forms, StringMatches, IsNull,
 * IsPresent, IsNumeric, IsString, IsBoolean, IsTimestamp) or an And/Or/Not of rules. A value of
 * the wrong type makes a comparison false. A Variable (or `...Path` operand) that selects nothing
 * fails the state with States.Runtime, except under IsPresent. The result is synchronous.
 *
 * JSONata: each rule's Condition is a template that must yield a boolean, otherwise the state
 * fails with States.QueryEvaluationError. The result is a Promise.
 *
 * @throws DefinitionError listing every malformed rule (the validator normally catches these).
 * @throws JsonataSyntaxError when a Condition does not parse.
 * @example
 * const choose = compileChoiceRules([{ Variable: '$.n', NumericGreaterThan: 9, Next: 'Big' }], 'JSONPath');
 * choose(scope)?.next; // 'Big' when $.n is 10
 */
export function compileChoiceRules(
  rules: ChoiceRule[],
  queryLanguage: 'JSONPath' | 'JSONata',
  cache: JsonataCache = createJsonataCache(),
): ChoiceEvaluator {
  const problems: string[] = [];
  const matches = rules.map((rule, index): ChoiceMatch => {
    if (typeof rule.Next !== 'string') problems.push(`Choices[${index}].Next: is required`);
    return Object.freeze({ next: rule.Next ?? '', rule, index });
  });
  const evaluator =
    queryLanguage === 'JSONata'
      ? compileJsonataRules(rules, matches, cache, problems)
      : compileJsonPathRules(rules, matches, problems);
  if (problems.length > 0) throw new DefinitionError(problems);
  return evaluator;
}

type RuleTest = (scope: EvalScope) => boolean;

function compileJsonPathRules(
  rules: ChoiceRule[],
  matches: ChoiceMatch[],
  problems: string[],
): ChoiceEvaluator {
  const tests = rules.map((rule, index) => compileRule(rule, `Choices[${index}]`, problems));
  const count = tests.length;
  return (scope) => {
    for (let i = 0; i < count; i++) {
      if ((tests[i] as RuleTest)(scope)) return matches[i];
    }
    return undefined;
  };
}

const never: RuleTest = () => false;

function compileRule(rule: ChoiceRule, at: string, problems: string[]): RuleTest {
  if (rule.And !== undefined || rule.Or !== undefined) {
    const and = rule.And !== undefined;
    const list = and ? rule.And : rule.Or;
    if (!Array.isArray(list) || list.length === 0) {
      problems.push(`${at}.${and ? 'And' : 'Or'}: must be a non-empty array of choice rules`);
      return never;
    }
    const tests = list.map((r, i) => compileRule(r, `${at}.${and ? 'And' : 'Or'}[${i}]`, problems));
    // Both stop as soon as the answer is known, as the spec requires.
    return (scope) => {
      for (const test of tests) if (test(scope) !== and) return !and;
      return and;
    };
  }
  if (rule.Not !== undefined) {
    const inner = compileRule(rule.Not, `${at}.Not`, problems);
    return (scope) => !inner(scope);
  }
  return compileDataTest(rule, at, problems);
}

const TYPE_OPERATORS = new Set([...Object.keys(TYPE_TESTS), 'IsPresent', 'StringMatches']);

function compileDataTest(rule: ChoiceRule, at: string, problems: string[]): RuleTest {
  const operators = Object.keys(rule).filter(
    (key) => TYPE_OPERATORS.has(key) || parseComparison(key) !== undefined,
  );
  if (operators.length !== 1) {
    problems.push(
      `${at}: a choice rule needs exactly one comparison operator, found ${operators.length === 0 ? 'none' : operators.join(', ')}`,
    );
    return never;
  }
  const operator = operators[0] as string;
  const operand = rule[operator] as Json;
  const variable = path(rule.Variable, `${at}.Variable`, problems);
  if (!variable) return never;

  if (operator === 'IsPresent' || TYPE_TESTS[operator]) {
    if (typeof operand !== 'boolean') {
      problems.push(`${at}.${operator}: must be a boolean`);
      return never;
    }
    if (operator === 'IsPresent') {
      return (scope) => (variable.read(scope) !== undefined) === operand;
    }
    return whenPresent(variable, TYPE_TESTS[operator] as ValueTest, operand);
  }

  if (operator === 'StringMatches') {
    if (typeof operand !== 'string') {
      problems.push(`${at}.StringMatches: must be a string`);
      return never;
    }
    const pattern = compileStringPattern(operand);
    if (!pattern.ok) {
      const { problem } = pattern;
      return whenPresent(variable, () => {
        throw new StatesError(StatesErrorName.Runtime, problem);
      });
    }
    return whenPresent(variable, (value) => typeof value === 'string' && pattern.matches(value));
  }

  const comparison = parseComparison(operator);
  if (!comparison) return never; // unreachable: operators were filtered by parseComparison
  if (comparison.path) {
    const other = path(operand, `${at}.${operator}`, problems);
    if (!other) return never;
    return (scope) => {
      const value = variable.read(scope);
      if (value === undefined) throw invalidPath(variable.source);
      const against = other.read(scope);
      if (against === undefined) throw invalidPath(other.source);
      return compareValues(comparison, value, against);
    };
  }
  const test = literalTest(comparison, operand);
  if (typeof test === 'string') {
    problems.push(`${at}.${operator}: ${test}`);
    return never;
  }
  return whenPresent(variable, test);
}

/** `test` of the Variable's value; a Variable that selects nothing fails the state. */
function whenPresent(variable: CompiledPath, test: ValueTest, expected = true): RuleTest {
  return (scope) => {
    const value = variable.read(scope);
    if (value === undefined) throw invalidPath(variable.source);
    return test(value) === expected;
  };
}

function path(source: unknown, at: string, problems: string[]): CompiledPath | undefined {
  if (typeof source !== 'string') {
    problems.push(`${at}: must be a path string`);
    return undefined;
  }
  try {
    return compilePath(source);
  } catch (err) {
    problems.push(`${at}: ${err instanceof Error ? err.message : 'is not a valid path'}`);
    return undefined;
  }
}

/** AWS's cause when a Choice rule's path selects nothing. */
function invalidPath(source: string): StatesError {
  return new StatesError(
    StatesErrorName.Runtime,
    `Invalid path '${source}': The choice state's condition path references an invalid value.`,
  );
}

function compileJsonataRules(
  rules: ChoiceRule[],
  matches: ChoiceMatch[],
  cache: JsonataCache,
  problems: string[],
): ChoiceEvaluator {
  interface Condition {
    readonly template: CompiledTemplate;
    readonly where: string;
  }
  const conditions = rules.map((rule, index): Condition | undefined => {
    const field = `Choices[${index}]/Condition`;
    const condition = rule.Condition;
    if (typeof condition !== 'string' && typeof condition !== 'boolean') {
      problems.push(`Choices[${index}].Condition: must be a boolean or a {% %} expression`);
      return undefined;
    }
    const text =
      typeof condition === 'string' ? (jsonataExpressionText(condition) ?? condition) : condition;
    return {
      template: compileJsonataTemplate(condition, field, cache),
      where: `The JSONata expression '${String(text)}' specified for the field '${field}'`,
    };
  });
  return async (scope) => {
    // In order, stopping at the first match: a later Condition that would fail is never evaluated.
    for (let i = 0; i < conditions.length; i++) {
      const condition = conditions[i];
      if (!condition) continue;
      const result = await condition.template.evaluate(scope);
      if (typeof result !== 'boolean') {
        throw new StatesError(
          StatesErrorName.QueryEvaluationError,
          `${condition.where} returned a non-boolean value.`,
        );
      }
      if (result) return matches[i];
    }
    return undefined;
  };
}
