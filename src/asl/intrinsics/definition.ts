/**
 * What an intrinsic function is to the evaluator, and the argument checks they share. A check that
 * fails raises States.IntrinsicFailure naming the function and the argument, never the value (which
 * may be payment data).
 */
import { StatesError, StatesErrorName } from '../errors.js';
import { isJsonObject } from '../json.js';
import type { Json, JsonObject } from '../json.js';
import type { EvalScope } from '../scope.js';

export interface IntrinsicDefinition {
  readonly minArgs: number;
  /** `Infinity` for variadic functions (States.Array, States.Format). */
  readonly maxArgs: number;
  /**
   * @param args the evaluated arguments
   * @param raw for each argument written as a string literal, its text between the quotes with the
   *   escapes still in it (States.Format needs to tell `\{}` from `{}`); otherwise undefined
   */
  evaluate(args: readonly Json[], scope: EvalScope, raw: readonly (string | undefined)[]): Json;
}

/** The error an intrinsic raises when its arguments are wrong at run time. */
export function intrinsicFailure(fn: string, message: string): StatesError {
  return new StatesError(StatesErrorName.IntrinsicFailure, `${fn}: ${message}`);
}

export function describe(value: Json | undefined): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return isJsonObject(value) ? 'an object' : `a ${typeof value}`;
}

function wrong(fn: string, index: number, expected: string, value: Json | undefined): never {
  throw intrinsicFailure(
    fn,
    `argument ${index + 1} must be ${expected}, but it is ${describe(value)}`,
  );
}

export function stringArg(fn: string, args: readonly Json[], index: number): string {
  const value = args[index];
  return typeof value === 'string' ? value : wrong(fn, index, 'a string', value);
}

export function numberArg(fn: string, args: readonly Json[], index: number): number {
  const value = args[index];
  return typeof value === 'number' ? value : wrong(fn, index, 'a number', value);
}

export function integerArg(fn: string, args: readonly Json[], index: number): number {
  const value = args[index];
  return typeof value === 'number' && Number.isSafeInteger(value)
    ? value
    : wrong(fn, index, 'an integer', value);
}

export function arrayArg(fn: string, args: readonly Json[], index: number): Json[] {
  const value = args[index];
  return Array.isArray(value) ? value : wrong(fn, index, 'an array', value);
}

export function objectArg(fn: string, args: readonly Json[], index: number): JsonObject {
  const value = args[index];
  return isJsonObject(value) ? value : wrong(fn, index, 'an object', value);
}

export function booleanArg(fn: string, args: readonly Json[], index: number): boolean {
  const value = args[index];
  return typeof value === 'boolean' ? value : wrong(fn, index, 'a boolean', value);
}

/** AWS: the string intrinsics (Base64Encode, Base64Decode, Hash) take at most 10,000 characters. */
export const MAX_STRING_ARGUMENT = 10_000;

export function boundedStringArg(fn: string, args: readonly Json[], index: number): string {
  const value = stringArg(fn, args, index);
  if (value.length > MAX_STRING_ARGUMENT) {
    throw intrinsicFailure(
      fn,
      `argument ${index + 1} has ${value.length} characters; at most ${MAX_STRING_ARGUMENT} are allowed`,
    );
  }
  return value;
}
