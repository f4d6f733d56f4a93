/**
 * The dedup table's keys: one DynamoDB table (partition key `pk`, TTL `expires_at`) holds the
 * API's idempotency keys and the ids of processed webhook events, each under its own prefix.
 * Named here, in src, so the Lambdas and the CDK stack agree without the bundles importing infra.
 */
export const DedupTable = {
  partitionKey: 'pk',
  ttlAttribute: 'expires_at',
} as const;

export const DedupKey = {
  /** An Idempotency-Key, scoped to the caller that sent it. */
  idempotency: (caller: string, key: string) => `idempotency#${encodeURIComponent(caller)}#${key}`,
  /** A processed webhook event. */
  webhookEvent: (eventId: string) => `webhook-event#${eventId}`,
} as const;
