/**
 * The comparison operators of JSONPath Choice rules, as value tests built once per rule. Each
 * family (String, Numeric, Boolean, Timestamp) converts a value to its type or rejects it; a
 * rejected value makes the comparison false, never an error, as the spec requires.
 */
import type { Json } from '../json.js';
import { compareInstants, parseTimestamp } from './timestamp.js';
import type { Instant } from './timestamp.js';

/** A test of the value a rule's Variable selected. */
export type ValueTest = (value: Json) => boolean;

interface Family<T> {
  /** The value as this family's type, or undefined when it is not one. */
  convert(value: Json): T | undefined;
  compare(a: T, b: T): number;
  /** What a literal operand must be, for the message when it is not. */
  readonly expected: string;
}

// String comparison is by UTF-16 code unit, which is what JavaScript's `<` does and what Java's
// String.compareTo does (the guide points there): no case folding or Unicode normalization.
const stringFamily: Family<string> = {
  convert: (value) => (typeof value === 'string' ? value : undefined),
  compare: (a, b) => (a < b ? -1 : a > b ? 1 : 0),
  expected: 'a string',
};
const numericFamily: Family<number> = {
  convert: (value) => (typeof value === 'number' ? value : undefined),
  compare: (a, b) => (a < b ? -1 : a > b ? 1 : 0),
  expected: 'a number',
};
const booleanFamily: Family<boolean> = {
  convert: (value) => (typeof value === 'boolean' ? value : undefined),
  compare: (a, b) => (a === b ? 0 : 1),
  expected: 'a boolean',
};
// A timestamp is a string that parses; any other string, even one StringEquals would match, is a
// type mismatch here.
const timestampFamily: Family<Instant> = {
  convert: (value) => (typeof value === 'string' ? parseTimestamp(value) : undefined),
  compare: compareInstants,
  expected: 'an RFC 3339 timestamp string',
};

const FAMILIES: Readonly<Record<string, Family<never>>> = {
  String: stringFamily as Family<never>,
  Numeric: numericFamily as Family<never>,
  Boolean: booleanFamily as Family<never>,
  Timestamp: timestampFamily as Family<never>,
};

const RELATIONS: Readonly<Record<string, (order: number) => boolean>> = {
  Equals: (order) => order === 0,
  LessThan: (order) => order < 0,
  GreaterThan: (order) => order > 0,
  LessThanEquals: (order) => order <= 0,
  GreaterThanEquals: (order) => order >= 0,
};

const COMPARISON =
  /^(String|Numeric|Timestamp)(Equals|LessThan|GreaterThan|LessThanEquals|GreaterThanEquals)(Path)?$|^(Boolean)(Equals)(Path)?$/;

/** A comparison operator's parts, or undefined when `operator` is not one. */
export interface Comparison {
  readonly family: Family<never>;
  readonly relation: (order: number) => boolean;
  /** True for the `...Path` form, whose operand is a path read from the same scope. */
  readonly path: boolean;
}

export function parseComparison(operator: string): Comparison | undefined {
  const m = COMPARISON.exec(operator);
  if (!m) return undefined;
  const family = FAMILIES[m[1] ?? m[4] ?? ''];
  const relation = RELATIONS[m[2] ?? m[5] ?? ''];
  if (!family || !relation) return undefined;
  return { family, relation, path: (m[3] ?? m[6]) !== undefined };
}

/**
 * A test against a literal operand, converted once; a string describing the problem when the
 * operand is not of the operator's type.
 */
export function literalTest(comparison: Comparison, operand: Json): ValueTest | string {
  const { family, relation } = comparison;
  const expected = family.convert(operand);
  if (expected === undefined) return `must be ${family.expected}`;
  return (value) => {
    const actual = family.convert(value);
    return actual !== undefined && relation(family.compare(actual, expected));
  };
}

/** The comparison of two values read at run time (the `...Path` forms). */
export function compareValues(comparison: Comparison, value: Json, operand: Json): boolean {
  const { family, relation } = comparison;
  const a = family.convert(value);
  if (a === undefined) return false;
  const b = family.convert(operand);
  return b !== undefined && relation(family.compare(a, b));
}

/** The type tests; IsPresent is not among them because it never reads a value. */
export const TYPE_TESTS: Readonly<Record<string, ValueTest>> = {
  IsNull: (value) => value === null,
  IsNumeric: (value) => typeof value === 'number',
  IsString: (value) => typeof value === 'string',
  IsBoolean: (value) => typeof value === 'boolean',
  IsTimestamp: (value) => typeof value === 'string' && parseTimestamp(value) !== undefined,
};
