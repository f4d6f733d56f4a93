import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { StatesError } from '../../src/asl/errors.js';
import type { Json, JsonObject } from '../../src/asl/json.js';
import {
  compileJsonataTemplate,
  createJsonataCache,
  JsonataSyntaxError,
} from '../../src/asl/jsonata.js';
import type { EvalScope } from '../../src/asl/scope.js';

/** A scope whose random source replays `draws` in order (then repeats the last one). */
function scope(overrides: Partial<EvalScope> = {}, draws: number[] = [0.5]): EvalScope {
  let i = 0;
  return {
    input: { amount: 42, customer: { name: 'Ada' }, items: [1, 2, 3], empty: [], nothing: null },
    context: {
      Execution: { Id: 'exec-1', StartTime: '2024-05-01T10:00:00.000Z' },
      State: { Name: 'Charge', EnteredTime: '2024-05-01T10:00:05.250Z' },
    },
    variables: { currency: 'EUR', limit: 100 },
    random: () => draws[Math.min(i++, draws.length - 1)] ?? 0,
    ...overrides,
  };
}

async function run(template: Json, s: EvalScope = scope(), field = 'Output'): Promise<Json> {
  return compileJsonataTemplate(template, field).evaluate(s);
}

async function failure(template: Json, s: EvalScope = scope(), field = 'Output') {
  try {
    await run(template, s, field);
  } catch (err) {
    expect(err).toBeInstanceOf(StatesError);
    return err as StatesError;
  }
  throw new Error('expected the evaluation to fail');
}

describe('compileJsonataTemplate: templates', () => {
  it.each([
    ['a plain string', 'hello', 'hello'],
    ['a number', 7, 7],
    ['null', null, null],
    ['a string with leading space before {%', ' {% 1 %}', ' {% 1 %}'],
    ['a string with text after %}', '{% 1 %} ', '{% 1 %} '],
    ['an object of literals', { a: [1, 'x', { b: true }] }, { a: [1, 'x', { b: true }] }],
  ])('keeps %s literal and constant', async (_name, template, expected) => {
    const compiled = compileJsonataTemplate(template, 'Output');
    expect(compiled.isConstant).toBe(true);
    expect(await compiled.evaluate(scope())).toEqual(expected);
  });

  it('evaluates expressions at any depth and keeps the literals around them', async () => {
    const template = {
      total: '{% $states.input.amount * 2 %}',
      lines: ['fixed', '{% $states.input.customer.name %}', { deep: '{%$currency%}' }],
      note: 'not {% an expression',
    };
    const compiled = compileJsonataTemplate(template, 'Arguments');
    expect(compiled.isConstant).toBe(false);
    expect(await compiled.evaluate(scope())).toEqual({
      total: 84,
      lines: ['fixed', 'Ada', { deep: 'EUR' }],
      note: 'not {% an expression',
    });
  });

  it('returns fresh plain arrays, not JSONata sequences or shared input objects', async () => {
    const s = scope();
    const result = await run('{% $states.input.items %}', s);
    expect(result).toEqual([1, 2, 3]);
    expect(result).not.toBe((s.input as JsonObject).items);
    expect(Object.keys(result as object)).toEqual(['0', '1', '2']);
  });

  it('evaluates an expression yielding an empty array to an empty array', async () => {
    expect(await run('{% $states.input.empty %}')).toEqual([]);
  });

  it('keeps a null result as a value', async () => {
    expect(await run({ v: '{% $states.input.nothing %}' })).toEqual({ v: null });
  });

  it('reuses one parsed expression for the same text through a shared cache', () => {
    const cache = createJsonataCache();
    compileJsonataTemplate({ a: '{% 1 + 1 %}', b: '{% 1 + 1 %}' }, 'Output', cache);
    compileJsonataTemplate('{% 1 + 1 %}', 'Output', cache);
    expect([...cache.keys()]).toEqual(['1 + 1']);
  });
});

