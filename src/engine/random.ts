/**
 * Deterministic randomness for the pure core: every step of a run draws from a generator seeded
 * by (execution seed, run id, step number), all of which are stored, so a replay of the same step
 * draws the same numbers (jitter, States.UUID, States.MathRandom, $random).
 */
import { createHash } from 'node:crypto';

export function seedFor(executionSeed: string, runId: number, seq: number): number {
  const digest = createHash('sha256').update(`${executionSeed}:${runId}:${seq}`).digest();
  return digest.readUInt32LE(0);
}

/** mulberry32: small, fast, good enough for jitter and test UUIDs (not for secrets). */
export function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
