import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src/api/problem.js';
import { parseStrictJson, parseStrictJsonText } from '../../src/api/strict-json.js';

const refusal = (read: () => unknown): string => {
  try {
    read();
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe('MalformedJson');
    return (error as ApiError).message;
  }
  throw new Error('expected a refusal');
};

describe('the strict JSON reader', () => {
  it('reads what JSON.parse reads when names are unique and the bytes are UTF-8', () => {
    const text = JSON.stringify({
      a: 1,
      'b:c': 'x:y"z\\',
      nested: [{ a: 1, b: { a: [] } }, [], 'é€😀'],
      empty: {},
    });
    expect(parseStrictJson(Buffer.from(text))).toEqual(JSON.parse(text));
    expect(parseStrictJsonText('  "scalar" ')).toBe('scalar');
    expect(parseStrictJsonText('[1, {"k" : 2}]')).toEqual([1, { k: 2 }]);
  });

  it('refuses bytes that are not UTF-8 instead of replacing them', () => {
    const body = Buffer.concat([Buffer.from('{"a":"fu'), Buffer.from([0xff]), Buffer.from('"}')]);
    expect(refusal(() => parseStrictJson(body))).toMatch(/UTF-8/);
    // A lone surrogate's encoding and an overlong form are not UTF-8 either.
    expect(() => parseStrictJson(Buffer.from([0x22, 0xed, 0xa0, 0x80, 0x22]))).toThrow(/UTF-8/);
    expect(() => parseStrictJson(Buffer.from([0x22, 0xc0, 0xaf, 0x22]))).toThrow(/UTF-8/);
  });

  it('refuses a name repeated in one object, at any depth and however it is escaped', () => {
    expect(refusal(() => parseStrictJsonText('{"a":1,"a":2}'))).toMatch(/twice/);
    expect(() => parseStrictJsonText('{"x":[{"k":1,"j":{"k":1,"k":1}}]}')).toThrow(/twice/);
    expect(() => parseStrictJsonText('{"a":1,"\\u0061":2}')).toThrow(/twice/);
    expect(() => parseStrictJsonText('[{"a":1},{"b":2,"b":3}]')).toThrow(/twice/);
    // The same name in different objects is fine.
    expect(parseStrictJsonText('{"a":{"a":{"a":1}}}')).toEqual({ a: { a: { a: 1 } } });
  });

  it('refuses __proto__ and text that is not JSON', () => {
    expect(refusal(() => parseStrictJsonText('{"x":{"__proto__":{"admin":true}}}'))).toMatch(
      /__proto__/,
    );
    expect(refusal(() => parseStrictJsonText('{"a":'))).toMatch(/not valid JSON/);
    expect(() => parseStrictJsonText('')).toThrow(/not valid JSON/);
  });

  it('reads deeply nested bodies without exhausting the stack', () => {
    const depth = 100_000;
    const text = `${'{"a":['.repeat(depth)}${']}'.repeat(depth)}`;
    expect(() => parseStrictJsonText(text)).not.toThrow();
    const repeated = `${'{"a":['.repeat(depth)}{"b":1,"b":2}${']}'.repeat(depth)}`;
    expect(() => parseStrictJsonText(repeated)).toThrow(/twice/);
  });
});
