/**
 * How the engine writes what it commits: history chunks, and run snapshots, as JSON text. The
 * text is built by hand around `JSON.stringify` of the parts, for two reasons measured with
 * bench/engine.ts (serialising was a third of the engine thread's time at concurrency 100):
 *
 * - A payload (a state's input or output, a task's parameters) is most often handed over by the
 *   interpreter as the very same object to several places of one batch: a state's output is the
 *   next state's input and that run's snapshot input, a task's parameters are its scheduled
 *   event's input and the snapshot's waiting parameters. A `JsonMemo` serialises each such object
 *   once per batch. Only the same object is shared, never two equal ones; the memo lives for the
 *   synchronous sealing of one batch, during which nothing runs that could change a payload.
 * - A chunk is written compactly (format 2, below): most of a plain event's text is its frame
 *   (member names, the details' name, 13-digit timestamps), not its payload.
 *
 * Chunk format 2: `[2, firstId, firstTimestamp, event...]`, where an event is usually an array
 * `[type, timestampDelta, idDelta, details, refs, detailsKey]`:
 * - `timestampDelta` is from the event before it (the first's is 0), `idDelta` is
 *   `id - previousEventId`; the events of a chunk are numbered consecutively from `firstId`.
 * - `details` is the `...EventDetails` object, or 0 for none. A payload repeated within the chunk
 *   is written once: its later places hold 0 and `refs` names the source, `{"input": [6,
 *   "output"]}` reading "this event's details' input is event 6's details' output" (0 for none).
 * - `detailsKey` is written only when the details' member name is not the one AWS derives from
 *   the type (see `detailsKeyFor`).
 * - Trailing 0s are left out. An event of any other shape is written whole, as an object (with
 *   its repeated payloads in a top-level `"~"` member, as in format 1).
 *
 * Format 1, written before: a JSON array of whole events, repeated payloads named in a `"~"`
 * member. Both read back to the same events (members in the order the engine creates them: type,
 * details, id, previousEventId, timestamp); payloads themselves are never rewritten.
 */
import type { Json, JsonObject } from '../asl/json.js';
import type { RunSnapshot } from '../asl/step.js';

/** The details fields that carry payloads. */
const payloadFields = new Set(['input', 'output']);
const refKey = '~';
const format = 2;

type Ref = [eventId: number, field: string];

/** Serialises each payload object once per batch; see the module comment. */
export class JsonMemo {
  private readonly texts = new Map<object, string>();

  json(value: Json): string {
    if (typeof value !== 'object' || value === null) return JSON.stringify(value);
    let text = this.texts.get(value);
    if (text === undefined) {
      text = JSON.stringify(value);
      this.texts.set(value, text);
    }
    return text;
  }
}

/** Serializes one chunk's events (each already numbered), writing a repeated payload once. */
export function encodeHistoryChunk(
  events: readonly JsonObject[],
  memo: JsonMemo = new JsonMemo(),
): string {
  const first = events[0];
  if (!first || !isSafeInteger(first.id) || !isSafeInteger(first.timestamp)) {
    return encodeWhole(events, memo);
  }
  const seen = new Map<object, Ref>();
  let out = `[${format},${first.id},${first.timestamp}`;
  let lastTimestamp = first.timestamp;
  for (let i = 0; i < events.length; i++) {
    const event = events[i] as JsonObject;
    out += ',';
    const compact = compactShape(event, first.id + i);
    if (compact === undefined) {
      out += encodeEventWhole(event, seen, memo);
      if (isSafeInteger(event.timestamp)) lastTimestamp = event.timestamp;
      continue;
    }
    const timestamp = event.timestamp as number;
    let text = `[${quoted(event.type as string)},${timestamp - lastTimestamp},${(event.id as number) - (event.previousEventId as number)}`;
    lastTimestamp = timestamp;
    if (compact.detailsKey !== undefined) {
      const refs: Record<string, Ref> = {};
      const details = encodeDetails(
        event[compact.detailsKey] as JsonObject,
        event.id as number,
        seen,
        refs,
        memo,
      );
      const refsText = refsJson(refs);
      text += `,${details}`;
      if (compact.explicitKey) text += `,${refsText ?? 0},${quoted(compact.detailsKey)}`;
      else if (refsText !== undefined) text += `,${refsText}`;
    }
    out += text + ']';
  }
  return out + ']';
}

