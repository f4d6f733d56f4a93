/**
 * What validation reports and how: the diagnostic shape (the one Step Functions'
 * ValidateStateMachineDefinition returns), the diagnostic codes, and a collector that turns a JSON
 * pointer into the "State 'Fanout' > branch 0 > 'A': field 'Next'" prefix every message starts with,
 * so each check only says what is wrong.
 */
import type { Json } from '../json.js';
import { isJsonObject } from '../json.js';

/** One problem found in a definition. */
export interface ValidationDiagnostic {
  /** AWS's diagnostic code where AWS has one (e.g. SCHEMA_VALIDATION_FAILED,
   *  MISSING_TRANSITION_TARGET, INVALID_JSON_DESCRIPTION, ...), else a code of ours in that style. */
  code: string;
  /** e.g. "State 'Charge': field 'Next': no state named 'Recrod' (did you mean 'Record'?)" */
  message: string;
  /** JSON pointer of the offending field, e.g. "/States/Charge/Next". */
  location: string;
}

/**
 * Diagnostic codes. The first group are AWS's (ValidateStateMachineDefinitionDiagnostic lists
 * them); the second are ours, for what this engine rejects and AWS has no code for.
 */
export const DiagnosticCode = {
  InvalidJsonDescription: 'INVALID_JSON_DESCRIPTION',
  MissingDescription: 'MISSING_DESCRIPTION',
  SchemaValidationFailed: 'SCHEMA_VALIDATION_FAILED',
  InvalidResource: 'INVALID_RESOURCE',
  MissingEndState: 'MISSING_END_STATE',
  DuplicateStateName: 'DUPLICATE_STATE_NAME',
  InvalidStateName: 'INVALID_STATE_NAME',
  MissingTransitionTarget: 'MISSING_TRANSITION_TARGET',
  TooDeeplyNested: 'TOO_DEEPLY_NESTED',
  // Ours.
  DefinitionTooLarge: 'DEFINITION_TOO_LARGE',
  UnsupportedFeature: 'UNSUPPORTED_FEATURE',
  TooManyDiagnostics: 'TOO_MANY_DIAGNOSTICS',
} as const;
export type DiagnosticCode = (typeof DiagnosticCode)[keyof typeof DiagnosticCode];

/** Past this many, one more diagnostic says how many were left out. */
const MAX_DIAGNOSTICS = 100;

/** Appends escaped segments to a JSON pointer (RFC 6901). */
export function pointer(base: string, ...segments: (string | number)[]): string {
  let result = base;
  for (const segment of segments) {
    result += '/' + String(segment).replace(/~/g, '~0').replace(/\//g, '~1');
  }
  return result;
}

/** Splits a JSON pointer into its unescaped segments. */
export function pointerSegments(location: string): string[] {
  if (location === '') return [];
  return location
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** A value quoted for a message, cut short so a megabyte string does not become a message. */
export function quote(value: unknown, max = 60): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  const short = text.length > max ? `${text.slice(0, max)}…` : text;
  return `'${short}'`;
}

/**
 * The readable place a pointer names: the chain of states from the top (through Parallel
 * branches and Map item processors), then the field inside the last state.
 *
 * @example describeLocation(doc, '/States/Fanout/Branches/0/States/A/Next')
 *   // "State 'Fanout' > branch 0 > 'A': field 'Next'"
 */
export function describeLocation(root: Json, location: string): string {
  const segments = pointerSegments(location);
  const chain: string[] = [];
  let node: Json | undefined = root;
  let i = 0;
  // Walk container segments: States/<name>, then Branches/<n>/States/<name> or
  // ItemProcessor|Iterator/States/<name>, as long as they lead into states.
  const step = (key: string): void => {
    node = isJsonObject(node) ? node[key] : Array.isArray(node) ? node[Number(key)] : undefined;
  };
  let inState = false;
  while (i < segments.length) {
    const seg = segments[i] as string;
    const next = segments[i + 1];
    if (seg === 'States' && next !== undefined && !inState) {
      step(seg);
      step(next);
      chain.push(chain.length === 0 ? `State ${quote(next, 80)}` : quote(next, 80));
      inState = true;
      i += 2;
      continue;
    }
    if (inState && seg === 'Branches' && next !== undefined && segments[i + 2] !== undefined) {
      step(seg);
      step(next);
      chain.push(`branch ${next}`);
      inState = false;
      i += 2;
      continue;
    }
    if (inState && (seg === 'ItemProcessor' || seg === 'Iterator') && next !== undefined) {
      step(seg);
      chain.push(seg === 'ItemProcessor' ? 'item processor' : 'iterator');
      inState = false;
      i += 1;
      continue;
    }
    break;
  }
  const where = chain.length === 0 ? 'Definition' : chain.join(' > ');
  if (i >= segments.length) return where;
  return `${where}: field ${quote(fieldPath(node, segments.slice(i)), 120)}`;
}

/** "Retry[0].BackoffRate", "Parameters.customer.id.$": array indices in brackets. */
function fieldPath(start: Json | undefined, segments: string[]): string {
  let node = start;
  let text = '';
  for (const seg of segments) {
    if (Array.isArray(node)) {
      text += `[${seg}]`;
      node = node[Number(seg)];
    } else {
      text += text === '' ? seg : `.${seg}`;
      node = isJsonObject(node) ? node[seg] : undefined;
    }
  }
  return text;
}

/** Collects diagnostics; every message is prefixed with where the problem is. */
export class DiagnosticCollector {
  readonly #diagnostics: ValidationDiagnostic[] = [];
  #dropped = 0;

  constructor(private readonly root: Json) {}

  /** Reports a problem at `location`; `text` says what is wrong there. */
  error(code: DiagnosticCode, location: string, text: string): void {
    if (this.#diagnostics.length >= MAX_DIAGNOSTICS) {
      this.#dropped += 1;
      return;
    }
    const where = describeLocation(this.root, location);
    this.#diagnostics.push({ code, message: `${where}: ${text}`, location });
  }

  /** True when a problem was reported at `location` or anywhere inside it. */
  hasErrorsUnder(location: string): boolean {
    return this.#diagnostics.some(
      (d) => d.location === location || d.location.startsWith(`${location}/`),
    );
  }

  get count(): number {
    return this.#diagnostics.length + this.#dropped;
  }

  /** The diagnostics, with a last one counting those left out past the limit. */
  list(): ValidationDiagnostic[] {
    if (this.#dropped === 0) return [...this.#diagnostics];
    return [
      ...this.#diagnostics,
      {
        code: DiagnosticCode.TooManyDiagnostics,
        message: `Definition: ${this.#dropped} more problems were found and not listed`,
        location: '',
      },
    ];
  }
}
