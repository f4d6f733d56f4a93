/**
 * JSONPath as Amazon States Language uses it: paths (InputPath, OutputPath, ItemsPath, `.$` fields
 * of payload templates, Choice `Variable`) and reference paths (ResultPath). A path is compiled once
 * into a list of segments and read with a plain loop, so reading a definite path allocates nothing
 * beyond its result, and "absent" is `undefined`, never an exception.
 *
 * AWS: Step Functions evaluates paths with Jayway JsonPath (the States Language spec names no
 * implementation), so indefinite paths (wildcards, slices, unions, `..`, filters) return a list of
 * matches, a filter applied to an object tests the object itself, and `=~` must match the whole
 * string.
 */
import { StatesError, StatesErrorName } from './errors.js';
import { isJsonObject } from './json.js';
import type { Json, JsonObject } from './json.js';
import type { EvalScope } from './scope.js';
import { jsonEquals } from './intrinsics/json-equals.js';

/** A path that cannot be compiled; the message says what is wrong and where. */
export class PathSyntaxError extends Error {
  override readonly name = 'PathSyntaxError';
}

export interface CompiledPath {
  readonly source: string;
  /** True when the path selects at most one value (no wildcard, slice, filter, union, `..`). */
  readonly definite: boolean;
  /** Definite path: the value, or undefined when absent. Indefinite: an array of the matches. */
  read(scope: EvalScope): Json | undefined;
}

export interface CompiledReferencePath {
  readonly source: string;
  /** Returns a new document with `value` placed at the path; never mutates `target`. */
  write(target: Json, value: Json): Json;
}

/** Where a path starts: `$` (input), `$$` (context object) or `$name` (a workflow variable). */
export type PathRoot =
  | { readonly kind: 'input' }
  | { readonly kind: 'current' }
  | { readonly kind: 'context' }
  | { readonly kind: 'variable'; readonly name: string };

export type Segment =
  | { readonly kind: 'property'; readonly name: string }
  | { readonly kind: 'index'; readonly index: number }
  | { readonly kind: 'wildcard' }
  | {
      readonly kind: 'slice';
      readonly start?: number;
      readonly end?: number;
      readonly step: number;
    }
  | { readonly kind: 'properties'; readonly names: readonly string[] }
  | { readonly kind: 'indexes'; readonly indexes: readonly number[] }
  | { readonly kind: 'filter'; readonly test: Predicate }
  | { readonly kind: 'descendants'; readonly then: Segment };

export interface ParsedPath {
  readonly root: PathRoot;
  readonly segments: readonly Segment[];
  /** Index in the source just past the path (only short of the end when parsing a filter operand). */
  readonly end: number;
}

const hasOwn = (object: object, key: string): boolean => Object.hasOwn(object, key);

/** Reads own property `name` of a JSON object, or undefined (never an inherited member). */
export function ownProperty(object: JsonObject, name: string): Json | undefined {
  const value = object[name];
  // JSON holds no functions, so a function came from Object.prototype; `__proto__` is the one
  // inherited member that is not a function. Checking those two spares a hasOwn call per step.
  if (value === undefined || typeof value === 'function') return undefined;
  return name !== '__proto__' || hasOwn(object, name) ? value : undefined;
}

/** Compiling is cheap, but a state's paths are read on every transition: compile each string once.
 * A pure memo of an immutable result, bounded so a stream of distinct paths cannot grow it forever. */
const MAX_CACHED = 10_000;
const pathCache = new Map<string, CompiledPath>();

/**
 * Compiles a path once into an accessor.
 * @example compilePath('$.order.amount').read(scope) // scope.input.order.amount, or undefined
 */
export function compilePath(path: string): CompiledPath {
  let compiled = pathCache.get(path);
  if (compiled === undefined) {
    compiled = buildPath(path);
    if (pathCache.size >= MAX_CACHED) pathCache.clear();
    pathCache.set(path, compiled);
  }
  return compiled;
}

/** Compiles a reference path (ResultPath): definite, no `$$`, no variables. */
export function compileReferencePath(path: string): CompiledReferencePath {
  const parsed = parsePath(path, 0, false);
  if (parsed.root.kind !== 'input') {
    throw new PathSyntaxError(
      `'${path}' is not a reference path: it must start with '$.' or be '$'`,
    );
  }
  for (const segment of parsed.segments) {
    if (segment.kind !== 'property' && segment.kind !== 'index') {
      throw new PathSyntaxError(
        `'${path}' is not a reference path: only '.name', "['name']" and '[n]' are allowed`,
      );
    }
  }
  const segments = parsed.segments as readonly ReferenceSegment[];
  return {
    source: path,
    write(target: Json, value: Json): Json {
      return segments.length === 0 ? value : writeAt(path, segments, value, target, 0);
    },
  };
}

