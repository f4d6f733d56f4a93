/**
 * Intrinsic functions of JSONPath states (`"field.$": "States.Format('{}', $.name)"`): all 18 that
 * AWS Step Functions offers. An expression is parsed and checked once and compiled into a closure;
 * evaluating it raises StatesError('States.IntrinsicFailure') when its arguments are wrong.
 */
import type { Json } from './json.js';
import { compilePath, PathSyntaxError } from './paths.js';
import type { EvalScope } from './scope.js';
import { arrayFunctions } from './intrinsics/array-functions.js';
import { intrinsicFailure } from './intrinsics/definition.js';
import type { IntrinsicDefinition } from './intrinsics/definition.js';
import { encodingFunctions } from './intrinsics/encoding-functions.js';
import { mathFunctions } from './intrinsics/math-functions.js';
import { IntrinsicSyntaxError, parseIntrinsic } from './intrinsics/parse.js';
import type { IntrinsicArg, IntrinsicCall } from './intrinsics/parse.js';
import { stringFunctions } from './intrinsics/string-functions.js';

export { IntrinsicSyntaxError } from './intrinsics/parse.js';

/** Every intrinsic, by its full name. */
const FUNCTIONS: ReadonlyMap<string, IntrinsicDefinition> = new Map(
  Object.entries({ ...arrayFunctions, ...stringFunctions, ...encodingFunctions, ...mathFunctions }),
);

/** The names of the intrinsic functions this module evaluates. */
export const INTRINSIC_NAMES: readonly string[] = [...FUNCTIONS.keys()];

const CALL = /^\s*States\.[A-Za-z0-9]+\s*\(.*\)\s*$/s;

/** True when `value` is written as an intrinsic call: `States.<Name>(...)`. */
export function isIntrinsicCall(value: string): boolean {
  return CALL.test(value);
}

type Evaluator = (scope: EvalScope) => Json;

/**
 * Parses and checks an intrinsic call once; the returned function evaluates it.
 * @throws IntrinsicSyntaxError for bad syntax, an unknown function or a wrong number of arguments
 * @example compileIntrinsic("States.Format('Hello, {}', $.name)")(scope) // 'Hello, Arnav'
 */
export function compileIntrinsic(expression: string): (scope: EvalScope) => Json {
  return compileCall(parseIntrinsic(expression), expression);
}

function compileCall(call: IntrinsicCall, expression: string): Evaluator {
  const definition = FUNCTIONS.get(call.name);
  if (definition === undefined) {
    throw new IntrinsicSyntaxError(`'${expression}': ${call.name} is not an intrinsic function`);
  }
  const count = call.args.length;
  if (count < definition.minArgs || count > definition.maxArgs) {
    const expected =
      definition.minArgs === definition.maxArgs
        ? `${definition.minArgs}`
        : definition.maxArgs === Infinity
          ? `at least ${definition.minArgs}`
          : `${definition.minArgs} to ${definition.maxArgs}`;
    throw new IntrinsicSyntaxError(
      `'${expression}': ${call.name} takes ${expected} arguments, not ${count}`,
    );
  }
  const args = call.args.map((arg) => compileArg(arg, call.name, expression));
  const raw = call.args.map((arg) => (arg.kind === 'literal' ? arg.raw : undefined));
  return (scope) => {
    const values = new Array<Json>(args.length);
    for (let i = 0; i < args.length; i++) values[i] = args[i]!(scope);
    return definition.evaluate(values, scope, raw);
  };
}

function compileArg(arg: IntrinsicArg, fn: string, expression: string): Evaluator {
  switch (arg.kind) {
    case 'literal': {
      const { value } = arg;
      return () => value;
    }
    case 'call':
      return compileCall(arg, expression);
    case 'path': {
      let path;
      try {
        path = compilePath(arg.source);
      } catch (error) {
        if (error instanceof PathSyntaxError) {
          throw new IntrinsicSyntaxError(`'${expression}': ${error.message}`);
        }
        throw error;
      }
      const { source } = path;
      return (scope) => {
        const value = path.read(scope);
        if (value === undefined) {
          throw intrinsicFailure(fn, `the path '${source}' was not found in the input`);
        }
        return value;
      };
    }
  }
}
