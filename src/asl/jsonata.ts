/**
 * JSONata, the second query language of ASL: compiles a field value whose strings may be
 * `{% expression %}` into a template that evaluates against an {@link EvalScope}, with the bindings
 * and extra functions AWS Step Functions gives JSONata ($states, workflow variables, $partition,
 * $range, $hash, $random, $uuid, $parse), and turns every evaluation failure into
 * `States.QueryEvaluationError` worded as AWS words it. Parsing happens once, at compile time.
 */
import { createHash } from 'node:crypto';
import jsonata from 'jsonata';
import { StatesError, StatesErrorName } from './errors.js';
import type { Json, JsonObject } from './json.js';
import type { EvalScope } from './scope.js';

/** A JSONata expression that does not parse, or that AWS would refuse when the machine is created. */
export class JsonataSyntaxError extends Error {
  override readonly name = 'JsonataSyntaxError';
}

/** A JSONata-mode field value, parsed once and evaluated many times. */
export interface CompiledTemplate {
  /** True when the template contains no {% %} expression (the interpreter may skip evaluation). */
  readonly isConstant: boolean;
  /** The value with every expression replaced by its result; literal parts are shared, read-only. */
  evaluate(scope: EvalScope): Promise<Json>;
}

/** Parsed expressions keyed by their text, shared by every template compiled with the same cache. */
export type JsonataCache = Map<string, jsonata.Expression>;

/** A cache to pass to {@link compileJsonataTemplate}; one per loaded definition is typical. */
export function createJsonataCache(): JsonataCache {
  return new Map();
}

/**
 * The expression inside a `{% %}` string, trimmed, or undefined when the string is a literal.
 * AWS: the string must begin with `{%` and end with `%}` exactly, with no surrounding spaces.
 */
export function jsonataExpressionText(value: string): string | undefined {
  if (value.length < 4 || !value.startsWith('{%') || !value.endsWith('%}')) return undefined;
  return value.slice(2, -2).trim();
}

/**
 * Compiles a JSONata-mode field value (Arguments, Output, Assign values, Items, Condition,
 * Seconds, TimeoutSeconds...). Any string that is exactly `{% expr %}`, anywhere in the value, is
 * an expression; everything else is literal. Expressions evaluate in document order, so the
 * random source is consumed in the same order on every run.
 *
 * @param field - the field's name as AWS writes it in messages, e.g. `Output` or `Arguments`;
 *   nested expressions are named `Output/key` and `Output[0]`.
 * @param cache - parsed expressions to reuse; by default a fresh one for this template.
 * @throws JsonataSyntaxError when an expression does not parse or reads `$`, `$$` or a field
 *   name at its top level (AWS refuses those: the input is reached through `$states.input`).
 * @example
 * const t = compileJsonataTemplate({ total: '{% $states.input.amount * 2 %}' }, 'Output');
 * await t.evaluate(scope); // { total: 84 }
 */
export function compileJsonataTemplate(
  template: Json,
  field: string,
  cache: JsonataCache = createJsonataCache(),
): CompiledTemplate {
  const node = compileNode(template, field, cache);
  if (node.constant) {
    const value = Promise.resolve(node.value);
    return { isConstant: true, evaluate: () => value };
  }
  const { run } = node;
  return { isConstant: false, evaluate: (scope) => run(bindingsFor(scope)) };
}

type Bindings = Record<string, unknown>;
type Node =
  | { readonly constant: true; readonly value: Json }
  | { readonly constant: false; readonly run: (bindings: Bindings) => Promise<Json> };

