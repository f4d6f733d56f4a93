/**
 * The official AWS SDK (`@aws-sdk/client-sfn`) drives the local engine through the AWS JSON 1.0
 * endpoint: every action the endpoint answers, its pagination, and AWS's exception names.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CreateStateMachineCommand,
  DeleteStateMachineCommand,
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  DescribeStateMachineForExecutionCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  RedriveExecutionCommand,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  StartExecutionCommand,
  StopExecutionCommand,
  UpdateStateMachineCommand,
  ValidateStateMachineDefinitionCommand,
} from '@aws-sdk/client-sfn';
import type { HistoryEvent, SFNClient } from '@aws-sdk/client-sfn';
import type { TaskHandler } from '../../src/engine/resources.js';
import { startSfnServer } from './sfn-server.js';
import type { SfnServer } from './sfn-server.js';

const epoch = Date.UTC(2026, 0, 1);
const roleArn = 'arn:aws:iam::000000000000:role/paystep-test';

const passMachine = {
  StartAt: 'Hello',
  States: { Hello: { Type: 'Pass', Result: { hello: 'world' }, End: true } },
};

/** Succeeds, or fails with error Declined when the input says `{"fail": true}`. */
const choiceMachine = {
  StartAt: 'Check',
  States: {
    Check: {
      Type: 'Choice',
      Choices: [{ Variable: '$.fail', BooleanEquals: true, Next: 'Declined' }],
      Default: 'Approved',
    },
    Approved: { Type: 'Succeed' },
    Declined: { Type: 'Fail', Error: 'Declined', Cause: 'card declined' },
  },
};

/** A callback task: the `hold` handler receives the task token and returns at once. */
const callbackMachine = {
  StartAt: 'Review',
  States: {
    Review: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Parameters: { FunctionName: 'hold', Payload: { 'token.$': '$$.Task.Token' } },
      End: true,
    },
  },
};

let server: SfnServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(handlers: Record<string, TaskHandler> = {}): Promise<SfnServer> {
  server = await startSfnServer({ handlers });
  return server;
}

async function createMachine(client: SFNClient, name: string, definition: object) {
  const { stateMachineArn } = await client.send(
    new CreateStateMachineCommand({ roleArn, name, definition: JSON.stringify(definition) }),
  );
  return stateMachineArn as string;
}

/** A callback server whose `hold` handler hands out each token through `nextToken()`. */
async function startWithCallback() {
  const tokens: string[] = [];
  const waiting: ((token: string) => void)[] = [];
  const s = await start({
    hold: (input) => {
      const token = (input as { token: string }).token;
      const resolve = waiting.shift();
      if (resolve) resolve(token);
      else tokens.push(token);
      return null;
    },
  });
  const nextToken = (): Promise<string> => {
    const token = tokens.shift();
    if (token !== undefined) return Promise.resolve(token);
    return new Promise((resolve) => waiting.push(resolve));
  };
  return { s, nextToken };
}

/** Rejections as the SDK raises them: `name` is AWS's exception name. */
async function errorName(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as Error).name;
  }
  throw new Error('expected the call to fail');
}