describe('compileJsonataTemplate: bindings', () => {
  it.each([
    ['$states.input', '{% $states.input.amount %}', {}, 42],
    ['$states.context', '{% $states.context.State.Name %}', {}, 'Charge'],
    ['$states.result', '{% $states.result.chargeId %}', { result: { chargeId: 'c-9' } }, 'c-9'],
    [
      '$states.errorOutput',
      '{% $states.errorOutput.Error %}',
      { errorOutput: { Error: 'Gateway.Timeout', Cause: 'slow' } },
      'Gateway.Timeout',
    ],
    ['a workflow variable', '{% $limit - $states.input.amount %}', {}, 58],
    ['a variable inside a block', '{% ($x := $limit; $x * 2) %}', {}, 200],
  ] as const)('reads %s', async (_name, template, extra, expected) => {
    expect(await run(template, scope(extra as Partial<EvalScope>))).toEqual(expected);
  });

  it('has no $states.result outside a task output', async () => {
    const err = await failure('{% $states.result %}');
    expect(err.code).toBe('States.QueryEvaluationError');
  });

  it('does not let a variable named like an AWS function hide the function', async () => {
    const s = scope({ variables: { uuid: 'shadow' } });
    expect(await run('{% $uuid() %}', s)).toMatch(/^[0-9a-f]{8}-/);
  });
});

describe('compileJsonataTemplate: functions AWS adds', () => {
  it.each([
    [
      '$partition',
      '{% $partition([1,2,3,4,5,6,7,8,9], 3) %}',
      [
        [1, 2, 3],
        [4, 5, 6],
        [7, 8, 9],
      ],
    ],
    ['$partition with a remainder', '{% $partition([1,2,3,4,5], 2) %}', [[1, 2], [3, 4], [5]]],
    ['$partition truncating the size', '{% $partition([1,2,3], 2.9) %}', [[1, 2], [3]]],
    ['$range', '{% $range(0, 10, 2) %}', [0, 2, 4, 6, 8, 10]],
    ['$range not reaching the end', '{% $range(1, 8, 2) %}', [1, 3, 5, 7]],
    ['$range downwards', '{% $range(9, 1, -2) %}', [9, 7, 5, 3, 1]],
    ['$range truncating towards zero', '{% $range(-1.2, 2.8, 1.9) %}', [-1, 0, 1, 2]],
    ['$range of one value', '{% $range(3, 3, 1) %}', 3],
    ['$parse', `{% $parse('{"a":[1,true,null]}') %}`, { a: [1, true, null] }],
    ['$parse of a scalar', `{% $parse('12.5') %}`, 12.5],
  ])('%s', async (_name, template, expected) => {
    expect(await run(template)).toEqual(expected);
  });

  it.each(['MD5', 'SHA-1', 'SHA-256', 'SHA-384', 'SHA-512'])(
    '$hash computes the %s hex digest of the UTF-8 bytes',
    async (algorithm) => {
      const node = { MD5: 'md5', 'SHA-1': 'sha1' }[algorithm] ?? algorithm.replace('-', '');
      const expected = createHash(node.toLowerCase()).update('pay€', 'utf8').digest('hex');
      expect(await run(`{% $hash('pay€', '${algorithm}') %}`)).toBe(expected);
    },
  );

  it('$random without a seed draws from scope.random only', async () => {
    expect(await run('{% [$random(), $random()] %}', scope({}, [0.25, 0.75]))).toEqual([
      0.25, 0.75,
    ]);
  });

  it('$random with a seed follows java.util.Random and ignores scope.random', async () => {
    // new java.util.Random(42).nextDouble() == 0.7275636800328681; Random(0) -> 0.730967787376657
    const s = scope({ random: () => expect.unreachable('scope.random must not be used') });
    expect(await run('{% [$random(42), $random(0)] %}', s)).toEqual([
      0.7275636800328681, 0.730967787376657,
    ]);
  });

  it('$uuid builds a version 4 UUID from scope.random', async () => {
    const zeros = await run('{% $uuid() %}', scope({}, [0]));
    expect(zeros).toBe('00000000-0000-4000-8000-000000000000');
    const ones = await run('{% $uuid() %}', scope({}, [0.999]));
    expect(ones).toBe('ffffffff-ffff-4fff-bfff-ffffffffffff');
  });

  it('consumes the random source in document order', async () => {
    const template = { a: '{% $random() %}', b: ['{% $random() %}', '{% $random() %}'] };
    expect(await run(template, scope({}, [0.1, 0.2, 0.3]))).toEqual({ a: 0.1, b: [0.2, 0.3] });
  });

  it('$now and $millis read the instant the state was entered', async () => {
    expect(await run('{% [$now(), $millis()] %}')).toEqual([
      '2024-05-01T10:00:05.250Z',
      Date.UTC(2024, 4, 1, 10, 0, 5, 250),
    ]);
    expect(await run(`{% $now('[Y0001]-[M01]-[D01]') %}`)).toBe('2024-05-01');
  });
});

