/**
 * A second opinion from the JSON schemas of the `asl-validator` package: run after our own
 * checks have passed, it catches any shape rule they miss. Its path, ARN, JSONata and date
 * formats are switched off, because our checks compile those with the interpreter's own
 * compilers (and this engine's Task resources are not all ARNs).
 */
import { createRequire } from 'node:module';
import { Ajv } from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { Json, JsonObject } from '../json.js';
import { isJsonObject } from '../json.js';
import type { DiagnosticCollector } from './diagnostics.js';
import { DiagnosticCode, pointerSegments } from './diagnostics.js';
import type { MachineMap } from './walk.js';

const SCHEMA_FILES = [
  'common',
  'paths',
  'jsonata',
  'choice',
  'fail',
  'parallel',
  'pass',
  'base-state-machine',
  'state-machine',
  'state',
  'succeed',
  'task',
  'wait',
  'map',
  'errors',
];
const ROOT_SCHEMA = 'http://asl-validator.cloud/state-machine.json#';
const IGNORED_FORMATS = [
  'asl_path',
  'asl_ref_path',
  'asl_payload_template',
  'asl_result_path',
  'asl_arn',
  'jsonata_string',
  'maybe_jsonata_string',
  'date-time',
];

/**
 * Compiling the package's schemas takes over a second (their oneOf alternatives per state type
 * and query language are many; skipping Ajv's code optimisation halves it), validating with them
 * a millisecond or two: the compiled function is pure and immutable, so it is built on first use
 * and kept for the life of the process.
 */
let compiled: ValidateFunction | undefined;

function schemaValidator(): ValidateFunction {
  if (compiled !== undefined) return compiled;
  const require = createRequire(import.meta.url);
  const schemas = SCHEMA_FILES.map((name) =>
    relaxJsonataPatterns(require(`asl-validator/dist/src/schemas/${name}.json`) as Json),
  );
  const ajv = new Ajv({
    schemas: schemas as JsonObject[],
    allowUnionTypes: true,
    strict: false,
    code: { optimize: false },
  });
  for (const format of IGNORED_FORMATS) ajv.addFormat(format, true);
  const validate = ajv.getSchema(ROOT_SCHEMA);
  if (validate === undefined) throw new Error(`asl-validator schema ${ROOT_SCHEMA} not found`);
  compiled = validate;
  return validate;
}

/**
 * AWS: a JSONata expression is any string that starts with `{%` and ends with `%}`; the package's
 * patterns also demand a space inside each delimiter, which AWS does not.
 */
function relaxJsonataPatterns(schema: Json): Json {
  if (Array.isArray(schema)) return schema.map(relaxJsonataPatterns);
  if (!isJsonObject(schema)) return schema;
  const copy: JsonObject = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'pattern' && value === '^\\{% .+ %\\}$') copy[key] = '^\\{%[\\s\\S]*%\\}$';
    else if (key === 'pattern' && value === '^(?!\\{% )(.+)(?! %\\})$') copy[key] = '^(?!\\{%)';
    else copy[key] = relaxJsonataPatterns(value);
  }
  return copy;
}

/** Deepest Parallel/Map nesting at which the schema backstop still runs. */
const maxSchemaNesting = 6;

function maxNesting(map: MachineMap): number {
  let deepest = 0;
  for (const site of map.states) {
    const depth = (site.pointer.match(/\/(Branches|ItemProcessor|Iterator)\//g) ?? []).length;
    if (depth > deepest) deepest = depth;
  }
  return deepest;
}

/** Validates `document` against the package's schemas, reporting what they reject. */
export function checkSchema(
  document: JsonObject,
  map: MachineMap,
  report: DiagnosticCollector,
): void {
  // The package's schemas nest a oneOf per state type at every Parallel/Map level, so their cost
  // grows exponentially with nesting (seconds by depth 16, no answer by depth 50). Our own checks
  // are the authority and ran already; the schemas are a backstop, used where they are cheap.
  if (maxNesting(map) > maxSchemaNesting) return;
  const validate = schemaValidator();
  // The schemas expect every state to carry its effective QueryLanguage.
  const annotated = structuredClone(document);
  for (const site of map.states) {
    const state = resolve(annotated, site.pointer);
    if (isJsonObject(state)) state.QueryLanguage = site.language;
  }
  if (validate(annotated)) return;
  for (const error of pickErrors(validate.errors ?? [])) {
    report.error(DiagnosticCode.SchemaValidationFailed, error.instancePath, describeError(error));
  }
}

/**
 * The schemas use oneOf per state type and query language, so one mistake yields an error per
 * alternative; the deepest ones are the informative ones (as the package itself reports them).
 */
function pickErrors(errors: ErrorObject[]): ErrorObject[] {
  const depth = (e: ErrorObject): number => pointerSegments(e.instancePath).length;
  const deepest = Math.max(...errors.map(depth));
  const seen = new Set<string>();
  return errors
    .filter((e) => depth(e) === deepest)
    .filter((e) => {
      const key = `${e.instancePath} ${describeError(e)}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .slice(0, 5);
}

function describeError(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  const extra =
    typeof params.additionalProperty === 'string' ? ` ('${params.additionalProperty}')` : '';
  return `does not match the States Language schema: ${error.message ?? 'invalid'}${extra}`;
}

function resolve(root: Json, location: string): Json | undefined {
  let node: Json | undefined = root;
  for (const seg of pointerSegments(location)) {
    if (Array.isArray(node)) node = node[Number(seg)];
    else if (isJsonObject(node)) node = node[seg];
    else return undefined;
  }
  return node;
}
