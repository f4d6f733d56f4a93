import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executionPath, StepStatus } from '../../src/api/dashboard/execution-path.js';
import type { HistoryEvent } from '../../src/engine/control.js';
import { createDashboardFixture } from './dashboard-fixture.js';
import type { DashboardFixture } from './dashboard-fixture.js';

describe('executionPath from real engine histories', () => {
  let fixture: DashboardFixture;
  beforeAll(async () => {
    fixture = await createDashboardFixture();
  });
  afterAll(async () => {
    await fixture.close();
  });

  const pathOf = (arn: string) => {
    const status = fixture.engine.control.describeExecution(arn).status;
    return executionPath(fixture.engine.control.history(arn), status);
  };

  it('shows a state that was retried and then caught as caught, with its retries', async () => {
    const arn = await fixture.run(fixture.machines.retryCatch, { amount: '10.00' });
    const { states, steps } = pathOf(arn);
    expect(states).toEqual({
      Validate: { status: StepStatus.Succeeded, visits: 1, retries: 0 },
      Charge: { status: StepStatus.Caught, visits: 1, retries: 2, error: 'Gateway.Transient' },
      Recover: { status: StepStatus.Succeeded, visits: 1, retries: 0 },
      Done: { status: StepStatus.Succeeded, visits: 1, retries: 0 },
    });
    // Record was never entered: the graph shows it as not reached.
    expect(states.Record).toBeUndefined();
    const charge = steps.find((step) => step.name === 'Charge');
    expect(charge?.input).toBe('{"amount":"10.00"}');
    expect(JSON.parse(charge?.output ?? 'null')).toMatchObject({
      error: { Error: 'Gateway.Transient' },
    });
  });

  it('shows the state an uncaught error stopped at as failed', async () => {
    const arn = await fixture.run(fixture.machines.failing);
    const { states } = pathOf(arn);
    expect(states.Validate?.status).toBe(StepStatus.Succeeded);
    expect(states.Charge).toEqual({
      status: StepStatus.Failed,
      visits: 1,
      retries: 0,
      error: 'Gateway.Fatal',
    });
  });

  it('shows a state waiting for a callback as running, and the rest as not reached', async () => {
    const name = 'path-waiting';
    const arn = await fixture.run(fixture.machines.review, { payment: {} }, name, false);
    await fixture.reviewRequested(name);
    const { states } = pathOf(arn);
    expect(Object.keys(states)).toEqual(['ScreenFraud', 'RequestManualReview']);
    expect(states.RequestManualReview?.status).toBe(StepStatus.Running);
    await fixture.engine.control.stopExecution({ executionArn: arn });
    expect(pathOf(arn).states.RequestManualReview?.status).toBe(StepStatus.Aborted);
  });
});

describe('executionPath through Map and Parallel', () => {
  it('colours a Map and the states inside its iterations', async () => {
    const fixture = await createDashboardFixture();
    try {
      const { stateMachineArn } = fixture.engine.control.createStateMachine({
        name: 'Fanout',
        definition: JSON.stringify({
          StartAt: 'EachItem',
          States: {
            EachItem: {
              Type: 'Map',
              ItemsPath: '$.items',
              MaxConcurrency: 1,
              ItemProcessor: {
                ProcessorConfig: { Mode: 'INLINE' },
                StartAt: 'Handle',
                States: { Handle: { Type: 'Task', Resource: 'ok', End: true } },
              },
              Next: 'Done',
            },
            Done: { Type: 'Succeed' },
          },
        }),
      });
      const arn = await fixture.run(stateMachineArn, { items: [1, 2, 3] });
      const { states } = executionPath(fixture.engine.control.history(arn), 'SUCCEEDED');
      expect(states).toEqual({
        EachItem: { status: StepStatus.Succeeded, visits: 1, retries: 0 },
        Handle: { status: StepStatus.Succeeded, visits: 3, retries: 0 },
        Done: { status: StepStatus.Succeeded, visits: 1, retries: 0 },
      });
    } finally {
      await fixture.close();
    }
  });
});

describe('executionPath on hand-written histories', () => {
  const event = (id: number, type: string, details?: Record<string, unknown>): HistoryEvent => ({
    id,
    previousEventId: id - 1,
    timestamp: 1000 * id,
    type,
    ...(details ? { [`${type[0]?.toLowerCase()}${type.slice(1)}EventDetails`]: details } : {}),
  });

  it.each([
    {
      name: 'a task that failed once and then succeeded is retried',
      events: [
        event(1, 'TaskStateEntered', { name: 'A' }),
        event(2, 'LambdaFunctionFailed', { error: 'E' }),
        event(3, 'LambdaFunctionScheduled', {}),
        event(4, 'LambdaFunctionSucceeded', {}),
        event(5, 'TaskStateExited', { name: 'A' }),
      ],
      status: 'SUCCEEDED',
      expected: { status: StepStatus.Retried, visits: 1, retries: 1, error: 'E' },
    },
    {
      name: 'a task that timed out and was caught is caught',
      events: [
        event(1, 'TaskStateEntered', { name: 'A' }),
        event(2, 'TaskTimedOut', { error: 'States.Timeout' }),
        event(3, 'TaskStateExited', { name: 'A' }),
      ],
      status: 'SUCCEEDED',
      expected: { status: StepStatus.Caught, visits: 1, retries: 0, error: 'States.Timeout' },
    },
    {
      name: 'a state visited twice sums its retries and takes the last colour',
      events: [
        event(1, 'TaskStateEntered', { name: 'A' }),
        event(2, 'LambdaFunctionFailed', { error: 'E' }),
        event(3, 'LambdaFunctionSucceeded', {}),
        event(4, 'TaskStateExited', { name: 'A' }),
        event(5, 'TaskStateEntered', { name: 'A' }),
        event(6, 'LambdaFunctionSucceeded', {}),
        event(7, 'TaskStateExited', { name: 'A' }),
      ],
      status: 'SUCCEEDED',
      expected: { status: StepStatus.Succeeded, visits: 2, retries: 1, error: 'E' },
    },
    {
      name: 'a state left open by a timed-out execution is failed',
      events: [event(1, 'WaitStateEntered', { name: 'A' }), event(2, 'ExecutionTimedOut', {})],
      status: 'TIMED_OUT',
      expected: { status: StepStatus.Failed, visits: 1, retries: 0 },
    },
  ])('$name', ({ events, status, expected }) => {
    expect(executionPath(events, status).states.A).toEqual(expected);
  });
});
