/**
 * Loads the payment workflow's ASL definition for the stack: the same JSON file the local engine
 * runs, read as text so the template embeds it (`DefinitionBody.fromString`; `fromFile` would upload
 * an S3 asset instead). The `${Name}` placeholders in it are found here, so the stack derives its
 * definition substitutions from the file rather than from a list kept by hand.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Where the shared payment workflow definition lives. */
export const PAYMENT_WORKFLOW_PATH = fileURLToPath(
  new URL('../src/payments/workflow/payment-workflow.asl.json', import.meta.url),
);

/** A definition ready for the stack. */
export interface WorkflowDefinition {
  /** The definition text exactly as in the file. */
  readonly text: string;
  /** The distinct `${Name}` placeholders in it, sorted. */
  readonly substitutions: readonly string[];
}

const PLACEHOLDER = /\$\{([A-Za-z0-9_]+)\}/g;

/** Returns the distinct `${Name}` placeholder names in a definition text, sorted. */
export function findSubstitutions(text: string): string[] {
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[1] as string))].sort();
}

/**
 * Reads a definition file and lists its placeholders.
 *
 * @param path - defaults to the shared payment workflow
 * @throws Error when the file is not JSON (a broken definition must fail synth, not deploy)
 */
export function loadWorkflowDefinition(path: string = PAYMENT_WORKFLOW_PATH): WorkflowDefinition {
  const text = readFileSync(path, 'utf8');
  JSON.parse(text);
  return { text, substitutions: findSubstitutions(text) };
}

/**
 * Replaces every `${Name}` placeholder with its value, as Step Functions does with
 * `DefinitionSubstitutions`; used to validate the substituted definition offline.
 *
 * @throws Error naming any placeholder without a value
 */
export function substitute(text: string, values: Readonly<Record<string, string>>): string {
  const missing = findSubstitutions(text).filter((name) => values[name] === undefined);
  if (missing.length > 0) throw new Error(`no value for ${missing.join(', ')}`);
  return text.replace(PLACEHOLDER, (_, name: string) => values[name] as string);
}

/**
 * Returns the definition with an execution timeout: the file's own top-level `TimeoutSeconds` when
 * it has one (the workflow author's word wins), otherwise `seconds` added to it.
 *
 * AWS: `TimeoutSeconds` in the definition is the only execution timeout a Standard state machine
 * has; CDK's `timeout` prop is applied to chainable definitions only, not to `fromString` ones.
 */
export function withExecutionTimeout(
  definition: WorkflowDefinition,
  seconds: number,
): WorkflowDefinition {
  const parsed = JSON.parse(definition.text) as Record<string, unknown>;
  if (typeof parsed['TimeoutSeconds'] === 'number') return definition;
  const { Comment, StartAt, ...rest } = parsed;
  const ordered = {
    ...(Comment === undefined ? {} : { Comment }),
    StartAt,
    TimeoutSeconds: seconds,
    ...rest,
  };
  return { text: `${JSON.stringify(ordered, null, 2)}\n`, substitutions: definition.substitutions };
}
