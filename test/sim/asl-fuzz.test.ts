/**
 * Hostile ASL definitions: thousands of generated malformed definitions through
 * validateDefinition (never throws, never an internal error, never accepts what is malformed for
 * sure), and a handful through the real `paystep asl validate` (exit 2 and a message).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FindingKind, fuzzDefinitions, fuzzValidator } from '../../src/sim/asl-fuzz.js';

// `npm run test:soak` sets PAYSTEP_SOAK=1: ten times the cases, from another seed too.
const soak = process.env['PAYSTEP_SOAK'] === '1';
const fuzzCount = soak ? 20_000 : 2000;

describe('fuzzing ASL definitions', () => {
  it.each(soak ? [1, 2] : [1])(
    'answers generated hostile definitions (seed %i) without a throw or an internal error',
    (seed) => {
      const report = fuzzValidator(fuzzDefinitions(seed, fuzzCount));
      expect(report.cases).toBe(fuzzCount);
      expect(report.findings).toEqual([]);
      // Most mutations break the definition; some (a changed Comment) do not.
      expect(report.rejected).toBeGreaterThan(fuzzCount / 2);
    },
  );

  it('generates the same cases for a seed', () => {
    const names = (seed: number) => [...fuzzDefinitions(seed, 50)].map((c) => c.text);
    expect(names(3)).toEqual(names(3));
    expect(names(3)).not.toEqual(names(4));
  });

  it('reports a validator that throws, and one that accepts what is malformed', () => {
    const cases = [...fuzzDefinitions(9, 40)];
    const threw = fuzzValidator(cases, () => {
      throw new Error('boom');
    });
    expect(threw.findings.every((f) => f.kind === FindingKind.Threw)).toBe(true);
    expect(threw.findings).toHaveLength(40);
    const lax = fuzzValidator(cases, () => ({ ok: true, diagnostics: [] }));
    expect(lax.findings.length).toBe(cases.filter((c) => c.mustReject).length);
  });
});

describe('paystep asl validate on hostile files', () => {
  const bin = join(import.meta.dirname, '..', '..', 'bin', 'paystep.js');
  const dir = mkdtempSync(join(tmpdir(), 'paystep-fuzz-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const cases = [...fuzzDefinitions(21, 400)].filter((c) => c.mustReject).slice(0, 5);

  it.each(cases.map((c) => [c.name, c] as const))(
    'rejects %s with exit 2 and a message',
    (_name, fuzzCase) => {
      const file = join(dir, `${fuzzCase.name.replace(/[^a-z0-9-]/gi, '_')}.json`);
      writeFileSync(file, fuzzCase.text);
      const run = spawnSync(process.execPath, [bin, 'asl', 'validate', file], {
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(run.status).toBe(2);
      expect(run.stderr.trim().length).toBeGreaterThan(0);
      expect(run.stderr).not.toMatch(/at .*\.ts:\d+/); // a message, not a stack trace
    },
  );
});
