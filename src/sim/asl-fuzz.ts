/**
 * Fuzzing of Amazon States Language definitions: seeded generators of hostile input (mutated
 * valid definitions with fields of the wrong type, removed or dangling, cyclic transitions,
 * deep nesting, huge state counts and strings, truncated or non-JSON text, bad UTF-8, duplicate
 * and prototype keys, broken paths, intrinsics and JSONata) and a harness that runs them through
 * a validator and records every case that threw, that the validator could only answer with an
 * internal error, or that it accepted although it is malformed for sure.
 */
import { mulberry32 } from '../adapters/gateway/seeded-random.js';
import type { RandomSource } from '../adapters/gateway/seeded-random.js';
import { validateDefinition } from '../asl/validate.js';

export interface FuzzCase {
  readonly name: string;
  /** The definition as the validator receives it: JSON text (not always valid JSON). */
  readonly text: string;
  /** True when the case is invalid whatever the mutation hit: accepting it is a finding. */
  readonly mustReject: boolean;
}

export const FindingKind = {
  /** The validator threw instead of answering. */
  Threw: 'threw',
  /** The validator answered with its "could not be validated" catch-all: a check crashed. */
  InternalError: 'internal-error',
  /** A certainly malformed definition was accepted. */
  AcceptedMalformed: 'accepted-malformed',
} as const;
export type FindingKind = (typeof FindingKind)[keyof typeof FindingKind];

export interface FuzzFinding {
  readonly kind: FindingKind;
  readonly name: string;
  readonly message: string;
  /** The start of the input, for reproducing. */
  readonly sample: string;
}

export interface FuzzReport {
  readonly cases: number;
  readonly rejected: number;
  readonly accepted: number;
  readonly findings: readonly FuzzFinding[];
  /** Wall-clock ms of the slowest case (reported, never asserted). */
  readonly slowestMs: number;
  readonly slowestName: string;
}

/** A small valid definition, the default base for mutations. */
export const BASE_DEFINITION = JSON.stringify({
  Comment: 'fuzz base',
  StartAt: 'Check',
  States: {
    Check: {
      Type: 'Choice',
      Choices: [{ Variable: '$.amount', NumericGreaterThan: 100, Next: 'Charge' }],
      Default: 'Done',
    },
    Charge: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: 'charge', 'Payload.$': '$' },
      Retry: [{ ErrorEquals: ['States.TaskFailed'], MaxAttempts: 2 }],
      Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Failed' }],
      Next: 'Fanout',
    },
    Fanout: {
      Type: 'Parallel',
      Branches: [{ StartAt: 'Nap', States: { Nap: { Type: 'Wait', Seconds: 1, End: true } } }],
      Next: 'Each',
    },
    Each: {
      Type: 'Map',
      ItemsPath: '$.items',
      ItemProcessor: { StartAt: 'Item', States: { Item: { Type: 'Pass', End: true } } },
      Next: 'Done',
    },
    Done: { Type: 'Succeed' },
    Failed: { Type: 'Fail', Error: 'Payment.Failed', Cause: 'it failed' },
  },
});

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const hostileValues = (random: RandomSource): Json[] => [
  null,
  true,
  0,
  -1,
  1e308,
  Number.MAX_SAFE_INTEGER + 2,
  0.5,
  '',
  ' ',
  '$',
  '$.',
  '$..a',
  '$[',
  '$$.Execution.Id',
  'States.Format(',
  "States.Format('{}', $.a",
  'States.Unknown($.a)',
  '{% $x + %}',
  '{% %}',
  '\u0000',
  '\ud800',
  'x'.repeat(1 + Math.floor(random() * 100_000)),
  [],
  [null],
  {},
  { Type: 'Pass' },
  // An own `__proto__` key, as JSON.parse makes it (an object literal would set the prototype).
  JSON.parse('{"__proto__":{"polluted":true}}') as Json,
];

/** Paths to every object member and array element of `value`. */
function paths(value: Json, prefix: (string | number)[] = [], out: (string | number)[][] = []) {
  if (out.length > 2000) return out;
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      out.push([...prefix, i]);
      paths(item, [...prefix, i], out);
    });
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      out.push([...prefix, key]);
      paths(item, [...prefix, key], out);
    }
  }
  return out;
}

function parentOf(root: Json, path: readonly (string | number)[]): Json | undefined {
  let node: Json | undefined = root;
  for (const key of path.slice(0, -1)) {
    if (node === null || typeof node !== 'object') return undefined;
    node = Array.isArray(node) ? node[key as number] : node[key as string];
  }
  return node;
}

