import { describe, expect, it } from 'vitest';
import { validateDefinition } from '../../src/asl/validate.js';

function nested(depth: number): object {
  let states: Record<string, unknown> = { Leaf: { Type: 'Pass', End: true } };
  let start = 'Leaf';
  for (let i = 0; i < depth; i++) {
    states = {
      [`P${i}`]: { Type: 'Parallel', Branches: [{ StartAt: start, States: states }], End: true },
    };
    start = `P${i}`;
  }
  return { StartAt: start, States: states };
}

describe('validating deeply nested definitions', () => {
  // The schema backstop's cost grows exponentially with nesting; past a few levels only our own
  // checks run, so a hostile definition cannot hang `paystep asl validate` (found by fuzzing).
  it.each([3, 20, 60])('answers for %i nested Parallel states', (depth) => {
    expect(validateDefinition(nested(depth)).ok).toBe(true);
  });

  it('still finds a broken transition deep inside', () => {
    const definition = nested(30) as { States: Record<string, unknown> };
    const text = JSON.stringify(definition).replace(
      '"Leaf":{"Type":"Pass","End":true}',
      '"Leaf":{"Type":"Pass","Next":"Nowhere"}',
    );
    const result = validateDefinition(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.diagnostics[0]?.message).toContain('Nowhere');
  });
});
