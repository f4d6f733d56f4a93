/**
 * Conformance of the engine to the States Language and AWS Step Functions, state type by state
 * type, each case a small definition run on the real engine with the virtual clock.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createTestEngine } from './harness.js';
import type { TestEngine } from './harness.js';

let t: TestEngine;
afterEach(async () => {
  await t.close();
});

const fn = (name: string) => `arn:aws:lambda:us-east-1:000000000000:function:${name}`;
const fail = (name: string, message = 'boom') => {
  const error = new Error(message);
  error.name = name;
  return error;
};

interface Case {
  name: string;
  definition: object;
  input?: unknown;
  expected: { status: string; output?: unknown; error?: string };
}

const passCases: Case[] = [
  {
    name: 'Pass with Result and ResultPath merges the result into the input',
    definition: {
      StartAt: 'P',
      States: { P: { Type: 'Pass', Result: { b: 2 }, ResultPath: '$.r', End: true } },
    },
    input: { a: 1 },
    expected: { status: 'SUCCEEDED', output: { a: 1, r: { b: 2 } } },
  },
  {
    name: 'ResultPath null keeps the input and discards the result',
    definition: {
      StartAt: 'P',
      States: { P: { Type: 'Pass', Result: 'x', ResultPath: null, End: true } },
    },
    input: { a: 1 },
    expected: { status: 'SUCCEEDED', output: { a: 1 } },
  },
  {
    name: 'InputPath null gives the state {} as input',
    definition: { StartAt: 'P', States: { P: { Type: 'Pass', InputPath: null, End: true } } },
    input: { a: 1 },
    expected: { status: 'SUCCEEDED', output: {} },
  },
  {
    name: 'OutputPath null gives {} as output',
    definition: { StartAt: 'P', States: { P: { Type: 'Pass', OutputPath: null, End: true } } },
    input: { a: 1 },
    expected: { status: 'SUCCEEDED', output: {} },
  },
  {
    name: 'Parameters read the input, the context object and intrinsic functions',
    definition: {
      StartAt: 'P',
      States: {
        P: {
          Type: 'Pass',
          Parameters: {
            'greeting.$': "States.Format('hello {}', $.name)",
            'state.$': '$$.State.Name',
            'retries.$': '$$.State.RetryCount',
            'parts.$': 'States.ArrayPartition($.items, 2)',
          },
          End: true,
        },
      },
    },
    input: { name: 'Ada', items: [1, 2, 3] },
    expected: {
      status: 'SUCCEEDED',
      output: { greeting: 'hello Ada', state: 'P', retries: 0, parts: [[1, 2], [3]] },
    },
  },
  {
    name: 'a Parameters path absent from the input fails with States.Runtime (AWS)',
    definition: {
      StartAt: 'P',
      States: { P: { Type: 'Pass', Parameters: { 'x.$': '$.missing' }, End: true } },
    },
    expected: { status: 'FAILED', error: 'States.Runtime' },
  },
  {
    name: 'variables assigned in JSONPath mode are visible to later states only',
    definition: {
      StartAt: 'A',
      States: {
        A: { Type: 'Pass', Assign: { 'who.$': '$.name' }, Next: 'B' },
        B: { Type: 'Pass', Parameters: { 'who.$': '$who' }, End: true },
      },
    },
    input: { name: 'Ada' },
    expected: { status: 'SUCCEEDED', output: { who: 'Ada' } },
  },
];

const choiceCases: Case[] = [
  {
    name: 'Choice takes the first matching rule',
    definition: {
      StartAt: 'C',
      States: {
        C: {
          Type: 'Choice',
          Choices: [
            {
              And: [
                { Variable: '$.n', NumericGreaterThan: 1 },
                { Variable: '$.s', StringMatches: 'pay*' },
              ],
              Next: 'Both',
            },
            { Variable: '$.n', NumericGreaterThan: 1, Next: 'Big' },
          ],
          Default: 'Other',
        },
        Both: { Type: 'Pass', Result: 'both', End: true },
        Big: { Type: 'Pass', Result: 'big', End: true },
        Other: { Type: 'Pass', Result: 'other', End: true },
      },
    },
    input: { n: 5, s: 'payment' },
    expected: { status: 'SUCCEEDED', output: 'both' },
  },
  {
    name: 'no matching rule and no Default fails with States.NoChoiceMatched',
    definition: {
      StartAt: 'C',
      States: {
        C: { Type: 'Choice', Choices: [{ Variable: '$.n', NumericEquals: 1, Next: 'One' }] },
        One: { Type: 'Succeed' },
      },
    },
    input: { n: 2 },
    expected: { status: 'FAILED', error: 'States.NoChoiceMatched' },
  },
  {
    name: 'Fail takes Error and Cause from ErrorPath and CausePath',
    definition: {
      StartAt: 'F',
      States: {
        F: { Type: 'Fail', ErrorPath: '$.code', CausePath: "States.Format('bad {}', $.what)" },
      },
    },
    input: { code: 'Payment.Invalid', what: 'amount' },
    expected: { status: 'FAILED', error: 'Payment.Invalid' },
  },
];

describe('conformance', () => {
  it.each([...passCases, ...choiceCases])('$name', async ({ definition, input, expected }) => {
    t = createTestEngine();
    const result = await t.run(definition, input ?? {});
    expect(result.status).toBe(expected.status);
    if ('output' in expected) expect(result.output).toEqual(expected.output);
    if (expected.error) expect(result.error).toBe(expected.error);
  });

  it('MaxAttempts 0 never retries; Catch order picks the first matching catcher', async () => {
    let calls = 0;
    t = createTestEngine({
      handlers: {
        flaky: () => {
          calls++;
          throw fail('Custom.Error');
        },
      },
    });
    const result = await t.run({
      StartAt: 'T',
      States: {
        T: {
          Type: 'Task',
          Resource: fn('flaky'),
          Retry: [{ ErrorEquals: ['Custom.Error'], MaxAttempts: 0 }],
          Catch: [
            { ErrorEquals: ['Custom.Error'], Next: 'First' },
            { ErrorEquals: ['States.ALL'], Next: 'Second' },
          ],
          End: true,
        },
        First: { Type: 'Pass', Result: 'first', End: true },
        Second: { Type: 'Pass', Result: 'second', End: true },
      },
    });
    expect(calls).toBe(1);
    expect(result.output).toBe('first');
  });

  it('caps backoff at MaxDelaySeconds and draws full jitter below the cap', async () => {
    const times: number[] = [];
    t = createTestEngine({
      handlers: {
        flaky: () => {
          times.push(t.clock.now());
          throw fail('Custom.Error');
        },
      },
    });
    await t.run({
      StartAt: 'T',
      States: {
        T: {
          Type: 'Task',
          Resource: fn('flaky'),
          Retry: [
            {
              ErrorEquals: ['States.ALL'],
              IntervalSeconds: 10,
              BackoffRate: 3,
              MaxAttempts: 4,
              MaxDelaySeconds: 50,
              JitterStrategy: 'FULL',
            },
          ],
          End: true,
        },
      },
    });
    const gaps = times.slice(1).map((at, i) => at - (times[i] as number));
    expect(gaps).toHaveLength(4);
    const caps = [10_000, 30_000, 50_000, 50_000];
    gaps.forEach((gap, i) => {
      expect(gap).toBeGreaterThanOrEqual(0);
      expect(gap).toBeLessThanOrEqual(caps[i] as number);
    });
  });

  it('States.ALL does not catch States.Runtime (AWS)', async () => {
    t = createTestEngine({ handlers: { ok: () => 'not an object' } });
    const result = await t.run({
      StartAt: 'T',
      States: {
        T: {
          Type: 'Task',
          Resource: fn('ok'),
          ResultPath: '$.r',
          OutputPath: '$.missing',
          Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Caught' }],
          End: true,
        },
        Caught: { Type: 'Succeed' },
      },
    });
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('States.Runtime');
  });

  it('times a task out with States.Timeout, and a silent callback with States.HeartbeatTimeout', async () => {
    t = createTestEngine({
      handlers: { hang: () => t.clock.sleep(3_600_000).then(() => 'late'), park: () => null },
    });
    const timedOut = await t.run({
      StartAt: 'T',
      States: { T: { Type: 'Task', Resource: fn('hang'), TimeoutSeconds: 5, End: true } },
    });
    expect(timedOut.error).toBe('States.Timeout');
    expect(timedOut.history.map((e) => e.type)).toContain('LambdaFunctionTimedOut');
    const heartbeat = await t.run({
      StartAt: 'T',
      States: {
        T: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
          Parameters: { FunctionName: 'park', Payload: { 'token.$': '$$.Task.Token' } },
          HeartbeatSeconds: 30,
          TimeoutSeconds: 600,
          End: true,
        },
      },
    });
    expect(heartbeat.error).toBe('States.HeartbeatTimeout');
  });

  it('fails a Parallel state with the error of a failed branch, and Catch handles it', async () => {
    t = createTestEngine({ handlers: { bad: () => Promise.reject(fail('Branch.Broken')) } });
    const result = await t.run({
      StartAt: 'Both',
      States: {
        Both: {
          Type: 'Parallel',
          Branches: [
            { StartAt: 'Bad', States: { Bad: { Type: 'Task', Resource: fn('bad'), End: true } } },
            { StartAt: 'Slow', States: { Slow: { Type: 'Wait', Seconds: 60, End: true } } },
          ],
          Catch: [{ ErrorEquals: ['Branch.Broken'], ResultPath: '$.error', Next: 'Handled' }],
          End: true,
        },
        Handled: { Type: 'Pass', End: true },
      },
    });
    expect(result.status).toBe('SUCCEEDED');
    expect((result.output as { error: { Error: string } }).error.Error).toBe('Branch.Broken');
  });

  it('tolerates Map iteration failures up to ToleratedFailureCount, then fails with ExceedToleratedFailureThreshold', async () => {
    t = createTestEngine({
      handlers: {
        check: (n) => {
          if ((n as number) < 0) throw fail('Item.Negative');
          return n;
        },
      },
    });
    const map = (tolerated: number) => ({
      StartAt: 'M',
      States: {
        M: {
          Type: 'Map',
          ToleratedFailureCount: tolerated,
          ItemProcessor: {
            StartAt: 'C',
            States: { C: { Type: 'Task', Resource: fn('check'), End: true } },
          },
          End: true,
        },
      },
    });
    const tolerated = await t.run(map(1), [1, -1, 3]);
    expect(tolerated.status).toBe('SUCCEEDED');
    expect((tolerated.output as unknown[])[1]).toMatchObject({ Error: 'Item.Negative' });
    const exceeded = await t.run(map(1), [-1, -2, 3]);
    expect(exceeded.error).toBe('States.ExceedToleratedFailureThreshold');
  });

  it('passes $$.Map.Item.Index and Value to ItemSelector', async () => {
    t = createTestEngine();
    const result = await t.run(
      {
        StartAt: 'M',
        States: {
          M: {
            Type: 'Map',
            ItemsPath: '$.items',
            ItemSelector: {
              'index.$': '$$.Map.Item.Index',
              'value.$': '$$.Map.Item.Value',
              'tag.$': '$.tag',
            },
            ItemProcessor: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } },
            End: true,
          },
        },
      },
      { tag: 't', items: ['a', 'b'] },
    );
    expect(result.output).toEqual([
      { index: 0, value: 'a', tag: 't' },
      { index: 1, value: 'b', tag: 't' },
    ]);
  });

  it('waits until a Timestamp read from the input', async () => {
    t = createTestEngine();
    const at = new Date(t.clock.now() + 90 * 60_000).toISOString();
    const result = await t.run(
      { StartAt: 'W', States: { W: { Type: 'Wait', TimestampPath: '$.at', End: true } } },
      { at },
    );
    expect(result.status).toBe('SUCCEEDED');
    expect(t.clock.now()).toBe(Date.parse(at));
  });

  it('holds executions beyond maxConcurrentExecutions until others finish', async () => {
    let running = 0;
    let peak = 0;
    t = createTestEngine(
      {
        handlers: {
          work: async () => {
            running++;
            peak = Math.max(peak, running);
            await t.clock.sleep(1000);
            running--;
            return null;
          },
        },
      },
      undefined,
      { maxConcurrentExecutions: 2 },
    );
    const { stateMachineArn } = t.control.createStateMachine({
      name: 'capped',
      definition: JSON.stringify({
        StartAt: 'W',
        States: { W: { Type: 'Task', Resource: fn('work'), End: true } },
      }),
    });
    const started = await Promise.all(
      [1, 2, 3, 4, 5].map(() => t.control.startExecution({ stateMachineArn })),
    );
    const rows = await Promise.all(started.map((s) => t.engine.waitForExecution(s.executionArn)));
    expect(rows.every((row) => row.status === 'SUCCEEDED')).toBe(true);
    expect(peak).toBe(2);
  });
});
