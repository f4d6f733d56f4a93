import { describe, expect, it } from 'vitest';
import { compileChoiceRules } from '../../src/asl/choice.js';
import type { ChoiceMatch } from '../../src/asl/choice.js';
import { DefinitionError, StatesError } from '../../src/asl/errors.js';
import type { Json } from '../../src/asl/json.js';
import { JsonataSyntaxError } from '../../src/asl/jsonata.js';
import type { EvalScope } from '../../src/asl/scope.js';
import type { ChoiceRule } from '../../src/asl/types.js';

function scope(input: Json, variables: Record<string, Json> = {}): EvalScope {
  return {
    input,
    context: { Execution: { Id: 'exec-1' }, State: { Name: 'Route' } },
    variables,
    random: () => 0.5,
  };
}

/** Whether one JSONPath data-test rule matches `input`. */
function matches(rule: ChoiceRule, input: Json, variables: Record<string, Json> = {}): boolean {
  const choose = compileChoiceRules([{ ...rule, Next: 'Yes' }], 'JSONPath');
  return choose(scope(input, variables)) !== undefined;
}

function failure(run: () => unknown): StatesError {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(StatesError);
    return err as StatesError;
  }
  throw new Error('expected the rule to fail the state');
}

describe('compileChoiceRules (JSONPath): comparison operators', () => {
  const input = {
    s: 'MyStringABC',
    n: 22,
    f: 1.5,
    b: true,
    t: '2001-01-01T12:00:00Z',
    other: { s: 'MyStringABC', n: 22, b: true, t: '2001-01-01T13:00:00+01:00' },
  };
  it.each<[ChoiceRule, boolean]>([
    [{ Variable: '$.s', StringEquals: 'MyStringABC' }, true],
    [{ Variable: '$.s', StringEquals: 'mystringabc' }, false],
    [{ Variable: '$.s', StringLessThan: 'MyStringABD' }, true],
    [{ Variable: '$.s', StringLessThan: 'MyStringABC' }, false],
    [{ Variable: '$.s', StringGreaterThan: 'MyString' }, true],
    [{ Variable: '$.s', StringLessThanEquals: 'MyStringABC' }, true],
    [{ Variable: '$.s', StringGreaterThanEquals: 'MyStringABD' }, false],
    [{ Variable: '$.n', NumericEquals: 22 }, true],
    [{ Variable: '$.n', NumericEquals: 22.0001 }, false],
    [{ Variable: '$.f', NumericLessThan: 2 }, true],
    [{ Variable: '$.n', NumericGreaterThan: 22 }, false],
    [{ Variable: '$.n', NumericLessThanEquals: 22 }, true],
    [{ Variable: '$.n', NumericGreaterThanEquals: 23 }, false],
    [{ Variable: '$.b', BooleanEquals: true }, true],
    [{ Variable: '$.b', BooleanEquals: false }, false],
    [{ Variable: '$.t', TimestampEquals: '2001-01-01T12:00:00Z' }, true],
    [{ Variable: '$.t', TimestampLessThan: '2001-01-01T12:00:00.001Z' }, true],
    [{ Variable: '$.t', TimestampGreaterThan: '2001-01-01T11:59:59.999Z' }, true],
    [{ Variable: '$.t', TimestampLessThanEquals: '2001-01-01T11:59:59Z' }, false],
    [{ Variable: '$.t', TimestampGreaterThanEquals: '2001-01-01T12:00:00Z' }, true],
    [{ Variable: '$.s', StringEqualsPath: '$.other.s' }, true],
    [{ Variable: '$.s', StringLessThanPath: '$.other.s' }, false],
    [{ Variable: '$.s', StringGreaterThanEqualsPath: '$.other.s' }, true],
    [{ Variable: '$.n', NumericEqualsPath: '$.other.n' }, true],
    [{ Variable: '$.f', NumericLessThanPath: '$.other.n' }, true],
    [{ Variable: '$.n', NumericGreaterThanPath: '$.other.n' }, false],
    [{ Variable: '$.b', BooleanEqualsPath: '$.other.b' }, true],
    [{ Variable: '$.t', TimestampEqualsPath: '$.other.t' }, true],
    [{ Variable: '$.t', TimestampLessThanPath: '$.other.t' }, false],
    [{ Variable: '$.t', TimestampLessThanEqualsPath: '$.other.t' }, true],
    [{ Variable: '$$.State.Name', StringEquals: 'Route' }, true],
  ])('%o is %s', (rule, expected) => {
    expect(matches(rule, input)).toBe(expected);
  });

  it('compares strings by UTF-16 code unit, without case folding or normalization', () => {
    expect(matches({ Variable: '$.s', StringLessThan: 'a' }, { s: 'Z' })).toBe(true);
    expect(matches({ Variable: '$.s', StringEquals: 'e\u0301' }, { s: '\u00e9' })).toBe(false);
  });

  it('reads workflow variables as $name', () => {
    expect(matches({ Variable: '$limit', NumericGreaterThan: 10 }, {}, { limit: 11 })).toBe(true);
  });
});