describe('compileJsonataTemplate: errors', () => {
  it.each([
    [
      'a missing field',
      { v: '{% $states.input.absent %}' },
      "The JSONata expression '$states.input.absent' specified for the field 'Output/v' returned nothing (undefined).",
    ],
    [
      'a missing field in an array',
      ['x', '{% $nope %}'],
      "The JSONata expression '$nope' specified for the field 'Output[1]' returned nothing (undefined).",
    ],
    [
      '$range with a step pointing away',
      '{% $range(1, 3, -1) %}',
      "The JSONata expression '$range(1, 3, -1)' specified for the field 'Output' returned nothing (undefined).",
    ],
    [
      '$partition with size zero',
      '{% $partition([1], 0) %}',
      "The JSONata expression '$partition([1], 0)' specified for the field 'Output' returned nothing (undefined).",
    ],
    [
      'a type error',
      `{% 1 + 'a' %}`,
      `The JSONata expression '1 + 'a'' specified for the field 'Output' threw an error during evaluation. T2002: The right side of the "+" operator must evaluate to a number`,
    ],
    [
      'a function argument of the wrong type',
      `{% $range('0', 4, 1) %}`,
      `The JSONata expression '$range('0', 4, 1)' specified for the field 'Output' threw an error during evaluation. T0410: Argument 1 of function "range" does not match function signature`,
    ],
    [
      '$eval, which AWS disables',
      `{% $eval('1') %}`,
      `The JSONata expression '$eval('1')' specified for the field 'Output' threw an error during evaluation. T1006: Attempted to invoke a non-function`,
    ],
    [
      'a function as the result',
      '{% function($x) { $x } %}',
      "The JSONata expression 'function($x) { $x }' specified for the field 'Output' returned an unsupported result type.",
    ],
  ])('%s fails with States.QueryEvaluationError', async (_name, template, message) => {
    const err = await failure(template);
    expect(err.code).toBe('States.QueryEvaluationError');
    expect(err.message).toBe(message);
  });

  it.each([
    ['$parse of text that is not JSON', `{% $parse('{nope') %}`, /\$parse was given a string/],
    ['$hash with an unknown algorithm', `{% $hash('a', 'sha-256') %}`, /not one of MD5, SHA-1/],
    ['$random with a string seed', `{% $random('x') %}`, /T0410: Argument 1 of function "random"/],
  ])('%s fails with States.QueryEvaluationError', async (_name, template, message) => {
    const err = await failure(template);
    expect(err.code).toBe('States.QueryEvaluationError');
    expect(err.message).toMatch(message);
  });

  it('fails $now when the context has no entry time', async () => {
    const err = await failure('{% $now() %}', scope({ context: {} }));
    expect(err.message).toMatch(/State.EnteredTime/);
  });

  it.each([
    ['a syntax error', '{% 1 + %}', /is not valid JSONata: S0207/],
    ['$ at the top level', '{% $.amount %}', /uses '\$' at its top level/],
    ['$$ at the top level', '{% $$ %}', /uses '\$\$' at its top level/],
    ['a bare field name', '{% amount + 1 %}', /uses the field name 'amount' at its top level/],
    ['a field name as a function argument', '{% $count(items) %}', /field name 'items'/],
  ])('refuses %s at compile time', (_name, template, message) => {
    expect(() => compileJsonataTemplate(template, 'Output')).toThrow(JsonataSyntaxError);
    expect(() => compileJsonataTemplate(template, 'Output')).toThrow(message);
  });

  it.each([
    ['$ inside a predicate', '{% $states.input.items[$ > 1] %}', [2, 3]],
    ['$ inside a mapping step', '{% $states.input.items.($ * 10) %}', [10, 20, 30]],
    ['$ inside a lambda', '{% $map($states.input.items, function($v) { $v + 1 }) %}', [2, 3, 4]],
  ])('accepts %s', async (_name, template, expected) => {
    expect(await run(template)).toEqual(expected);
  });
});
