import { describe, expect, it } from 'vitest';
import { StatesError } from '../../src/asl/errors.js';
import {
  compileIntrinsic,
  INTRINSIC_NAMES,
  IntrinsicSyntaxError,
  isIntrinsicCall,
} from '../../src/asl/intrinsics.js';
import type { Json, JsonObject } from '../../src/asl/json.js';
import type { EvalScope } from '../../src/asl/scope.js';

function scopeOf(
  input: Json,
  options: { context?: JsonObject; variables?: Record<string, Json>; draws?: number[] } = {},
): EvalScope {
  const draws = options.draws ?? [0.5];
  let next = 0;
  return {
    input,
    context: options.context ?? {},
    variables: options.variables ?? {},
    random: () => draws[next++ % draws.length]!,
  };
}

const evaluate = (expression: string, input: Json, options?: Parameters<typeof scopeOf>[1]): Json =>
  compileIntrinsic(expression)(scopeOf(input, options));

describe('intrinsic functions: the developer guide examples', () => {
  const nine = [1, 2, 3, 4, 5, 6, 7, 8, 9];
  it.each([
    [
      "States.Format('Hello, my name is {}.', $.name)",
      { name: 'Arnav', template: 'Hello, my name is {}.' },
      'Hello, my name is Arnav.',
    ],
    [
      'States.Format($.template, $.name)',
      { name: 'Arnav', template: 'Hello, my name is {}.' },
      'Hello, my name is Arnav.',
    ],
    [
      "States.Format('Your name is {}, we are in the year {}', $.name, 2020)",
      { name: 'Foo', zebra: 'stripe' },
      'Your name is Foo, we are in the year 2020',
    ],
    [
      'States.StringToJson($.escapedJsonString)',
      { escapedJsonString: '{"foo": "bar"}' },
      { foo: 'bar' },
    ],
    ['States.StringToJson($.someString)', { someString: '{"number": 20}' }, { number: 20 }],
    ['States.JsonToString($.unescapedJson)', { unescapedJson: { foo: 'bar' } }, '{"foo":"bar"}'],
    [
      'States.JsonToString($.someJson)',
      { someJson: { name: 'Foo', year: 2020 }, zebra: 'stripe' },
      '{"name":"Foo","year":2020}',
    ],
    ['States.Array($.Id)', { Id: 123456 }, [123456]],
    [
      "States.Array('Foo', 2020, $.someJson, null)",
      { someJson: { random: 'abcdefg' }, zebra: 'stripe' },
      ['Foo', 2020, { random: 'abcdefg' }, null],
    ],
    [
      'States.ArrayPartition($.inputArray,4)',
      { inputArray: nine },
      [[1, 2, 3, 4], [5, 6, 7, 8], [9]],
    ],
    ['States.ArrayContains($.inputArray, $.lookingFor)', { inputArray: nine, lookingFor: 5 }, true],
    ['States.ArrayRange(1, 9, 2)', {}, [1, 3, 5, 7, 9]],
    ['States.ArrayGetItem($.inputArray, $.index)', { inputArray: nine, index: 5 }, 6],
    ['States.ArrayLength($.inputArray)', { inputArray: nine }, 9],
    ['States.ArrayUnique($.inputArray)', { inputArray: [1, 2, 3, 3, 3, 3, 3, 3, 4] }, [1, 2, 3, 4]],
    ['States.Base64Encode($.input)', { input: 'Data to encode' }, 'RGF0YSB0byBlbmNvZGU='],
    // The guide prints "Decoded data" here, but that string does not encode to this Base64.
    ['States.Base64Decode($.base64)', { base64: 'RGF0YSB0byBlbmNvZGU=' }, 'Data to encode'],
    // The guide prints this digest with one '4' missing; this is SHA-1 of "input data".
    [
      'States.Hash($.Data, $.Algorithm)',
      { Data: 'input data', Algorithm: 'SHA-1' },
      'aaff4a450a104cd177d28d18d74485e8cae074b7',
    ],
    [
      'States.JsonMerge($.json1, $.json2, false)',
      { json1: { a: { a1: 1, a2: 2 }, b: 2 }, json2: { a: { a3: 1, a4: 2 }, c: 3 } },
      { a: { a3: 1, a4: 2 }, b: 2, c: 3 },
    ],
    ['States.MathAdd($.value1, $.step)', { value1: 111, step: -1 }, 110],
    [
      'States.StringSplit($.inputString, $.splitter)',
      { inputString: '1,2,3,4,5', splitter: ',' },
      ['1', '2', '3', '4', '5'],
    ],
  ] as const)('%s', (expression, input, expected) => {
    expect(evaluate(expression, input as Json)).toEqual(expected);
  });

  it("evaluates nested calls, as in the guide's image recipe ARN example", () => {
    // The guide's example has three '{}' but two values, which AWS rejects; this one has three.
    const expression =
      "States.Format('{}.{}.{}', States.ArrayGetItem(States.StringSplit(States.ArrayGetItem(States.StringSplit($.ImageRecipe.Arn, '/'), 2), '.'), 0), States.ArrayGetItem(States.StringSplit(States.ArrayGetItem(States.StringSplit($.ImageRecipe.Arn, '/'), 2), '.'), 1), States.ArrayGetItem(States.StringSplit(States.ArrayGetItem(States.StringSplit($.ImageRecipe.Arn, '/'), 2), '.'), 2))";
    const input = {
      ImageRecipe: {
        Arn: 'arn:aws:imagebuilder:us-east-1:123456789012:image-recipe/my-recipe/1.2.3',
      },
    };
    expect(evaluate(expression, input)).toBe('1.2.3');
  });

  it('draws MathRandom from scope.random, from the start (inclusive) to the end (exclusive)', () => {
    const input = { start: 1, end: 999 };
    expect(evaluate('States.MathRandom($.start, $.end)', input, { draws: [0] })).toBe(1);
    expect(evaluate('States.MathRandom($.start, $.end)', input, { draws: [0.5] })).toBe(500);
    expect(evaluate('States.MathRandom($.start, $.end)', input, { draws: [0.999999] })).toBe(998);
  });

  it('returns the same MathRandom number for the same seed, whatever scope.random says', () => {
    const a = evaluate('States.MathRandom(0, 999, 3)', {}, { draws: [0.1] });
    const b = evaluate('States.MathRandom(0, 999, 3)', {}, { draws: [0.9] });
    expect(a).toBe(b);
    expect(a).toBeGreaterThanOrEqual(0);
    expect(a).toBeLessThan(999);
  });

  it('makes a version 4 UUID from scope.random only, the same for the same draws', () => {
    const draws = [0.1, 0.7, 0.3, 0.99, 0.0, 0.42];
    const first = evaluate('States.UUID()', {}, { draws });
    const second = evaluate('States.UUID()', {}, { draws });
    expect(first).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(second).toBe(first);
    expect(evaluate('States.UUID()', {}, { draws: [0.2] })).not.toBe(first);
  });
});