type ReferenceSegment = { kind: 'property'; name: string } | { kind: 'index'; index: number };

/**
 * A copy of `node` with `value` written at `segments[i..]`. A module function rather than a
 * closure made per write: under tsx (esbuild keepNames) each closure made costs a `__name` call.
 */
function writeAt(
  path: string,
  segments: readonly ReferenceSegment[],
  value: Json,
  node: Json | undefined,
  i: number,
): Json {
  const segment = segments[i]!;
  const last = i === segments.length - 1;
  if (segment.kind === 'property') {
    // AWS: missing objects on the way are created; anything else in the way (a string, a
    // number, an array, null) fails the state with States.ResultPathMatchFailure.
    let base: JsonObject;
    if (node === undefined) base = {};
    else if (isJsonObject(node)) base = node;
    else throw matchFailure(path);
    const child = last
      ? value
      : writeAt(path, segments, value, ownProperty(base, segment.name), i + 1);
    const copy: JsonObject = { ...base };
    setOwn(copy, segment.name, child);
    return copy;
  }
  if (!Array.isArray(node)) throw matchFailure(path);
  const index = segment.index < 0 ? node.length + segment.index : segment.index;
  if (index < 0 || index >= node.length) throw matchFailure(path);
  const copy = node.slice();
  copy[index] = last ? value : writeAt(path, segments, value, node[index], i + 1);
  return copy;
}

function matchFailure(path: string): StatesError {
  // AWS puts the input in the cause too; we leave it out, since causes are stored in history and a
  // payment document must never be copied into logs.
  return new StatesError(
    StatesErrorName.ResultPathMatchFailure,
    `Unable to apply ReferencePath ${path} to the input: it runs into a value that is not an object`,
  );
}

