/**
 * The Lambda functions' configuration, read once from the environment the CDK stack sets into a
 * typed, frozen object. A variable a function needs but lacks fails at cold start, naming it.
 */

export interface LambdaConfig {
  /** DynamoDB transactions table (TRANSACTIONS_TABLE). */
  readonly transactionsTable: string | undefined;
  /** DynamoDB audit table (AUDIT_TABLE). */
  readonly auditTable: string | undefined;
  /** Days operational audit records are kept (AUDIT_TTL_DAYS). @default 90 */
  readonly auditTtlDays: number;
  /** S3 bucket of the transaction archive (ARCHIVE_BUCKET). */
  readonly archiveBucket: string | undefined;
  /** Customer notification topic (CUSTOMER_TOPIC_ARN). */
  readonly customerTopicArn: string | undefined;
  /** Ops alert topic (ALERT_TOPIC_ARN). */
  readonly alertTopicArn: string | undefined;
  /** Webhook queue (WEBHOOK_QUEUE_URL). */
  readonly webhookQueueUrl: string | undefined;
  /** The webhook queue's dead-letter queue (WEBHOOK_DLQ_URL). */
  readonly webhookDeadLetterQueueUrl: string | undefined;
  /** Secrets Manager ARN of the webhook signing key (WEBHOOK_SECRET_ARN). */
  readonly webhookSecretArn: string | undefined;
  /** Seconds the signing secret is cached between reads (SECRET_CACHE_SECONDS). @default 300 */
  readonly secretCacheSeconds: number;
  /** DynamoDB table of idempotency keys and processed webhook events (IDEMPOTENCY_TABLE). */
  readonly idempotencyTable: string | undefined;
  /** The payment state machine (STATE_MACHINE_ARN). */
  readonly stateMachineArn: string | undefined;
  /** Base URL of the HTTP payment gateway (PAYMENT_GATEWAY_URL). @default undefined: simulated */
  readonly gatewayUrl: string | undefined;
}

/** Reads the configuration from an environment (`process.env` at the edge). */
export function readLambdaConfig(env: Readonly<Record<string, string | undefined>>): LambdaConfig {
  const ttl = Number(env['AUDIT_TTL_DAYS'] ?? '90');
  const secretCache = Number(env['SECRET_CACHE_SECONDS'] ?? '300');
  return Object.freeze({
    transactionsTable: env['TRANSACTIONS_TABLE'],
    auditTable: env['AUDIT_TABLE'],
    auditTtlDays: Number.isInteger(ttl) && ttl > 0 ? ttl : 90,
    archiveBucket: env['ARCHIVE_BUCKET'],
    customerTopicArn: env['CUSTOMER_TOPIC_ARN'],
    alertTopicArn: env['ALERT_TOPIC_ARN'],
    webhookQueueUrl: env['WEBHOOK_QUEUE_URL'],
    webhookDeadLetterQueueUrl: env['WEBHOOK_DLQ_URL'],
    webhookSecretArn: env['WEBHOOK_SECRET_ARN'],
    secretCacheSeconds: Number.isInteger(secretCache) && secretCache >= 0 ? secretCache : 300,
    idempotencyTable: env['IDEMPOTENCY_TABLE'],
    stateMachineArn: env['STATE_MACHINE_ARN'],
    gatewayUrl: env['PAYMENT_GATEWAY_URL'],
  });
}

/** The value, or an error naming the missing variable. */
export function required(value: string | undefined, variable: string): string {
  if (value === undefined || value === '') {
    throw new Error(`The function's environment lacks ${variable}`);
  }
  return value;
}