describe('intrinsic functions: behaviour AWS shows beyond the guide examples', () => {
  it.each([
    // Recorded against AWS (LocalStack's validated snapshots): each character is a delimiter
    // and empty pieces are dropped.
    [' ', ',', [' ']],
    [' , ', ',', [' ', ' ']],
    [', , ,', ',', [' ', ' ']],
    [',,,,', ',', []],
    ['This.is+a,test=string', '.+,=', ['This', 'is', 'a', 'test', 'string']],
    ['split on T and \nnew line', 'T\n', ['split on ', ' and ', 'new line']],
  ] as const)('splits %j on the characters of %j', (text, delimiters, expected) => {
    expect(evaluate('States.StringSplit($.t, $.d)', { t: text, d: delimiters })).toEqual(expected);
  });

  it.each([
    [-9, 3, -6],
    [1.49, 1.5, 3],
    [2.5, 0, 3],
    [-2.5, 0, -2],
    [-0.5, 0.5, 1],
    [-1.51, 0, -2],
  ] as const)('MathAdd rounds %d and %d half up before adding: %d', (a, b, sum) => {
    expect(evaluate('States.MathAdd($.a, $.b)', { a, b })).toBe(sum);
  });

  it.each([
    ['States.ArrayRange(0, 10, 3)', [0, 3, 6, 9]],
    ['States.ArrayRange(5, 1, -2)', [5, 3, 1]],
    ['States.ArrayRange(1, 5, -1)', []],
    ['States.ArrayRange(0, 999, 1)', Array.from({ length: 1000 }, (_, i) => i)],
    [
      "States.ArrayUnique(States.Array(1, '1', true, null, null, States.Array(1), States.Array(1)))",
      [1, '1', true, null, [1]],
    ],
    ['States.ArrayContains(States.Array(States.JsonMerge($.a, $.b, false)), $.c)', true],
    ["States.Hash('input data', 'MD5')", '812f45842bc6d66ee14572ce20db8e86'],
    [
      "States.Hash('input data', 'SHA-256')",
      'b4a697a057313163aee33cd8d40c66e9f0f177e00cac2de32475ffff6169c3e3',
    ],
    ["States.Base64Decode(States.Base64Encode('Zahlung über 12,50 €'))", 'Zahlung über 12,50 €'],
    ["States.Format('{} {} {} {}', 1.5, true, null, 'x')", '1.5 true null x'],
    ["States.Format('\\{\\} {} \\'quoted\\' \\\\', 'x')", "{} x 'quoted' \\"],
    ["States.Format('{}', $$.Execution.Id)", 'arn:exec:1'],
    ['States.Array($amount, $amount.currency)', [{ minor: 1250, currency: 'EUR' }, 'EUR']],
    ['States.JsonToString($)', '{"a":{"x":1},"b":{"y":2},"c":{"x":1,"y":2}}'],
    ["States.Array( 1 ,'a' , -2.5e1 )", [1, 'a', -25]],
    ["States.Array($['a'], $.b[?(@ == 2)])", [{ x: 1 }, []]],
  ] as const)('%s', (expression, expected) => {
    const input = { a: { x: 1 }, b: { y: 2 }, c: { x: 1, y: 2 } };
    const options = {
      context: { Execution: { Id: 'arn:exec:1' } },
      variables: { amount: { minor: 1250, currency: 'EUR' } },
    };
    expect(evaluate(expression, input, options)).toEqual(expected);
  });

  it('does not change the objects it merges', () => {
    const input = { a: { k: 1 }, b: { k: 2 } };
    evaluate('States.JsonMerge($.a, $.b, false)', input);
    expect(input).toEqual({ a: { k: 1 }, b: { k: 2 } });
  });
});

