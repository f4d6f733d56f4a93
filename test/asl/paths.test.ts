import { describe, expect, it } from 'vitest';
import { StatesError } from '../../src/asl/errors.js';
import type { Json, JsonObject } from '../../src/asl/json.js';
import { compilePath, compileReferencePath, PathSyntaxError } from '../../src/asl/paths.js';
import type { EvalScope } from '../../src/asl/scope.js';

function scopeOf(
  input: Json,
  context: JsonObject = {},
  variables: Record<string, Json> = {},
): EvalScope {
  return { input, context, variables, random: () => 0.5 };
}

// Developer guide, "Paths": reference paths and what they select.
const guideInput = { foo: 123, bar: ['a', 'b', 'c'], car: { cdr: true } };

// The Jayway JsonPath README's document, which AWS's path engine is measured against.
const store = {
  store: {
    book: [
      { category: 'reference', author: 'Nigel Rees', title: 'Sayings of the Century', price: 8.95 },
      { category: 'fiction', author: 'Evelyn Waugh', title: 'Sword of Honour', price: 12.99 },
      {
        category: 'fiction',
        author: 'Herman Melville',
        title: 'Moby Dick',
        isbn: '0-553-21311-3',
        price: 8.99,
      },
      {
        category: 'fiction',
        author: 'J. R. R. Tolkien',
        title: 'The Lord of the Rings',
        isbn: '0-395-19395-8',
        price: 22.99,
      },
    ],
    bicycle: { color: 'red', price: 19.95 },
  },
  expensive: 10,
};

describe('compilePath: definite paths', () => {
  it.each([
    ['$.foo', 123],
    ['$.bar', ['a', 'b', 'c']],
    ['$.car.cdr', true],
    ['$', guideInput],
    ["$['car']['cdr']", true],
    ['$["foo"]', 123],
    ['$.bar[0]', 'a'],
    ['$.bar[-1]', 'c'],
    ['$.bar[3]', undefined],
    ['$.missing', undefined],
    ['$.missing.deeper', undefined],
    ['$.foo.bar', undefined],
    ['$.bar.length', undefined],
    ['$.car[0]', undefined],
  ] as const)('reads %s', (path, expected) => {
    expect(compilePath(path).read(scopeOf(guideInput))).toEqual(expected);
  });

  it.each(['$.constructor', '$.__proto__', '$.toString', '$.hasOwnProperty'])(
    'never reads an inherited member: %s',
    (path) => {
      expect(compilePath(path).read(scopeOf({ a: 1 }))).toBeUndefined();
    },
  );

  it('reads a key named __proto__ when the document has one', () => {
    const input = JSON.parse('{"__proto__": {"x": 1}}') as Json;
    expect(compilePath('$.__proto__.x').read(scopeOf(input))).toBe(1);
  });

  it('reads keys that contain dashes, spaces in brackets and dots in brackets', () => {
    const input = { 'order-id': 'o1', 'a b': 2, 'x.y': 3 };
    expect(compilePath('$.order-id').read(scopeOf(input))).toBe('o1');
    expect(compilePath("$['a b']").read(scopeOf(input))).toBe(2);
    expect(compilePath("$['x.y']").read(scopeOf(input))).toBe(3);
  });

  it('reads the context object with $$', () => {
    const context = { Execution: { Id: 'arn:exec:1', Input: { a: 1 } }, State: { Name: 'Charge' } };
    const scope = scopeOf({}, context);
    expect(compilePath('$$.Execution.Id').read(scope)).toBe('arn:exec:1');
    expect(compilePath('$$.State.Name').read(scope)).toBe('Charge');
    expect(compilePath('$$').read(scope)).toEqual(context);
  });

  it('reads workflow variables with $name', () => {
    const scope = scopeOf({ x: 1 }, {}, { amount: { minor: 1250, currency: 'EUR' }, n: 3 });
    expect(compilePath('$amount.minor').read(scope)).toBe(1250);
    expect(compilePath('$n').read(scope)).toBe(3);
    expect(compilePath('$other').read(scope)).toBeUndefined();
    expect(compilePath("$amount['currency']").read(scope)).toBe('EUR');
  });

  it('returns the same compiled path for the same string', () => {
    expect(compilePath('$.a.b.c')).toBe(compilePath('$.a.b.c'));
  });
});

