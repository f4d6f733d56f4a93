import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../src/asl/json.js';
import type { ClosedExecution, HistoryMetricsSink } from '../../src/ops/history-metrics.js';
import { HistoryMetrics } from '../../src/ops/history-metrics.js';
import type { ExecutionStatus, InvocationOutcome } from '../../src/ops/ops-metrics.js';
import { createTestEngine } from '../engine/harness.js';

/** Records the calls, as strings that read like the metric they would publish. */
function recordingSink() {
  const calls: string[] = [];
  const sink: HistoryMetricsSink = {
    executionStarted: () => calls.push('ExecutionsStarted'),
    executionFinished: (_arn: string, status: ExecutionStatus, ms: number) =>
      calls.push(`Executions ${status} in ${ms} ms`),
    taskInvoked: (fn: string, outcome: InvocationOutcome, ms: number) =>
      calls.push(`${fn} ${outcome} in ${ms} ms`),
    paymentRetried: (step: string) => calls.push(`retry ${step}`),
  };
  return { sink, calls };
}

function transient(): Error {
  const error = new Error('gateway busy');
  error.name = 'Gateway.Transient';
  return error;
}

const invoke = (fn: string, extra: object = {}) => ({
  Type: 'Task',
  Resource: 'arn:aws:states:::lambda:invoke',
  Parameters: {
    FunctionName: `arn:aws:lambda:us-east-1:000000000000:function:${fn}`,
    'Payload.$': '$',
  },
  ...extra,
});