describe('intrinsic functions: States.IntrinsicFailure', () => {
  it.each([
    ['States.ArrayRange(1, 9, 0)', 'increment'],
    ['States.ArrayRange(0, 1000, 1)', '1001 items'],
    ['States.ArrayRange(1.5, 9, 1)', 'integer'],
    ['States.ArrayPartition($.list, 0)', 'chunk size'],
    ['States.ArrayGetItem($.list, 3)', 'outside'],
    ['States.ArrayGetItem($.list, -1)', 'outside'],
    ['States.ArrayLength($.text)', 'array'],
    ["States.Hash('x', 'SHA-2')", 'unknown algorithm'],
    ["States.Hash('x', 'sha-256')", 'unknown algorithm'],
    ['States.Base64Encode($.long)', '10001 characters'],
    ["States.Base64Decode('not base64!')", 'Base64'],
    ['States.JsonMerge($.obj, $.obj, true)', 'deep merging'],
    ['States.JsonMerge($.obj, $.list, false)', 'object'],
    ["States.Format('{} and {}', 'one')", 'placeholders'],
    ["States.Format('{}', $.obj)", 'argument 2'],
    ['States.StringToJson($.text)', 'JSON'],
    ['States.MathRandom(5, 5)', 'greater'],
    ["States.MathAdd('1', 2)", 'number'],
    ["States.StringSplit($.list, ',')", 'string'],
    ['States.Format($.missing)', "'$.missing' was not found"],
  ] as const)('%s fails', (expression, reason) => {
    const input = { list: [1, 2, 3], text: 'not json', long: 'x'.repeat(10_001), obj: { a: 1 } };
    const run = (): Json => evaluate(expression, input);
    expect(run).toThrow(StatesError);
    expect(run).toThrow(expect.objectContaining({ code: 'States.IntrinsicFailure' }));
    expect(run).toThrow(reason);
  });

  it('names the argument but not the value in its message', () => {
    const run = (): Json =>
      evaluate("States.Format('{}', $.card)", { card: { pan: '4111111111111111' } });
    expect(run).toThrow(/argument 2/);
    expect(run).not.toThrow(/4111/);
  });
});

describe('compileIntrinsic: syntax errors', () => {
  it.each([
    ['States.Nope(1)', 'not an intrinsic function'],
    ['States.ArrayLength()', 'takes 1 arguments, not 0'],
    ['States.UUID(1)', 'takes 0 arguments'],
    ['States.MathRandom(1)', '2 to 3'],
    ["States.Format('unterminated)", 'unterminated string'],
    ["States.Format('a\\nb')", "'\\' must be followed by"],
    ['States.Array(1) extra', 'unexpected text'],
    ['States.Array(1,)', 'expected a string'],
    ['States.Array(foo)', 'expected a string'],
    ['States.Array($.a[x])', "'x' is not an integer"],
    ['States.Array($.a[)', "expected ',' or ')'"],
    ['Format(1)', "expected 'States.<Name>('"],
    ['States.Array(1', "expected ',' or ')'"],
  ] as const)('rejects %s', (expression, reason) => {
    const compile = (): unknown => compileIntrinsic(expression);
    expect(compile).toThrow(IntrinsicSyntaxError);
    expect(compile).toThrow(reason);
  });

  it('accepts 10 nested functions and rejects 11', () => {
    const nest = (depth: number): string =>
      depth === 1 ? 'States.Array(1)' : `States.Array(${nest(depth - 1)})`;
    expect(() => compileIntrinsic(nest(10))).not.toThrow();
    expect(() => compileIntrinsic(nest(11))).toThrow(/more than 10 nested/);
  });

  it('knows all 18 AWS intrinsics', () => {
    expect([...INTRINSIC_NAMES].sort()).toEqual(
      [
        'Array',
        'ArrayContains',
        'ArrayGetItem',
        'ArrayLength',
        'ArrayPartition',
        'ArrayRange',
        'ArrayUnique',
        'Base64Decode',
        'Base64Encode',
        'Format',
        'Hash',
        'JsonMerge',
        'JsonToString',
        'MathAdd',
        'MathRandom',
        'StringSplit',
        'StringToJson',
        'UUID',
      ]
        .map((name) => `States.${name}`)
        .sort(),
    );
  });
});

describe('isIntrinsicCall', () => {
  it.each([
    ['States.UUID()', true],
    ["States.Format('{}', $.a)", true],
    ['  States.Array( 1 )  ', true],
    ['$.States', false],
    ['States.Format', false],
    ['MyStates.Format()', false],
    ['States.(1)', false],
    ['', false],
  ] as const)('%j: %s', (value, expected) => {
    expect(isIntrinsicCall(value)).toBe(expected);
  });
});
