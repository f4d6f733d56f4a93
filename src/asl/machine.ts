/**
 * Compiles a validated definition once into closures: every path, payload template, JSONata
 * template, choice rule and reference path is parsed here, so running a state does no parsing.
 * The result is immutable and shared by every execution of the definition.
 */
import type { Json } from './json.js';
import type { EvalScope } from './scope.js';
import type {
  Branch,
  Catcher,
  QueryLanguage,
  Retrier,
  State,
  StateMachineDefinition,
} from './types.js';
import { compilePath, compileReferencePath } from './paths.js';
import type { CompiledPath, CompiledReferencePath } from './paths.js';
import { compilePayloadTemplate } from './payload.js';
import { compileIntrinsic, isIntrinsicCall } from './intrinsics.js';
import { compileJsonataTemplate } from './jsonata.js';
import { compileChoiceRules } from './choice.js';
import type { ChoiceMatch } from './choice.js';
import { describeResource } from './history.js';
import type { ResourceDescription } from './history.js';

/** An expression of either query language; JSONPath ones are synchronous. */
export type Evaluator = (scope: EvalScope) => Json | Promise<Json>;

export interface CompiledCatcher {
  catcher: Catcher;
  resultPath: CompiledReferencePath | null | undefined;
  output: Evaluator | undefined;
  assign: Evaluator | undefined;
}

export interface CompiledState {
  readonly name: string;
  readonly def: State;
  readonly type: State['Type'];
  readonly queryLanguage: QueryLanguage;
  /** undefined: `$` (everything); null: `{}` (AWS: a null path discards). */
  readonly inputPath: CompiledPath | null | undefined;
  readonly outputPath: CompiledPath | null | undefined;
  /** Parameters (JSONPath) or Arguments (JSONata); for Map, ItemSelector. */
  readonly parameters: Evaluator | undefined;
  readonly resultSelector: Evaluator | undefined;
  /** undefined: `$` (result replaces input); null: result discarded. */
  readonly resultPath: CompiledReferencePath | null | undefined;
  /** JSONata Output. */
  readonly output: Evaluator | undefined;
  readonly assign: Evaluator | undefined;
  readonly retriers: readonly Retrier[] | undefined;
  readonly catchers: readonly CompiledCatcher[];
  readonly resource: ResourceDescription | undefined;
  readonly choose:
    ((scope: EvalScope) => ChoiceMatch | undefined | Promise<ChoiceMatch | undefined>) | undefined;
  /** Parallel branches, or the one Map item processor. */
  readonly branches: readonly CompiledScope[];
  /** Numeric fields that may be literal, a JSONPath `...Path` or a JSONata expression. */
  readonly numbers: Readonly<Record<string, Evaluator>>;
  /** Map: where the items come from. */
  readonly items: Evaluator | undefined;
  /** Choice: each rule's own Output and Assign, by rule index. */
  readonly rules: readonly { output: Evaluator | undefined; assign: Evaluator | undefined }[];
}

export interface CompiledScope {
  /** '' for the state machine itself; `<parent scope>/<state>#<branch>` for nested ones. */
  readonly id: string;
  readonly startAt: string;
  readonly states: ReadonlyMap<string, CompiledState>;
}

export interface CompiledMachine {
  readonly definition: StateMachineDefinition;
  readonly root: CompiledScope;
  /** Every scope by id, so a child run finds its states. */
  readonly scopes: ReadonlyMap<string, CompiledScope>;
}

const defaultQueryLanguage: QueryLanguage = 'JSONPath';

export function compileMachine(definition: StateMachineDefinition): CompiledMachine {
  const scopes = new Map<string, CompiledScope>();
  const root = compileScope(
    '',
    definition,
    definition.QueryLanguage ?? defaultQueryLanguage,
    scopes,
  );
  return { definition, root, scopes };
}

function compileScope(
  id: string,
  branch: Pick<Branch, 'StartAt' | 'States' | 'QueryLanguage'>,
  inherited: QueryLanguage,
  scopes: Map<string, CompiledScope>,
): CompiledScope {
  const states = new Map<string, CompiledState>();
  const scope: CompiledScope = { id, startAt: branch.StartAt, states };
  scopes.set(id, scope);
  for (const [name, state] of Object.entries(branch.States)) {
    states.set(name, compileState(id, name, state, state.QueryLanguage ?? inherited, scopes));
  }
  return scope;
}

/** Turns a JSONPath payload template or a JSONata template into an evaluator. */
function template(
  value: Json | undefined,
  field: string,
  ql: QueryLanguage,
): Evaluator | undefined {
  if (value === undefined) return undefined;
  if (ql === 'JSONata') {
    const compiled = compileJsonataTemplate(value, field);
    if (compiled.isConstant) return () => value;
    return (scope) => compiled.evaluate(scope);
  }
  const compiled = compilePayloadTemplate(value, field);
  return (scope) => compiled.evaluate(scope);
}

function optionalPath(path: string | null | undefined): CompiledPath | null | undefined {
  if (path === undefined) return undefined;
  if (path === null) return null;
  return compilePath(path);
}

function optionalReferencePath(
  path: string | null | undefined,
): CompiledReferencePath | null | undefined {
  if (path === undefined || path === '$') return undefined;
  if (path === null) return null;
  return compileReferencePath(path);
}

/**
 * A numeric field (TimeoutSeconds, HeartbeatSeconds, Seconds, MaxConcurrency...): a literal
 * number, a `...Path` reading the effective input (JSONPath), or a `{% %}` string (JSONata).
 */
