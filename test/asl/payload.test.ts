import { describe, expect, it } from 'vitest';
import { StatesError } from '../../src/asl/errors.js';
import { IntrinsicSyntaxError } from '../../src/asl/intrinsics.js';
import type { Json, JsonObject } from '../../src/asl/json.js';
import { PathSyntaxError } from '../../src/asl/paths.js';
import { compilePayloadTemplate } from '../../src/asl/payload.js';
import type { EvalScope } from '../../src/asl/scope.js';

function scopeOf(
  input: Json,
  context: JsonObject = {},
  variables: Record<string, Json> = {},
): EvalScope {
  return { input, context, variables, random: () => 0.25 };
}

describe('compilePayloadTemplate: the developer guide examples', () => {
  it.each([
    [
      'Parameters with a path and a slice (States Language spec)',
      { flagged: true, parts: { 'first.$': '$.vals[0]', 'last3.$': '$.vals[3:]' } },
      { flagged: 7, vals: [0, 10, 20, 30, 40, 50] },
      { flagged: true, parts: { first: 0, last3: [30, 40, 50] } },
    ],
    [
      'Parameters selecting what I care about',
      {
        comment: 'Selecting what I care about.',
        MyDetails: {
          'size.$': '$.product.details.size',
          'exists.$': '$.product.availability',
          StaticValue: 'foo',
        },
      },
      {
        comment: 'Example for Parameters.',
        product: {
          details: { color: 'blue', size: 'small', material: 'cotton' },
          availability: 'in stock',
          sku: '2317',
          cost: '$23',
        },
      },
      {
        comment: 'Selecting what I care about.',
        MyDetails: { size: 'small', exists: 'in stock', StaticValue: 'foo' },
      },
    ],
    [
      'ResultSelector picking fields of a task result',
      { 'ClusterId.$': '$.output.ClusterId', 'ResourceType.$': '$.resourceType' },
      {
        resourceType: 'elasticmapreduce',
        resource: 'createCluster.sync',
        output: {
          SdkHttpMetadata: { HttpStatusCode: 200 },
          SdkResponseMetadata: { RequestId: '1234-5678-9011' },
          ClusterId: 'AKIAIOSFODNN7EXAMPLE',
        },
      },
      { ClusterId: 'AKIAIOSFODNN7EXAMPLE', ResourceType: 'elasticmapreduce' },
    ],
    [
      'Parameters with an intrinsic function',
      { 'foo.$': "States.Format('Your name is {}, we are in the year {}', $.name, 2020)" },
      { name: 'Foo', zebra: 'stripe' },
      { foo: 'Your name is Foo, we are in the year 2020' },
    ],
    [
      'ItemSelector building one item from the context object',
      { 'ContextIndex.$': '$$.Map.Item.Index', 'ContextValue.$': '$$.Map.Item.Value' },
      {},
      { ContextIndex: 1, ContextValue: { who: 'bob' } },
    ],
  ] as const)('%s', (_name, template, input, expected) => {
    const context = { Map: { Item: { Index: 1, Value: { who: 'bob' } } } };
    const payload = compilePayloadTemplate(template, 'Parameters');
    expect(payload.evaluate(scopeOf(input as Json, context))).toEqual(expected);
  });
});