/** Assigns an own property, also for the key `__proto__` (which plain assignment would not). */
export function setOwn(object: JsonObject, key: string, value: Json): void {
  if (key === '__proto__') {
    Object.defineProperty(object, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else {
    object[key] = value;
  }
}

function buildPath(source: string): CompiledPath {
  const { root, segments } = parsePath(source, 0, false);
  const definite = segments.every((s) => s.kind === 'property' || s.kind === 'index');
  if (!definite) {
    return {
      source,
      definite,
      read: (scope) => {
        const start = rootValue(root, scope);
        const out: Json[] = [];
        if (start !== undefined) collect(segments, 0, start, scope, out);
        return out;
      },
    };
  }
  // The common case: a chain of property names. A dedicated loop keeps it branch-light.
  if (segments.every((s) => s.kind === 'property')) {
    const names = segments.map((s) => (s as { name: string }).name);
    return {
      source,
      definite,
      read: (scope) => {
        let node = rootValue(root, scope);
        for (let i = 0; i < names.length; i++) {
          if (!isJsonObject(node)) return undefined;
          node = ownProperty(node, names[i]!);
        }
        return node;
      },
    };
  }
  return {
    source,
    definite,
    read: (scope) => {
      let node = rootValue(root, scope);
      for (let i = 0; i < segments.length && node !== undefined; i++) {
        node = step(segments[i]!, node);
      }
      return node;
    },
  };
}

function rootValue(root: PathRoot, scope: EvalScope): Json | undefined {
  switch (root.kind) {
    case 'input':
      return scope.input;
    case 'current': // only inside a filter, where the caller supplies the item instead
      return undefined;
    case 'context':
      return scope.context;
    case 'variable':
      return hasOwn(scope.variables, root.name) ? scope.variables[root.name] : undefined;
  }
}

/** One definite step: a property of an object or an element of an array (negative from the end). */
function step(segment: Segment, node: Json): Json | undefined {
  if (segment.kind === 'property')
    return isJsonObject(node) ? ownProperty(node, segment.name) : undefined;
  if (segment.kind === 'index' && Array.isArray(node)) {
    return node[segment.index < 0 ? node.length + segment.index : segment.index];
  }
  return undefined;
}

/** Evaluates an indefinite path: pushes every match of `segments[i..]` under `node` onto `out`. */
function collect(
  segments: readonly Segment[],
  i: number,
  node: Json,
  scope: EvalScope,
  out: Json[],
): void {
  if (i === segments.length) {
    out.push(node);
    return;
  }
  const segment = segments[i]!;
  const next = (child: Json | undefined): void => {
    if (child !== undefined) collect(segments, i + 1, child, scope, out);
  };
  switch (segment.kind) {
    case 'property':
    case 'index':
      next(step(segment, node));
      return;
    case 'wildcard':
      forEachChild(node, next);
      return;
    case 'properties':
      if (isJsonObject(node)) for (const name of segment.names) next(ownProperty(node, name));
      return;
    case 'indexes':
      if (Array.isArray(node)) {
        for (const index of segment.indexes) next(node[index < 0 ? node.length + index : index]);
      }
      return;
    case 'slice':
      if (Array.isArray(node))
        for (const index of sliceIndexes(segment, node.length)) next(node[index]);
      return;
    case 'filter':
      // AWS (Jayway): on an array the filter selects the elements that pass; on an object it tests
      // the object itself.
      if (Array.isArray(node)) {
        for (const item of node) if (segment.test(item, scope)) next(item);
      } else if (isJsonObject(node) && segment.test(node, scope)) {
        next(node);
      }
      return;
    case 'descendants': {
      const rest: Segment[] = [segment.then, ...segments.slice(i + 1)];
      const visit = (child: Json): void => {
        collect(rest, 0, child, scope, out);
        forEachChild(child, visit);
      };
      visit(node);
      return;
    }
  }
}

function forEachChild(node: Json, fn: (child: Json) => void): void {
  if (Array.isArray(node)) for (const item of node) fn(item);
  else if (isJsonObject(node)) for (const key of Object.keys(node)) fn(node[key]!);
}

function sliceIndexes(
  slice: { start?: number; end?: number; step: number },
  length: number,
): number[] {
  const clamp = (n: number, lo: number, hi: number): number => Math.min(Math.max(n, lo), hi);
  const norm = (n: number): number => (n < 0 ? n + length : n);
  const indexes: number[] = [];
  if (slice.step > 0) {
    const start = clamp(norm(slice.start ?? 0), 0, length);
    const end = clamp(norm(slice.end ?? length), 0, length);
    for (let i = start; i < end; i += slice.step) indexes.push(i);
  } else {
    const start = clamp(norm(slice.start ?? length - 1), -1, length - 1);
    const end = slice.end === undefined ? -1 : clamp(norm(slice.end), -1, length - 1);
    for (let i = start; i > end; i += slice.step) indexes.push(i);
  }
  return indexes;
}

// ---------------------------------------------------------------------------------------------
// Parsing

/** Characters that end a dot-notation name inside a filter expression (`@.price < 10`). */
const FILTER_NAME_END = new Set([
  ' ',
  '\t',
  '\n',
  '\r',
  ')',
  '=',
  '<',
  '>',
  '!',
  '&',
  '|',
  ',',
  ']',
]);

/**
 * Parses a path starting at `from`. At top level (`inFilter` false) the whole string must be a path;
 * inside a filter, parsing stops at the first character that cannot continue the path and the
 * caller carries on from `end`. A filter operand may also start with `@` (the current item).
 */
export function parsePath(source: string, from: number, inFilter: boolean): ParsedPath {
  let i = from;
  let root: PathRoot;
  if (source[i] === '@' && inFilter) {
    root = { kind: 'current' };
    i++;
  } else if (source[i] === '$') {
    i++;
    if (source[i] === '$') {
      root = { kind: 'context' };
      i++;
    } else if (i < source.length && /[A-Za-z_]/.test(source[i]!)) {
      const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(source.slice(i))!;
      root = { kind: 'variable', name: match[0] };
      i += match[0].length;
    } else {
      root = { kind: 'input' };
    }
  } else {
    throw new PathSyntaxError(`'${source}' is not a path: a path starts with '$'`);
  }

  const segments: Segment[] = [];
  while (i < source.length) {
    const c = source[i];
    if (c === '.') {
      if (source[i + 1] === '.') {
        i += 2;
        let then: Segment;
        if (source[i] === '[') [then, i] = parseBracket(source, i);
        else [then, i] = parseDotted(source, i, inFilter);
        segments.push({ kind: 'descendants', then });
      } else {
        let segment: Segment;
        [segment, i] = parseDotted(source, i + 1, inFilter);
        segments.push(segment);
      }
    } else if (c === '[') {
      let segment: Segment;
      [segment, i] = parseBracket(source, i);
      segments.push(segment);
    } else if (inFilter) {
      break;
    } else {
      throw new PathSyntaxError(
        `'${source}' is not a valid path: unexpected '${c}' at position ${i}`,
      );
    }
  }
  return { root, segments, end: i };
}

function parseDotted(source: string, from: number, inFilter: boolean): [Segment, number] {
  if (source[from] === '*') return [{ kind: 'wildcard' }, from + 1];
  let i = from;
  while (i < source.length) {
    const c = source[i]!;
    if (c === '.' || c === '[' || c === ']' || (inFilter && FILTER_NAME_END.has(c))) break;
    i++;
  }
  if (i === from)
    throw new PathSyntaxError(`'${source}' is not a valid path: empty name at position ${from}`);
  return [{ kind: 'property', name: source.slice(from, i) }, i];
}

function parseBracket(source: string, open: number): [Segment, number] {
  let i = skipSpaces(source, open + 1);
  const c = source[i];
  const fail = (why: string): never => {
    throw new PathSyntaxError(`'${source}' is not a valid path: ${why} at position ${i}`);
  };
  if (c === '?') {
    i = skipSpaces(source, i + 1);
    if (source[i] !== '(') fail("expected '(' after '?'");
    const [test, end] = compileFilter(source, i);
    i = skipSpaces(source, end);
    if (source[i] !== ']') fail("expected ']' after the filter");
    return [{ kind: 'filter', test }, i + 1];
  }
  if (c === '*') {
    i = skipSpaces(source, i + 1);
    if (source[i] !== ']') fail("expected ']' after '*'");
    return [{ kind: 'wildcard' }, i + 1];
  }
  if (c === "'" || c === '"') {
    const names: string[] = [];
    for (;;) {
      const [name, end] = readQuoted(source, i);
      names.push(name);
      i = skipSpaces(source, end);
      if (source[i] === ']') break;
      if (source[i] !== ',') fail("expected ',' or ']'");
      i = skipSpaces(source, i + 1);
      if (source[i] !== "'" && source[i] !== '"') fail('expected a quoted name');
    }
    const segment: Segment =
      names.length === 1 ? { kind: 'property', name: names[0]! } : { kind: 'properties', names };
    return [segment, i + 1];
  }
  const close = source.indexOf(']', i);
  if (close < 0) fail("missing ']'");
  const body = source.slice(i, close).trim();
  const integer = (text: string): number => {
    const t = text.trim();
    if (!/^-?\d+$/.test(t)) fail(`'${t}' is not an integer`);
    return Number(t);
  };
  if (body.includes(':')) {
    const parts = body.split(':');
    if (parts.length > 3) fail('a slice has at most three parts');
    const [a = '', b = '', s = ''] = parts;
    const stepBy = s.trim() === '' ? 1 : integer(s);
    if (stepBy === 0) fail('a slice step cannot be 0');
    const slice: { kind: 'slice'; start?: number; end?: number; step: number } = {
      kind: 'slice',
      step: stepBy,
    };
    if (a.trim() !== '') slice.start = integer(a);
    if (b.trim() !== '') slice.end = integer(b);
    return [slice, close + 1];
  }
  if (body.includes(','))
    return [{ kind: 'indexes', indexes: body.split(',').map(integer) }, close + 1];
  return [{ kind: 'index', index: integer(body) }, close + 1];
}

/** Reads a single- or double-quoted string at `from` (backslash escapes the next character). */
export function readQuoted(source: string, from: number): [string, number] {
  const quote = source[from];
  let out = '';
  for (let i = from + 1; i < source.length; i++) {
    const c = source[i]!;
    if (c === '\\' && i + 1 < source.length) {
      out += source[++i];
    } else if (c === quote) {
      return [out, i + 1];
    } else {
      out += c;
    }
  }
  throw new PathSyntaxError(
    `'${source}' is not a valid path: unterminated string at position ${from}`,
  );
}

export function skipSpaces(source: string, from: number): number {
  let i = from;
  while (i < source.length && /\s/.test(source[i]!)) i++;
  return i;
}

// ---------------------------------------------------------------------------------------------
// Filters: `[?(<expression>)]`

/** A compiled filter expression: does `item` (`@`) pass? `$` in the expression is the input. */
export type Predicate = (item: Json, scope: EvalScope) => boolean;

type Operand =
  | { readonly kind: 'path'; readonly read: (item: Json, scope: EvalScope) => Json | undefined }
  | { readonly kind: 'value'; readonly value: Json }
  | { readonly kind: 'regex'; readonly regex: RegExp };

const WORD_OPERATORS = ['subsetof', 'anyof', 'noneof', 'empty', 'size', 'nin', 'in'] as const;
const SYMBOL_OPERATORS = ['==', '!=', '<=', '>=', '=~', '<', '>'] as const;
type Operator = (typeof WORD_OPERATORS)[number] | (typeof SYMBOL_OPERATORS)[number];

/**
 * Compiles the filter expression whose opening parenthesis is at `open`; returns the predicate and
 * the index just past the matching closing parenthesis. Supports comparisons (`== != < <= > >=`),
 * `=~ /regex/flags`, `in nin subsetof anyof noneof size empty`, existence (`[?(@.x)]`), `!`, `&&`,
 * `||` and parentheses, with Jayway's meaning.
 */
function compileFilter(source: string, open: number): [Predicate, number] {
  let i = open + 1;
  const fail = (why: string): never => {
    throw new PathSyntaxError(
      `'${source}' is not a valid path: ${why} at position ${i} of the filter`,
    );
  };
  const peek = (text: string): boolean => source.startsWith(text, i);

  const parseOr = (): Predicate => {
    let left = parseAnd();
    for (i = skipSpaces(source, i); peek('||'); i = skipSpaces(source, i)) {
      i += 2;
      const a = left;
      const b = parseAnd();
      left = (item, scope) => a(item, scope) || b(item, scope);
    }
    return left;
  };
  const parseAnd = (): Predicate => {
    let left = parseUnary();
    for (i = skipSpaces(source, i); peek('&&'); i = skipSpaces(source, i)) {
      i += 2;
      const a = left;
      const b = parseUnary();
      left = (item, scope) => a(item, scope) && b(item, scope);
    }
    return left;
  };
  const parseUnary = (): Predicate => {
    i = skipSpaces(source, i);
    if (peek('!') && !peek('!=')) {
      i++;
      const inner = parseUnary();
      return (item, scope) => !inner(item, scope);
    }
    if (peek('(')) {
      i++;
      const inner = parseOr();
      i = skipSpaces(source, i);
      if (!peek(')')) fail("expected ')'");
      i++;
      return inner;
    }
    return parseComparison();
  };
  const parseComparison = (): Predicate => {
    const left = parseOperand();
    i = skipSpaces(source, i);
    const operator = readOperator();
    if (operator === undefined) {
      // Existence: `[?(@.isbn)]` passes when the item has the member.
      return (item, scope) => {
        const value = evaluate(left, item, scope);
        return left.kind === 'path' ? value !== undefined : value === true;
      };
    }
    i = skipSpaces(source, i);
    const right = parseOperand();
    return comparison(left, operator, right);
  };
  const readOperator = (): Operator | undefined => {
    for (const op of SYMBOL_OPERATORS) {
      if (peek(op)) {
        i += op.length;
        return op;
      }
    }
    for (const op of WORD_OPERATORS) {
      if (peek(op) && !/[A-Za-z0-9_]/.test(source[i + op.length] ?? '')) {
        i += op.length;
        return op;
      }
    }
    return undefined;
  };
  const parseOperand = (): Operand => {
    i = skipSpaces(source, i);
    const c = source[i];
    if (c === '@' || c === '$') {
      const parsed = parsePath(source, i, true);
      i = parsed.end;
      return { kind: 'path', read: operandReader(parsed) };
    }
    if (c === '/') {
      const close = findRegexEnd(source, i);
      if (close < 0) fail('unterminated regular expression');
      const flags = /^[a-z]*/.exec(source.slice(close + 1))![0];
      // AWS (Jayway): `=~` uses Java's Matcher.matches(), which must match the whole string.
      let regex: RegExp | undefined;
      try {
        regex = new RegExp(`^(?:${source.slice(i + 1, close)})$`, flags.replace(/[^imsu]/g, ''));
      } catch {
        fail('invalid regular expression');
      }
      i = close + 1 + flags.length;
      return { kind: 'regex', regex: regex! };
    }
    return { kind: 'value', value: parseLiteral() };
  };
  const parseLiteral = (): Json => {
    i = skipSpaces(source, i);
    const c = source[i];
    if (c === "'" || c === '"') {
      const [text, end] = readQuoted(source, i);
      i = end;
      return text;
    }
    if (c === '[') {
      const items: Json[] = [];
      i = skipSpaces(source, i + 1);
      if (peek(']')) {
        i++;
        return items;
      }
      for (;;) {
        items.push(parseLiteral());
        i = skipSpaces(source, i);
        if (peek(']')) break;
        if (!peek(',')) fail("expected ',' or ']' in a list");
        i++;
      }
      i++;
      return items;
    }
    for (const [word, value] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (peek(word)) {
        i += word.length;
        return value;
      }
    }
    const number = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(source.slice(i));
    if (number === null) fail('expected a value');
    i += number![0].length;
    return Number(number![0]);
  };

  const predicate = parseOr();
  i = skipSpaces(source, i);
  if (!peek(')')) fail("expected ')' at the end of the filter");
  return [predicate, i + 1];
}

function operandReader(parsed: ParsedPath): (item: Json, scope: EvalScope) => Json | undefined {
  const { root, segments } = parsed;
  const definite = segments.every((s) => s.kind === 'property' || s.kind === 'index');
  return (item, scope) => {
    const start = root.kind === 'current' ? item : rootValue(root, scope);
    if (start === undefined) return definite ? undefined : [];
    if (!definite) {
      const out: Json[] = [];
      collect(segments, 0, start, scope, out);
      return out;
    }
    let node: Json | undefined = start;
    for (let k = 0; k < segments.length && node !== undefined; k++) node = step(segments[k]!, node);
    return node;
  };
}

function findRegexEnd(source: string, open: number): number {
  for (let k = open + 1; k < source.length; k++) {
    if (source[k] === '\\') k++;
    else if (source[k] === '/') return k;
  }
  return -1;
}

function evaluate(operand: Operand, item: Json, scope: EvalScope): Json | undefined {
  if (operand.kind === 'path') return operand.read(item, scope);
  if (operand.kind === 'value') return operand.value;
  return undefined;
}

function comparison(left: Operand, operator: Operator, right: Operand): Predicate {
  if (operator === '=~') {
    if (right.kind !== 'regex') throw new PathSyntaxError("'=~' needs a regular expression: /.../");
    const { regex } = right;
    return (item, scope) => {
      const value = evaluate(left, item, scope);
      return typeof value === 'string' && regex.test(value);
    };
  }
  const test = compare[operator];
  return (item, scope) => {
    const a = evaluate(left, item, scope);
    const b = evaluate(right, item, scope);
    // A member the item does not have makes every comparison false (Jayway).
    return a !== undefined && b !== undefined && test(a, b);
  };
}

const ordered =
  (pass: (order: number) => boolean) =>
  (a: Json, b: Json): boolean => {
    if (typeof a === 'number' && typeof b === 'number') return pass(a - b);
    if (typeof a === 'string' && typeof b === 'string') return pass(a < b ? -1 : a > b ? 1 : 0);
    return false;
  };
const includes = (list: Json, value: Json): boolean =>
  Array.isArray(list) && list.some((x) => jsonEquals(x, value));
const sizeOf = (value: Json): number | undefined =>
  typeof value === 'string' || Array.isArray(value) ? value.length : undefined;

const compare: Record<Exclude<Operator, '=~'>, (a: Json, b: Json) => boolean> = {
  '==': (a, b) => jsonEquals(a, b),
  '!=': (a, b) => !jsonEquals(a, b),
  '<': ordered((o) => o < 0),
  '<=': ordered((o) => o <= 0),
  '>': ordered((o) => o > 0),
  '>=': ordered((o) => o >= 0),
  in: (a, b) => includes(b, a),
  nin: (a, b) => Array.isArray(b) && !includes(b, a),
  subsetof: (a, b) => Array.isArray(a) && a.every((x) => includes(b, x)),
  anyof: (a, b) => Array.isArray(a) && a.some((x) => includes(b, x)),
  noneof: (a, b) => Array.isArray(a) && !a.some((x) => includes(b, x)),
  size: (a, b) => sizeOf(a) === b,
  empty: (a, b) => sizeOf(a) !== undefined && (sizeOf(a) === 0) === b,
};