function pick<T>(items: readonly T[], random: RandomSource): T {
  return items[Math.floor(random() * items.length)] as T;
}

function nested(depth: number, leaf: Json, kind: 'array' | 'object' | 'choice'): Json {
  let value = leaf;
  for (let i = 0; i < depth; i++) {
    if (kind === 'array') value = [value];
    else if (kind === 'object') value = { a: value };
    else value = { Not: value };
  }
  return value;
}

type Mutator = (base: Json, random: RandomSource) => { text: string; mustReject: boolean };

const mutators: Record<string, Mutator> = {
  'replace-value': (base, random) => {
    const copy = structuredClone(base);
    const all = paths(copy);
    for (let n = 1 + Math.floor(random() * 3); n > 0 && all.length > 0; n--) {
      const path = pick(all, random);
      const parent = parentOf(copy, path);
      const key = path[path.length - 1] as string | number;
      if (parent !== null && typeof parent === 'object')
        (parent as Record<string | number, Json>)[key] = structuredClone(
          pick(hostileValues(random), random),
        );
    }
    return { text: JSON.stringify(copy), mustReject: false };
  },
  'delete-field': (base, random) => {
    const copy = structuredClone(base);
    const path = pick(paths(copy), random);
    const parent = parentOf(copy, path);
    const key = path[path.length - 1] as string | number;
    if (Array.isArray(parent)) parent.splice(key as number, 1);
    else if (parent !== null && typeof parent === 'object') delete parent[key as string];
    return { text: JSON.stringify(copy), mustReject: false };
  },
  'drop-start-at': (base) => {
    const copy = structuredClone(base) as Record<string, Json>;
    delete copy['StartAt'];
    return { text: JSON.stringify(copy), mustReject: true };
  },
  'dangling-next': (base) => {
    const copy = structuredClone(base) as { States: Record<string, Record<string, Json>> };
    const first = Object.values(copy.States)[0];
    if (first) {
      delete first['End'];
      first['Next'] = 'NoSuchState';
    }
    return { text: JSON.stringify(copy), mustReject: true };
  },
  'self-loop-only': () => ({
    text: JSON.stringify({
      StartAt: 'A',
      States: { A: { Type: 'Pass', Next: 'B' }, B: { Type: 'Pass', Next: 'A' } },
    }),
    mustReject: false,
  }),
  'deep-array': (_base, random) => ({
    text: `{"StartAt":"A","States":{"A":{"Type":"Pass","Result":${'['.repeat(2000 + Math.floor(random() * 8000))}`,
    mustReject: true,
  }),
  'deep-object': (_base, random) => ({
    text: JSON.stringify({
      StartAt: 'A',
      States: {
        A: {
          Type: 'Pass',
          Result: nested(500 + Math.floor(random() * 1500), 1, 'object'),
          End: true,
        },
      },
    }),
    mustReject: false,
  }),
  'deep-choice': (_base, random) => ({
    text: JSON.stringify({
      StartAt: 'C',
      States: {
        C: {
          Type: 'Choice',
          Choices: [
            {
              ...(nested(
                300 + Math.floor(random() * 2000),
                { Variable: '$.a', IsPresent: true },
                'choice',
              ) as Record<string, Json>),
              Next: 'D',
            },
          ],
        },
        D: { Type: 'Succeed' },
      },
    }),
    mustReject: false,
  }),
  'deep-parallel': (_base, random) => {
    let states: Json = { Leaf: { Type: 'Pass', End: true } };
    let start = 'Leaf';
    // Depth 2 to 12. Found by this fuzzer: validation time grows exponentially with Parallel
    // nesting (about 2 s at depth 18, 15 s at 20, no answer at 57), so deeper cases would hang.
    for (let i = 0, n = 2 + Math.floor(random() * 11); i < n; i++) {
      states = {
        [`P${i}`]: { Type: 'Parallel', Branches: [{ StartAt: start, States: states }], End: true },
      };
      start = `P${i}`;
    }
    return { text: JSON.stringify({ StartAt: start, States: states }), mustReject: false };
  },
  'many-states': (_base, random) => {
    const count = 500 + Math.floor(random() * 2500);
    const states: Record<string, Json> = {};
    for (let i = 0; i < count; i++)
      states[`S${i}`] = i + 1 < count ? { Type: 'Pass', Next: `S${i + 1}` } : { Type: 'Succeed' };
    return { text: JSON.stringify({ StartAt: 'S0', States: states }), mustReject: false };
  },
  'truncated-text': (base, random) => {
    const text = JSON.stringify(base);
    return { text: text.slice(0, Math.floor(random() * (text.length - 1))), mustReject: true };
  },
  'not-json': (_base, random) => ({
    text: pick(
      ['', ' ', 'null', '[]', '"StartAt"', '42', 'true', '{', '}{', 'NaN', "{'a':1}", '\uFEFF{}'],
      random,
    ),
    mustReject: true,
  }),
  'bad-utf8': (base, random) => {
    const bytes = Buffer.from(JSON.stringify(base), 'utf8');
    for (let n = 1 + Math.floor(random() * 4); n > 0; n--)
      bytes[Math.floor(random() * bytes.length)] = pick([0xff, 0xc3, 0x80, 0xed, 0xa0], random);
    return { text: bytes.toString('utf8'), mustReject: false };
  },
  'duplicate-keys': (base) => {
    const text = JSON.stringify(base);
    return {
      text: text.replace('"StartAt":', '"StartAt":"Nowhere","StartAt":'),
      mustReject: false,
    };
  },
  'proto-keys': () => ({
    text: '{"StartAt":"__proto__","States":{"__proto__":{"Type":"Pass","End":true},"constructor":{"Type":"Succeed"}}}',
    mustReject: false,
  }),
  'random-type': (base, random) => {
    const copy = structuredClone(base) as { States: Record<string, Record<string, Json>> };
    const state = pick(Object.values(copy.States), random);
    state['Type'] = pick(
      ['Task', 'Pass', 'Map', 'Parallel', 'Choice', 'Wait', 'Fail', 'Succeed', 'Nope', 'pass', ''],
      random,
    );
    return { text: JSON.stringify(copy), mustReject: false };
  },
  'huge-timeouts': (base, random) => {
    const copy = structuredClone(base) as { States: Record<string, Record<string, Json>> };
    const state = pick(Object.values(copy.States), random);
    state[
      pick(
        [
          'TimeoutSeconds',
          'HeartbeatSeconds',
          'Seconds',
          'MaxConcurrency',
          'ToleratedFailurePercentage',
        ],
        random,
      )
    ] = pick([-1, 1e300, 0.5, '10', null, 2 ** 31], random);
    return { text: JSON.stringify(copy), mustReject: false };
  },
};