describe('compilePath: indefinite paths return every match (Jayway)', () => {
  const titles = (books: Json | undefined): Json[] =>
    (books as JsonObject[]).map((book) => book.title!);

  it.each([
    [
      '$.store.book[*].author',
      ['Nigel Rees', 'Evelyn Waugh', 'Herman Melville', 'J. R. R. Tolkien'],
    ],
    ['$..author', ['Nigel Rees', 'Evelyn Waugh', 'Herman Melville', 'J. R. R. Tolkien']],
    ['$.store..price', [8.95, 12.99, 8.99, 22.99, 19.95]],
    ['$..book.length', []],
    ['$.store.book[0,1].price', [8.95, 12.99]],
    ["$.store.bicycle['color','price']", ['red', 19.95]],
    ['$.missing[*]', []],
    ['$.store.book[*].isbn', ['0-553-21311-3', '0-395-19395-8']],
  ] as const)('reads %s', (path, expected) => {
    expect(compilePath(path).read(scopeOf(store))).toEqual(expected);
  });

  it.each([
    ['$..book[2]', ['Moby Dick']],
    ['$..book[-1:]', ['The Lord of the Rings']],
    ['$..book[-2]', ['Moby Dick']],
    ['$..book[:2]', ['Sayings of the Century', 'Sword of Honour']],
    ['$..book[1:2]', ['Sword of Honour']],
    ['$..book[2:]', ['Moby Dick', 'The Lord of the Rings']],
    ['$..book[::2]', ['Sayings of the Century', 'Moby Dick']],
    ['$..book[?(@.isbn)]', ['Moby Dick', 'The Lord of the Rings']],
    ['$..book[?(!@.isbn)]', ['Sayings of the Century', 'Sword of Honour']],
    ['$.store.book[?(@.price < 10)]', ['Sayings of the Century', 'Moby Dick']],
    ['$..book[?(@.price <= $.expensive)]', ['Sayings of the Century', 'Moby Dick']],
    ['$..book[?(@.author =~ /.*REES/i)]', ['Sayings of the Century']],
    ['$..book[?(@.author =~ /Rees/)]', []],
    ["$..book[?(@.category == 'fiction' && @.price > 20)]", ['The Lord of the Rings']],
    [
      "$..book[?(@.category == 'reference' || @.price > 20)]",
      ['Sayings of the Century', 'The Lord of the Rings'],
    ],
    ["$..book[?(@.category != 'fiction')]", ['Sayings of the Century']],
    [
      "$..book[?(@.author in ['Nigel Rees', 'Herman Melville'])]",
      ['Sayings of the Century', 'Moby Dick'],
    ],
    ["$..book[?(@.category nin ['fiction'])]", ['Sayings of the Century']],
    ['$..book[?(@.isbn size 13)]', ['Moby Dick', 'The Lord of the Rings']],
    ['$..book[?((@.price > 9) && !(@.price > 20))]', ['Sword of Honour']],
  ] as const)('filters and slices books with %s', (path, expected) => {
    expect(titles(compilePath(path).read(scopeOf(store)))).toEqual(expected);
  });

  it('applies a filter on an object to the object itself (Jayway)', () => {
    expect(compilePath('$.store.bicycle[?(@.color)]').read(scopeOf(store))).toEqual([
      store.store.bicycle,
    ]);
  });

  it.each([
    ["$.items[?(@.tags anyof ['a'])].id", [1]],
    ["$.items[?(@.tags noneof ['a'])].id", [2, 3]],
    ["$.items[?(@.tags subsetof ['b', 'c'])].id", [2, 3]],
    ['$.items[?(@.tags empty true)].id', [3]],
    ['$.items[?(@.tags empty false)].id', [1, 2]],
    ['$.items[?(@.meta == {"x": 1})].id', 'syntax'],
  ] as const)('supports the list operators: %s', (path, expected) => {
    const input = {
      items: [
        { id: 1, tags: ['a', 'b'] },
        { id: 2, tags: ['b'] },
        { id: 3, tags: [] },
      ],
    };
    if (expected === 'syntax') {
      expect(() => compilePath(path)).toThrow(PathSyntaxError);
    } else {
      expect(compilePath(path).read(scopeOf(input))).toEqual(expected);
    }
  });

  it('compares numbers with numbers and strings with strings only', () => {
    const input = { xs: [{ v: 1 }, { v: '1' }, { v: 'b' }, { v: null }] };
    expect(compilePath('$.xs[?(@.v == 1)]').read(scopeOf(input))).toEqual([{ v: 1 }]);
    expect(compilePath("$.xs[?(@.v > 'a')]").read(scopeOf(input))).toEqual([{ v: 'b' }]);
    expect(compilePath('$.xs[?(@.v == null)]').read(scopeOf(input))).toEqual([{ v: null }]);
  });
});

