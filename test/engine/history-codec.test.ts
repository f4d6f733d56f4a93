import { describe, expect, it } from 'vitest';
import type { Json, JsonObject } from '../../src/asl/json.js';
import { decodeHistoryChunk, encodeHistoryChunk } from '../../src/engine/history-codec.js';

/** A task's result, its state's exit and the next state's entry, as the interpreter builds them. */
function transition(): JsonObject[] {
  const state = { amount: 100, customer: 'CUST-1', screen: { ok: true } };
  return [
    {
      type: 'LambdaFunctionSucceeded',
      lambdaFunctionSucceededEventDetails: { output: { ok: true } },
      id: 5,
      previousEventId: 4,
      timestamp: 1,
    },
    {
      type: 'TaskStateExited',
      stateExitedEventDetails: {
        name: 'Screen',
        output: state,
        outputDetails: { truncated: false },
      },
      id: 6,
      previousEventId: 5,
      timestamp: 1,
    },
    {
      type: 'TaskStateEntered',
      stateEnteredEventDetails: {
        name: 'Charge',
        input: state,
        inputDetails: { truncated: false },
      },
      id: 7,
      previousEventId: 6,
      timestamp: 1,
    },
  ];
}

describe('history chunk encoding', () => {
  it('writes a payload shared by two events once and reads both back in place', () => {
    const events = transition();
    const text = encodeHistoryChunk(events);

    expect(text.split('"customer"')).toHaveLength(2);
    expect(text.length).toBeLessThan(JSON.stringify(events).length);
    const decoded = decodeHistoryChunk(text);
    expect(decoded).toEqual(events);
    // Field order too, so a decoded event serializes exactly as the original did.
    expect(JSON.stringify(decoded)).toBe(JSON.stringify(events));
  });

  it('shares only the same object, never an equal copy', () => {
    const events = transition();
    const entered = events[2] as JsonObject;
    const details = entered.stateEnteredEventDetails as JsonObject;
    details.input = structuredClone(details.input as Json);

    const text = encodeHistoryChunk(events);

    expect(text).toBe(JSON.stringify(events));
    expect(decodeHistoryChunk(text)).toEqual(events);
  });

  it('leaves payloads that look like references alone', () => {
    const payload = { '~': { input: [1, 'output'] }, output: 0 };
    const events: JsonObject[] = [
      {
        type: 'ExecutionStarted',
        executionStartedEventDetails: { input: payload, inputDetails: { truncated: false } },
        id: 1,
        previousEventId: 0,
        timestamp: 1,
      },
    ];

    expect(decodeHistoryChunk(encodeHistoryChunk(events))).toEqual(events);
  });

  it('reads chunks written as plain JSON before this encoding', () => {
    const events = transition();

    expect(decodeHistoryChunk(JSON.stringify(events))).toEqual(events);
  });

  it('refuses a chunk that refers to an event it does not hold', () => {
    const text = JSON.stringify([
      {
        type: 'TaskStateEntered',
        stateEnteredEventDetails: { name: 'A', input: 0 },
        id: 7,
        previousEventId: 6,
        timestamp: 1,
        '~': { input: [6, 'output'] },
      },
    ]);

    expect(() => decodeHistoryChunk(text)).toThrow(/event 7 refers to missing event 6/);
  });
});
