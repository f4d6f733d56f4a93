/**
 * Replay: the pure step function decides the same way given the same recorded inputs. An
 * execution is driven once through `step`, recording every outcome with the time and seed it
 * saw; replaying the record must reproduce every snapshot, history event and command exactly —
 * including full-jitter retry delays and States.UUID, which draw from the seeded random source.
 */
import { describe, expect, it } from 'vitest';
import { compileMachine } from '../../src/asl/machine.js';
import { newRun, step } from '../../src/asl/step.js';
import type { Outcome, RunSnapshot, StepResult } from '../../src/asl/step.js';
import type { StateMachineDefinition } from '../../src/asl/types.js';
import { createRandom } from '../../src/engine/random.js';

const definition = {
  StartAt: 'Tag',
  States: {
    Tag: {
      Type: 'Pass',
      Parameters: { 'id.$': 'States.UUID()', 'amount.$': '$.amount' },
      Next: 'Charge',
    },
    Charge: {
      Type: 'Task',
      Resource: 'arn:aws:lambda:us-east-1:000000000000:function:charge',
      Retry: [
        {
          ErrorEquals: ['Gateway.Transient'],
          IntervalSeconds: 2,
          MaxAttempts: 3,
          JitterStrategy: 'FULL',
        },
      ],
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Failed' }],
      ResultPath: '$.charge',
      End: true,
    },
    Failed: { Type: 'Pass', End: true },
  },
} as unknown as StateMachineDefinition;

interface Recorded {
  outcome: Outcome;
  now: number;
  seed: number;
  token: string;
}

const machine = compileMachine(definition);
const execution = { Id: 'arn:aws:states:us-east-1:000000000000:execution:m:e', Name: 'e' };
const stateMachine = { Id: 'arn:aws:states:us-east-1:000000000000:stateMachine:m', Name: 'm' };

async function apply(snapshot: RunSnapshot, record: Recorded): Promise<StepResult> {
  return step(machine, snapshot, record.outcome, {
    now: record.now,
    random: createRandom(record.seed),
    newToken: () => record.token,
    execution,
    stateMachine,
  });
}

/** Drives an execution where the charge fails twice with a transient error, then succeeds. */
async function record(): Promise<{ log: Recorded[]; results: StepResult[] }> {
  let snapshot = newRun(machine.root, { amount: 1050 }, {}, 1_000);
  const log: Recorded[] = [];
  const results: StepResult[] = [];
  let now = 1_000;
  let outcome: Outcome = { type: 'start' };
  let failures = 0;
  for (let i = 0; i < 20; i++) {
    const entry: Recorded = { outcome, now, seed: 1000 + i, token: `token-${i}` };
    const result = await apply(snapshot, entry);
    log.push(entry);
    results.push(result);
    snapshot = result.snapshot;
    if (result.result) break;
    const waiting = snapshot.waiting;
    if (waiting?.kind === 'timer') {
      now = waiting.dueAt;
      outcome = { type: 'timerFired', timerId: waiting.timerId };
    } else if (waiting?.kind === 'task') {
      now += 50;
      outcome =
        failures++ < 2
          ? { type: 'taskFailed', token: waiting.token, error: 'Gateway.Transient', cause: 'busy' }
          : { type: 'taskSucceeded', token: waiting.token, output: { charged: true } };
    } else {
      throw new Error('unexpected wait');
    }
  }
  return { log, results };
}

describe('replaying recorded steps', () => {
  it('reproduces every snapshot, event and command, jitter and UUIDs included', async () => {
    const { log, results } = await record();
    expect(results.at(-1)?.result?.status).toBe('SUCCEEDED');
    const delays = results.flatMap((r) => r.commands).filter((c) => c.type === 'scheduleTimer');
    expect(delays).toHaveLength(2);

    let snapshot = newRun(machine.root, { amount: 1050 }, {}, 1_000);
    for (const [i, entry] of log.entries()) {
      const replayed = await apply(snapshot, entry);
      expect(replayed).toEqual(results[i]);
      snapshot = replayed.snapshot;
    }
  });

  it('never changes the snapshot it was given', async () => {
    const snapshot = newRun(machine.root, { amount: 1050 }, {}, 1_000);
    const copy = structuredClone(snapshot);
    await apply(snapshot, { outcome: { type: 'start' }, now: 1_000, seed: 1, token: 't' });
    expect(snapshot).toEqual(copy);
  });
});
