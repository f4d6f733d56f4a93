/**
 * Turns the API's JSON Schemas (the ones Fastify validates with locally) into API Gateway request
 * models, so both engines reject the same bad input. API Gateway models are JSON Schema draft 4:
 * this module rewrites the few keywords that changed since, and drops the annotations and `$id`s
 * API Gateway does not accept.
 */

/** A JSON Schema as a plain object. */
export type JsonSchemaObject = { readonly [key: string]: unknown };

const DRAFT_4 = 'http://json-schema.org/draft-04/schema#';

/** Keywords API Gateway (draft 4) rejects or does not know; annotations only, safe to drop. */
const DROPPED = new Set(['$id', '$schema', '$comment', 'examples', 'readOnly', 'writeOnly']);

function convert(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(convert);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
    if (DROPPED.has(key)) continue;
    if (key === 'const') {
      // draft 6 `const: v` is draft 4 `enum: [v]`.
      out['enum'] = [value];
    } else if (
      (key === 'exclusiveMinimum' || key === 'exclusiveMaximum') &&
      typeof value === 'number'
    ) {
      // draft 6 made these numbers; in draft 4 they are booleans next to minimum/maximum.
      out[key === 'exclusiveMinimum' ? 'minimum' : 'maximum'] = value;
      out[key] = true;
    } else if (
      key === 'properties' ||
      key === 'patternProperties' ||
      key === 'definitions' ||
      key === '$defs'
    ) {
      out[key === '$defs' ? 'definitions' : key] = Object.fromEntries(
        Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, convert(v)]),
      );
    } else {
      out[key] = convert(value);
    }
  }
  return out;
}

/**
 * Converts one API body schema to an API Gateway model schema (draft 4).
 *
 * @example
 * toApiGatewaySchema({ type: 'object', properties: { kind: { const: 'card' } } })
 * // { $schema: 'http://json-schema.org/draft-04/schema#', type: 'object', properties: { kind: { enum: ['card'] } } }
 */
export function toApiGatewaySchema(schema: JsonSchemaObject): Record<string, unknown> {
  return { $schema: DRAFT_4, ...(convert(schema) as Record<string, unknown>) };
}