function compileNode(value: Json, field: string, cache: JsonataCache): Node {
  if (typeof value === 'string') {
    const text = jsonataExpressionText(value);
    return text === undefined
      ? { constant: true, value }
      : { constant: false, run: expressionRunner(text, field, cache) };
  }
  if (Array.isArray(value)) {
    const items = value.map((item, i) => compileNode(item, `${field}[${i}]`, cache));
    if (items.every((item) => item.constant)) return { constant: true, value };
    return {
      constant: false,
      run: async (bindings) => {
        const out: Json[] = [];
        for (const item of items) out.push(item.constant ? item.value : await item.run(bindings));
        return out;
      },
    };
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).map(
      ([key, item]) => [key, compileNode(item, `${field}/${key}`, cache)] as const,
    );
    if (entries.every(([, item]) => item.constant)) return { constant: true, value };
    return {
      constant: false,
      run: async (bindings) => {
        const out: JsonObject = {};
        for (const [key, item] of entries) {
          out[key] = item.constant ? item.value : await item.run(bindings);
        }
        return out;
      },
    };
  }
  return { constant: true, value };
}

function expressionRunner(
  text: string,
  field: string,
  cache: JsonataCache,
): (bindings: Bindings) => Promise<Json> {
  const expression = parse(text, field, cache);
  const where = `The JSONata expression '${text}' specified for the field '${field}'`;
  return async (bindings) => {
    let result: unknown;
    try {
      result = await expression.evaluate(undefined, bindings);
    } catch (err) {
      if (err instanceof StatesError) throw err;
      throw queryError(`${where} threw an error during evaluation. ${describe(err)}`);
    }
    // AWS: JSON has no undefined, so an expression that yields nothing fails the state.
    if (result === undefined) throw queryError(`${where} returned nothing (undefined).`);
    const json = toJson(result);
    if (json === undefined) throw queryError(`${where} returned an unsupported result type.`);
    return json;
  };
}

function parse(text: string, field: string, cache: JsonataCache): jsonata.Expression {
  const cached = cache.get(text);
  if (cached) return cached;
  const where = `The JSONata expression '${text}' specified for the field '${field}'`;
  let expression: jsonata.Expression;
  try {
    expression = jsonata(text);
  } catch (err) {
    throw new JsonataSyntaxError(`${where} is not valid JSONata: ${describe(err)}`);
  }
  const problem = topLevelProblem(expression.ast() as AstNode);
  if (problem) {
    throw new JsonataSyntaxError(
      `${where} uses ${problem} at its top level; read the state input through $states.input.`,
    );
  }
  registerAwsFunctions(expression);
  cache.set(text, expression);
  return expression;
}

/** The parts of JSONata's AST this module walks (its published type omits several fields). */
interface AstNode {
  type: string;
  value?: unknown;
  steps?: AstNode[];
  expressions?: AstNode[];
  arguments?: AstNode[];
  expression?: AstNode;
  condition?: AstNode;
  then?: AstNode;
  else?: AstNode;
  lhs?: AstNode | [AstNode, AstNode][];
  rhs?: AstNode;
}

/**
 * AWS: an expression may not read `$`, `$$` or an unqualified field name at its top level; there
 * is no context document there. Inside path steps, predicates and lambdas `$` is the context item
 * and stays legal, so the walk does not descend into those.
 */
function topLevelProblem(node: AstNode | undefined): string | undefined {
  if (!node) return undefined;
  switch (node.type) {
    case 'variable':
      if (node.value === '') return "'$'";
      return node.value === '$' ? "'$$'" : undefined;
    case 'name':
      return `the field name '${String(node.value)}'`;
    case 'path':
      return topLevelProblem(node.steps?.[0]);
    case 'binary':
    case 'apply':
      return topLevelProblem(node.lhs as AstNode) ?? topLevelProblem(node.rhs);
    case 'bind':
      return topLevelProblem(node.rhs);
    case 'condition':
      return firstProblem([node.condition, node.then, node.else]);
    case 'function':
    case 'partial':
      return firstProblem(node.arguments);
    case 'block':
      return firstProblem(node.expressions);
    case 'unary':
      if (node.value === '-') return topLevelProblem(node.expression);
      if (node.value === '[') return firstProblem(node.expressions);
      if (node.value === '{' && Array.isArray(node.lhs)) return firstProblem(node.lhs.flat());
      return undefined;
    default:
      return undefined;
  }
}

function firstProblem(nodes: (AstNode | undefined)[] | undefined): string | undefined {
  for (const node of nodes ?? []) {
    const problem = topLevelProblem(node);
    if (problem) return problem;
  }
  return undefined;
}