describe('state machines through the AWS SDK', () => {
  it('creates, describes, updates and deletes a state machine', async () => {
    const { client } = await start();
    const created = await client.send(
      new CreateStateMachineCommand({
        roleArn,
        name: 'payments',
        definition: JSON.stringify(passMachine),
      }),
    );
    expect(created.stateMachineArn).toBe(
      'arn:aws:states:us-east-1:000000000000:stateMachine:payments',
    );
    expect(created.creationDate).toEqual(new Date(epoch));
    const arn = created.stateMachineArn as string;

    const described = await client.send(new DescribeStateMachineCommand({ stateMachineArn: arn }));
    expect(described).toMatchObject({
      stateMachineArn: arn,
      name: 'payments',
      status: 'ACTIVE',
      type: 'STANDARD',
      roleArn,
      definition: JSON.stringify(passMachine),
    });
    expect(described.creationDate).toBeInstanceOf(Date);

    const changed = { ...passMachine, Comment: 'v2' };
    const updated = await client.send(
      new UpdateStateMachineCommand({ stateMachineArn: arn, definition: JSON.stringify(changed) }),
    );
    expect(updated.updateDate).toBeInstanceOf(Date);
    expect(updated.revisionId).toBeTruthy();
    const after = await client.send(new DescribeStateMachineCommand({ stateMachineArn: arn }));
    expect(after.definition).toBe(JSON.stringify(changed));
    expect(after.revisionId).toBe(updated.revisionId);

    await client.send(new DeleteStateMachineCommand({ stateMachineArn: arn }));
    expect(
      await errorName(client.send(new DescribeStateMachineCommand({ stateMachineArn: arn }))),
    ).toBe('StateMachineDoesNotExist');
  });

  it('returns the same machine for an identical create and StateMachineAlreadyExists for a different one', async () => {
    const { client } = await start();
    const first = await createMachine(client, 'twice', passMachine);
    expect(await createMachine(client, 'twice', passMachine)).toBe(first);
    expect(
      await errorName(
        client.send(
          new CreateStateMachineCommand({
            roleArn,
            name: 'twice',
            definition: JSON.stringify(choiceMachine),
          }),
        ),
      ),
    ).toBe('StateMachineAlreadyExists');
  });

  it('refuses an invalid definition with InvalidDefinition carrying the validator messages', async () => {
    const { client } = await start();
    const error = await client
      .send(
        new CreateStateMachineCommand({
          roleArn,
          name: 'broken',
          definition: JSON.stringify({
            StartAt: 'Nowhere',
            States: { A: { Type: 'Pass', End: true } },
          }),
        }),
      )
      .then(
        () => undefined,
        (e: unknown) => e as Error,
      );
    expect(error?.name).toBe('InvalidDefinition');
    expect(error?.message).toMatch(/Invalid State Machine Definition/);
    expect(error?.message).toMatch(/Nowhere/);
    expect(
      await errorName(
        client.send(
          new UpdateStateMachineCommand({
            stateMachineArn: await createMachine(client, 'ok', passMachine),
            definition: '{',
          }),
        ),
      ),
    ).toBe('InvalidDefinition');
  });

  it('pages through ListStateMachines with nextToken', async () => {
    const { client } = await start();
    const names = ['m-a', 'm-b', 'm-c', 'm-d', 'm-e'];
    for (const name of names) await createMachine(client, name, passMachine);
    const seen: string[] = [];
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const page = await client.send(
        new ListStateMachinesCommand({ maxResults: 2, ...(nextToken ? { nextToken } : {}) }),
      );
      pages++;
      expect(page.stateMachines?.length).toBeLessThanOrEqual(2);
      for (const machine of page.stateMachines ?? []) {
        expect(machine.creationDate).toBeInstanceOf(Date);
        expect(machine.type).toBe('STANDARD');
        seen.push(machine.name as string);
      }
      nextToken = page.nextToken;
    } while (nextToken);
    expect(pages).toBe(3);
    expect(seen).toEqual(names);
  });

  it.each([
    ['OK', passMachine, 'OK', 0],
    ['FAIL', { StartAt: 'Missing', States: { A: { Type: 'Pass', End: true } } }, 'FAIL', 1],
  ] as const)('validates a definition: %s', async (_label, definition, result, minDiagnostics) => {
    const { client } = await start();
    const out = await client.send(
      new ValidateStateMachineDefinitionCommand({ definition: JSON.stringify(definition) }),
    );
    expect(out.result).toBe(result);
    expect(out.diagnostics?.length ?? 0).toBeGreaterThanOrEqual(minDiagnostics);
    if (result === 'OK') expect(out.diagnostics).toEqual([]);
    for (const diagnostic of out.diagnostics ?? []) {
      expect(diagnostic.severity).toBe('ERROR');
      expect(diagnostic.code).toBeTruthy();
      expect(diagnostic.message).toBeTruthy();
    }
  });
});

