/**
 * Every request-body JSON Schema of the API, by name: Fastify validates with them locally and the
 * AWS stack turns them into API Gateway models.
 */
export { paymentRequestSchema } from './payment-request.js';
export { webhookEventSchema, reviewClosedDataSchema } from './webhook-event.js';
export { reviewDecisionSchema } from './review-decision.js';
export { apiKeyRequestSchema } from './api-key-request.js';
