import { describe, expect, it } from 'vitest';
import type { Json, JsonObject } from '../../src/asl/json.js';
import { mulberry32 } from '../../src/adapters/gateway/seeded-random.js';
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

/** A transition, then events of the other shapes the engine writes. */
function engineChunk(): JsonObject[] {
  return [
    ...transition(),
    // No details; a previous event that is not the one before (a Parallel branch); a later time.
    { type: 'LambdaFunctionStarted', id: 8, previousEventId: 3, timestamp: 1_796_615_829_724 },
    // A details member not named after the type.
    {
      type: 'MapIterationStarted',
      customEventDetails: { name: 'M', index: 2 },
      id: 9,
      previousEventId: 8,
      timestamp: 1_796_615_829_730,
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

    expect(text.split('"customer"')).toHaveLength(3);
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

  it("writes the engine's events compactly and reads every member back", () => {
    const events = engineChunk();

    const text = encodeHistoryChunk(events);

    expect(text.startsWith('[2,5,1,')).toBe(true);
    expect(text).not.toContain('"timestamp"');
    expect(text.length).toBeLessThan(0.7 * JSON.stringify(events).length);
    const decoded = decodeHistoryChunk(text);
    expect(decoded).toEqual(events);
    expect(JSON.stringify(decoded)).toBe(JSON.stringify(events));
  });

  it('writes an event of another shape whole, its payload references intact', () => {
    const events = transition();
    const exited = events[1] as JsonObject;
    exited.extra = 'kept';
    // The event after it refers to its output, and takes its time up from it.
    exited.timestamp = 40;
    (events[2] as JsonObject).timestamp = 41;
    // A whole event whose time is not a whole number leaves the count where it was.
    const odd = { type: 'Custom', id: 8, previousEventId: 7, timestamp: 41.5 };
    const after = { type: 'LambdaFunctionStarted', id: 9, previousEventId: 8, timestamp: 42 };
    events.push(odd, after);

    const text = encodeHistoryChunk(events);

    expect(text).toContain('"extra":"kept"');
    expect(text.split('"customer"')).toHaveLength(2);
    expect(decodeHistoryChunk(text)).toEqual(events);
  });

  it('writes a chunk whose events are not numbered as the engine numbers them as format 1', () => {
    const events: JsonObject[] = [{ type: 'Custom', id: 'x', timestamp: 1 }];

    const text = encodeHistoryChunk(events);

    expect(text).toBe(JSON.stringify(events));
    expect(decodeHistoryChunk(text)).toEqual(events);
  });

  it('reads back every chunk of a seeded thousand, whatever their shapes', () => {
    const random = mulberry32(7);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    const types = [
      'TaskStateEntered',
      'TaskStateExited',
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
      'MapIterationStarted',
      'ExecutionSucceeded',
      'Custom',
    ];
    for (let round = 0; round < 1000; round++) {
      // A few payload objects, so that some events share one and some hold equal copies.
      const payloads: Json[] = [{ a: round }, { b: [1, 'two', null] }, { c: { '~': 0 } }, 'text'];
      const events: JsonObject[] = [];
      const firstId = 1 + Math.floor(random() * 1000);
      let timestamp = 1_796_615_829_000 + Math.floor(random() * 1000);
      for (let i = 0, n = 1 + Math.floor(random() * 8); i < n; i++) {
        const id = firstId + i;
        const type = pick(types);
        const event: JsonObject = { type };
        if (random() < 0.8) {
          const details: JsonObject = { name: `S${i}` };
          if (random() < 0.7) details.input = random() < 0.5 ? pick(payloads) : { copy: i };
          if (random() < 0.5) details.output = pick(payloads);
          if (random() < 0.5) details.inputDetails = { truncated: false };
          const key = random() < 0.8 ? 'stateEnteredEventDetails' : 'otherEventDetails';
          event[type === 'TaskStateEntered' ? key : `x${i}EventDetails`] = details;
        }
        event.id = id;
        event.previousEventId = random() < 0.8 ? id - 1 : Math.floor(random() * id);
        timestamp += random() < 0.9 ? Math.floor(random() * 3) : 0.5;
        event.timestamp = timestamp;
        if (random() < 0.1) event.extra = round;
        events.push(event);
      }

      const decoded = decodeHistoryChunk(encodeHistoryChunk(events));

      expect(JSON.stringify(decoded)).toBe(JSON.stringify(events));
    }
  });

  it('writes format 2 byte for byte as the files already written hold it', () => {
    const events = engineChunk();

    // The text the first format 2 encoder wrote for these events: an encoder that writes other
    // bytes needs a new format number (and an engine schema version), not a changed test.
    expect(encodeHistoryChunk(events)).toBe(
      '[2,5,1,["LambdaFunctionSucceeded",0,1,{"output":{"ok":true}}],' +
        '["TaskStateExited",0,1,{"name":"Screen","output":{"amount":100,"customer":"CUST-1",' +
        '"screen":{"ok":true}},"outputDetails":{"truncated":false}}],' +
        '["TaskStateEntered",0,1,{"name":"Charge","input":0,"inputDetails":{"truncated":false}},' +
        '{"input":[6,"output"]}],["LambdaFunctionStarted",1796615829723,5],' +
        '["MapIterationStarted",6,1,{"name":"M","index":2},0,"customEventDetails"]]',
    );
  });

  it('refuses a chunk written in a format newer than it knows', () => {
    expect(() => decodeHistoryChunk('[3,1,1]')).toThrow(/format 3 is newer/);
  });
});