describe('executions through the AWS SDK', () => {
  it('starts an execution, describes it with Date objects and its state machine', async () => {
    const { client, t } = await start();
    const machineArn = await createMachine(client, 'pay', passMachine);
    const started = await client.send(
      new StartExecutionCommand({ stateMachineArn: machineArn, name: 'order-1', input: '{"a":1}' }),
    );
    expect(started.executionArn).toBe(
      'arn:aws:states:us-east-1:000000000000:execution:pay:order-1',
    );
    expect(started.startDate).toEqual(new Date(epoch));
    const arn = started.executionArn as string;
    await t.engine.waitForExecution(arn);

    const described = await client.send(new DescribeExecutionCommand({ executionArn: arn }));
    expect(described).toMatchObject({
      executionArn: arn,
      stateMachineArn: machineArn,
      name: 'order-1',
      status: 'SUCCEEDED',
      input: '{"a":1}',
      redriveCount: 0,
      redriveStatus: 'NOT_REDRIVABLE',
    });
    expect(JSON.parse(described.output as string)).toEqual({ hello: 'world' });
    expect(described.startDate).toBeInstanceOf(Date);
    expect(described.stopDate).toBeInstanceOf(Date);
    expect((described.stopDate as Date).getTime()).toBeGreaterThanOrEqual(epoch);

    const machine = await client.send(
      new DescribeStateMachineForExecutionCommand({ executionArn: arn }),
    );
    expect(machine).toMatchObject({
      stateMachineArn: machineArn,
      name: 'pay',
      definition: JSON.stringify(passMachine),
    });
    expect(machine.updateDate).toBeInstanceOf(Date);
  });

  it('is idempotent by name for the same input while running and refuses a different input', async () => {
    const { s, nextToken } = await startWithCallback();
    const machineArn = await createMachine(s.client, 'cb', callbackMachine);
    const request = { stateMachineArn: machineArn, name: 'once', input: '{"x":1}' };
    const first = await s.client.send(new StartExecutionCommand(request));
    const again = await s.client.send(new StartExecutionCommand(request));
    expect(again.executionArn).toBe(first.executionArn);
    expect(again.startDate).toEqual(first.startDate);
    expect(
      await errorName(s.client.send(new StartExecutionCommand({ ...request, input: '{"x":2}' }))),
    ).toBe('ExecutionAlreadyExists');
    await s.client.send(new SendTaskSuccessCommand({ taskToken: await nextToken(), output: '{}' }));
    await s.t.engine.waitForExecution(first.executionArn as string);
  });

  it('lists executions filtered by status and paged with nextToken', async () => {
    const { client, t } = await start();
    const machineArn = await createMachine(client, 'choice', choiceMachine);
    const outcomes = { e1: false, e2: true, e3: false, e4: true, e5: false };
    for (const [name, fail] of Object.entries(outcomes)) {
      const { executionArn } = await client.send(
        new StartExecutionCommand({
          stateMachineArn: machineArn,
          name,
          input: JSON.stringify({ fail }),
        }),
      );
      await t.engine.waitForExecution(executionArn as string);
    }

    const failed = await client.send(
      new ListExecutionsCommand({ stateMachineArn: machineArn, statusFilter: 'FAILED' }),
    );
    expect(failed.executions?.map((e) => e.name).sort()).toEqual(['e2', 'e4']);
    expect(failed.executions?.every((e) => e.status === 'FAILED')).toBe(true);

    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await client.send(
        new ListExecutionsCommand({
          stateMachineArn: machineArn,
          maxResults: 2,
          ...(token ? { nextToken: token } : {}),
        }),
      );
      pages++;
      for (const execution of page.executions ?? []) {
        expect(execution.startDate).toBeInstanceOf(Date);
        seen.push(execution.name as string);
      }
      token = page.nextToken;
    } while (token);
    expect(pages).toBe(3);
    expect(seen.sort()).toEqual(Object.keys(outcomes));
  });

  it('returns the history forwards, reversed, paged, and without execution data', async () => {
    const { client, t } = await start();
    const machineArn = await createMachine(client, 'hist', passMachine);
    const { executionArn } = await client.send(
      new StartExecutionCommand({ stateMachineArn: machineArn, input: '{"in":true}' }),
    );
    const arn = executionArn as string;
    await t.engine.waitForExecution(arn);

    const all = await client.send(new GetExecutionHistoryCommand({ executionArn: arn }));
    const events = all.events ?? [];
    expect(events.map((e) => e.type)).toEqual([
      'ExecutionStarted',
      'PassStateEntered',
      'PassStateExited',
      'ExecutionSucceeded',
    ]);
    expect(events.map((e) => e.id)).toEqual([1, 2, 3, 4]);
    expect(events[0]?.timestamp).toBeInstanceOf(Date);
    expect(events[0]?.executionStartedEventDetails?.input).toBe('{"in":true}');
    expect(JSON.parse(events[3]?.executionSucceededEventDetails?.output as string)).toEqual({
      hello: 'world',
    });

    const reversed = await client.send(
      new GetExecutionHistoryCommand({ executionArn: arn, reverseOrder: true }),
    );
    expect(reversed.events?.map((e) => e.id)).toEqual([4, 3, 2, 1]);

    const paged: HistoryEvent[] = [];
    let token: string | undefined;
    do {
      const page = await client.send(
        new GetExecutionHistoryCommand({
          executionArn: arn,
          maxResults: 3,
          ...(token ? { nextToken: token } : {}),
        }),
      );
      expect(page.events?.length).toBeLessThanOrEqual(3);
      paged.push(...(page.events ?? []));
      token = page.nextToken;
    } while (token);
    expect(paged.map((e) => e.id)).toEqual([1, 2, 3, 4]);

    const bare = await client.send(
      new GetExecutionHistoryCommand({ executionArn: arn, includeExecutionData: false }),
    );
    expect(bare.events?.[0]?.executionStartedEventDetails).toBeDefined();
    expect(bare.events?.[0]?.executionStartedEventDetails?.input).toBeUndefined();
    expect(bare.events?.[3]?.executionSucceededEventDetails?.output).toBeUndefined();
  });
});

