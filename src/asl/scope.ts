/**
 * What an expression can see while a state runs. Every evaluator (JSONPath paths, payload
 * templates, intrinsic functions, choice rules, JSONata) takes one of these, so none of them
 * reads a clock or a random source of its own: the executor supplies both, and a replay with the
 * same scope decides the same way.
 */
import type { Json, JsonObject } from './json.js';

export interface EvalScope {
  /** `$` in JSONPath, `$states.input` in JSONata: the state's (effective) input. */
  readonly input: Json;
  /** `$$` in JSONPath, `$states.context` in JSONata: the context object. */
  readonly context: JsonObject;
  /** Workflow variables (`$name` in both query languages), visible in this scope. */
  readonly variables: Readonly<Record<string, Json>>;
  /** Uniform in [0, 1): the only randomness an expression may use (UUID, MathRandom, $random). */
  readonly random: () => number;
  /** JSONata only: `$states.result` (in a Task's Output/Assign, after the task succeeded). */
  readonly result?: Json;
  /** JSONata only: `$states.errorOutput` (in a Catch's Output/Assign). */
  readonly errorOutput?: Json;
}