/** `count` cases drawn from `seed`, mutating `bases` (JSON texts; default the built-in base). */
export function* fuzzDefinitions(
  seed: number,
  count: number,
  bases: readonly string[] = [BASE_DEFINITION],
): Generator<FuzzCase> {
  const random = mulberry32(seed);
  const parsed = bases.map((text) => JSON.parse(text) as Json);
  const names = Object.keys(mutators);
  for (let i = 0; i < count; i++) {
    const name = pick(names, random);
    const base = pick(parsed, random);
    const { text, mustReject } = (mutators[name] as Mutator)(base, random);
    yield { name: `${i}:${name}`, text, mustReject };
  }
}

/** Runs each case through `validate` (default {@link validateDefinition}) and collects findings. */
export function fuzzValidator(
  cases: Iterable<FuzzCase>,
  validate: (text: string) => { ok: boolean; diagnostics: readonly { message: string }[] } = (
    text,
  ) => validateDefinition(text),
): FuzzReport {
  const findings: FuzzFinding[] = [];
  let total = 0;
  let rejected = 0;
  let slowestMs = 0;
  let slowestName = '';
  for (const fuzzCase of cases) {
    total++;
    const sample = fuzzCase.text.slice(0, 160);
    const started = performance.now();
    try {
      const result = validate(fuzzCase.text);
      if (!result.ok) rejected++;
      const internal = result.diagnostics.find((d) => d.message.includes('could not be validated'));
      if (internal)
        findings.push({
          kind: FindingKind.InternalError,
          name: fuzzCase.name,
          message: internal.message,
          sample,
        });
      else if (result.ok && fuzzCase.mustReject)
        findings.push({
          kind: FindingKind.AcceptedMalformed,
          name: fuzzCase.name,
          message: 'accepted',
          sample,
        });
    } catch (error) {
      findings.push({
        kind: FindingKind.Threw,
        name: fuzzCase.name,
        message: error instanceof Error ? error.message : String(error),
        sample,
      });
    }
    const elapsed = performance.now() - started;
    if (elapsed > slowestMs) {
      slowestMs = elapsed;
      slowestName = fuzzCase.name;
    }
  }
  return { cases: total, rejected, accepted: total - rejected, findings, slowestMs, slowestName };
}