function numberField(
  literal: Json | undefined,
  path: string | undefined,
  ql: QueryLanguage,
  field: string,
): Evaluator | undefined {
  if (path !== undefined) {
    const compiled = compilePath(path);
    return (scope) => compiled.read(scope) ?? null;
  }
  if (literal === undefined) return undefined;
  if (typeof literal === 'string' && ql === 'JSONata') return template(literal, field, ql);
  return () => literal;
}

/**
 * A value field that may be literal, a JSONPath `...Path` (a path or an intrinsic function, as
 * AWS allows for ErrorPath/CausePath) or, in JSONata, a `{% %}` expression.
 */
function valueField(
  literal: Json | undefined,
  path: string | undefined,
  ql: QueryLanguage,
  field: string,
): Evaluator | undefined {
  if (path !== undefined && isIntrinsicCall(path)) {
    const call = compileIntrinsic(path);
    return (scope) => call(scope);
  }
  return numberField(literal, path, ql, field);
}

function compileState(
  scopeId: string,
  name: string,
  state: State,
  ql: QueryLanguage,
  scopes: Map<string, CompiledScope>,
): CompiledState {
  const def = state as State & Record<string, Json | undefined>;
  const jsonPath = ql === 'JSONPath';
  const numbers: Record<string, Evaluator> = {};
  const addNumber = (field: string) => {
    const evaluator = numberField(def[field], def[`${field}Path`] as string | undefined, ql, field);
    if (evaluator) numbers[field] = evaluator;
  };
  let branches: CompiledScope[] = [];
  let items: Evaluator | undefined;
  let parameters: Evaluator | undefined;
  let choose: CompiledState['choose'];
  let rules: CompiledState['rules'] = [];

  switch (state.Type) {
    case 'Task':
      addNumber('TimeoutSeconds');
      addNumber('HeartbeatSeconds');
      parameters = jsonPath
        ? template(state.Parameters, 'Parameters', ql)
        : template(state.Arguments, 'Arguments', ql);
      break;
    case 'Pass':
      parameters = jsonPath ? template(state.Parameters, 'Parameters', ql) : undefined;
      break;
    case 'Wait':
      addNumber('Seconds');
      if (state.Timestamp !== undefined || state.TimestampPath !== undefined) {
        numbers.Timestamp = numberField(
          state.Timestamp,
          state.TimestampPath,
          ql,
          'Timestamp',
        ) as Evaluator;
      }
      break;
    case 'Choice':
      choose = compileChoiceRules(state.Choices, ql);
      rules = state.Choices.map((rule) => ({
        output: jsonPath ? undefined : template(rule.Output, 'Choices.Output', ql),
        assign: template(rule.Assign, 'Choices.Assign', ql),
      }));
      break;
    case 'Parallel':
      parameters = jsonPath
        ? template(state.Parameters, 'Parameters', ql)
        : template(state.Arguments, 'Arguments', ql);
      branches = state.Branches.map((branch, index) =>
        compileScope(`${scopeId}/${name}#${index}`, branch, branch.QueryLanguage ?? ql, scopes),
      );
      break;
    case 'Map': {
      const processor = (state.ItemProcessor ?? state.Iterator) as Branch;
      branches = [
        compileScope(`${scopeId}/${name}#0`, processor, processor.QueryLanguage ?? ql, scopes),
      ];
      parameters = template(state.ItemSelector ?? state.Parameters, 'ItemSelector', ql);
      addNumber('MaxConcurrency');
      addNumber('ToleratedFailureCount');
      addNumber('ToleratedFailurePercentage');
      if (jsonPath) {
        const itemsPath = compilePath(state.ItemsPath ?? '$');
        items = (scope) => itemsPath.read(scope) ?? null;
      } else {
        items =
          state.Items === undefined ? (scope) => scope.input : template(state.Items, 'Items', ql);
      }
      break;
    }
    case 'Fail': {
      const error = valueField(state.Error, state.ErrorPath, ql, 'Error');
      const cause = valueField(state.Cause, state.CausePath, ql, 'Cause');
      if (error) numbers.Error = error;
      if (cause) numbers.Cause = cause;
      break;
    }
    case 'Succeed':
      break;
  }

  const hasResult =
    state.Type === 'Task' ||
    state.Type === 'Parallel' ||
    state.Type === 'Map' ||
    state.Type === 'Pass';
  const withCatch = state as { Catch?: Catcher[]; Retry?: Retrier[] };
  return {
    name,
    def: state,
    type: state.Type,
    queryLanguage: ql,
    inputPath: jsonPath ? optionalPath(state.InputPath) : undefined,
    outputPath: jsonPath && state.Type !== 'Fail' ? optionalPath(state.OutputPath) : undefined,
    parameters,
    resultSelector:
      jsonPath && 'ResultSelector' in state
        ? template(state.ResultSelector, 'ResultSelector', ql)
        : undefined,
    resultPath:
      jsonPath && hasResult
        ? optionalReferencePath((state as { ResultPath?: string | null }).ResultPath)
        : undefined,
    output: jsonPath ? undefined : template(state.Output, 'Output', ql),
    assign: template(state.Assign, 'Assign', ql),
    retriers: withCatch.Retry,
    catchers: (withCatch.Catch ?? []).map((catcher) => ({
      catcher,
      resultPath: jsonPath ? optionalReferencePath(catcher.ResultPath) : undefined,
      output: jsonPath ? undefined : template(catcher.Output, 'Catch.Output', ql),
      assign: template(catcher.Assign, 'Catch.Assign', ql),
    })),
    resource: state.Type === 'Task' ? describeResource(state.Resource) : undefined,
    choose,
    branches,
    numbers,
    items,
    rules,
  };
}
