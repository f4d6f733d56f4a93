/**
 * The request body schemas the API Gateway models are built from. PLACEHOLDER until the shared
 * schemas in src/api/schemas/ land: then this module only re-exports them, so Fastify and API
 * Gateway validate against the very same objects.
 */
import type { JsonSchemaObject } from './api-models.js';

/** POST /payments */
export const createPaymentBodySchema: JsonSchemaObject = {
  type: 'object',
  required: ['payment_id', 'amount', 'currency', 'customer_id', 'merchant_id', 'payment_method'],
  additionalProperties: false,
  properties: {
    payment_id: { type: 'string', minLength: 1, maxLength: 80, pattern: '^[A-Za-z0-9_-]+$' },
    amount: { type: 'string', pattern: '^[0-9]+(\\.[0-9]+)?$' },
    currency: { type: 'string', pattern: '^[A-Z]{3}$' },
    customer_id: { type: 'string', minLength: 1 },
    merchant_id: { type: 'string', minLength: 1 },
    payment_method: { type: 'object' },
  },
};

/** POST /transactions/{id}/notify */
export const notifyBodySchema: JsonSchemaObject = {
  type: 'object',
  additionalProperties: false,
  properties: { channel: { type: 'string' }, message: { type: 'string', maxLength: 1000 } },
};

/** POST /webhooks/payment */
export const paymentWebhookBodySchema: JsonSchemaObject = {
  type: 'object',
  required: ['id', 'type', 'data'],
  properties: {
    id: { type: 'string', minLength: 1 },
    type: { type: 'string', minLength: 1 },
    data: { type: 'object' },
  },
};