describe('compileChoiceRules (JSONPath): type mismatches are false', () => {
  it.each<[ChoiceRule, Json]>([
    [{ Variable: '$.v', NumericEquals: 1 }, '1'],
    [{ Variable: '$.v', StringEquals: '1' }, 1],
    [{ Variable: '$.v', BooleanEquals: true }, 'true'],
    [{ Variable: '$.v', NumericLessThan: 5 }, null],
    [{ Variable: '$.v', TimestampEquals: '2001-01-01T12:00:00Z' }, 'not a timestamp'],
    [{ Variable: '$.v', TimestampEquals: '2001-01-01T12:00:00Z' }, 978350400],
    [{ Variable: '$.v', StringMatches: '*' }, 5],
    [{ Variable: '$.v', NumericEqualsPath: '$.w' }, 5],
    [{ Variable: '$.v', StringEquals: 'x' }, { nested: 'x' }],
  ])('%o on %o', (rule, v) => {
    expect(matches(rule, { v, w: '5' })).toBe(false);
  });
});

describe('compileChoiceRules (JSONPath): type tests', () => {
  const values: Record<string, Json> = {
    null: null,
    number: 3.5,
    string: 'x',
    boolean: false,
    timestamp: '2016-03-14T01:59:00Z',
    object: {},
  };
  it.each<[string, Record<string, boolean>]>([
    ['IsNull', { null: true, number: false, string: false, object: false }],
    ['IsNumeric', { number: true, string: false, null: false, boolean: false }],
    ['IsString', { string: true, timestamp: true, number: false, null: false }],
    ['IsBoolean', { boolean: true, string: false, null: false }],
    ['IsTimestamp', { timestamp: true, string: false, number: false, null: false }],
  ])('%s is true only for its type, and false negates it', (operator, table) => {
    for (const [kind, expected] of Object.entries(table)) {
      const input = { v: values[kind] ?? null };
      expect(matches({ Variable: '$.v', [operator]: true }, input), kind).toBe(expected);
      expect(matches({ Variable: '$.v', [operator]: false }, input), kind).toBe(!expected);
    }
  });

  it.each<[boolean, Json, boolean]>([
    [true, { v: 1 }, true],
    [true, { v: null }, true],
    [true, {}, false],
    [false, {}, true],
    [false, { v: 1 }, false],
  ])('IsPresent %s on %o is %s, without failing', (expected, input, result) => {
    expect(matches({ Variable: '$.v', IsPresent: expected }, input)).toBe(result);
  });
});

describe('compileChoiceRules (JSONPath): missing variables', () => {
  it.each<ChoiceRule>([
    { Variable: '$.missing', NumericEquals: 1 },
    { Variable: '$.missing', IsNull: false },
    { Variable: '$.missing', StringMatches: '*' },
    { Variable: '$.missing', BooleanEqualsPath: '$.b' },
    { Not: { Variable: '$.missing', StringEquals: 'x' } },
  ])('%o fails with States.Runtime', (rule) => {
    const choose = compileChoiceRules([{ ...rule, Next: 'Yes' }], 'JSONPath');
    const err = failure(() => choose(scope({ b: true })));
    expect(err.code).toBe('States.Runtime');
    expect(err.message).toBe(
      "Invalid path '$.missing': The choice state's condition path references an invalid value.",
    );
  });

  it('fails with States.Runtime naming a ...Path operand that selects nothing', () => {
    const choose = compileChoiceRules(
      [{ Variable: '$.left', NumericGreaterThanPath: '$.right', Next: 'Yes' }],
      'JSONPath',
    );
    const err = failure(() => choose(scope({ left: 8 })));
    expect(err.message).toBe(
      "Invalid path '$.right': The choice state's condition path references an invalid value.",
    );
  });

  it('evaluates a rule after IsPresent only when the key exists (the guide example)', () => {
    const rule: ChoiceRule = {
      And: [
        { Variable: '$.keyThatMightNotExist', IsPresent: true },
        { Variable: '$.keyThatMightNotExist', StringEquals: 'foo' },
      ],
    };
    expect(matches(rule, {})).toBe(false);
    expect(matches(rule, { keyThatMightNotExist: 'foo' })).toBe(true);
  });
});