/** Parses a stored chunk (format 1 or 2) back into its events, restoring payloads written once. */
export function decodeHistoryChunk(text: string): JsonObject[] {
  const parsed = JSON.parse(text) as unknown[];
  if (parsed.length === 0 || typeof parsed[0] !== 'number') return decodeWhole(parsed);
  if (parsed[0] !== format)
    throw new Error(`History chunk format ${parsed[0]} is newer than this paystep reads`);
  const firstId = parsed[1] as number;
  let timestamp = parsed[2] as number;
  const events: JsonObject[] = [];
  const pending: [JsonObject, Record<string, Ref>][] = [];
  for (let i = 3; i < parsed.length; i++) {
    const item = parsed[i];
    const id = firstId + i - 3;
    if (!Array.isArray(item)) {
      const event = item as JsonObject;
      const refs = event[refKey] as Record<string, Ref> | undefined;
      if (refs !== undefined) {
        delete event[refKey];
        pending.push([event, refs]);
      }
      // As the encoder does: the times after it count from its own, if it is a whole number.
      if (isSafeInteger(event.timestamp)) timestamp = event.timestamp;
      events.push(event);
      continue;
    }
    const [type, delta, back, details, refs, key] = item as [
      string,
      number,
      number,
      JsonObject | 0 | undefined,
      Record<string, Ref> | 0 | undefined,
      string | undefined,
    ];
    timestamp += delta;
    const event: JsonObject = { type };
    if (details) event[key ?? detailsKeyFor(type)] = details;
    event.id = id;
    event.previousEventId = id - back;
    event.timestamp = timestamp;
    if (refs) pending.push([event, refs]);
    events.push(event);
  }
  resolveRefs(events, pending);
  return events;
}

/** A run's snapshot as JSON, its payloads (input, a task's parameters) through the memo. */
export function encodeSnapshot(snapshot: RunSnapshot, memo: JsonMemo): string {
  return encodeObject(snapshot as unknown as JsonObject, (key, value) => {
    if (key === 'input') return memo.json(value);
    if (key === 'waiting' && isObject(value) && value.kind === 'task')
      return encodeObject(value, (field, v) => (field === 'parameters' ? memo.json(v) : undefined));
    return undefined;
  });
}

/**
 * AWS's member name for an event type's details: `LambdaFunctionScheduled` →
 * `lambdaFunctionScheduledEventDetails`, except that every state type's entered and exited events
 * share `stateEnteredEventDetails` and `stateExitedEventDetails`. Part of format 2: never change.
 */
function detailsKeyFor(type: string): string {
  let key = detailsKeys.get(type);
  if (key === undefined) {
    if (type.endsWith('StateEntered')) key = 'stateEnteredEventDetails';
    else if (type.endsWith('StateExited')) key = 'stateExitedEventDetails';
    else key = `${type.charAt(0).toLowerCase()}${type.slice(1)}EventDetails`;
    if (detailsKeys.size < 1000) detailsKeys.set(type, key);
  }
  return key;
}
const detailsKeys = new Map<string, string>();

/**
 * Whether an event can be written compactly as event `id` of its chunk: exactly the members the
 * engine gives it, an integer timestamp. Returns its details' member name, if any.
 */
function compactShape(
  event: JsonObject,
  id: number,
): { detailsKey: string | undefined; explicitKey: boolean } | undefined {
  if (
    typeof event.type !== 'string' ||
    event.id !== id ||
    !isSafeInteger(event.previousEventId) ||
    !isSafeInteger(event.timestamp)
  )
    return undefined;
  let detailsKey: string | undefined;
  let members = 0;
  for (const key in event) {
    members++;
    if (key === 'type' || key === 'id' || key === 'previousEventId' || key === 'timestamp')
      continue;
    if (detailsKey !== undefined || !key.endsWith('EventDetails') || !isObject(event[key]))
      return undefined;
    detailsKey = key;
  }
  if (members !== (detailsKey === undefined ? 4 : 5)) return undefined;
  return {
    detailsKey,
    explicitKey: detailsKey !== undefined && detailsKey !== detailsKeyFor(event.type),
  };
}

