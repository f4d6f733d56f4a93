/**
 * The API's one JSON reader for request bodies, stricter than `JSON.parse(buffer.toString())`:
 * I-JSON (RFC 7493) rather than bare RFC 8259. A body that is not valid UTF-8 is refused instead of
 * having its bad bytes replaced by U+FFFD, and an object that names a member twice is refused
 * instead of keeping the last value: `{"currency":5,"currency":"EUR"}` would otherwise pass a
 * validator that only sees the last one, while the signer, a log or another parser saw the first.
 * A member named `__proto__` is refused too, as Fastify's own parser does.
 */
import { ApiError } from './problem.js';

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;

/** Decodes and parses a request body; throws ApiError MalformedJson saying what is wrong. */
export function parseStrictJson(body: Buffer): unknown {
  return parseStrictJsonText(decodeStrictUtf8(body));
}

/** The body as text; throws ApiError MalformedJson when it is not valid UTF-8. */
export function decodeStrictUtf8(body: Buffer): string {
  try {
    return utf8.decode(body);
  } catch {
    throw new ApiError('MalformedJson', 'The request body is not valid UTF-8.');
  }
}

/** Parses JSON text, refusing duplicate member names and `__proto__`. */
export function parseStrictJsonText(text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ApiError('MalformedJson', 'The request body is not valid JSON.');
  }
  // In valid JSON text a colon outside a string separates a member name from its value, so the
  // text names as many members as it has such colons. JSON.parse keeps one member per distinct
  // name in each object: fewer members parsed than named means a name was repeated.
  if (typeof value === 'object' && value !== null && countMembers(value) !== countColons(text)) {
    throw new ApiError(
      'MalformedJson',
      'The request body names a member twice in one object; member names must be unique.',
    );
  }
  return value;
}

function countColons(text: string): number {
  let colons = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (c === COLON) colons++;
  }
  return colons;
}

/** Members of every object in the value, walked without recursion (bodies may nest deeply). */
function countMembers(root: object): number {
  let members = 0;
  const pending: object[] = [root];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (Array.isArray(next)) {
      for (const item of next as unknown[]) {
        if (typeof item === 'object' && item !== null) pending.push(item);
      }
      continue;
    }
    for (const key in next) {
      if (key === '__proto__') {
        throw new ApiError('MalformedJson', 'The request body names a member "__proto__".');
      }
      members++;
      const item = (next as Record<string, unknown>)[key];
      if (typeof item === 'object' && item !== null) pending.push(item);
    }
  }
  return members;
}
