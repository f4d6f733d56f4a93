/**
 * The string and JSON intrinsics: States.Format, StringSplit, StringToJson, JsonToString and
 * JsonMerge, with the argument rules of the AWS Step Functions developer guide.
 */
import type { Json, JsonObject } from '../json.js';
import { setOwn } from '../paths.js';
import { booleanArg, describe, intrinsicFailure, objectArg, stringArg } from './definition.js';
import type { IntrinsicDefinition } from './definition.js';

export const stringFunctions: Readonly<Record<string, IntrinsicDefinition>> = {
  'States.Format': {
    minArgs: 1,
    maxArgs: Infinity,
    evaluate(args, _scope, raw) {
      const fn = 'States.Format';
      const template = stringArg(fn, args, 0);
      // A template written as a literal keeps its escapes, so `\{}` is text and not a placeholder.
      // A template read from a path is taken as it is: `{}` in it are placeholders.
      const parts = splitTemplate(raw[0] ?? template, raw[0] !== undefined);
      const values = args.length - 1;
      if (parts.length - 1 !== values) {
        throw intrinsicFailure(
          fn,
          `the template has ${parts.length - 1} '{}' placeholders but ${values} values follow it`,
        );
      }
      let out = parts[0]!;
      for (let i = 1; i < parts.length; i++) out += formatValue(args[i]!, i) + parts[i]!;
      return out;
    },
  },
  'States.StringSplit': {
    minArgs: 2,
    maxArgs: 2,
    evaluate(args) {
      const fn = 'States.StringSplit';
      const text = stringArg(fn, args, 0);
      const delimiters = new Set(stringArg(fn, args, 1));
      // AWS: every character of the second argument is a delimiter, and empty pieces are dropped:
      // "This.is+a,test=string" split on ".+,=" gives five words, ",,,," split on "," gives [].
      const pieces: Json[] = [];
      let piece = '';
      for (const c of text) {
        if (delimiters.has(c)) {
          if (piece !== '') pieces.push(piece);
          piece = '';
        } else {
          piece += c;
        }
      }
      if (piece !== '') pieces.push(piece);
      return pieces;
    },
  },
  'States.StringToJson': {
    minArgs: 1,
    maxArgs: 1,
    evaluate(args) {
      const fn = 'States.StringToJson';
      const text = stringArg(fn, args, 0);
      try {
        return JSON.parse(text) as Json;
      } catch {
        throw intrinsicFailure(fn, 'argument 1 is not valid JSON text');
      }
    },
  },
  'States.JsonToString': {
    minArgs: 1,
    maxArgs: 1,
    evaluate: (args) => JSON.stringify(args[0]),
  },
  'States.JsonMerge': {
    minArgs: 3,
    maxArgs: 3,
    evaluate(args) {
      const fn = 'States.JsonMerge';
      const first = objectArg(fn, args, 0);
      const second = objectArg(fn, args, 1);
      // AWS: only the shallow mode exists; the third argument must be false.
      if (booleanArg(fn, args, 2)) {
        throw intrinsicFailure(
          fn,
          'deep merging is not supported; the third argument must be false',
        );
      }
      const merged: JsonObject = { ...first };
      for (const key of Object.keys(second)) setOwn(merged, key, second[key]!);
      return merged;
    },
  },
};

/**
 * Splits a Format template at its `{}` placeholders. With `escaped`, a backslash makes the next
 * character plain text (`\{` `\}` `\'` `\\`, as the developer guide lists them).
 */
function splitTemplate(template: string, escaped: boolean): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < template.length; i++) {
    const c = template[i]!;
    if (escaped && c === '\\' && i + 1 < template.length) {
      current += template[++i];
    } else if (c === '{' && template[i + 1] === '}') {
      parts.push(current);
      current = '';
      i++;
    } else {
      current += c;
    }
  }
  parts.push(current);
  return parts;
}

/** The natural string form of a Format value; strings go in without quotes. */
function formatValue(value: Json, index: number): string {
  if (value === null) return 'null';
  if (typeof value === 'object') {
    // States Language spec: a Format value must not be an array or an object.
    throw intrinsicFailure(
      'States.Format',
      `argument ${index + 1} must be a string, number, boolean or null, but it is ${describe(value)}`,
    );
  }
  return String(value);
}
