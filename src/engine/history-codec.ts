/**
 * How a chunk of history events is stored: JSON, except that a payload repeated within the chunk
 * is written once. A state's input is most often the very output of the state before it (and an
 * execution's output the last state's output), so a plain chunk carries the whole state data two
 * or three times per transition. Writing it once makes the benchmark workflow's chunks 20-30%
 * smaller, and the history is most of what each commit writes (measured with bench/engine.ts).
 *
 * A repeated payload is written as 0 in its event's details (keeping the fields' order) and named
 * in a top-level `"~"` member of that event: `{"~": {"input": [6, "output"]}}` reads "this
 * event's details' input is event 6's details' output". Event members are paystep's own (type,
 * id, previousEventId, timestamp, the `...EventDetails` object), so `"~"` cannot collide with
 * anything a workflow writes; payloads themselves are never rewritten. Only the same object is shared (as the
 * interpreter hands it over), never two equal ones, and only within one chunk. Chunks written
 * before this encoding have no `"~"` member and decode as they are.
 */
import type { JsonObject } from '../asl/json.js';

/** The details fields that carry payloads. */
const payloadFields = ['input', 'output'] as const;
const refKey = '~';

type Ref = [eventId: number, field: string];

/** Serializes one chunk's events (each already numbered), writing a repeated payload once. */
export function encodeHistoryChunk(events: readonly JsonObject[]): string {
  let seen: Map<unknown, Ref> | undefined;
  let out = '[';
  for (let i = 0; i < events.length; i++) {
    const event = events[i] as JsonObject;
    if (i > 0) out += ',';
    const detailsKey = detailsKeyOf(event);
    const details = detailsKey === undefined ? undefined : (event[detailsKey] as JsonObject);
    let refs: Record<string, Ref> | undefined;
    let slim: JsonObject | undefined;
    if (details) {
      for (const field of payloadFields) {
        const value = details[field];
        if (typeof value !== 'object' || value === null) continue;
        const ref = seen?.get(value);
        if (ref) {
          (refs ??= {})[field] = ref;
          slim ??= { ...details };
          slim[field] = 0;
        } else {
          (seen ??= new Map()).set(value, [event.id as number, field]);
        }
      }
    }
    if (!refs || detailsKey === undefined) {
      out += JSON.stringify(event);
      continue;
    }
    out += JSON.stringify({ ...event, [detailsKey]: slim ?? null, [refKey]: refs });
  }
  return out + ']';
}

/** Parses a stored chunk back into its events, restoring payloads written once. */
export function decodeHistoryChunk(text: string): JsonObject[] {
  const events = JSON.parse(text) as JsonObject[];
  let byId: Map<number, JsonObject> | undefined;
  for (const event of events) {
    const refs = event[refKey] as Record<string, Ref> | undefined;
    if (refs !== undefined) {
      if (!byId) byId = new Map(events.map((e) => [e.id as number, e]));
      delete event[refKey];
      const detailsKey = detailsKeyOf(event);
      if (detailsKey === undefined)
        throw new Error(`History event ${JSON.stringify(event.id)}: no details`);
      const details = event[detailsKey] as JsonObject;
      for (const [field, [id, sourceField]] of Object.entries(refs)) {
        const source = byId.get(id);
        const sourceDetails = source && detailsKeyOf(source);
        if (!source || sourceDetails === undefined)
          throw new Error(
            `History event ${JSON.stringify(event.id)} refers to missing event ${id}`,
          );
        details[field] = (source[sourceDetails] as JsonObject)[sourceField] ?? null;
      }
    }
  }
  return events;
}

function detailsKeyOf(event: JsonObject): string | undefined {
  for (const key in event) if (key.endsWith('EventDetails')) return key;
  return undefined;
}