describe('compileChoiceRules (JSONPath): rules in order and Boolean combinations', () => {
  // The guide's Choice state example.
  const rules: ChoiceRule[] = [
    { Not: { Variable: '$.type', StringEquals: 'Private' }, Next: 'Public' },
    { Variable: '$.value', NumericEquals: 0, Next: 'ValueIsZero' },
    {
      And: [
        { Variable: '$.value', NumericGreaterThanEquals: 20 },
        { Variable: '$.value', NumericLessThan: 30 },
      ],
      Next: 'ValueInTwenties',
    },
  ];
  const choose = compileChoiceRules(rules, 'JSONPath');

  it.each<[Json, string | undefined, number | undefined]>([
    [{ type: 'Private', value: 22 }, 'ValueInTwenties', 2],
    [{ type: 'Public', value: 22 }, 'Public', 0],
    [{ type: 'Private', value: 0 }, 'ValueIsZero', 1],
    [{ type: 'Private', value: 35 }, undefined, undefined],
  ])('routes %o to %s', (input, next, index) => {
    const match = choose(scope(input)) as ChoiceMatch | undefined;
    expect(match?.next).toBe(next);
    expect(match?.index).toBe(index);
    if (index !== undefined) expect(match?.rule).toBe(rules[index]);
  });

  it('returns synchronously in JSONPath mode', () => {
    expect(choose(scope({ type: 'Public' }))).not.toBeInstanceOf(Promise);
  });

  it.each<[ChoiceRule, Json, boolean]>([
    [
      {
        Or: [
          { Variable: '$.a', NumericEquals: 1 },
          { Variable: '$.a', NumericEquals: 2 },
        ],
      },
      { a: 2 },
      true,
    ],
    [
      {
        Or: [
          { Variable: '$.a', NumericEquals: 1 },
          { Variable: '$.a', NumericEquals: 2 },
        ],
      },
      { a: 3 },
      false,
    ],
    [{ Not: { Not: { Variable: '$.a', BooleanEquals: true } } }, { a: true }, true],
    [
      {
        And: [
          {
            Or: [
              { Variable: '$.a', StringEquals: 'x' },
              { Variable: '$.a', StringEquals: 'y' },
            ],
          },
          { Not: { Variable: '$.b', IsNull: true } },
        ],
      },
      { a: 'y', b: 0 },
      true,
    ],
    [
      { And: [{ Variable: '$.a', StringEquals: 'x' }, { Not: { Variable: '$.b', IsNull: true } }] },
      { a: 'x', b: null },
      false,
    ],
  ])('nested %o on %o is %s', (rule, input, expected) => {
    expect(matches(rule, input)).toBe(expected);
  });

  it('stops And and Or as soon as the answer is known', () => {
    const or = {
      Or: [
        { Variable: '$.a', IsPresent: true },
        { Variable: '$.missing', IsNull: true },
      ],
    };
    expect(matches(or, { a: 1 })).toBe(true);
    const and = {
      And: [
        { Variable: '$.a', IsPresent: false },
        { Variable: '$.missing', IsNull: true },
      ],
    };
    expect(matches(and, { a: 1 })).toBe(false);
  });
});

