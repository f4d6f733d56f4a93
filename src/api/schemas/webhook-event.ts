/**
 * The JSON Schemas of a payment provider's webhook event (`POST /webhooks/payment`): an envelope
 * (`id`, `type`, `created`, `data`) and the `data` of each event type. Draft-04 subset, shared with
 * the AWS stack's API Gateway model.
 *
 * - `payment.created`: a payment to process; `data` is a {@link paymentRequestSchema} payment.
 *   Starts the payment's workflow (idempotent by transaction id).
 * - `review.closed`: the provider's risk team decided a payment held for manual review;
 *   `data` is `{ transaction_id, decision: approve|reject, reviewer?, note? }`. Advances the
 *   workflow waiting in RequestManualReview.
 */
import { paymentRequestSchema, TRANSACTION_ID_SCHEMA } from './payment-request.js';

export const WebhookEventType = {
  PaymentCreated: 'payment.created',
  ReviewClosed: 'review.closed',
} as const;
export type WebhookEventType = (typeof WebhookEventType)[keyof typeof WebhookEventType];

export const webhookEventSchema = {
  title: 'WebhookEvent',
  type: 'object',
  required: ['id', 'type', 'created', 'data'],
  additionalProperties: false,
  properties: {
    id: {
      type: 'string',
      minLength: 1,
      maxLength: 128,
      pattern: '^[A-Za-z0-9_.:-]+$',
      description: 'Unique per event; retries of an event carry the same id.',
    },
    type: { type: 'string', enum: Object.values(WebhookEventType) },
    created: { type: 'integer', minimum: 0, description: 'Unix seconds.' },
    data: { type: 'object' },
  },
} as const;

export const reviewClosedDataSchema = {
  title: 'ReviewClosedData',
  type: 'object',
  required: ['transaction_id', 'decision'],
  additionalProperties: false,
  properties: {
    transaction_id: TRANSACTION_ID_SCHEMA,
    decision: { type: 'string', enum: ['approve', 'reject'] },
    reviewer: { type: 'string', minLength: 1, maxLength: 128 },
    note: { type: 'string', maxLength: 500 },
  },
} as const;

/** The `data` schema of each event type. */
export const webhookDataSchemas = {
  [WebhookEventType.PaymentCreated]: paymentRequestSchema,
  [WebhookEventType.ReviewClosed]: reviewClosedDataSchema,
} as const;

/** A webhook event as the schema admits it. */
export interface WebhookEvent {
  id: string;
  type: WebhookEventType;
  created: number;
  data: Record<string, unknown>;
}
