/**
 * Turns a function's {@link Access} list into IAM statements on the exact ARNs of this stack:
 * least privilege written out, rather than CDK's grant helpers, whose action lists are broader
 * than a task needs (`grantReadWriteData` includes BatchWriteItem and DeleteItem, for instance).
 */
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Access } from '../function-catalog.js';
import { TableSchema } from './payment-tables.js';

/** The resources access is granted on. The state machine ARNs are strings: it is built later. */
export interface AccessTargets {
  // Concrete classes, not the I-interfaces: with exactOptionalPropertyTypes, CDK's classes do not
  // type-check against its own interfaces.
  readonly transactions: dynamodb.Table;
  readonly audit: dynamodb.Table;
  /** Idempotency keys and processed webhook events. */
  readonly idempotency: dynamodb.Table;
  readonly archive: s3.Bucket;
  readonly customerTopic: sns.ITopic;
  readonly alertTopic: sns.ITopic;
  readonly webhookQueue: sqs.IQueue;
  readonly webhookDeadLetterQueue: sqs.IQueue;
  readonly webhookSecret: secretsmanager.Secret;
  readonly dataKey: kms.IKey;
  readonly messagingKey: kms.IKey;
  readonly stateMachineArn: string;
  /** `arn:...:execution:<state machine name>:*` */
  readonly executionArnPattern: string;
}

/** The statements one access needs. */
export function statementsFor(access: Access, t: AccessTargets): iam.PolicyStatement[] {
  const s = (sid: string, actions: string[], resources: string[]): iam.PolicyStatement =>
    new iam.PolicyStatement({ sid, actions, resources });
  const dataKeyUse = s('UseDataKey', ['kms:Decrypt', 'kms:GenerateDataKey'], [t.dataKey.keyArn]);
  const messagingKeyUse = s(
    'UseMessagingKey',
    ['kms:Decrypt', 'kms:GenerateDataKey'],
    [t.messagingKey.keyArn],
  );
  switch (access) {
    case Access.TransactionsRead:
      return [s('ReadTransactions', ['dynamodb:GetItem'], [t.transactions.tableArn]), dataKeyUse];
    case Access.TransactionsQuery:
      return [
        s(
          'QueryTransactions',
          ['dynamodb:Query'],
          [TableSchema.customerIndex, TableSchema.merchantIndex].map(
            (index) => `${t.transactions.tableArn}/index/${index}`,
          ),
        ),
        dataKeyUse,
      ];
    case Access.TransactionsWrite:
      // PutItem/UpdateItem with conditions: status only moves forward (conditional writes).
      return [
        s(
          'WriteTransactions',
          ['dynamodb:PutItem', 'dynamodb:UpdateItem'],
          [t.transactions.tableArn],
        ),
        dataKeyUse,
      ];
    case Access.AuditRead:
      return [s('ReadAudit', ['dynamodb:Query'], [t.audit.tableArn]), dataKeyUse];
    case Access.AuditWrite:
      return [s('WriteAudit', ['dynamodb:PutItem'], [t.audit.tableArn]), dataKeyUse];
    case Access.ArchiveWrite:
      return [
        s('WriteArchive', ['s3:PutObject'], [t.archive.arnForObjects('transactions/*')]),
        dataKeyUse,
      ];
    case Access.CustomerTopicPublish:
      return [s('PublishCustomer', ['sns:Publish'], [t.customerTopic.topicArn]), messagingKeyUse];
    case Access.AlertTopicPublish:
      return [s('PublishAlert', ['sns:Publish'], [t.alertTopic.topicArn]), messagingKeyUse];
    case Access.WebhookQueueSend:
      return [s('SendWebhook', ['sqs:SendMessage'], [t.webhookQueue.queueArn]), messagingKeyUse];
    case Access.WebhookDeadLetterSend:
      // Events that can never be applied are set aside at once, as the local queue does.
      return [
        s('SendWebhookDeadLetter', ['sqs:SendMessage'], [t.webhookDeadLetterQueue.queueArn]),
        messagingKeyUse,
      ];
    case Access.IdempotencyKeys:
      return [
        s(
          'UseIdempotencyKeys',
          ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
          [t.idempotency.tableArn],
        ),
        dataKeyUse,
      ];
    case Access.WebhookEventLog:
      return [
        s(
          'RecordWebhookEvents',
          ['dynamodb:GetItem', 'dynamodb:PutItem'],
          [t.idempotency.tableArn],
        ),
        dataKeyUse,
      ];
    case Access.WebhookEventRead:
      return [s('ReadWebhookEvents', ['dynamodb:GetItem'], [t.idempotency.tableArn]), dataKeyUse];
    case Access.WebhookSecretRead:
      return [
        s('ReadWebhookSecret', ['secretsmanager:GetSecretValue'], [t.webhookSecret.secretArn]),
        dataKeyUse,
      ];
    case Access.StartExecution:
      return [s('StartPayment', ['states:StartExecution'], [t.stateMachineArn])];
    case Access.DescribeExecution:
      // History too: the transaction view shows the state a running payment is in.
      return [
        s(
          'DescribePayment',
          ['states:DescribeExecution', 'states:GetExecutionHistory'],
          [t.executionArnPattern],
        ),
      ];
    case Access.TaskResponse:
      // AWS: callback task tokens are authorized against the state machine that issued them;
      // this is the resource CDK's own grantTaskResponse names.
      return [
        s(
          'CompleteReviewTask',
          ['states:SendTaskSuccess', 'states:SendTaskFailure'],
          [t.stateMachineArn],
        ),
      ];
  }
}

/**
 * The statements for a whole access list, merged by sid so a key used twice is granted once.
 */
export function policyFor(
  accessList: readonly Access[],
  targets: AccessTargets,
): iam.PolicyStatement[] {
  const bySid = new Map<string, iam.PolicyStatement>();
  for (const access of accessList) {
    for (const statement of statementsFor(access, targets)) {
      if (statement.sid !== undefined && !bySid.has(statement.sid))
        bySid.set(statement.sid, statement);
    }
  }
  return [...bySid.values()];
}