/** The AWS functions that need nothing from the scope, registered once per parsed expression. */
function registerAwsFunctions(expression: jsonata.Expression): void {
  expression.registerFunction('partition', partition, '<an:a>');
  expression.registerFunction('range', range, '<nn?n?:x>');
  expression.registerFunction('hash', hash, '<s?s?:s>');
  expression.registerFunction('parse', parseJson, '<s:x>');
}

const AWS_FUNCTION_NAMES = new Set(['partition', 'range', 'hash', 'parse', 'random', 'uuid']);

/**
 * `$states` and the workflow variables, plus the functions that read the scope: `$random` and
 * `$uuid` draw only from `scope.random`; `$now` and `$millis` read the context's
 * `State.EnteredTime`. A variable named like an AWS function does not hide the function.
 */
function bindingsFor(scope: EvalScope): Bindings {
  const bindings: Bindings = {};
  for (const [name, value] of Object.entries(scope.variables)) {
    if (!AWS_FUNCTION_NAMES.has(name)) bindings[name] = value;
  }
  const states: Record<string, Json> = { input: scope.input, context: scope.context };
  if (scope.result !== undefined) states.result = scope.result;
  if (scope.errorOutput !== undefined) states.errorOutput = scope.errorOutput;
  bindings.states = states;
  bindings.random = (seed?: unknown) => {
    if (seed === undefined) return scope.random();
    if (typeof seed !== 'number' || !Number.isFinite(seed)) throw signatureError('random', 1);
    return seededRandom(seed);
  };
  bindings.uuid = () => uuidV4(scope.random);
  // Not AWS: AWS reads the wall clock. A pure core may not, and a replay must see the same time,
  // so both read the instant the executor recorded when the state was entered.
  bindings.millis = () => enteredMillis(scope);
  bindings.now = (picture?: string, timezone?: string) => {
    const millis = enteredMillis(scope);
    if (picture === undefined && timezone === undefined) return new Date(millis).toISOString();
    return jsonata('$fromMillis($m, $p, $t)').evaluate(undefined, {
      m: millis,
      p: picture,
      t: timezone,
    });
  };
  // AWS: $eval is disabled in Step Functions ($parse replaces it); calling it is T1006.
  bindings.eval = undefined;
  return bindings;
}

function enteredMillis(scope: EvalScope): number {
  const state = scope.context.State;
  const execution = scope.context.Execution;
  const entered =
    (isRecord(state) && typeof state.EnteredTime === 'string' && state.EnteredTime) ||
    (isRecord(execution) && typeof execution.StartTime === 'string' && execution.StartTime);
  const millis = entered ? Date.parse(entered) : NaN;
  if (Number.isNaN(millis)) {
    throw new Error('$now and $millis need $states.context.State.EnteredTime, which is missing');
  }
  return millis;
}

/** AWS: `$partition(array, size)` splits into chunks of `size`; the last holds the remainder. */
function partition(array: Json[], size: number): Json[][] | undefined {
  const chunk = Math.trunc(size);
  if (chunk <= 0 || array.length === 0) return undefined;
  const out: Json[][] = [];
  for (let i = 0; i < array.length; i += chunk) out.push(array.slice(i, i + chunk));
  return out;
}

/** Our guard, not AWS's: a bound on the array `$range` may build, so one field cannot exhaust memory. */
const MAX_RANGE_LENGTH = 1_000_000;

/**
 * AWS: `$range(start, end, step)` counts from start towards end inclusive, arguments truncated
 * towards zero; a step of zero or pointing away from end yields nothing, and a range of one
 * value yields that number, as a JSONata singleton sequence does.
 */
function range(start: number, end?: number, step?: number): number | number[] | undefined {
  if (end === undefined || step === undefined) return undefined;
  const [from, to, by] = [Math.trunc(start), Math.trunc(end), Math.trunc(step)];
  if (by === 0 || (by > 0 && from > to) || (by < 0 && from < to)) return undefined;
  const length = Math.floor(Math.abs(to - from) / Math.abs(by)) + 1;
  if (length > MAX_RANGE_LENGTH) {
    throw new Error(`$range would build ${length} values; the limit is ${MAX_RANGE_LENGTH}`);
  }
  if (length === 1) return from;
  return Array.from({ length }, (_, i) => from + i * by);
}

