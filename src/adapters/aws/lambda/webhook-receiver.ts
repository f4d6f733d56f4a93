/**
 * Lambda entry point of webhook-receiver (`POST /webhooks/payment` on API Gateway): verifies the
 * provider's HMAC signature with the secret from Secrets Manager, validates the event and queues
 * it. Thin on purpose: the behaviour is in webhook-receiver-handler.ts and tested there.
 */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDbWebhookEventLog } from '../dynamodb-webhook-event-log.js';
import { readLambdaConfig, required } from '../lambda-config.js';
import { SecretsManagerSigningSecrets } from '../secrets-manager-signing-secrets.js';
import { SqsMessageQueue } from '../sqs-message-queue.js';
import { createObservability } from './task-lambda.js';
import { webhookReceiver } from './webhook-receiver-handler.js';

const obs = createObservability();
const config = readLambdaConfig(process.env);
const clock = { now: () => Date.now() };
const events = new DynamoDbWebhookEventLog({
  client: DynamoDBDocumentClient.from(obs.tracer.captureAWSv3Client(new DynamoDBClient({}))),
  tableName: required(config.idempotencyTable, 'IDEMPOTENCY_TABLE'),
});

export const handler = webhookReceiver({
  obs,
  clock,
  secrets: new SecretsManagerSigningSecrets({
    client: obs.tracer.captureAWSv3Client(new SecretsManagerClient({})),
    secretId: required(config.webhookSecretArn, 'WEBHOOK_SECRET_ARN'),
    now: clock.now,
    ttlMs: config.secretCacheSeconds * 1000,
  }),
  processed: async (eventId) => (await events.get(eventId)) !== undefined,
  queue: new SqsMessageQueue({
    client: obs.tracer.captureAWSv3Client(new SQSClient({})),
    queueUrl: required(config.webhookQueueUrl, 'WEBHOOK_QUEUE_URL'),
    deadLetterQueueUrl: required(config.webhookDeadLetterQueueUrl, 'WEBHOOK_DLQ_URL'),
  }),
});