/** One details object, writing a payload already written in this chunk as 0 plus a ref. */
function encodeDetails(
  details: JsonObject,
  eventId: number,
  seen: Map<object, Ref>,
  refs: Record<string, Ref>,
  memo: JsonMemo,
): string {
  return encodeObject(details, (key, value) => {
    if (!payloadFields.has(key) || !isObject(value)) return undefined;
    const ref = seen.get(value);
    if (ref) {
      refs[key] = ref;
      return '0';
    }
    seen.set(value, [eventId, key]);
    return memo.json(value);
  });
}

/**
 * An object as `JSON.stringify` writes it (members in the same order, undefined ones left out),
 * where `field` may supply a member's JSON text itself (undefined: stringify the value).
 */
function encodeObject(
  object: JsonObject,
  field: (key: string, value: Json) => string | undefined,
): string {
  let out = '{';
  for (const key of Object.keys(object)) {
    const value = object[key];
    if (value === undefined) continue;
    // JSON.stringify gives undefined for a function or symbol, though typed string.
    const text: string | undefined = field(key, value) ?? JSON.stringify(value);
    if (text === undefined) continue;
    out += `${out.length > 1 ? ',' : ''}${quoted(key)}:${text}`;
  }
  return out + '}';
}

/** A whole event (format 1's form), its repeated payloads named in `"~"`. */
function encodeEventWhole(event: JsonObject, seen: Map<object, Ref>, memo: JsonMemo): string {
  const detailsKey = detailsKeyOf(event);
  const details = detailsKey === undefined ? undefined : event[detailsKey];
  if (!isObject(details) || !isSafeInteger(event.id)) return JSON.stringify(event);
  const refs: Record<string, Ref> = {};
  const detailsText = encodeDetails(details, event.id, seen, refs, memo);
  const body = encodeObject(event, (key) => (key === detailsKey ? detailsText : undefined));
  const refsText = refsJson(refs);
  return refsText === undefined ? body : `${body.slice(0, -1)},${quoted(refKey)}:${refsText}}`;
}

/** Format 1 throughout: for events not numbered as the engine numbers them. */
function encodeWhole(events: readonly JsonObject[], memo: JsonMemo): string {
  const seen = new Map<object, Ref>();
  return `[${events.map((event) => encodeEventWhole(event, seen, memo)).join(',')}]`;
}

function decodeWhole(parsed: unknown[]): JsonObject[] {
  const events = parsed as JsonObject[];
  const pending: [JsonObject, Record<string, Ref>][] = [];
  for (const event of events) {
    const refs = event[refKey] as Record<string, Ref> | undefined;
    if (refs === undefined) continue;
    delete event[refKey];
    pending.push([event, refs]);
  }
  resolveRefs(events, pending);
  return events;
}

function resolveRefs(events: JsonObject[], pending: [JsonObject, Record<string, Ref>][]): void {
  if (pending.length === 0) return;
  const byId = new Map(events.map((e) => [e.id as number, e]));
  for (const [event, refs] of pending) {
    const detailsKey = detailsKeyOf(event);
    if (detailsKey === undefined)
      throw new Error(`History event ${JSON.stringify(event.id)}: no details`);
    const details = event[detailsKey] as JsonObject;
    for (const [field, [id, sourceField]] of Object.entries(refs)) {
      const source = byId.get(id);
      const sourceDetails = source && detailsKeyOf(source);
      if (!source || sourceDetails === undefined)
        throw new Error(`History event ${JSON.stringify(event.id)} refers to missing event ${id}`);
      details[field] = (source[sourceDetails] as JsonObject)[sourceField] ?? null;
    }
  }
}

function detailsKeyOf(event: JsonObject): string | undefined {
  for (const key in event) if (key.endsWith('EventDetails')) return key;
  return undefined;
}

function refsJson(refs: Record<string, Ref>): string | undefined {
  for (const _ in refs) return JSON.stringify(refs);
  return undefined;
}

/** A member name's JSON text, remembered: the engine's names are a small, fixed set. */
function quoted(key: string): string {
  let text = quotedKeys.get(key);
  if (text === undefined) {
    text = JSON.stringify(key);
    if (quotedKeys.size < 1000) quotedKeys.set(key, text);
  }
  return text;
}
const quotedKeys = new Map<string, string>();

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isSafeInteger(value: unknown): value is number {
  return Number.isSafeInteger(value);
}