describe('stopping executions through the AWS SDK', () => {
  it('aborts an execution parked on a callback task, with error and cause', async () => {
    const { s, nextToken } = await startWithCallback();
    const machineArn = await createMachine(s.client, 'cb', callbackMachine);
    const { executionArn } = await s.client.send(
      new StartExecutionCommand({ stateMachineArn: machineArn }),
    );
    const token = await nextToken();
    const stopped = await s.client.send(
      new StopExecutionCommand({
        executionArn: executionArn,
        error: 'Operator',
        cause: 'cancelled by support',
      }),
    );
    expect(stopped.stopDate).toBeInstanceOf(Date);
    const described = await s.client.send(
      new DescribeExecutionCommand({ executionArn: executionArn }),
    );
    expect(described).toMatchObject({
      status: 'ABORTED',
      error: 'Operator',
      cause: 'cancelled by support',
    });
    const history = await s.client.send(
      new GetExecutionHistoryCommand({ executionArn: executionArn, reverseOrder: true }),
    );
    expect(history.events?.[0]?.type).toBe('ExecutionAborted');
    // The task's token died with its execution.
    expect(
      await errorName(
        s.client.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' })),
      ),
    ).toBe('TaskDoesNotExist');
  });

  it('aborts an execution parked on a day-long Wait', async () => {
    // A Parallel branch holds a task in flight (real work, so virtual time cannot jump) while
    // the other branch sits on the Wait.
    let release: (value: null) => void = () => undefined;
    let entered: () => void = () => undefined;
    const invoked = new Promise<void>((resolve) => (entered = resolve));
    const { client } = await start({
      busy: () => {
        entered();
        return new Promise<null>((resolve) => (release = resolve));
      },
    });
    const machineArn = await createMachine(client, 'waits', {
      StartAt: 'Both',
      States: {
        Both: {
          Type: 'Parallel',
          End: true,
          Branches: [
            { StartAt: 'Day', States: { Day: { Type: 'Wait', Seconds: 86400, End: true } } },
            { StartAt: 'Busy', States: { Busy: { Type: 'Task', Resource: 'busy', End: true } } },
          ],
        },
      },
    });
    const { executionArn } = await client.send(
      new StartExecutionCommand({ stateMachineArn: machineArn }),
    );
    const arn = executionArn as string;
    await invoked;
    let types: string[] = [];
    while (!types.includes('WaitStateEntered')) {
      const page = await client.send(new GetExecutionHistoryCommand({ executionArn: arn }));
      types = (page.events ?? []).map((e) => e.type as string);
    }
    expect((await client.send(new DescribeExecutionCommand({ executionArn: arn }))).status).toBe(
      'RUNNING',
    );
    await client.send(new StopExecutionCommand({ executionArn: arn, error: 'E', cause: 'C' }));
    release(null);
    const described = await client.send(new DescribeExecutionCommand({ executionArn: arn }));
    expect(described).toMatchObject({ status: 'ABORTED', error: 'E', cause: 'C' });
    expect(described.stopDate).toEqual(new Date(epoch));
    const history = await client.send(new GetExecutionHistoryCommand({ executionArn: arn }));
    expect(history.events?.map((e) => e.type)).not.toContain('WaitStateExited');
  });
});

