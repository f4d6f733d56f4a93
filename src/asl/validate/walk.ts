/**
 * The map of a definition that every other check works from: its scopes (the top level, each
 * Parallel branch, each Map item processor) and its states, each with its pointer, its effective
 * query language and its Type. Building the map checks the shape of the scopes themselves
 * (StartAt, States, the fields a scope may have) and each state's Type and QueryLanguage.
 */
import type { Json, JsonObject } from '../json.js';
import { isJsonObject } from '../json.js';
import type { QueryLanguage } from '../types.js';
import type { DiagnosticCollector } from './diagnostics.js';
import { DiagnosticCode, pointer, quote } from './diagnostics.js';
import { kindOf } from './input.js';
import { didYouMean } from './suggest.js';

export const StateType = {
  Task: 'Task',
  Pass: 'Pass',
  Choice: 'Choice',
  Wait: 'Wait',
  Succeed: 'Succeed',
  Fail: 'Fail',
  Parallel: 'Parallel',
  Map: 'Map',
} as const;
export type StateType = (typeof StateType)[keyof typeof StateType];
const STATE_TYPES: readonly string[] = Object.values(StateType);

export const ScopeKind = { Machine: 'machine', Branch: 'branch', Processor: 'processor' } as const;
export type ScopeKind = (typeof ScopeKind)[keyof typeof ScopeKind];

/** A set of states that transitions stay within: the top level, a branch, an item processor. */
export interface ScopeSite {
  /** Pointer of the object holding StartAt and States ("" for the top level). */
  readonly pointer: string;
  readonly kind: ScopeKind;
  readonly node: JsonObject;
  /** Names of the states directly in this scope. */
  readonly names: readonly string[];
  /** The Parallel or Map state this scope belongs to (none for the top level). */
  readonly owner?: StateSite;
}

/** One state, where it is, and how to read it. */
export interface StateSite {
  readonly name: string;
  readonly state: JsonObject;
  readonly pointer: string;
  readonly scope: ScopeSite;
  readonly language: QueryLanguage;
  /** Undefined when Type is missing or not a state type (already reported). */
  readonly type: StateType | undefined;
}

export interface MachineMap {
  readonly scopes: readonly ScopeSite[];
  readonly states: readonly StateSite[];
}

const TOP_LEVEL_FIELDS = [
  'Comment',
  'StartAt',
  'States',
  'TimeoutSeconds',
  'Version',
  'QueryLanguage',
];
const BRANCH_FIELDS = ['Comment', 'StartAt', 'States', 'QueryLanguage'];
const PROCESSOR_FIELDS = [...BRANCH_FIELDS, 'ProcessorConfig'];
/** AWS: state names are 1 to 80 characters. */
const MAX_STATE_NAME_LENGTH = 80;