describe('HistoryMetrics', () => {
  it('counts executions, task invocations by function, errors and retries from the history', async () => {
    const { sink, calls } = recordingSink();
    const closed: ClosedExecution[] = [];
    const feed = new HistoryMetrics({ metrics: sink, onClosed: (c) => closed.push(c) });
    let charges = 0;
    // The charge takes 250 ms of virtual time: simulated gateway latency.
    const latency = { sleep: (_ms: number): Promise<void> => Promise.resolve() };
    const t = createTestEngine(
      {
        handlers: {
          validate: () => ({ ok: true }),
          charge: async () => {
            await latency.sleep(250);
            charges++;
            if (charges < 3) throw transient();
            return { status: 'COMPLETED' };
          },
        },
      },
      undefined,
      { onEvents: feed.onEvents },
    );
    latency.sleep = (ms) => t.clock.sleep(ms);
    try {
      const result = await t.run(
        {
          StartAt: 'Validate',
          States: {
            Validate: invoke('validate', { Next: 'Charge' }),
            Charge: invoke('charge', {
              Retry: [{ ErrorEquals: ['Gateway.Transient'], IntervalSeconds: 2, MaxAttempts: 3 }],
              OutputPath: '$.Payload',
              End: true,
            }),
          },
        },
        { amount: '1.00' },
      );
      expect(result.status).toBe('SUCCEEDED');
      expect(calls.filter((c) => !c.startsWith('Executions SUCCEEDED'))).toEqual([
        'ExecutionsStarted',
        'validate success in 0 ms',
        'charge error in 250 ms',
        'retry Charge',
        'charge error in 250 ms',
        'retry Charge',
        'charge success in 250 ms',
      ]);
      const started = result.history[0]?.timestamp as number;
      const stopped = result.history.at(-1)?.timestamp as number;
      expect(calls.at(-1)).toBe(`Executions SUCCEEDED in ${stopped - started} ms`);
      expect(closed).toEqual([
        expect.objectContaining({
          status: 'SUCCEEDED',
          input: { amount: '1.00' },
          output: { status: 'COMPLETED' },
          startDate: started,
          stopDate: stopped,
        }),
      ]);
      expect(feed.tracked).toBe(0);
    } finally {
      await t.close();
    }
  });

  it('counts a failed execution and a task that failed without a retry', async () => {
    const { sink, calls } = recordingSink();
    const t = createTestEngine(
      {
        handlers: {
          charge: () => {
            throw new Error('boom');
          },
        },
      },
      undefined,
      { onEvents: new HistoryMetrics({ metrics: sink }).onEvents },
    );
    try {
      const result = await t.run({
        StartAt: 'Charge',
        States: { Charge: invoke('charge', { End: true }) },
      });
      expect(result.status).toBe('FAILED');
      expect(calls).toEqual([
        'ExecutionsStarted',
        'charge error in 0 ms',
        'Executions FAILED in 0 ms',
      ]);
    } finally {
      await t.close();
    }
  });

  it.each([
    {
      name: 'a throttled invocation counts as a throttle',
      error: 'Lambda.TooManyRequestsException',
      call: 'charge throttled in 0 ms',
    },
    {
      name: 'any other error counts as an error',
      error: 'Payment.ValidationFailed',
      call: 'charge error in 0 ms',
    },
  ])('$name', ({ error, call }) => {
    const { sink, calls } = recordingSink();
    const feed = new HistoryMetrics({ metrics: sink });
    const arn = 'arn:aws:states:us-east-1:000000000000:execution:m:e';
    const machine = 'arn:aws:states:us-east-1:000000000000:stateMachine:m';
    const events: JsonObject[] = [
      {
        id: 1,
        previousEventId: 0,
        timestamp: 1000,
        type: 'ExecutionStarted',
        executionStartedEventDetails: { input: '{}' },
      },
      {
        id: 2,
        previousEventId: 1,
        timestamp: 1000,
        type: 'TaskStateEntered',
        stateEnteredEventDetails: { name: 'Charge' },
      },
      {
        id: 3,
        previousEventId: 2,
        timestamp: 1000,
        type: 'TaskScheduled',
        taskScheduledEventDetails: {
          resourceType: 'lambda',
          resource: 'invoke',
          // AWS: parameters are JSON text in a real Step Functions history.
          parameters: '{"FunctionName":"charge"}',
        },
      },
      { id: 4, previousEventId: 3, timestamp: 1000, type: 'TaskStarted' },
      {
        id: 5,
        previousEventId: 4,
        timestamp: 1000,
        type: 'TaskFailed',
        taskFailedEventDetails: { error, cause: '' },
      },
    ];
    feed.onEvents(arn, machine, events);
    expect(calls).toEqual(['ExecutionsStarted', call]);
  });

  it('looks up the start of an execution that began before a restart', () => {
    const { sink, calls } = recordingSink();
    const closed: ClosedExecution[] = [];
    const feed = new HistoryMetrics({
      metrics: sink,
      lookup: () => ({ startDate: 1000, input: { payment_amount: '5.00' } }),
      onClosed: (c) => closed.push(c),
    });
    feed.onEvents('arn:e', 'arn:m', [
      {
        id: 9,
        previousEventId: 8,
        timestamp: 4000,
        type: 'ExecutionFailed',
        executionFailedEventDetails: {},
      },
    ]);
    expect(calls).toEqual(['Executions FAILED in 3000 ms']);
    expect(closed[0]).toMatchObject({ startDate: 1000, input: { payment_amount: '5.00' } });
  });

  it('still counts an execution whose start cannot be looked up, without its time', () => {
    const { sink, calls } = recordingSink();
    const errors: unknown[] = [];
    const feed = new HistoryMetrics({
      metrics: sink,
      lookup: () => {
        throw new Error('Execution Does Not Exist');
      },
      onError: (error) => errors.push(error),
    });
    feed.onEvents('arn:e', 'arn:m', [
      { id: 9, previousEventId: 8, timestamp: 4000, type: 'ExecutionAborted' },
    ]);
    expect(calls).toEqual(['Executions ABORTED in 0 ms']);
    expect(errors).toHaveLength(1);
  });

  it('never throws, even when the sink does', () => {
    const errors: unknown[] = [];
    const feed = new HistoryMetrics({
      metrics: {
        executionStarted: () => {
          throw new Error('sink down');
        },
        executionFinished: () => undefined,
        taskInvoked: () => undefined,
        paymentRetried: () => undefined,
      },
      onError: (error) => errors.push(error),
    });
    expect(() =>
      feed.onEvents('arn:e', 'arn:m', [
        { id: 1, previousEventId: 0, timestamp: 1, type: 'ExecutionStarted' },
      ]),
    ).not.toThrow();
    expect(errors).toHaveLength(1);
  });
});