describe('compileChoiceRules (JSONPath): timestamps', () => {
  it.each<[string, string, 'equal' | 'before' | 'after']>([
    ['2016-03-14T01:59:00Z', '2016-03-14T01:59:00Z', 'equal'],
    ['2016-03-14T01:59:00Z', '2016-03-14T03:59:00+02:00', 'equal'],
    ['2016-03-13T23:59:00-02:00', '2016-03-14T01:59:00Z', 'equal'],
    ['2016-03-14T01:59:00.5Z', '2016-03-14T01:59:00.500000Z', 'equal'],
    ['2016-03-14T01:59:00Z', '2016-03-14T01:59:00.000Z', 'equal'],
    ['2016-03-14T01:59:00.000001Z', '2016-03-14T01:59:00.000002Z', 'before'],
    ['2016-03-14T01:59:00.1Z', '2016-03-14T01:59:00.09Z', 'after'],
    ['2016-03-14T02:00:00+01:00', '2016-03-14T01:59:00Z', 'before'],
    ['1999-12-31T23:59:59Z', '2000-01-01T00:00:00Z', 'before'],
    ['2024-02-29T00:00:00Z', '2024-02-28T23:59:59.999999999Z', 'after'],
  ])('%s is %s %s', (a, b, relation) => {
    const is = (op: string) => matches({ Variable: '$.t', [op]: b }, { t: a });
    expect(is('TimestampEquals')).toBe(relation === 'equal');
    expect(is('TimestampLessThan')).toBe(relation === 'before');
    expect(is('TimestampGreaterThan')).toBe(relation === 'after');
    expect(is('TimestampLessThanEquals')).toBe(relation !== 'after');
    expect(is('TimestampGreaterThanEquals')).toBe(relation !== 'before');
  });

  it.each([
    '2016-03-14t01:59:00Z',
    '2016-03-14T01:59:00z',
    '2016-03-14T01:59:00',
    '2016-03-14 01:59:00Z',
    '2016-02-30T01:59:00Z',
    '2023-02-29T00:00:00Z',
    '2016-03-14T24:00:00Z',
    '2016-03-14T01:59:60Z',
    '2016-03-14T01:59:00+0100',
    '2016-03-14T01:59:00.Z',
    '2016-3-14T01:59:00Z',
  ])('%s is not a timestamp', (text) => {
    expect(matches({ Variable: '$.t', IsTimestamp: true }, { t: text })).toBe(false);
    expect(
      matches(
        { Variable: '$.t', TimestampEquals: text.replace(/.*/, '2016-03-14T01:59:00Z') },
        { t: text },
      ),
    ).toBe(false);
  });

  it('matches a timestamp with StringEquals, since timestamps are strings', () => {
    expect(
      matches(
        { Variable: '$.t', StringEquals: '2016-03-14T01:59:00Z' },
        { t: '2016-03-14T01:59:00Z' },
      ),
    ).toBe(true);
  });
});

describe('compileChoiceRules (JSONPath): StringMatches', () => {
  it.each<[string, string, boolean]>([
    ['log-*.txt', 'log-2024.txt', true],
    ['log-*.txt', 'log-.txt', true],
    ['log-*.txt', 'log-2024.txt.bak', false],
    ['foo*.log', 'foo23.log', true],
    ['*.log', 'zebra.log', true],
    ['foo*.*', 'foobar.zebra', true],
    ['*', '', true],
    ['a*b*c', 'abc', true],
    ['a*b*c', 'aXbYbZc', true],
    ['a*b*c', 'acb', false],
    ['ab*ba', 'aba', false],
    ['ab*b*x', 'abx', false],
    ['a*a', 'a', false],
    ['exact', 'exact', true],
    ['exact', 'exactly', false],
    ['a?c', 'abc', false],
    ['a.c', 'abc', false],
    ['\\*', '*', true],
    ['\\*', 'x', false],
    ['a\\*b', 'a*b', true],
    ['a\\*b', 'aXb', false],
    ['\\\\*', '\\anything', true],
    ['c:\\\\dir\\\\*.txt', 'c:\\dir\\a.txt', true],
  ])('%s matches %s: %s', (pattern, value, expected) => {
    expect(matches({ Variable: '$.v', StringMatches: pattern }, { v: value })).toBe(expected);
  });

  it('fails with States.Runtime on a pattern ending in an open escape', () => {
    const choose = compileChoiceRules(
      [{ Variable: '$.v', StringMatches: 'abc\\', Next: 'Yes' }],
      'JSONPath',
    );
    const err = failure(() => choose(scope({ v: 'abc' })));
    expect(err.code).toBe('States.Runtime');
    expect(err.message).toMatch(/open escape/);
  });
});

