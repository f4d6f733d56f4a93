/**
 * The graph checks: every StartAt, Next, Default, Choice rule Next and Catch Next names a state
 * of the same scope (no transition leaves or enters a Parallel branch or Map item processor),
 * every state is reachable from StartAt, each scope can end, and state names are unique across
 * the whole machine.
 */
import type { Json } from '../json.js';
import { isJsonObject } from '../json.js';
import type { DiagnosticCollector } from './diagnostics.js';
import { DiagnosticCode, describeLocation, pointer, quote } from './diagnostics.js';
import { didYouMean } from './suggest.js';
import type { MachineMap, ScopeSite, StateSite } from './walk.js';
import { ScopeKind, StateType } from './walk.js';

/** A transition out of a state: the target's name and the pointer of the field naming it. */
interface Transition {
  readonly target: string;
  readonly at: string;
}

/** Runs every graph check over the map. */
export function checkTransitions(map: MachineMap, root: Json, report: DiagnosticCollector): void {
  const byName = new Map<string, StateSite[]>();
  for (const site of map.states) {
    const list = byName.get(site.name);
    if (list === undefined) byName.set(site.name, [site]);
    else list.push(site);
  }
  checkUniqueNames(byName, root, report);
  const statesByScope = new Map<ScopeSite, StateSite[]>();
  for (const site of map.states) {
    const list = statesByScope.get(site.scope);
    if (list === undefined) statesByScope.set(site.scope, [site]);
    else list.push(site);
  }
  for (const scope of map.scopes) {
    checkScope(scope, statesByScope.get(scope) ?? [], byName, root, report);
  }
}

function checkUniqueNames(
  byName: Map<string, StateSite[]>,
  root: Json,
  report: DiagnosticCollector,
): void {
  for (const [name, sites] of byName) {
    const first = sites[0];
    if (first === undefined) continue;
    for (const site of sites.slice(1)) {
      // AWS: state names are unique across the whole machine, nested branches included.
      report.error(
        DiagnosticCode.DuplicateStateName,
        site.pointer,
        `the name ${quote(name, 80)} is already used by ${describeLocation(root, first.pointer)}; state names must be unique across the whole state machine`,
      );
    }
  }
}

function checkScope(
  scope: ScopeSite,
  states: StateSite[],
  byName: Map<string, StateSite[]>,
  root: Json,
  report: DiagnosticCollector,
): void {
  const local = new Map(states.map((s) => [s.name, s]));
  const edges = new Map<string, string[]>();
  let brokenTransition = false;
  const checkTarget = (t: Transition): boolean => {
    if (local.has(t.target)) return true;
    brokenTransition = true;
    report.error(
      DiagnosticCode.MissingTransitionTarget,
      t.at,
      missingTargetText(t.target, scope, byName, root, [...local.keys()]),
    );
    return false;
  };

  const startAt = scope.node.StartAt;
  // An empty States is reported with the scope's shape; StartAt cannot name anything in it.
  if (typeof startAt === 'string' && states.length > 0) {
    checkTarget({ target: startAt, at: pointer(scope.pointer, 'StartAt') });
  }
  for (const site of states) {
    const targets = transitionsOf(site).filter(checkTarget);
    edges.set(
      site.name,
      targets.map((t) => t.target),
    );
  }

  // With a transition broken, the state it meant to reach looks unreachable: one report is enough.
  if (typeof startAt === 'string' && local.has(startAt) && !brokenTransition) {
    const reached = new Set<string>([startAt]);
    const queue = [startAt];
    for (let name = queue.pop(); name !== undefined; name = queue.pop()) {
      for (const next of edges.get(name) ?? []) {
        if (!reached.has(next)) {
          reached.add(next);
          queue.push(next);
        }
      }
    }
    for (const site of states) {
      if (!reached.has(site.name)) {
        // AWS rejects unreachable states at creation.
        report.error(
          DiagnosticCode.MissingTransitionTarget,
          site.pointer,
          `is not reachable from StartAt ${quote(startAt, 80)}; no Next, Default or Catch leads to it`,
        );
      }
    }
  }

  // A state whose Next or End is wrong has been reported; it may be the one meant to end.
  const suspect = brokenTransition || states.some((s) => report.hasErrorsUnder(s.pointer));
  if (states.length > 0 && !suspect && !states.some(isTerminal)) {
    report.error(
      DiagnosticCode.MissingEndState,
      pointer(scope.pointer, 'States'),
      `has no terminal state; at least one state must have 'End': true or be a Succeed or Fail state`,
    );
  }
}

function isTerminal(site: StateSite): boolean {
  return site.type === StateType.Succeed || site.type === StateType.Fail || site.state.End === true;
}

/** Every transition a state declares, with where it is declared. */
export function transitionsOf(site: StateSite): Transition[] {
  const { state } = site;
  const result: Transition[] = [];
  if (site.type !== StateType.Choice && typeof state.Next === 'string') {
    result.push({ target: state.Next, at: pointer(site.pointer, 'Next') });
  }
  if (site.type === StateType.Choice) {
    if (Array.isArray(state.Choices)) {
      state.Choices.forEach((rule, i) => {
        if (isJsonObject(rule) && typeof rule.Next === 'string') {
          result.push({ target: rule.Next, at: pointer(site.pointer, 'Choices', i, 'Next') });
        }
      });
    }
    if (typeof state.Default === 'string') {
      result.push({ target: state.Default, at: pointer(site.pointer, 'Default') });
    }
  }
  if (
    (site.type === StateType.Task ||
      site.type === StateType.Parallel ||
      site.type === StateType.Map) &&
    Array.isArray(state.Catch)
  ) {
    state.Catch.forEach((catcher, i) => {
      if (isJsonObject(catcher) && typeof catcher.Next === 'string') {
        result.push({ target: catcher.Next, at: pointer(site.pointer, 'Catch', i, 'Next') });
      }
    });
  }
  return result;
}

function missingTargetText(
  target: string,
  scope: ScopeSite,
  byName: Map<string, StateSite[]>,
  root: Json,
  localNames: string[],
): string {
  const elsewhere = byName.get(target)?.[0];
  if (elsewhere !== undefined) {
    const where = describeLocation(root, elsewhere.pointer);
    if (isInside(elsewhere.scope, scope)) {
      return `${quote(target, 80)} is ${where}, inside a Parallel branch or Map item processor; a transition cannot enter one from outside`;
    }
    const here =
      scope.kind === ScopeKind.Processor || scope.owner?.type === StateType.Map
        ? 'Map item processor'
        : 'Parallel branch';
    return `${quote(target, 80)} is ${where}, outside this ${here}; a transition cannot leave a ${here}`;
  }
  return `no state named ${quote(target, 80)}${didYouMean(target, localNames)}`;
}

/** True when `inner` is nested (at any depth) within a state of `outer`. */
function isInside(inner: ScopeSite, outer: ScopeSite): boolean {
  for (let s: ScopeSite | undefined = inner.owner?.scope; s !== undefined; s = s.owner?.scope) {
    if (s === outer) return true;
  }
  return false;
}