const HASH_ALGORITHMS: Record<string, string> = {
  MD5: 'md5',
  'SHA-1': 'sha1',
  'SHA-256': 'sha256',
  'SHA-384': 'sha384',
  'SHA-512': 'sha512',
};

/** AWS: `$hash(value, algorithm)`, the lowercase hex digest of the string's UTF-8 bytes. */
function hash(value?: string, algorithm?: string): string | undefined {
  if (value === undefined || algorithm === undefined) return undefined;
  const name = HASH_ALGORITHMS[algorithm];
  if (!name) {
    throw new Error(
      `$hash algorithm '${algorithm}' is not one of ${Object.keys(HASH_ALGORITHMS).join(', ')}`,
    );
  }
  return createHash(name).update(value, 'utf8').digest('hex');
}

/** AWS: `$parse(text)` deserializes a JSON string (the replacement for `$eval`). */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new Error(`$parse was given a string that is not JSON: ${describe(err)}`, {
      cause: err,
    });
  }
}

/**
 * AWS: `$random(seed)` is reproducible for a seed. The sequence here is java.util.Random's
 * `new Random(seed).nextDouble()` (Step Functions runs on the JVM); that AWS uses exactly this
 * generator is our assumption, not documented.
 */
function seededRandom(seed: number): number {
  const multiplier = 0x5deece66dn;
  const mask = (1n << 48n) - 1n;
  let state = (BigInt.asIntN(64, BigInt(Math.trunc(seed))) ^ multiplier) & mask;
  const next = (bits: bigint): bigint => {
    state = (state * multiplier + 0xbn) & mask;
    return state >> (48n - bits);
  };
  const high = next(26n);
  const low = next(27n);
  return Number((high << 27n) + low) / 2 ** 53;
}

/** A version 4 UUID whose random bits come from `random` only. */
function uuidV4(random: () => number): string {
  const bytes = Array.from({ length: 16 }, () => Math.floor(random() * 256) & 0xff);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * A JSONata result as plain JSON (sequences become arrays, fresh copies throughout), or undefined
 * when it holds a function. AWS: a non-finite number is written as the string JavaScript names it.
 */
function toJson(value: unknown): Json | undefined {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (Array.isArray(value)) {
    const out: Json[] = [];
    for (const item of value as unknown[]) {
      if (item === undefined) continue;
      const json = toJson(item);
      if (json === undefined) return undefined;
      out.push(json);
    }
    return out;
  }
  if (isRecord(value) && !('_jsonata_function' in value) && !('_jsonata_lambda' in value)) {
    const out: JsonObject = {};
    for (const [key, item] of Object.entries(value)) {
      if (item === undefined) continue;
      const json = toJson(item);
      if (json === undefined) return undefined;
      out[key] = json;
    }
    return out;
  }
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * An error from one of our functions, carrying a JSONata code like JSONata's own. JSONata rewrites
 * the message of a known code from its template, so the template's fields are carried too.
 */
class FunctionError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly index?: number,
    readonly token?: string,
  ) {
    super(message);
  }
}

function signatureError(fn: string, argument: number): FunctionError {
  return new FunctionError(
    'T0410',
    `Argument ${argument} of function "${fn}" does not match function signature`,
    argument,
    fn,
  );
}

/** JSONata throws plain objects with `code` and `message`; our functions throw Errors. */
function describe(err: unknown): string {
  if (isRecord(err) || err instanceof Error) {
    const { code, message } = err as { code?: unknown; message?: unknown };
    const text = typeof message === 'string' ? message : 'unknown error';
    return typeof code === 'string' ? `${code}: ${text}` : text;
  }
  return String(err);
}

function queryError(message: string): StatesError {
  return new StatesError(StatesErrorName.QueryEvaluationError, message);
}
