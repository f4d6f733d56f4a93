/**
 * The simulator's own small random source: a string hash and the mulberry32 generator. Each
 * decision draws from a generator seeded by (seed, what is decided, idempotency key, attempt),
 * so an outcome depends on the seed and on that key's history only, not on how concurrent
 * requests for other keys happened to interleave.
 */

/** A function returning numbers uniformly distributed in [0, 1). */
export type RandomSource = () => number;

/**
 * mulberry32: a 32-bit state generator, fast and good enough for simulation (not cryptography).
 * @example const random = mulberry32(42); random(); // 0.6011037519201636, the same every run
 */
export function mulberry32(seed: number): RandomSource {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A 32-bit hash of `text` mixed with `seed` (FNV-1a over UTF-16 code units, then avalanched). */
export function hash32(text: string, seed = 0): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  // murmur3's finaliser, so that near-identical inputs give unrelated outputs.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A generator for one decision, seeded by the simulator's seed and the parts that name it. */
export function randomFor(seed: number, ...parts: readonly (string | number)[]): RandomSource {
  return mulberry32(hash32(parts.join('\u0000'), seed));
}

/** `length` lowercase hex digits derived from the seed and `parts`: stable ids for a seed. */
export function stableHex(seed: number, length: number, ...parts: readonly (string | number)[]) {
  const random = randomFor(seed, 'id', ...parts);
  let hex = '';
  while (hex.length < length) {
    hex += Math.floor(random() * 0x100000000)
      .toString(16)
      .padStart(8, '0');
  }
  return hex.slice(0, length);
}
