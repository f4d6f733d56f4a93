/**
 * The request body schemas the API Gateway models are built from: the very objects the local API
 * validates with (src/api/schemas), so both engines accept and refuse the same bodies. Keyed by
 * the API Gateway model name; converted to draft 4 by {@link toApiGatewaySchema} in
 * api-models.ts. `POST /transactions/{id}/notify` has no model: it takes no body, as locally.
 */
import {
  paymentRequestSchema,
  reviewDecisionSchema,
  webhookEventSchema,
} from '../src/api/schemas/index.js';
import type { JsonSchemaObject } from './api-models.js';

/** POST /payments */
export const createPaymentBodySchema: JsonSchemaObject = paymentRequestSchema;

/**
 * POST /webhooks/payment: the envelope. The data of each event type is checked by the receiver
 * after the signature (a model cannot pick a schema by the value of `type` in draft 4).
 */
export const paymentWebhookBodySchema: JsonSchemaObject = webhookEventSchema;

/** POST /transactions/{id}/review */
export const reviewDecisionBodySchema: JsonSchemaObject = reviewDecisionSchema;

/** Every model of the API, by model name. */
export const apiModelSchemas = {
  CreatePayment: createPaymentBodySchema,
  ReviewDecision: reviewDecisionBodySchema,
  PaymentWebhook: paymentWebhookBodySchema,
} as const satisfies Readonly<Record<string, JsonSchemaObject>>;