describe('compilePath: definite flag', () => {
  it.each([
    ['$', true],
    ['$.a.b', true],
    ["$['a'][0]", true],
    ['$$.Execution.Id', true],
    ['$var.x', true],
    ['$.a[*]', false],
    ['$.a.*', false],
    ['$..a', false],
    ['$.a[0:2]', false],
    ['$.a[0,1]', false],
    ["$['a','b']", false],
    ['$.a[?(@.x > 1)]', false],
  ] as const)('%s is definite: %s', (path, definite) => {
    expect(compilePath(path).definite).toBe(definite);
  });
});

describe('compilePath: syntax errors', () => {
  it.each([
    '',
    'a.b',
    '$.',
    '$.a.',
    '$.a[',
    '$.a[x]',
    "$['a",
    '$.a[1:2:3:4]',
    '$.a[::0]',
    '$.a[?(@.x >)]',
    '$.a[?(@.x > 1]',
    '$.a[?(@.x =~ /[/)]',
    '$.a]',
  ])('rejects %j', (path) => {
    expect(() => compilePath(path)).toThrow(PathSyntaxError);
  });
});

describe('compileReferencePath', () => {
  // Developer guide, "ResultPath": the task result of the example Lambda and where it lands.
  const input = {
    comment: 'This is a test of the input and output of a Task state.',
    details: 'Default example',
    who: 'AWS Step Functions',
  };
  const result = 'Hello, AWS Step Functions!';

  it.each([
    ['$', result],
    ['$.taskresult', { ...input, taskresult: result }],
    ['$.strings.lambdaresult', { ...input, strings: { lambdaresult: result } }],
    ['$.who', { ...input, who: result }],
    ["$['task result']", { ...input, 'task result': result }],
  ] as const)('places the result at %s', (path, expected) => {
    expect(compileReferencePath(path).write(input, result)).toEqual(expected);
  });

  it('never mutates the target, and copies only the objects along the path', () => {
    const target = { a: { b: { c: 1 } }, other: { untouched: true } };
    const snapshot = structuredClone(target);
    const written = compileReferencePath('$.a.b.d').write(target, 2) as typeof target & {
      a: { b: { d: number } };
    };
    expect(target).toEqual(snapshot);
    expect(written.a.b).toEqual({ c: 1, d: 2 });
    expect(written.other).toBe(target.other);
  });

  it('writes into an existing array element', () => {
    const target = { list: [{ x: 1 }, { x: 2 }] };
    expect(compileReferencePath('$.list[1].y').write(target, 3)).toEqual({
      list: [{ x: 1 }, { x: 2, y: 3 }],
    });
    expect(target.list[1]).toEqual({ x: 2 });
  });

  it.each([
    ['a string input', 'just text', '$.result'],
    ['a string on the way', { a: 'text' }, '$.a.b'],
    ['an array on the way', { a: [1, 2] }, '$.a.b'],
    ['a number on the way', { a: 5 }, '$.a.b'],
    ['null on the way', { a: null }, '$.a.b'],
    ['an index past the end', { a: [1] }, '$.a[3]'],
    ['an index into an object', { a: { b: 1 } }, '$.a[0]'],
  ] as const)('fails with States.ResultPathMatchFailure on %s', (_name, target, path) => {
    const write = (): Json => compileReferencePath(path).write(target as Json, 1);
    expect(write).toThrow(StatesError);
    expect(write).toThrow(expect.objectContaining({ code: 'States.ResultPathMatchFailure' }));
  });

  it.each([
    '$$.Execution',
    '$var.x',
    '$.a[*]',
    '$..a',
    '$.a[0:1]',
    "$['a','b']",
    '$.a[?(@.b)]',
    'x',
  ])('rejects %j, which is not a reference path', (path) => {
    expect(() => compileReferencePath(path)).toThrow(PathSyntaxError);
  });
});
