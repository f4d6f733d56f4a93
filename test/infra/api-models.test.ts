import { describe, expect, it } from 'vitest';
import { toApiGatewaySchema } from '../../infra/api-models.js';
import { apiModelSchemas } from '../../infra/api-schemas.js';
import {
  paymentRequestSchema,
  reviewDecisionSchema,
  webhookEventSchema,
} from '../../src/api/schemas/index.js';

/** Every keyword of JSON Schema draft 4 (core and validation), the dialect of API Gateway models. */
const DRAFT_4_KEYWORDS = new Set([
  '$schema',
  'id',
  '$ref',
  'title',
  'description',
  'default',
  'multipleOf',
  'maximum',
  'exclusiveMaximum',
  'minimum',
  'exclusiveMinimum',
  'maxLength',
  'minLength',
  'pattern',
  'additionalItems',
  'items',
  'maxItems',
  'minItems',
  'uniqueItems',
  'maxProperties',
  'minProperties',
  'required',
  'additionalProperties',
  'definitions',
  'properties',
  'patternProperties',
  'dependencies',
  'enum',
  'type',
  'allOf',
  'anyOf',
  'oneOf',
  'not',
  'format',
]);

/** The keywords a schema uses, with the path of each (property names are not keywords). */
function keywords(node: unknown, path = '#'): [string, string, unknown][] {
  if (Array.isArray(node)) return node.flatMap((n, i) => keywords(n, `${path}/${i}`));
  if (node === null || typeof node !== 'object') return [];
  const out: [string, string, unknown][] = [];
  for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
    out.push([key, path, value]);
    if (['properties', 'patternProperties', 'definitions', 'dependencies'].includes(key)) {
      for (const [name, sub] of Object.entries(value as Record<string, unknown>)) {
        out.push(...keywords(sub, `${path}/${key}/${name}`));
      }
    } else if (typeof value === 'object' && key !== 'enum' && key !== 'required') {
      out.push(...keywords(value, `${path}/${key}`));
    }
  }
  return out;
}

describe('API Gateway models', () => {
  it('are built from the very schemas the local API validates with', () => {
    expect(apiModelSchemas.CreatePayment).toBe(paymentRequestSchema);
    expect(apiModelSchemas.PaymentWebhook).toBe(webhookEventSchema);
    expect(apiModelSchemas.ReviewDecision).toBe(reviewDecisionSchema);
  });

  it.each(Object.entries(apiModelSchemas))(
    'converts %s to draft 4 using draft-4 keywords only',
    (_name, schema) => {
      const converted = toApiGatewaySchema(schema);
      expect(converted['$schema']).toBe('http://json-schema.org/draft-04/schema#');
      const foreign = keywords(converted).filter(([k]) => !DRAFT_4_KEYWORDS.has(k));
      expect(foreign).toEqual([]);
      for (const [key, path, value] of keywords(converted)) {
        if (key === 'exclusiveMinimum' || key === 'exclusiveMaximum') {
          expect(typeof value, `${path}/${key}`).toBe('boolean');
        }
      }
    },
  );

  it('keeps every constraint of the source schema', () => {
    const converted = toApiGatewaySchema(paymentRequestSchema);
    const { $schema: _dialect, ...rest } = converted;
    expect(rest).toEqual(JSON.parse(JSON.stringify(paymentRequestSchema)));
  });

  it.each([
    ['rewrites const as a one-value enum', { const: 'card' }, { enum: ['card'] }],
    [
      'rewrites a numeric exclusiveMinimum as minimum plus a boolean',
      { type: 'number', exclusiveMinimum: 0 },
      { type: 'number', minimum: 0, exclusiveMinimum: true },
    ],
    [
      'rewrites a numeric exclusiveMaximum as maximum plus a boolean',
      { type: 'integer', exclusiveMaximum: 10 },
      { type: 'integer', maximum: 10, exclusiveMaximum: true },
    ],
    [
      'renames $defs to definitions',
      { $defs: { id: { type: 'string' } } },
      { definitions: { id: { type: 'string' } } },
    ],
    [
      'drops annotations draft 4 does not know',
      { $id: 'x', $comment: 'c', examples: [1], readOnly: true, writeOnly: false, type: 'string' },
      { type: 'string' },
    ],
    [
      'converts nested schemas, and leaves property names alone',
      {
        type: 'object',
        properties: { const: { const: 1 }, examples: { type: 'array', items: { const: 2 } } },
      },
      {
        type: 'object',
        properties: { const: { enum: [1] }, examples: { type: 'array', items: { enum: [2] } } },
      },
    ],
  ])('%s', (_name, input, expected) => {
    expect(toApiGatewaySchema(input)).toEqual({
      $schema: 'http://json-schema.org/draft-04/schema#',
      ...expected,
    });
  });
});
