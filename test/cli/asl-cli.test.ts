/**
 * The `paystep asl` commands as a user runs them: a real child process, a definition file, a
 * tasks module; the last stdout line is the JSON result.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const bin = join(import.meta.dirname, '..', '..', 'bin', 'paystep.js');
const dir = mkdtempSync(join(tmpdir(), 'paystep-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function paystep(...args: string[]) {
  return spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 60_000 });
}

function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

const definition = file(
  'flow.json',
  JSON.stringify({
    TimeoutSeconds: 600,
    StartAt: 'Greet',
    States: {
      Greet: {
        Type: 'Task',
        Resource: 'arn:aws:lambda:us-east-1:000000000000:function:greet',
        Next: 'Rest',
      },
      Rest: { Type: 'Wait', Seconds: 300, Next: 'Done' },
      Done: { Type: 'Pass', End: true },
    },
  }),
);
const tasks = file(
  'tasks.mjs',
  'export default { greet: async (input) => ({ greeting: `hello ${input.name}` }) };',
);

describe('paystep asl', () => {
  it('validates a good definition with exit 0 and a bad one with exit 2 and messages', () => {
    expect(paystep('asl', 'validate', definition).status).toBe(0);
    const bad = file(
      'bad.json',
      JSON.stringify({ StartAt: 'A', States: { A: { Type: 'Pass', Next: 'B' } } }),
    );
    const result = paystep('asl', 'validate', bad);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("'B'");
  });

  it('runs a definition on virtual time and prints one JSON line last', () => {
    const result = paystep(
      'asl',
      'run',
      definition,
      '--input',
      '{"name":"Ada"}',
      '--tasks',
      tasks,
      '--virtual-time',
    );
    expect(result.status).toBe(0);
    const last = result.stdout.trim().split('\n').pop() as string;
    expect(JSON.parse(last)).toEqual({
      status: 'SUCCEEDED',
      output: { greeting: 'hello Ada' },
      error: null,
      cause: null,
    });
  });

  it('reports a TIMED_OUT execution with States.Timeout and still exits 0', () => {
    const slow = file(
      'slow.json',
      JSON.stringify({
        TimeoutSeconds: 60,
        StartAt: 'Nap',
        States: { Nap: { Type: 'Wait', Seconds: 3600, End: true } },
      }),
    );
    const result = paystep('asl', 'run', slow, '--virtual-time');
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout.trim().split('\n').pop() as string)).toMatchObject({
      status: 'TIMED_OUT',
      error: 'States.Timeout',
    });
  });

  it('exits 2 on bad usage', () => {
    expect(paystep('asl', 'run', definition, '--input', '{not json').status).toBe(2);
    expect(paystep('nonsense').status).toBe(2);
  });
});
