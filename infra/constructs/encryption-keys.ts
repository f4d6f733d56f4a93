/**
 * The stack's customer-managed KMS keys, one per kind of data so a key policy names exactly the
 * services that use it: `data` (DynamoDB tables, the S3 archive, Lambda environment variables),
 * `messaging` (SNS topics and SQS queues) and `logs` (CloudWatch Logs). Rotation is on and a
 * deleted key waits 7 days, the shortest window, so a test teardown is quick but not instant.
 */
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import type { Namer } from '../naming.js';

export interface EncryptionKeysProps {
  readonly name: Namer;
}

/** The three keys, with key policies scoped to their services. */
export class EncryptionKeys extends Construct {
  readonly data: kms.Key;
  readonly messaging: kms.Key;
  readonly logs: kms.Key;

  constructor(scope: Construct, id: string, props: EncryptionKeysProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const key = (keyId: string, purpose: string, description: string): kms.Key =>
      new kms.Key(this, keyId, {
        alias: `alias/${props.name('kms', purpose)}`,
        description,
        enableKeyRotation: true,
        pendingWindow: Duration.days(7),
        // Keys outlive a failed deploy by default; for this stack a teardown must remove them.
        removalPolicy: RemovalPolicy.DESTROY,
      });

    this.data = key('DataKey', 'payment-data', 'paystep: DynamoDB, S3 archive, Lambda environment');
    this.messaging = key('MessagingKey', 'payment-messaging', 'paystep: SNS topics and SQS queues');
    this.logs = key('LogsKey', 'payment-logs', 'paystep: CloudWatch Logs');

    // DynamoDB uses the key on behalf of a caller in this account, through grants it creates; the
    // AWS-documented key policy allows that only via the DynamoDB service of this region.
    this.data.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowDynamoDbForThisAccount',
        principals: [new iam.AnyPrincipal()],
        actions: [
          'kms:Encrypt',
          'kms:Decrypt',
          'kms:ReEncrypt*',
          'kms:GenerateDataKey*',
          'kms:CreateGrant',
          'kms:DescribeKey',
        ],
        resources: ['*'],
        conditions: {
          StringEquals: {
            'kms:CallerAccount': stack.account,
            'kms:ViaService': `dynamodb.${stack.region}.amazonaws.com`,
          },
        },
      }),
    );
    // DynamoDB's own principal describes the key and reads its grants when it checks the table.
    this.data.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowDynamoDbServiceDescribe',
        principals: [new iam.ServicePrincipal('dynamodb.amazonaws.com')],
        actions: ['kms:DescribeKey', 'kms:ListGrants'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
    );

    // CloudWatch alarms publish to the encrypted alert topic as the CloudWatch service, not as a
    // role of ours, so the key policy must let that service make data keys (AWS: SNS SSE docs).
    this.messaging.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
    );

    // CloudWatch Logs encrypts with the key only for log groups of this account and region.
    this.logs.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchLogs',
        principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
        actions: [
          'kms:Encrypt*',
          'kms:Decrypt*',
          'kms:ReEncrypt*',
          'kms:GenerateDataKey*',
          'kms:Describe*',
        ],
        resources: ['*'],
        conditions: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': `arn:${stack.partition}:logs:${stack.region}:${stack.account}:log-group:*`,
          },
        },
      }),
    );
  }
}