describe('compileChoiceRules (JSONPath): malformed rules', () => {
  it.each<[ChoiceRule, RegExp]>([
    [
      { Variable: '$.a', Next: 'X' },
      /Choices\[0\]: a choice rule needs exactly one comparison operator, found none/,
    ],
    [
      { Variable: '$.a', StringEquals: 'x', NumericEquals: 1, Next: 'X' },
      /found StringEquals, NumericEquals/,
    ],
    [
      { Variable: '$.a', NumericEquals: '1', Next: 'X' },
      /Choices\[0\]\.NumericEquals: must be a number/,
    ],
    [{ Variable: '$.a', TimestampEquals: 'yesterday', Next: 'X' }, /must be an RFC 3339 timestamp/],
    [{ Variable: '$.a', IsNull: 'yes', Next: 'X' }, /IsNull: must be a boolean/],
    [{ And: [], Next: 'X' }, /And: must be a non-empty array/],
    [{ StringEquals: 'x', Next: 'X' }, /Variable: must be a path string/],
    [{ Variable: '$.a', StringEquals: 'x' }, /Choices\[0\]\.Next: is required/],
  ])('%o is a DefinitionError', (rule, message) => {
    expect(() => compileChoiceRules([rule], 'JSONPath')).toThrow(DefinitionError);
    expect(() => compileChoiceRules([rule], 'JSONPath')).toThrow(message);
  });
});

describe('compileChoiceRules (JSONata)', () => {
  const rules: ChoiceRule[] = [
    { Condition: '{% $foo = 1 %}', Next: 'NumericMatchState' },
    { Condition: "{% $type = 'local' %}", Next: 'StringMatchState' },
    { Condition: "{% $states.input.name > 'MyStringABC' %}", Next: 'StringGreaterMatchState' },
    {
      Condition: '{% $possiblyNullValue != null and $possiblyNullValue = 42 %}',
      Next: 'NotNullAnd42',
    },
  ];
  const choose = compileChoiceRules(rules, 'JSONata');
  const vars = { foo: 0, type: 'remote', possiblyNullValue: null };

  it.each<[Json, Record<string, Json>, string | undefined]>([
    [{}, { ...vars, foo: 1 }, 'NumericMatchState'],
    [{}, { ...vars, type: 'local' }, 'StringMatchState'],
    [{ name: 'MyStringABD' }, vars, 'StringGreaterMatchState'],
    [{ name: 'A' }, { ...vars, possiblyNullValue: 42 }, 'NotNullAnd42'],
    [{ name: 'A' }, vars, undefined],
  ])('routes input %o with variables %o to %s', async (input, variables, next) => {
    const result = choose(scope(input, variables));
    expect(result).toBeInstanceOf(Promise);
    expect((await result)?.next).toBe(next);
  });

  it('accepts a literal boolean Condition', async () => {
    const always = compileChoiceRules([{ Condition: true, Next: 'Always' }], 'JSONata');
    expect((await always(scope({})))?.next).toBe('Always');
  });

  it('fails with States.QueryEvaluationError on a non-boolean Condition', async () => {
    const numeric = compileChoiceRules(
      [{ Condition: '{% $states.input.n %}', Next: 'X' }],
      'JSONata',
    );
    await expect(numeric(scope({ n: 1 }))).rejects.toMatchObject({
      code: 'States.QueryEvaluationError',
      message:
        "The JSONata expression '$states.input.n' specified for the field 'Choices[0]/Condition' returned a non-boolean value.",
    });
  });

  it('fails with States.QueryEvaluationError on a Condition that yields nothing', async () => {
    const missing = compileChoiceRules(
      [{ Condition: '{% $states.input.absent %}', Next: 'X' }],
      'JSONata',
    );
    await expect(missing(scope({}))).rejects.toMatchObject({
      code: 'States.QueryEvaluationError',
      message:
        "The JSONata expression '$states.input.absent' specified for the field 'Choices[0]/Condition' returned nothing (undefined).",
    });
  });

  it('never evaluates a Condition after the first match', async () => {
    const first = compileChoiceRules(
      [
        { Condition: '{% true %}', Next: 'First' },
        { Condition: '{% $states.input.absent %}', Next: 'Never' },
      ],
      'JSONata',
    );
    expect((await first(scope({})))?.next).toBe('First');
  });

  it('refuses a Condition that does not parse', () => {
    expect(() => compileChoiceRules([{ Condition: '{% 1 = %}', Next: 'X' }], 'JSONata')).toThrow(
      JsonataSyntaxError,
    );
  });

  it('refuses a rule without a Condition', () => {
    expect(() => compileChoiceRules([{ Next: 'X' }], 'JSONata')).toThrow(DefinitionError);
  });
});
