/**
 * Lambda entry point of webhook-processor (the webhook queue's SQS event source): applies each
 * queued provider event to its payment's workflow on Step Functions and reports partial batch
 * failures. Thin on purpose: the behaviour is in webhook-processor-handler.ts and tested there.
 */
import { SFNClient } from '@aws-sdk/client-sfn';
import { SQSClient } from '@aws-sdk/client-sqs';
import { ChangeMessageVisibilityCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { PaymentOperations } from '../../../api/payment-operations.js';
import { DynamoDbWebhookEventLog } from '../dynamodb-webhook-event-log.js';
import { readLambdaConfig, required } from '../lambda-config.js';
import { SfnWorkflowControl } from '../sfn-workflow-control.js';
import { awsPorts } from './aws-ports.js';
import { createObservability } from './task-lambda.js';
import { webhookProcessor } from './webhook-processor-handler.js';

const obs = createObservability();
const config = readLambdaConfig(process.env);
const ports = awsPorts(config, obs.tracer);
const stateMachineArn = required(config.stateMachineArn, 'STATE_MACHINE_ARN');
const queueUrl = required(config.webhookQueueUrl, 'WEBHOOK_QUEUE_URL');
const deadLetterQueueUrl = required(config.webhookDeadLetterQueueUrl, 'WEBHOOK_DLQ_URL');
const sqs = obs.tracer.captureAWSv3Client(new SQSClient({}));
const store = ports.store();
const audit = ports.audit();

export const handler = webhookProcessor({
  obs,
  clock: ports.clock,
  store,
  audit,
  operations: new PaymentOperations({
    control: new SfnWorkflowControl({
      client: obs.tracer.captureAWSv3Client(new SFNClient({})),
      stateMachineArn,
    }),
    stateMachineArn,
    store,
    audit,
    notifier: ports.notifier(),
    clock: ports.clock,
  }),
  events: new DynamoDbWebhookEventLog({
    client: DynamoDBDocumentClient.from(obs.tracer.captureAWSv3Client(new DynamoDBClient({}))),
    tableName: required(config.idempotencyTable, 'IDEMPOTENCY_TABLE'),
  }),
  queue: {
    changeVisibility: async (receiptHandle, seconds) => {
      await sqs.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: queueUrl,
          ReceiptHandle: receiptHandle,
          VisibilityTimeout: seconds,
        }),
      );
    },
    deadLetter: async (record, failure) => {
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: deadLetterQueueUrl,
          MessageBody: record.body,
          MessageAttributes: {
            failure_code: { DataType: 'String', StringValue: failure.code },
            source_message_id: { DataType: 'String', StringValue: record.messageId },
          },
        }),
      );
    },
  },
});