/** Builds the map of scopes and states, reporting what is wrong with their shape. */
export function mapMachine(document: JsonObject, report: DiagnosticCollector): MachineMap {
  const scopes: ScopeSite[] = [];
  const states: StateSite[] = [];
  const topLanguage = readLanguage(document.QueryLanguage, '', report) ?? 'JSONPath';
  checkMachineNumbers(document, report);

  const visitScope = (
    node: JsonObject,
    at: string,
    kind: ScopeKind,
    inherited: QueryLanguage,
    owner?: StateSite,
  ): void => {
    const allowed =
      kind === ScopeKind.Machine
        ? TOP_LEVEL_FIELDS
        : kind === ScopeKind.Processor
          ? PROCESSOR_FIELDS
          : BRANCH_FIELDS;
    for (const key of Object.keys(node)) {
      if (!allowed.includes(key)) {
        report.error(
          DiagnosticCode.SchemaValidationFailed,
          pointer(at, key),
          `is not a field of ${kind === ScopeKind.Machine ? 'a state machine' : `a ${kind === ScopeKind.Processor ? 'Map item processor' : 'Parallel branch'}`}${didYouMean(key, allowed)}`,
        );
      }
    }
    if (node.Comment !== undefined && typeof node.Comment !== 'string') {
      report.error(
        DiagnosticCode.SchemaValidationFailed,
        pointer(at, 'Comment'),
        'must be a string',
      );
    }
    // Ours (types.ts allows it): a branch's QueryLanguage is the default for its states; AWS
    // documents only the top-level and per-state fields.
    const language =
      kind === ScopeKind.Machine
        ? inherited
        : (readLanguage(node.QueryLanguage, at, report, topLanguage) ?? inherited);
    if (typeof node.StartAt !== 'string') {
      report.error(
        DiagnosticCode.SchemaValidationFailed,
        pointer(at, 'StartAt'),
        node.StartAt === undefined
          ? 'is required'
          : `must be a string, not ${kindOf(node.StartAt)}`,
      );
    }
    const container = node.States;
    if (!isJsonObject(container)) {
      report.error(
        DiagnosticCode.SchemaValidationFailed,
        pointer(at, 'States'),
        container === undefined ? 'is required' : `must be an object, not ${kindOf(container)}`,
      );
      scopes.push(scope(at, kind, node, [], owner));
      return;
    }
    const names = Object.keys(container);
    if (names.length === 0) {
      report.error(
        DiagnosticCode.SchemaValidationFailed,
        pointer(at, 'States'),
        'must have at least one state',
      );
    }
    const site = scope(at, kind, node, names, owner);
    scopes.push(site);
    for (const name of names) {
      const at2 = pointer(at, 'States', name);
      if (name.length === 0 || name.length > MAX_STATE_NAME_LENGTH) {
        report.error(
          DiagnosticCode.InvalidStateName,
          at2,
          `a state name must be 1 to ${MAX_STATE_NAME_LENGTH} characters long (it is ${name.length})`,
        );
      }
      const state = container[name];
      if (!isJsonObject(state)) {
        report.error(
          DiagnosticCode.SchemaValidationFailed,
          at2,
          `must be an object, not ${kindOf(state)}`,
        );
        continue;
      }
      const stateSite: StateSite = {
        name,
        state,
        pointer: at2,
        scope: site,
        language: readLanguage(state.QueryLanguage, at2, report, topLanguage) ?? language,
        type: readType(state.Type, at2, report),
      };
      states.push(stateSite);
      visitChildren(stateSite);
    }
  };

  const visitChildren = (site: StateSite): void => {
    const { state } = site;
    if (site.type === StateType.Parallel) {
      const branches = state.Branches;
      const at = pointer(site.pointer, 'Branches');
      if (!Array.isArray(branches) || branches.length === 0) {
        report.error(
          DiagnosticCode.SchemaValidationFailed,
          at,
          branches === undefined
            ? 'is required'
            : Array.isArray(branches)
              ? 'must have at least one branch'
              : `must be an array of branches, not ${kindOf(branches)}`,
        );
        return;
      }
      branches.forEach((branch, index) => {
        if (isJsonObject(branch)) {
          visitScope(branch, pointer(at, index), ScopeKind.Branch, topLanguage, site);
        } else {
          report.error(
            DiagnosticCode.SchemaValidationFailed,
            pointer(at, index),
            `must be an object with StartAt and States, not ${kindOf(branch)}`,
          );
        }
      });
    } else if (site.type === StateType.Map) {
      for (const field of ['ItemProcessor', 'Iterator'] as const) {
        const processor = state[field];
        if (processor === undefined) continue;
        const at = pointer(site.pointer, field);
        if (isJsonObject(processor)) {
          const kind = field === 'ItemProcessor' ? ScopeKind.Processor : ScopeKind.Branch;
          visitScope(processor, at, kind, topLanguage, site);
        } else {
          report.error(
            DiagnosticCode.SchemaValidationFailed,
            at,
            `must be an object with StartAt and States, not ${kindOf(processor)}`,
          );
        }
      }
    }
  };

  visitScope(document, '', ScopeKind.Machine, topLanguage);
  return { scopes, states };
}

function scope(
  at: string,
  kind: ScopeKind,
  node: JsonObject,
  names: string[],
  owner: StateSite | undefined,
): ScopeSite {
  return owner === undefined
    ? { pointer: at, kind, node, names }
    : { pointer: at, kind, node, names, owner };
}

/**
 * A QueryLanguage field's value, or undefined when absent or wrong (reported).
 * AWS: once the top level is JSONata, no state or branch may go back to JSONPath.
 */
function readLanguage(
  value: Json | undefined,
  at: string,
  report: DiagnosticCollector,
  topLanguage?: QueryLanguage,
): QueryLanguage | undefined {
  if (value === undefined) return undefined;
  const where = pointer(at, 'QueryLanguage');
  if (value !== 'JSONPath' && value !== 'JSONata') {
    report.error(
      DiagnosticCode.SchemaValidationFailed,
      where,
      `must be 'JSONPath' or 'JSONata', not ${quote(value)}`,
    );
    return undefined;
  }
  if (topLanguage === 'JSONata' && value === 'JSONPath') {
    report.error(
      DiagnosticCode.SchemaValidationFailed,
      where,
      "cannot be 'JSONPath' when the state machine's QueryLanguage is 'JSONata'",
    );
    return undefined;
  }
  return value;
}

function readType(
  value: Json | undefined,
  at: string,
  report: DiagnosticCollector,
): StateType | undefined {
  const where = pointer(at, 'Type');
  if (value === undefined) {
    report.error(
      DiagnosticCode.SchemaValidationFailed,
      where,
      `is required (one of ${STATE_TYPES.join(', ')})`,
    );
    return undefined;
  }
  if (typeof value !== 'string' || !STATE_TYPES.includes(value)) {
    const hint = typeof value === 'string' ? didYouMean(value, STATE_TYPES) : '';
    report.error(
      DiagnosticCode.SchemaValidationFailed,
      where,
      `${quote(value)} is not a state type${hint}; expected one of ${STATE_TYPES.join(', ')}`,
    );
    return undefined;
  }
  return value as StateType;
}

/** Top-level TimeoutSeconds and Version. */
function checkMachineNumbers(document: JsonObject, report: DiagnosticCollector): void {
  const timeout = document.TimeoutSeconds;
  if (timeout !== undefined && !(Number.isInteger(timeout) && (timeout as number) > 0)) {
    report.error(
      DiagnosticCode.SchemaValidationFailed,
      '/TimeoutSeconds',
      `must be a positive integer, not ${quote(timeout)}`,
    );
  }
  if (document.Version !== undefined && typeof document.Version !== 'string') {
    report.error(DiagnosticCode.SchemaValidationFailed, '/Version', 'must be a string');
  }
}
