/**
 * How the engine writes history chunks, and reads them back. A chunk is built as a compact
 * array and serialised with one `JSON.stringify`. Until 2026-12-07 the text was assembled by
 * hand around `JSON.stringify` of each part, so that a per-batch memo could share a payload's
 * text with the run snapshots; one native call writing a flat string is faster (replaying
 * bench/engine.ts's captured batches: serialising and posting them took 5-15% less), although a
 * snapshot now serialises its input again.
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
import type { JsonObject } from '../asl/json.js';

/** The details fields that carry payloads. */
const payloadFields = new Set(['input', 'output']);
const refKey = '~';
const format = 2;

type Ref = [eventId: number, field: string];

/** Serializes one chunk's events (each already numbered), writing a repeated payload once. */
export function encodeHistoryChunk(events: readonly JsonObject[]): string {
  const seen = new Map<object, Ref>();
  const first = events[0];
  if (!first || !isSafeInteger(first.id) || !isSafeInteger(first.timestamp)) {
    // Format 1 throughout: for events not numbered as the engine numbers them.
    return JSON.stringify(events.map((event) => wholeEvent(event, seen)));
  }
  const chunk: unknown[] = [format, first.id, first.timestamp];
  let lastTimestamp = first.timestamp;
  for (let i = 0; i < events.length; i++) {
    const event = events[i] as JsonObject;
    const compact = compactShape(event, first.id + i);
    if (compact === undefined) {
      chunk.push(wholeEvent(event, seen));
      if (isSafeInteger(event.timestamp)) lastTimestamp = event.timestamp;
      continue;
    }
    const timestamp = event.timestamp as number;
    const item: unknown[] = [
      event.type,
      timestamp - lastTimestamp,
      (event.id as number) - (event.previousEventId as number),
    ];
    lastTimestamp = timestamp;
    if (compact.detailsKey !== undefined) {
      const { details, refs } = detailsOnce(
        event[compact.detailsKey] as JsonObject,
        event.id as number,
        seen,
      );
      item.push(details);
      if (compact.explicitKey) item.push(refs ?? 0, compact.detailsKey);
      else if (refs !== undefined) item.push(refs);
    }
    chunk.push(item);
  }
  return JSON.stringify(chunk);
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

/**
 * One details object as written: itself, or a copy holding 0 in place of each payload already
 * written in this chunk, with refs naming where it was written. Members keep their order.
 */
function detailsOnce(
  details: JsonObject,
  eventId: number,
  seen: Map<object, Ref>,
): { details: JsonObject; refs: Record<string, Ref> | undefined } {
  let copy: JsonObject | undefined;
  let refs: Record<string, Ref> | undefined;
  for (const key in details) {
    const value = details[key];
    if (!payloadFields.has(key) || !isObject(value)) continue;
    const ref = seen.get(value);
    if (ref === undefined) {
      seen.set(value, [eventId, key]);
      continue;
    }
    copy ??= { ...details };
    copy[key] = 0;
    (refs ??= {})[key] = ref;
  }
  return { details: copy ?? details, refs };
}

/** A whole event (format 1's form), its repeated payloads named in `"~"`. */
function wholeEvent(event: JsonObject, seen: Map<object, Ref>): JsonObject {
  const detailsKey = detailsKeyOf(event);
  const details = detailsKey === undefined ? undefined : event[detailsKey];
  if (!isObject(details) || !isSafeInteger(event.id)) return event;
  const written = detailsOnce(details, event.id, seen);
  if (written.refs === undefined) return event;
  return { ...event, [detailsKey as string]: written.details, [refKey]: written.refs };
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

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isSafeInteger(value: unknown): value is number {
  return Number.isSafeInteger(value);
}
