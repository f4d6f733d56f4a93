/**
 * Parses an intrinsic function call (`States.Format('{} items', $.count)`) into a small tree:
 * calls, literals (strings in single quotes, numbers, true, false, null) and paths (`$`, `$$`,
 * `$name`). Names and argument counts are checked by the compiler, which knows the functions.
 */
import type { Json } from '../json.js';

/** An intrinsic expression that cannot be parsed or names no known function. */
export class IntrinsicSyntaxError extends Error {
  override readonly name = 'IntrinsicSyntaxError';
}

export type IntrinsicArg =
  | {
      readonly kind: 'literal';
      readonly value: Json;
      /** For a string literal: the text between the quotes, escapes still in it. */
      readonly raw?: string;
    }
  | { readonly kind: 'path'; readonly source: string }
  | IntrinsicCall;

export interface IntrinsicCall {
  readonly kind: 'call';
  readonly name: string;
  readonly args: readonly IntrinsicArg[];
}

/** AWS: a field may nest at most 10 intrinsic functions. */
export const MAX_NESTING = 10;

/** Characters a backslash may escape in a string literal (AWS: `\'` `\{` `\}` `\\`). */
const ESCAPABLE = new Set(["'", '{', '}', '\\']);

const CALL_START = /^States\.([A-Za-z0-9]+)\s*\(/;
const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/;

/** Parses `expression`, which must be exactly one call. */
export function parseIntrinsic(expression: string): IntrinsicCall {
  let i = 0;
  const fail = (why: string): never => {
    throw new IntrinsicSyntaxError(
      `'${expression}' is not a valid intrinsic function call: ${why} at position ${i}`,
    );
  };
  const skip = (): void => {
    while (i < expression.length && /\s/.test(expression[i]!)) i++;
  };

  const parseCall = (depth: number): IntrinsicCall => {
    if (depth > MAX_NESTING) fail(`more than ${MAX_NESTING} nested intrinsic functions`);
    const match = CALL_START.exec(expression.slice(i));
    if (match === null) fail("expected 'States.<Name>('");
    const name = `States.${match![1]}`;
    i += match![0].length;
    const args: IntrinsicArg[] = [];
    skip();
    if (expression[i] === ')') {
      i++;
      return { kind: 'call', name, args };
    }
    for (;;) {
      skip();
      args.push(parseArg(depth));
      skip();
      if (expression[i] === ')') {
        i++;
        return { kind: 'call', name, args };
      }
      if (expression[i] !== ',') fail("expected ',' or ')'");
      i++;
    }
  };

  const parseArg = (depth: number): IntrinsicArg => {
    const c = expression[i];
    if (c === "'") return parseString();
    if (c === '$') return { kind: 'path', source: readPath() };
    if (expression.startsWith('States.', i)) return parseCall(depth + 1);
    for (const [word, value] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (
        expression.startsWith(word, i) &&
        !/[A-Za-z0-9_]/.test(expression[i + word.length] ?? '')
      ) {
        i += word.length;
        return { kind: 'literal', value };
      }
    }
    const number = NUMBER.exec(expression.slice(i));
    if (number !== null) {
      i += number[0].length;
      return { kind: 'literal', value: Number(number[0]) };
    }
    return fail('expected a string, number, boolean, null, path or intrinsic function');
  };

  const parseString = (): IntrinsicArg => {
    const start = ++i;
    let value = '';
    while (i < expression.length) {
      const c = expression[i]!;
      if (c === '\\') {
        const next = expression[i + 1];
        // AWS: a backslash that escapes nothing reserved is an error.
        if (next === undefined || !ESCAPABLE.has(next))
          fail("'\\' must be followed by ', {, } or \\");
        value += next;
        i += 2;
      } else if (c === "'") {
        const raw = expression.slice(start, i);
        i++;
        return { kind: 'literal', value, raw };
      } else {
        value += c;
        i++;
      }
    }
    return fail('unterminated string');
  };

  /** A path runs to the next ',' or ')' that is not inside brackets or quotes. */
  const readPath = (): string => {
    const start = i;
    let brackets = 0;
    let quote: string | undefined;
    for (; i < expression.length; i++) {
      const c = expression[i]!;
      if (quote !== undefined) {
        if (c === '\\') i++;
        else if (c === quote) quote = undefined;
      } else if (brackets > 0 && (c === "'" || c === '"')) {
        quote = c;
      } else if (c === '[') {
        brackets++;
      } else if (c === ']') {
        brackets--;
      } else if (brackets === 0 && (c === ',' || c === ')')) {
        break;
      }
    }
    return expression.slice(start, i).trimEnd();
  };

  skip();
  const call = parseCall(1);
  skip();
  if (i !== expression.length) fail('unexpected text after the call');
  return call;
}
