/**
 * The expressions inside a definition, checked by compiling them with the same compilers the
 * interpreter uses: JSONPath paths and reference paths, intrinsic function calls in `.$` fields,
 * JSONata `{% %}` expressions, and the variable names of Assign.
 */
import type { Json, JsonObject } from '../json.js';
import { isJsonObject } from '../json.js';
import { compileIntrinsic, isIntrinsicCall } from '../intrinsics.js';
import type { JsonataCache } from '../jsonata.js';
import { compileJsonataTemplate, createJsonataCache } from '../jsonata.js';
import { compilePath, compileReferencePath } from '../paths.js';
import type { DiagnosticCollector } from './diagnostics.js';
import { DiagnosticCode, pointer, quote } from './diagnostics.js';
import { isJsonataExpression } from './values.js';
import type { StateSite } from './walk.js';
import { StateType } from './walk.js';

/** How a string field of a JSONPath state is read. */
export const PathKind = {
  /** Any path: InputPath, OutputPath. */
  Path: 'path',
  /** A path selecting a single value: ItemsPath, SecondsPath, Choice Variable, ... */
  Single: 'single',
  /** ResultPath: where a result is written; no `$$`, no variables. */
  Reference: 'reference',
  /** ErrorPath, CausePath: a single-value path or an intrinsic function call. */
  SingleOrIntrinsic: 'single-or-intrinsic',
} as const;
export type PathKind = (typeof PathKind)[keyof typeof PathKind];

const PATH_FIELDS: Readonly<Record<string, PathKind>> = {
  InputPath: PathKind.Path,
  OutputPath: PathKind.Path,
  ResultPath: PathKind.Reference,
  ItemsPath: PathKind.Single,
  SecondsPath: PathKind.Single,
  TimestampPath: PathKind.Single,
  TimeoutSecondsPath: PathKind.Single,
  HeartbeatSecondsPath: PathKind.Single,
  MaxConcurrencyPath: PathKind.Single,
  ToleratedFailureCountPath: PathKind.Single,
  ToleratedFailurePercentagePath: PathKind.Single,
  ErrorPath: PathKind.SingleOrIntrinsic,
  CausePath: PathKind.SingleOrIntrinsic,
};
const TEMPLATE_FIELDS = ['Parameters', 'ResultSelector', 'ItemSelector', 'Credentials'];
const JSONATA_FIELDS = [
  'Arguments',
  'Output',
  'Items',
  'ItemSelector',
  'Seconds',
  'Timestamp',
  'TimeoutSeconds',
  'HeartbeatSeconds',
  'MaxConcurrency',
  'ToleratedFailureCount',
  'ToleratedFailurePercentage',
  'Error',
  'Cause',
  'Credentials',
];

/** AWS: variable names are at most 80 characters; `states` is reserved. */
const MAX_VARIABLE_NAME_LENGTH = 80;
const RESERVED_VARIABLES = ['states'];
/**
 * AWS: a variable name is a Unicode identifier (UAX #31: ID_Start, then ID_Continue). Ours: a
 * leading underscore is accepted too, as in JSONata and JSONPath variable references.
 */
const VARIABLE_NAME = /^[\p{ID_Start}_][\p{ID_Continue}]*$/u;

/** Checks the expressions of a state; `cache` shares parsed JSONata across the definition. */
export class ExpressionChecker {
  readonly #jsonata: JsonataCache = createJsonataCache();

  constructor(private readonly report: DiagnosticCollector) {}

  /** Every path, template, intrinsic, JSONata expression and Assign name of the state. */
  checkState(site: StateSite): void {
    const { state } = site;
    if (site.language === 'JSONPath') {
      for (const [field, kind] of Object.entries(PATH_FIELDS)) {
        const value = state[field];
        if (typeof value === 'string') this.path(value, kind, pointer(site.pointer, field));
      }
      for (const field of TEMPLATE_FIELDS) {
        if (state[field] !== undefined) this.template(state[field], pointer(site.pointer, field));
      }
      // AWS: Map's legacy Parameters is ItemSelector; a Pass's and Task's Parameters are templates.
    } else {
      for (const field of JSONATA_FIELDS) {
        if (state[field] !== undefined) this.jsonata(state[field], pointer(site.pointer, field));
      }
    }
    if (isJsonObject(state.Assign))
      this.assign(state.Assign, site, pointer(site.pointer, 'Assign'));
    if (Array.isArray(state.Catch) && site.type !== StateType.Choice) {
      state.Catch.forEach((catcher, i) => {
        if (!isJsonObject(catcher)) return;
        const at = pointer(site.pointer, 'Catch', i);
        if (site.language === 'JSONPath' && typeof catcher.ResultPath === 'string') {
          this.path(catcher.ResultPath, PathKind.Reference, pointer(at, 'ResultPath'));
        }
        if (site.language === 'JSONata' && catcher.Output !== undefined) {
          this.jsonata(catcher.Output, pointer(at, 'Output'));
        }
        if (isJsonObject(catcher.Assign)) this.assign(catcher.Assign, site, pointer(at, 'Assign'));
      });
    }
  }

