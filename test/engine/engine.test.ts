import { afterEach, describe, expect, it } from 'vitest';
import { createTestEngine } from './harness.js';
import type { TestEngine } from './harness.js';

let t: TestEngine;
afterEach(async () => {
  await t.close();
});

const fn = (name: string) => `arn:aws:lambda:us-east-1:000000000000:function:${name}`;
let machines = 0;

/** Creates a state machine (named uniquely unless a name is given); returns its ARN. */
function machineOf(engine: TestEngine, definition: object, name = `m-${++machines}`): string {
  return engine.control.createStateMachine({ name, definition: JSON.stringify(definition) })
    .stateMachineArn;
}

const waitDefinition = { StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 10, End: true } } };

/** A state machine whose executions wait 10 s: they stay RUNNING while a test starts others. */
function waitingMachine(engine: TestEngine, name: string): string {
  return machineOf(engine, waitDefinition, name);
}

/** Rows a closed execution must not leave behind: child runs, timers (each keeps its root run). */
function leftovers(engine: TestEngine): { runs: number; timers: number } {
  const count = (sql: string) => (engine.db.prepare(sql).get() as { n: number }).n;
  return {
    runs: count("SELECT COUNT(*) AS n FROM runs WHERE status != 'ENDED'"),
    timers: count('SELECT COUNT(*) AS n FROM timers'),
  };
}

/** An execution's row as stored, for comparing with what a waiter was handed. */
function storedRow(engine: TestEngine, executionArn: string): unknown {
  return engine.db.prepare('SELECT * FROM executions WHERE arn = ?').get(executionArn);
}

