/**
 * The math and identifier intrinsics: States.MathAdd, MathRandom and UUID. Randomness comes only
 * from `scope.random`, which the executor records, so a replay draws the same numbers.
 */
import type { Json } from '../json.js';
import type { EvalScope } from '../scope.js';
import { intrinsicFailure, numberArg } from './definition.js';
import type { IntrinsicDefinition } from './definition.js';

export const mathFunctions: Readonly<Record<string, IntrinsicDefinition>> = {
  'States.MathAdd': {
    minArgs: 2,
    maxArgs: 2,
    evaluate(args) {
      const fn = 'States.MathAdd';
      return roundLikeAws(numberArg(fn, args, 0)) + roundLikeAws(numberArg(fn, args, 1));
    },
  },
  'States.MathRandom': {
    minArgs: 2,
    maxArgs: 3,
    evaluate(args, scope) {
      const fn = 'States.MathRandom';
      const start = roundLikeAws(numberArg(fn, args, 0));
      const end = roundLikeAws(numberArg(fn, args, 1));
      if (end <= start)
        throw intrinsicFailure(fn, 'the end number must be greater than the start number');
      const draw = args.length === 3 ? seededDraw(numberArg(fn, args, 2)) : scope.random();
      // From the start number (inclusive) to the end number (exclusive). The developer guide says
      // only "between" the two; this reading never exceeds the range whatever AWS does at the end.
      return start + Math.floor(draw * (end - start));
    },
  },
  'States.UUID': {
    minArgs: 0,
    maxArgs: 0,
    evaluate: (_args, scope) => uuidV4(scope),
  },
};

/**
 * AWS: a non-integer argument of MathAdd or MathRandom is rounded to the nearest integer, halves
 * towards positive infinity (Java's Math.round, which JavaScript's Math.round matches: 2.5 -> 3,
 * -2.5 -> -2).
 */
function roundLikeAws(n: number): number {
  return Math.round(n);
}

/**
 * The draw for a seeded MathRandom: the same seed always gives the same number, as AWS promises.
 * AWS does not document its generator, so the numbers differ from AWS's for the same seed.
 */
function seededDraw(seed: number): number {
  // FNV-1a over the seed's text, then one round of mulberry32.
  let h = 0x811c9dc5;
  for (const c of String(seed)) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193);
  let t = (h + 0x6d2b79f5) | 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** A version 4 UUID from 16 draws of `scope.random`. */
function uuidV4(scope: EvalScope): Json {
  const bytes = new Array<number>(16);
  for (let i = 0; i < 16; i++) bytes[i] = Math.floor(scope.random() * 256) & 0xff;
  bytes[6] = (bytes[6]! & 0x0f) | 0x40; // version 4
  bytes[8] = (bytes[8]! & 0x3f) | 0x80; // RFC 4122 variant
  let out = '';
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) out += '-';
    out += HEX[bytes[i]!]!;
  }
  return out;
}