describe('redriving executions through the AWS SDK', () => {
  it('restarts a failed execution from the failed state once its handler is fixed', async () => {
    let broken = true;
    const calls: string[] = [];
    const { client, t } = await start({
      charge: (input) => {
        calls.push('charge');
        if (broken) throw Object.assign(new Error('gateway down'), { name: 'GatewayDown' });
        return { charged: true, input };
      },
    });
    const machineArn = await createMachine(client, 'redrive', {
      StartAt: 'Prepare',
      States: {
        Prepare: { Type: 'Pass', Result: { amount: 100 }, Next: 'Charge' },
        Charge: { Type: 'Task', Resource: 'charge', End: true },
      },
    });
    const { executionArn } = await client.send(
      new StartExecutionCommand({ stateMachineArn: machineArn }),
    );
    const arn = executionArn as string;
    await t.engine.waitForExecution(arn);
    const failed = await client.send(new DescribeExecutionCommand({ executionArn: arn }));
    expect(failed).toMatchObject({
      status: 'FAILED',
      error: 'GatewayDown',
      redriveStatus: 'REDRIVABLE',
    });

    broken = false;
    const redriven = await client.send(new RedriveExecutionCommand({ executionArn: arn }));
    expect(redriven.redriveDate).toBeInstanceOf(Date);
    await t.engine.waitForExecution(arn);

    const done = await client.send(new DescribeExecutionCommand({ executionArn: arn }));
    expect(done).toMatchObject({ status: 'SUCCEEDED', redriveCount: 1 });
    expect(done.redriveDate).toBeInstanceOf(Date);
    expect(JSON.parse(done.output as string)).toEqual({ charged: true, input: { amount: 100 } });
    expect(calls).toEqual(['charge', 'charge']);

    const history = await client.send(new GetExecutionHistoryCommand({ executionArn: arn }));
    const types = (history.events ?? []).map((e) => e.type as string);
    const redrivenAt = types.indexOf('ExecutionRedriven');
    expect(redrivenAt).toBeGreaterThan(types.indexOf('ExecutionFailed'));
    expect(history.events?.[redrivenAt]?.executionRedrivenEventDetails?.redriveCount).toBe(1);
    // The succeeded Pass state is not run again.
    expect(types.slice(redrivenAt)).not.toContain('PassStateEntered');
    expect(types.at(-1)).toBe('ExecutionSucceeded');
  });

  it('refuses to redrive a succeeded execution with ExecutionNotRedrivable', async () => {
    const { client, t } = await start();
    const machineArn = await createMachine(client, 'fine', passMachine);
    const { executionArn } = await client.send(
      new StartExecutionCommand({ stateMachineArn: machineArn }),
    );
    await t.engine.waitForExecution(executionArn as string);
    expect(
      await errorName(client.send(new RedriveExecutionCommand({ executionArn: executionArn }))),
    ).toBe('ExecutionNotRedrivable');
  });
});