describe('durable engine', () => {
  it('runs Pass, Task and Choice states to success with JSONPath processing', async () => {
    t = createTestEngine({
      handlers: { double: (input) => ({ value: (input as { n: number }).n * 2 }) },
    });
    const result = await t.run(
      {
        StartAt: 'Prepare',
        States: {
          Prepare: {
            Type: 'Pass',
            Parameters: { 'n.$': '$.start' },
            ResultPath: '$.prepared',
            Next: 'Double',
          },
          Double: {
            Type: 'Task',
            Resource: fn('double'),
            InputPath: '$.prepared',
            ResultPath: '$.doubled',
            Next: 'Check',
          },
          Check: {
            Type: 'Choice',
            Choices: [{ Variable: '$.doubled.value', NumericGreaterThan: 10, Next: 'Big' }],
            Default: 'Small',
          },
          Big: { Type: 'Succeed', OutputPath: '$.doubled' },
          Small: { Type: 'Fail', Error: 'TooSmall', Cause: 'value under 10' },
        },
      },
      { start: 21 },
    );
    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toEqual({ value: 42 });
    expect(result.history.map((e) => e.type)).toEqual([
      'ExecutionStarted',
      'PassStateEntered',
      'PassStateExited',
      'TaskStateEntered',
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
      'LambdaFunctionSucceeded',
      'TaskStateExited',
      'ChoiceStateEntered',
      'ChoiceStateExited',
      'SucceedStateEntered',
      'SucceedStateExited',
      'ExecutionSucceeded',
    ]);
  });

  it('retries with backoff until MaxAttempts, then catches into the fallback', async () => {
    const attempts: number[] = [];
    t = createTestEngine({
      handlers: {
        flaky: () => {
          attempts.push(t.clock.now());
          const error = new Error('gateway unavailable');
          error.name = 'Gateway.Transient';
          throw error;
        },
      },
    });
    const result = await t.run({
      StartAt: 'Charge',
      States: {
        Charge: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Parameters: { FunctionName: fn('flaky'), 'Payload.$': '$' },
          Retry: [
            {
              ErrorEquals: ['Gateway.Transient'],
              IntervalSeconds: 2,
              MaxAttempts: 3,
              BackoffRate: 2,
            },
          ],
          Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Alert' }],
          End: true,
        },
        Alert: { Type: 'Pass', End: true },
      },
    });
    expect(result.status).toBe('SUCCEEDED');
    const gaps = attempts.slice(1).map((at, i) => at - (attempts[i] as number));
    expect(gaps).toEqual([2000, 4000, 8000]);
    const output = result.output as { error: { Error: string; Cause: string } };
    expect(output.error.Error).toBe('Gateway.Transient');
    expect(JSON.parse(output.error.Cause)).toMatchObject({
      errorMessage: 'gateway unavailable',
      errorType: 'Gateway.Transient',
    });
    expect(leftovers(t)).toEqual({ runs: 0, timers: 0 });
  });

  it('runs Parallel branches and Map iterations as child runs and gathers their results in order', async () => {
    t = createTestEngine({ handlers: { square: (n) => (n as number) * (n as number) } });
    const result = await t.run(
      {
        StartAt: 'Both',
        States: {
          Both: {
            Type: 'Parallel',
            Branches: [
              {
                StartAt: 'Squares',
                States: {
                  Squares: {
                    Type: 'Map',
                    ItemsPath: '$.numbers',
                    MaxConcurrency: 2,
                    ItemProcessor: {
                      StartAt: 'Square',
                      States: { Square: { Type: 'Task', Resource: fn('square'), End: true } },
                    },
                    End: true,
                  },
                },
              },
              {
                StartAt: 'Label',
                States: { Label: { Type: 'Pass', Result: 'squares', End: true } },
              },
            ],
            End: true,
          },
        },
      },
      { numbers: [1, 2, 3, 4] },
    );
    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toEqual([[1, 4, 9, 16], 'squares']);
    expect(leftovers(t)).toEqual({ runs: 0, timers: 0 });
  });

  it('waits on the virtual clock and times out an execution past TimeoutSeconds', async () => {
    t = createTestEngine();
    const before = t.clock.now();
    const waited = await t.run({
      StartAt: 'Nap',
      States: { Nap: { Type: 'Wait', Seconds: 3600, End: true } },
    });
    expect(waited.status).toBe('SUCCEEDED');
    expect(t.clock.now() - before).toBe(3_600_000);
    const timedOut = await t.run({
      TimeoutSeconds: 60,
      StartAt: 'Nap',
      States: { Nap: { Type: 'Wait', Seconds: 3600, End: true } },
    });
    expect(timedOut.status).toBe('TIMED_OUT');
    expect(timedOut.error).toBe('States.Timeout');
    expect(leftovers(t)).toEqual({ runs: 0, timers: 0 });
  });

  it('hands a waiter the closed row exactly as stored, whatever the ending', async () => {
    let calls = 0;
    t = createTestEngine({
      handlers: {
        flaky: () => {
          calls++;
          if (calls === 1) throw new Error('first call fails');
          return { ok: true };
        },
      },
    });
    const machine = (definition: object) => machineOf(t, definition);
    const endings = [
      machine({ StartAt: 'P', States: { P: { Type: 'Pass', Result: { n: 1 }, End: true } } }),
      machine({ StartAt: 'F', States: { F: { Type: 'Fail', Error: 'E', Cause: 'c' } } }),
      machine({
        TimeoutSeconds: 5,
        StartAt: 'W',
        States: { W: { Type: 'Wait', Seconds: 60, End: true } },
      }),
    ];
    for (const stateMachineArn of endings) {
      const { executionArn } = await t.control.startExecution({
        stateMachineArn,
        input: '{"a":1}',
      });
      const row = await t.engine.waitForExecution(executionArn);
      expect(JSON.stringify(row)).toBe(JSON.stringify(storedRow(t, executionArn)));
    }

    const { executionArn: stopped } = await t.control.startExecution({
      stateMachineArn: waitingMachine(t, 'ending-stop'),
    });
    const aborted = t.engine.waitForExecution(stopped);
    await t.control.stopExecution({ executionArn: stopped, error: 'Stop', cause: 'by test' });
    expect(JSON.stringify(await aborted)).toBe(JSON.stringify(storedRow(t, stopped)));

    const { executionArn: redriven } = await t.control.startExecution({
      stateMachineArn: machine({
        StartAt: 'T',
        States: { T: { Type: 'Task', Resource: fn('flaky'), End: true } },
      }),
    });
    expect((await t.engine.waitForExecution(redriven)).status).toBe('FAILED');
    await t.control.redriveExecution(redriven);
    const row = await t.engine.waitForExecution(redriven);
    expect(row).toMatchObject({ status: 'SUCCEEDED', redrive_count: 1 });
    expect(JSON.stringify(row)).toBe(JSON.stringify(storedRow(t, redriven)));
  });

  it.each([
    {
      where: 'in a Wait (its timer)',
      definition: waitDefinition,
      before: { runs: 1, timers: 1 },
    },
    {
      where: 'inside a Parallel (its child run)',
      definition: {
        StartAt: 'Both',
        States: {
          Both: {
            Type: 'Parallel',
            Branches: [
              {
                StartAt: 'Park',
                States: {
                  Park: {
                    Type: 'Task',
                    Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
                    Parameters: { FunctionName: 'park', Payload: { 'token.$': '$$.Task.Token' } },
                    End: true,
                  },
                },
              },
            ],
            End: true,
          },
        },
      },
      before: { runs: 2, timers: 0 },
    },
  ])('leaves nothing behind of an execution stopped $where', async ({ definition, before }) => {
    t = createTestEngine({ handlers: { park: () => null } });
    const { executionArn } = await t.control.startExecution({
      stateMachineArn: machineOf(t, definition),
      name: 'TXN-STOP',
      input: '{}',
    });
    expect(leftovers(t)).toEqual(before);

    await t.control.stopExecution({ executionArn });

    expect((await t.engine.waitForExecution(executionArn)).status).toBe('ABORTED');
    expect(leftovers(t)).toEqual({ runs: 0, timers: 0 });
  });

  it('starts idempotently by name: same input returns the running execution, other input is refused', async () => {
    t = createTestEngine();
    const stateMachineArn = waitingMachine(t, 'idem');
    const first = await t.control.startExecution({
      stateMachineArn,
      name: 'TXN-1',
      input: '{"a":1}',
    });
    const again = await t.control.startExecution({
      stateMachineArn,
      name: 'TXN-1',
      input: '{"a":1}',
    });
    expect(again.executionArn).toBe(first.executionArn);
    await expect(
      t.control.startExecution({ stateMachineArn, name: 'TXN-1', input: '{"a":2}' }),
    ).rejects.toMatchObject({
      code: 'ExecutionAlreadyExists',
    });
    await t.engine.waitForExecution(first.executionArn);
    await expect(
      t.control.startExecution({ stateMachineArn, name: 'TXN-1', input: '{"a":1}' }),
    ).rejects.toMatchObject({
      code: 'ExecutionAlreadyExists',
    });
  });

  it('decides a start racing an uncommitted start of the same name once that one is committed', async () => {
    t = createTestEngine();
    const stateMachineArn = waitingMachine(t, 'race');
    const start = (input: string) =>
      t.control.startExecution({ stateMachineArn, name: 'TXN-RACE', input });
    // All three are called before the first can have committed.
    const [first, same, other] = await Promise.allSettled([
      start('{"a":1}'),
      start('{"a":1}'),
      start('{"a":2}'),
    ]);
    expect(first.status).toBe('fulfilled');
    expect(same).toEqual(first);
    expect(other).toMatchObject({
      status: 'rejected',
      reason: { code: 'ExecutionAlreadyExists' },
    });
    // Each answer speaks of a durable execution: it can be described at once.
    const arn = (first as PromiseFulfilledResult<{ executionArn: string }>).value.executionArn;
    expect(t.control.describeExecution(arn)).toMatchObject({ input: '{"a":1}' });
  });

  it('refuses starts left uncommitted by a stop, and any start of the same name behind them', async () => {
    t = createTestEngine();
    const stateMachineArn = waitingMachine(t, 'stopping');
    const start = () =>
      t.control.startExecution({ stateMachineArn, name: 'TXN-STOP', input: '{"a":1}' });
    // Both are offered before the engine's loop has taken the first from its inbox.
    const offered = Promise.allSettled([start(), start()]);
    await t.engine.stop();
    const stopped = /engine stopped before this was committed: nothing of it was recorded/;
    const results = await offered;
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    for (const result of results) {
      expect(String((result as PromiseRejectedResult).reason)).toMatch(stopped);
    }
    await expect(start()).rejects.toThrow(stopped);
    expect(t.db.prepare('SELECT COUNT(*) AS n FROM executions').get()).toEqual({ n: 0 });
  });

  it('parks a callback task until SendTaskSuccess and resumes with its output', async () => {
    let token = '';
    t = createTestEngine({
      handlers: {
        review: (input) => {
          token = (input as { token: string }).token;
          return null;
        },
      },
    });
    const { stateMachineArn } = t.control.createStateMachine({
      name: 'callback',
      definition: JSON.stringify({
        StartAt: 'Review',
        States: {
          Review: {
            Type: 'Task',
            Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
            Parameters: { FunctionName: 'review', Payload: { 'token.$': '$$.Task.Token' } },
            End: true,
          },
        },
      }),
    });
    const { executionArn } = await t.control.startExecution({ stateMachineArn });
    while (!token) await new Promise((resolve) => setImmediate(resolve));
    await t.engine.sendTaskSuccess(token, '{"approved":true}');
    const row = await t.engine.waitForExecution(executionArn);
    expect(row.status).toBe('SUCCEEDED');
    expect(JSON.parse(row.output as string)).toEqual({ approved: true });
    await expect(t.engine.sendTaskSuccess(token, '{}')).rejects.toMatchObject({
      code: 'TaskDoesNotExist',
    });
  });

  it('runs a JSONata workflow with variables, Arguments, Output and a Map over Items', async () => {
    t = createTestEngine({
      handlers: { price: (input) => ({ cents: (input as { qty: number }).qty * 250 }) },
    });
    const result = await t.run(
      {
        QueryLanguage: 'JSONata',
        StartAt: 'Remember',
        States: {
          Remember: {
            Type: 'Pass',
            Assign: { customer: '{% $states.input.customer %}' },
            Next: 'Price',
          },
          Price: {
            Type: 'Map',
            Items: '{% $states.input.lines %}',
            ItemProcessor: {
              StartAt: 'One',
              States: {
                One: {
                  Type: 'Task',
                  Resource: fn('price'),
                  Arguments: { qty: '{% $states.input.qty %}' },
                  End: true,
                },
              },
            },
            Output: { customer: '{% $customer %}', total: '{% $sum($states.result.cents) %}' },
            End: true,
          },
        },
      },
      { customer: 'CUST-1', lines: [{ qty: 1 }, { qty: 3 }] },
    );
    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toEqual({ customer: 'CUST-1', total: 1000 });
  });

  it('tells listeners about committed history events in order', async () => {
    const heard: string[] = [];
    t = createTestEngine({}, undefined, {
      onEvents: (_arn, _machine, events) => {
        for (const event of events) heard.push(event.type as string);
      },
    });
    const result = await t.run({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } });
    expect(heard).toEqual(result.history.map((event) => event.type));
  });
});

