/**
 * Turns whatever a caller passed (a JSON string, a parsed object, or junk) into a plain JSON
 * object of bounded size and depth, or the diagnostic that says why it is not one. Everything
 * after this step can recurse without fear of cycles or stack overflow.
 */
import type { JsonObject } from '../json.js';
import { isJsonObject } from '../json.js';
import type { ValidationDiagnostic } from './diagnostics.js';
import { DiagnosticCode } from './diagnostics.js';

/** AWS: CreateStateMachine's `definition` is at most 1,048,576 characters. */
export const MAX_DEFINITION_LENGTH = 1_048_576;

/**
 * Deepest JSON nesting accepted. Ours: AWS's limit is on nested states (TOO_DEEPLY_NESTED); a
 * bound on the document keeps every recursive check here far from the stack limit.
 */
export const MAX_JSON_DEPTH = 256;

export type InputResult =
  { ok: true; document: JsonObject } | { ok: false; diagnostic: ValidationDiagnostic };

/** Parses and normalises the input; never throws. */
export function readInput(input: unknown): InputResult {
  let text: string;
  if (input === undefined || input === null) {
    return fail(DiagnosticCode.MissingDescription, 'Definition: no definition was given');
  }
  if (typeof input === 'string') {
    text = input;
  } else {
    // A round trip through text drops what JSON cannot hold (functions, undefined), fails on
    // cycles, and gives later checks a private copy nobody else mutates.
    try {
      const serialised: unknown = JSON.stringify(input);
      if (typeof serialised !== 'string') {
        return fail(DiagnosticCode.SchemaValidationFailed, 'Definition: must be a JSON object');
      }
      text = serialised;
    } catch (error) {
      return fail(
        DiagnosticCode.InvalidJsonDescription,
        `Definition: cannot be written as JSON (${errorMessage(error)})`,
      );
    }
  }
  if (text.trim() === '') {
    return fail(DiagnosticCode.MissingDescription, 'Definition: the definition is empty');
  }
  if (text.length > MAX_DEFINITION_LENGTH) {
    return fail(
      DiagnosticCode.DefinitionTooLarge,
      `Definition: is ${text.length} characters long; the limit is ${MAX_DEFINITION_LENGTH}`,
    );
  }
  const depth = nestingDepth(text);
  if (depth > MAX_JSON_DEPTH) {
    return fail(
      DiagnosticCode.TooDeeplyNested,
      `Definition: JSON is nested ${depth} levels deep; the limit is ${MAX_JSON_DEPTH}`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return fail(
      DiagnosticCode.InvalidJsonDescription,
      `Definition: is not valid JSON (${errorMessage(error)})`,
    );
  }
  if (!isJsonObject(parsed)) {
    return fail(
      DiagnosticCode.SchemaValidationFailed,
      `Definition: must be a JSON object, not ${kindOf(parsed)}`,
    );
  }
  return { ok: true, document: parsed };
}

/** The deepest bracket nesting in JSON text, counted without parsing (strings skipped). */
function nestingDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i += 1; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b || c === 0x5b) {
      depth += 1;
      if (depth > deepest) deepest = depth;
    } else if (c === 0x7d || c === 0x5d) {
      depth -= 1;
    }
  }
  return deepest;
}

/** "an array", "a number", ... for messages. */
export function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'object':
      return 'an object';
    case 'string':
      return 'a string';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'a boolean';
    default:
      return typeof value;
  }
}

function fail(code: DiagnosticCode, message: string): InputResult {
  return { ok: false, diagnostic: { code, message, location: '' } };
}

function errorMessage(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
