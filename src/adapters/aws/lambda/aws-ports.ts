/**
 * Builds the payment ports on AWS for a Lambda function, from its configuration: DynamoDB for
 * transactions and audit, SNS for customer notifications, S3 for the transaction archive, the HTTP
 * gateway when PAYMENT_GATEWAY_URL is set. Each getter creates its adapter on first use, so a function builds only what its handler
 * touches (and needs only the environment for that).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import { S3TransactionArchive } from '../../archive/s3-transaction-archive.js';
import { HttpGateway } from '../../gateway/http-gateway.js';
import type { PaymentGateway } from '../../../payments/ports/gateway.js';
import type { TransactionArchive } from '../../../payments/ports/transaction-archive.js';
import { DynamoDbAuditLog } from '../dynamodb-audit-log.js';
import { DynamoDbTransactionStore } from '../dynamodb-transaction-store.js';
import type { LambdaConfig } from '../lambda-config.js';
import { required } from '../lambda-config.js';
import { SnsCustomerNotifier } from '../sns-customer-notifier.js';

/** Lazily built AWS adapters. */
export function awsPorts(config: LambdaConfig, tracer: Tracer) {
  let documentClient: DynamoDBDocumentClient | undefined;
  let snsClient: SNSClient | undefined;
  const documents = (): DynamoDBDocumentClient =>
    (documentClient ??= DynamoDBDocumentClient.from(
      tracer.captureAWSv3Client(new DynamoDBClient({})),
      {
        marshallOptions: { removeUndefinedValues: true },
      },
    ));
  let s3Client: S3Client | undefined;
  const sns = (): SNSClient => (snsClient ??= tracer.captureAWSv3Client(new SNSClient({})));
  const s3 = (): S3Client => (s3Client ??= tracer.captureAWSv3Client(new S3Client({})));
  return {
    clock: { now: () => Date.now() },
    store: () =>
      new DynamoDbTransactionStore({
        client: documents(),
        tableName: required(config.transactionsTable, 'TRANSACTIONS_TABLE'),
      }),
    audit: () =>
      new DynamoDbAuditLog({
        client: documents(),
        tableName: required(config.auditTable, 'AUDIT_TABLE'),
        ttlDays: config.auditTtlDays,
      }),
    notifier: () =>
      new SnsCustomerNotifier({
        client: sns(),
        topicArn: required(config.customerTopicArn, 'CUSTOMER_TOPIC_ARN'),
      }),
    gateway: (): PaymentGateway =>
      new HttpGateway({ baseUrl: required(config.gatewayUrl, 'PAYMENT_GATEWAY_URL') }),
    archive: (): TransactionArchive =>
      new S3TransactionArchive({
        client: s3(),
        bucket: required(config.archiveBucket, 'ARCHIVE_BUCKET'),
      }),
  };
}