describe('compilePayloadTemplate', () => {
  it('goes through arrays and nested objects, keeping key order', () => {
    const template = {
      z: 1,
      'list.$': '$.items[*].id',
      nested: [{ 'id.$': '$.id' }, 'literal', [{ 'deep.$': '$.id' }]],
      a: null,
    };
    const result = compilePayloadTemplate(template, 'Parameters').evaluate(
      scopeOf({ id: 'p1', items: [{ id: 1 }, { id: 2 }] }),
    );
    expect(result).toEqual({
      z: 1,
      list: [1, 2],
      nested: [{ id: 'p1' }, 'literal', [{ deep: 'p1' }]],
      a: null,
    });
    expect(Object.keys(result as JsonObject)).toEqual(['z', 'list', 'nested', 'a']);
  });

  it('reads workflow variables', () => {
    const payload = compilePayloadTemplate({ 'total.$': '$amount.minor' }, 'Assign');
    expect(payload.evaluate(scopeOf({}, {}, { amount: { minor: 1250 } }))).toEqual({ total: 1250 });
  });

  it('returns an empty list for an indefinite path that matches nothing', () => {
    const payload = compilePayloadTemplate({ 'ids.$': '$.items[*].id' }, 'Parameters');
    expect(payload.evaluate(scopeOf({ items: [] }))).toEqual({ ids: [] });
  });

  it.each([
    ['a scalar', 'hello'],
    ['null', null],
    ['an object without .$ keys', { a: { b: [1, 2] } }],
    ['an array without .$ keys', [{ a: 1 }, 2]],
  ] as const)('returns %s template as it is, shared between evaluations', (_name, template) => {
    const payload = compilePayloadTemplate(template as Json, 'Parameters');
    expect(payload.evaluate(scopeOf({}))).toBe(template);
    expect(payload.evaluate(scopeOf({ other: 1 }))).toBe(template);
  });

  it('shares constant parts of a template that also reads paths', () => {
    const template = { fixed: { currency: 'EUR' }, 'id.$': '$.id' };
    const payload = compilePayloadTemplate(template, 'Parameters');
    const first = payload.evaluate(scopeOf({ id: 1 })) as JsonObject;
    const second = payload.evaluate(scopeOf({ id: 2 })) as JsonObject;
    expect(first.fixed).toBe(template.fixed);
    expect(second).toEqual({ fixed: { currency: 'EUR' }, id: 2 });
  });

  it('gives a key named __proto__ its own property', () => {
    const template = JSON.parse('{"__proto__.$": "$.x"}') as Json;
    const result = compilePayloadTemplate(template, 'Parameters').evaluate(scopeOf({ x: 1 }));
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    expect(Object.hasOwn(result as JsonObject, '__proto__')).toBe(true);
  });
});

describe('compilePayloadTemplate: failures', () => {
  it('fails with States.Runtime, as AWS does, when a path matches nothing', () => {
    const payload = compilePayloadTemplate({ 'missing.$': '$.nope.deep' }, 'Parameters');
    const run = (): Json => payload.evaluate(scopeOf({ other: 1, card: '4111111111111111' }));
    expect(run).toThrow(StatesError);
    expect(run).toThrow(expect.objectContaining({ code: 'States.Runtime' }));
    expect(run).toThrow(
      "The JSONPath '$.nope.deep' specified for the field 'missing.$' could not be found in the input",
    );
    expect(run).not.toThrow(/4111/);
  });

  it.each([
    ['a context path', { 'x.$': '$$.Execution.Nope' }],
    ['a variable', { 'x.$': '$unknownVariable' }],
    ['a path under an array', { list: [{ 'x.$': '$.nope' }] }],
  ] as const)('fails with States.Runtime for %s that matches nothing', (_name, template) => {
    const payload = compilePayloadTemplate(template as Json, 'Parameters');
    expect(() => payload.evaluate(scopeOf({}))).toThrow(
      expect.objectContaining({ code: 'States.Runtime' }),
    );
  });

  it('lets intrinsic failures through', () => {
    const payload = compilePayloadTemplate(
      { 'x.$': 'States.ArrayGetItem($.list, 5)' },
      'Parameters',
    );
    expect(() => payload.evaluate(scopeOf({ list: [] }))).toThrow(
      expect.objectContaining({ code: 'States.IntrinsicFailure' }),
    );
  });

  it.each([
    ['a number after .$', { 'x.$': 5 }, PathSyntaxError, "'x.$' must be a path"],
    ['an object after .$', { 'x.$': { a: 1 } }, PathSyntaxError, "'x.$' must be a path"],
    ['text that is no path', { 'x.$': 'hello' }, PathSyntaxError, 'valid JSONPath'],
    ['a broken path', { a: { 'x.$': '$.a[' } }, PathSyntaxError, "Parameters.a: field 'x.$'"],
    ['both x and x.$', { x: 1, 'x.$': '$.x' }, PathSyntaxError, 'cannot both be set'],
    ['a broken intrinsic', { 'x.$': 'States.Format(1' }, IntrinsicSyntaxError, "field 'x.$'"],
    ['an unknown intrinsic', { 'x.$': 'States.Nope()' }, IntrinsicSyntaxError, 'not an intrinsic'],
  ] as const)('rejects %s when compiling', (_name, template, errorClass, message) => {
    const compile = (): unknown => compilePayloadTemplate(template, 'Parameters');
    expect(compile).toThrow(errorClass);
    expect(compile).toThrow(message);
  });
});