  /** A JSONPath-mode path string of the given kind. */
  path(value: string, kind: PathKind, at: string): void {
    try {
      if (kind === PathKind.Reference) {
        compileReferencePath(value);
        return;
      }
      if (kind === PathKind.SingleOrIntrinsic && isIntrinsicCall(value)) {
        compileIntrinsic(value);
        return;
      }
      const compiled = compilePath(value);
      if (kind !== PathKind.Path && !compiled.definite) {
        this.report.error(
          DiagnosticCode.SchemaValidationFailed,
          at,
          `${quote(value)} must select a single value: no wildcards, slices, filters, unions or '..'`,
        );
      }
    } catch (error) {
      this.report.error(DiagnosticCode.SchemaValidationFailed, at, compilerMessage(error));
    }
  }

  /** A JSONPath payload template: every `key.$` value is a path or an intrinsic call. */
  template(value: Json | undefined, at: string): void {
    if (Array.isArray(value)) {
      value.forEach((item, i) => this.template(item, pointer(at, i)));
      return;
    }
    if (!isJsonObject(value)) return;
    for (const [key, item] of Object.entries(value)) {
      const here = pointer(at, key);
      if (!key.endsWith('.$')) {
        this.template(item, here);
      } else if (typeof item !== 'string') {
        this.report.error(
          DiagnosticCode.SchemaValidationFailed,
          here,
          "a field whose name ends in '.$' must be a path or an intrinsic function call (a string)",
        );
      } else {
        this.pathOrIntrinsic(item, here);
      }
    }
  }

  /** A `.$` value: an intrinsic function call or any path. */
  pathOrIntrinsic(value: string, at: string): void {
    try {
      if (isIntrinsicCall(value)) compileIntrinsic(value);
      else compilePath(value);
    } catch (error) {
      this.report.error(DiagnosticCode.SchemaValidationFailed, at, compilerMessage(error));
    }
  }

  /** Every `{% %}` string anywhere in a JSONata-mode value. */
  jsonata(value: Json | undefined, at: string): void {
    if (typeof value === 'string') {
      if (!isJsonataExpression(value)) return;
      try {
        compileJsonataTemplate(value, at, this.#jsonata);
      } catch (error) {
        this.report.error(DiagnosticCode.SchemaValidationFailed, at, compilerMessage(error));
      }
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => this.jsonata(item, pointer(at, i)));
    } else if (isJsonObject(value)) {
      for (const [key, item] of Object.entries(value)) this.jsonata(item, pointer(at, key));
    }
  }

  /** Assign: valid variable names, and values checked in the state's query language. */
  assign(assign: JsonObject, site: StateSite, at: string): void {
    for (const [key, value] of Object.entries(assign)) {
      const here = pointer(at, key);
      const dollar = key.endsWith('.$');
      const name = site.language === 'JSONPath' && dollar ? key.slice(0, -2) : key;
      if (site.language === 'JSONata' && dollar) {
        this.report.error(
          DiagnosticCode.SchemaValidationFailed,
          here,
          "JSONata states do not use '.$' keys; assign a '{% expression %}' value instead",
        );
      } else {
        this.variableName(name, here);
      }
      if (site.language === 'JSONata') this.jsonata(value, here);
      else if (dollar && typeof value === 'string') this.pathOrIntrinsic(value, here);
      else if (dollar) {
        this.report.error(
          DiagnosticCode.SchemaValidationFailed,
          here,
          "a field whose name ends in '.$' must be a path or an intrinsic function call (a string)",
        );
      } else this.template(value, here);
    }
  }

  private variableName(name: string, at: string): void {
    let problem: string | undefined;
    if (name.startsWith('$')) {
      problem = `is named without the '$': write ${quote(name.replace(/^\$+/, ''))} here and read it as ${quote(name)}`;
    } else if (RESERVED_VARIABLES.includes(name)) {
      problem = `${quote(name)} is a reserved variable name`;
    } else if (name.length > MAX_VARIABLE_NAME_LENGTH) {
      problem = `a variable name is at most ${MAX_VARIABLE_NAME_LENGTH} characters long`;
    } else if (!VARIABLE_NAME.test(name)) {
      problem = `${quote(name)} is not a valid variable name: it must start with a letter or '_' and contain only letters, digits and '_'`;
    }
    if (problem !== undefined)
      this.report.error(DiagnosticCode.SchemaValidationFailed, at, problem);
  }
}

function compilerMessage(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}