describe('callback tasks through the AWS SDK', () => {
  it('resumes a waitForTaskToken task with SendTaskSuccess after a heartbeat', async () => {
    const { s, nextToken } = await startWithCallback();
    const machineArn = await createMachine(s.client, 'cb', callbackMachine);
    const { executionArn } = await s.client.send(
      new StartExecutionCommand({ stateMachineArn: machineArn }),
    );
    const token = await nextToken();
    await s.client.send(new SendTaskHeartbeatCommand({ taskToken: token }));
    await s.client.send(
      new SendTaskSuccessCommand({ taskToken: token, output: '{"approved":true}' }),
    );
    await s.t.engine.waitForExecution(executionArn as string);
    const described = await s.client.send(
      new DescribeExecutionCommand({ executionArn: executionArn }),
    );
    expect(described.status).toBe('SUCCEEDED');
    expect(JSON.parse(described.output as string)).toEqual({ approved: true });
  });

  it('fails a waitForTaskToken task with SendTaskFailure', async () => {
    const { s, nextToken } = await startWithCallback();
    const machineArn = await createMachine(s.client, 'cb', callbackMachine);
    const { executionArn } = await s.client.send(
      new StartExecutionCommand({ stateMachineArn: machineArn }),
    );
    await s.client.send(
      new SendTaskFailureCommand({
        taskToken: await nextToken(),
        error: 'Rejected',
        cause: 'reviewer said no',
      }),
    );
    await s.t.engine.waitForExecution(executionArn as string);
    const described = await s.client.send(
      new DescribeExecutionCommand({ executionArn: executionArn }),
    );
    expect(described).toMatchObject({
      status: 'FAILED',
      error: 'Rejected',
      cause: 'reviewer said no',
    });
  });

  it.each([
    ['SendTaskSuccess', new SendTaskSuccessCommand({ taskToken: 'no-such-token', output: '{}' })],
    ['SendTaskFailure', new SendTaskFailureCommand({ taskToken: 'no-such-token' })],
    ['SendTaskHeartbeat', new SendTaskHeartbeatCommand({ taskToken: 'no-such-token' })],
  ] as const)('%s refuses an unknown token', async (_action, command) => {
    const { client } = await start();
    expect(['InvalidToken', 'TaskDoesNotExist']).toContain(
      await errorName(client.send(command as SendTaskSuccessCommand)),
    );
  });
});