describe('callbacks across a restart', () => {
  it('keeps a parked task token valid after the engine restarts on the same file', async () => {
    let token = '';
    const handlers = {
      park: (input: unknown) => {
        token = (input as { token: string }).token;
        return null;
      },
    };
    const first = createTestEngine({ handlers });
    const { stateMachineArn } = first.control.createStateMachine({
      name: 'parked',
      definition: JSON.stringify({
        StartAt: 'Review',
        States: {
          Review: {
            Type: 'Task',
            Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
            Parameters: { FunctionName: 'park', Payload: { 'token.$': '$$.Task.Token' } },
            End: true,
          },
        },
      }),
    });
    const { executionArn } = await first.control.startExecution({ stateMachineArn });
    while (!token) await new Promise((resolve) => setImmediate(resolve));
    const parked = token;
    await first.engine.stop();
    first.db.close();

    t = createTestEngine({ handlers }, first.file);
    await t.engine.sendTaskSuccess(parked, '{"decision":"approve"}');
    const row = await t.engine.waitForExecution(executionArn);
    expect(row.status).toBe('SUCCEEDED');
    expect(JSON.parse(row.output as string)).toEqual({ decision: 'approve' });
    // Recovered, then closed: the waiter's row is still the stored one.
    expect(JSON.stringify(row)).toBe(JSON.stringify(storedRow(t, executionArn)));
  });
});
