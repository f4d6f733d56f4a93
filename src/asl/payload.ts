/**
 * Payload templates of JSONPath states: Parameters, ResultSelector, ItemSelector and JSONPath-mode
 * Assign. A key ending in ".$" takes a path or an intrinsic call and loses the ".$"; every other
 * value is copied as written, through nested objects and arrays. A template is compiled once; a
 * part without any ".$" key is kept as one constant and shared between evaluations.
 */
import { StatesError, StatesErrorName } from './errors.js';
import { IntrinsicSyntaxError, compileIntrinsic, isIntrinsicCall } from './intrinsics.js';
import { isJsonObject } from './json.js';
import type { Json, JsonObject } from './json.js';
import { compilePath, PathSyntaxError, setOwn } from './paths.js';
import type { EvalScope } from './scope.js';

export interface CompiledPayload {
  evaluate(scope: EvalScope): Json;
}

type Evaluator = (scope: EvalScope) => Json;

/** A compiled template node: a constant, or a function of the scope. */
type Node = { readonly constant: Json } | { readonly evaluate: Evaluator };

/**
 * Compiles a payload template.
 * @param field the template's field name ("Parameters", "ResultSelector"...), for error messages
 * @throws PathSyntaxError or IntrinsicSyntaxError when a ".$" value is not a valid path or call
 * @example
 * compilePayloadTemplate({ 'id.$': '$.paymentId', kind: 'card' }, 'Parameters').evaluate(scope)
 * // { id: 'pay_123', kind: 'card' }
 */
export function compilePayloadTemplate(template: Json, field: string): CompiledPayload {
  const node = compileNode(template, field);
  if ('constant' in node) {
    const { constant } = node;
    return { evaluate: () => constant };
  }
  return { evaluate: node.evaluate };
}

function compileNode(template: Json, where: string): Node {
  if (Array.isArray(template)) {
    const items = template.map((item, i) => compileNode(item, `${where}[${i}]`));
    if (items.every((item) => 'constant' in item)) return { constant: template };
    const evaluators = items.map(toEvaluator);
    return {
      evaluate: (scope) => {
        const out = new Array<Json>(evaluators.length);
        for (let i = 0; i < evaluators.length; i++) out[i] = evaluators[i]!(scope);
        return out;
      },
    };
  }
  if (!isJsonObject(template)) return { constant: template };

  const keys: string[] = [];
  const values: Node[] = [];
  let constant = true;
  for (const key of Object.keys(template)) {
    const value = template[key]!;
    if (key.endsWith('.$')) {
      const name = key.slice(0, -2);
      if (Object.hasOwn(template, name)) {
        throw new PathSyntaxError(`${where}: the fields '${name}' and '${key}' cannot both be set`);
      }
      keys.push(name);
      values.push({ evaluate: compileDynamic(value, key, where) });
      constant = false;
    } else {
      const node = compileNode(value, `${where}.${key}`);
      keys.push(key);
      values.push(node);
      if (!('constant' in node)) constant = false;
    }
  }
  if (constant) return { constant: template };
  const evaluators = values.map(toEvaluator);
  return {
    evaluate: (scope) => {
      const out: JsonObject = {};
      for (let i = 0; i < keys.length; i++) setOwn(out, keys[i]!, evaluators[i]!(scope));
      return out;
    },
  };
}

function toEvaluator(node: Node): Evaluator {
  if ('evaluate' in node) return node.evaluate;
  const { constant } = node;
  return () => constant;
}

/** Compiles the value of a ".$" key: an intrinsic call, or a path read from the scope. */
function compileDynamic(value: Json, key: string, where: string): Evaluator {
  if (typeof value !== 'string') {
    throw new PathSyntaxError(
      `${where}: the value of '${key}' must be a path or an intrinsic function call, as a string`,
    );
  }
  // Anything that starts like a call is compiled as one, so a broken call gets a message about
  // the call rather than about paths.
  if (isIntrinsicCall(value) || value.trimStart().startsWith('States.')) {
    try {
      return compileIntrinsic(value);
    } catch (error) {
      if (error instanceof IntrinsicSyntaxError) {
        throw new IntrinsicSyntaxError(`${where}: field '${key}': ${error.message}`);
      }
      throw error;
    }
  }
  if (!value.startsWith('$')) {
    throw new PathSyntaxError(
      `${where}: the value of '${key}' must be a valid JSONPath or a valid intrinsic function call`,
    );
  }
  let path;
  try {
    path = compilePath(value);
  } catch (error) {
    if (error instanceof PathSyntaxError) {
      throw new PathSyntaxError(`${where}: field '${key}': ${error.message}`);
    }
    throw error;
  }
  if (!path.definite) return (scope) => path.read(scope)!; // a list of the matches, maybe empty
  return (scope) => {
    const found = path.read(scope);
    if (found === undefined) {
      // AWS: a ".$" path that matches nothing fails the execution with States.Runtime (not
      // States.ParameterPathFailure, the name the States Language spec gives), cause "The JSONPath
      // '$.x' specified for the field 'x.$' could not be found in the input '<input>'". We leave
      // the input out of the cause: causes go to history, and payment input must not be copied.
      throw new StatesError(
        StatesErrorName.Runtime,
        `The JSONPath '${value}' specified for the field '${key}' could not be found in the input`,
      );
    }
    return found;
  };
}