describe('errors through the AWS SDK', () => {
  it.each([
    ['DescribeStateMachine', new DescribeStateMachineCommand({ stateMachineArn: 'not-an-arn' })],
    ['DescribeExecution', new DescribeExecutionCommand({ executionArn: 'arn:aws:states:x' })],
    ['StartExecution', new StartExecutionCommand({ stateMachineArn: 'nope' })],
    ['DeleteStateMachine', new DeleteStateMachineCommand({ stateMachineArn: 'nope' })],
    ['StopExecution', new StopExecutionCommand({ executionArn: 'nope' })],
    ['GetExecutionHistory', new GetExecutionHistoryCommand({ executionArn: 'nope' })],
  ] as const)('%s with an invalid ARN throws InvalidArn', async (_action, command) => {
    const { client } = await start();
    expect(await errorName(client.send(command as DescribeStateMachineCommand))).toBe('InvalidArn');
  });

  it.each([
    ['DescribeStateMachine', new DescribeStateMachineCommand({} as never)],
    [
      'CreateStateMachine',
      new CreateStateMachineCommand({ roleArn, name: 'no-definition' } as never),
    ],
    ['StartExecution', new StartExecutionCommand({} as never)],
    ['SendTaskSuccess', new SendTaskSuccessCommand({ taskToken: 't' } as never)],
  ] as const)(
    '%s without a required field throws ValidationException',
    async (_action, command) => {
      const { client } = await start();
      expect(await errorName(client.send(command as DescribeStateMachineCommand))).toBe(
        'ValidationException',
      );
    },
  );

  it.each([
    ['an input that is not JSON', { input: '{' }, 'InvalidExecutionInput'],
    ['a name with forbidden characters', { name: 'a b/c' }, 'InvalidName'],
  ] as const)('StartExecution with %s throws %s', async (_label, fields, name) => {
    const { client } = await start();
    const stateMachineArn = await createMachine(client, 'bad-start', passMachine);
    expect(
      await errorName(client.send(new StartExecutionCommand({ stateMachineArn, ...fields }))),
    ).toBe(name);
  });

  it('ListExecutions with a statusFilter outside the enum throws ValidationException', async () => {
    const { client } = await start();
    const stateMachineArn = await createMachine(client, 'filter', passMachine);
    expect(
      await errorName(
        client.send(new ListExecutionsCommand({ stateMachineArn, statusFilter: 'DONE' as never })),
      ),
    ).toBe('ValidationException');
  });

  it.each([
    ['a GET', { method: 'GET' }, 'UnknownOperationException'],
    [
      'a field of the wrong type',
      {
        method: 'POST',
        headers: { 'x-amz-target': 'AWSStepFunctions.ListStateMachines' },
        body: '{"maxResults":"2"}',
      },
      'ValidationException',
    ],
    [
      'a body that is not an object',
      {
        method: 'POST',
        headers: { 'x-amz-target': 'AWSStepFunctions.ListStateMachines' },
        body: '[]',
      },
      'SerializationException',
    ],
  ] as const)('answers %s with HTTP 400 and %s in AWS error shape', async (_label, init, name) => {
    const { endpoint } = await start();
    const response = await fetch(endpoint, init);
    expect(response.status).toBe(400);
    expect(response.headers.get('x-amzn-errortype')).toBe(name);
    const body = (await response.json()) as { __type: string; message: string };
    expect(body.__type.endsWith(`#${name}`)).toBe(true);
    expect(body.message).toBeTruthy();
  });

  it('throws ExecutionDoesNotExist for a well-formed ARN of no execution', async () => {
    const { client } = await start();
    expect(
      await errorName(
        client.send(
          new DescribeExecutionCommand({
            executionArn: 'arn:aws:states:us-east-1:000000000000:execution:none:none',
          }),
        ),
      ),
    ).toBe('ExecutionDoesNotExist');
  });

  it('throws UnknownOperationException for an action the endpoint does not answer', async () => {
    const { client } = await start();
    client.middlewareStack.add(
      (next) => async (args) => {
        const request = args.request as { headers: Record<string, string> };
        request.headers['x-amz-target'] = 'AWSStepFunctions.CreateActivity';
        return next(args);
      },
      { step: 'build', name: 'renameTarget' },
    );
    expect(await errorName(client.send(new ListStateMachinesCommand({})))).toBe(
      'UnknownOperationException',
    );
  });

  it('throws SerializationException for a malformed JSON body', async () => {
    const { client } = await start();
    client.middlewareStack.add(
      (next) => async (args) => {
        const request = args.request as { body: string; headers: Record<string, string> };
        request.body = '{"maxResults":';
        request.headers['content-length'] = String(Buffer.byteLength(request.body));
        return next(args);
      },
      { step: 'build', name: 'breakBody' },
    );
    expect(await errorName(client.send(new ListStateMachinesCommand({})))).toBe(
      'SerializationException',
    );
  });
});

const hasAws = await promisify(execFile)('aws', ['--version']).then(
  () => true,
  () => false,
);

describe('the AWS CLI', () => {
  it.skipIf(!hasAws)(
    `lists state machines with aws stepfunctions --endpoint-url${hasAws ? '' : ' (skipped: aws CLI not on PATH)'}`,
    async () => {
      const { client, endpoint } = await start();
      await createMachine(client, 'from-sdk', passMachine);
      const { stdout } = await promisify(execFile)(
        'aws',
        ['stepfunctions', 'list-state-machines', '--endpoint-url', endpoint, '--output', 'json'],
        {
          env: {
            ...process.env,
            AWS_ACCESS_KEY_ID: 'x',
            AWS_SECRET_ACCESS_KEY: 'y',
            AWS_DEFAULT_REGION: 'us-east-1',
            AWS_PAGER: '',
          },
        },
      );
      const out = JSON.parse(stdout) as { stateMachines: { name: string }[] };
      expect(out.stateMachines.map((m) => m.name)).toEqual(['from-sdk']);
    },
  );
});
