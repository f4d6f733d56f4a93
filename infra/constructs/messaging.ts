/**
 * SNS and SQS: the ops alert topic (failures after retries, CloudWatch alarms), the customer
 * notification topic, and the webhook queue with its dead-letter queue. All encrypted with the
 * messaging key; SQS refuses plain HTTP (enforceSSL) and SNS topics refuse it by policy.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { Namer } from '../naming.js';

export interface MessagingProps {
  readonly name: Namer;
  readonly key: kms.IKey;
  /** Subscribed to the alert topic when set; must be on an approved domain. */
  readonly alertEmail?: string | undefined;
  /** The only email domains the alert topic accepts subscriptions for. */
  readonly approvedEmailDomains: readonly string[];
}

/** A queue for the stack: KMS, TLS only, 14 days of retention. */
export function secureQueue(
  scope: Construct,
  id: string,
  queueName: string,
  key: kms.IKey,
  extra: Partial<sqs.QueueProps> = {},
): sqs.Queue {
  return new sqs.Queue(scope, id, {
    queueName,
    encryption: sqs.QueueEncryption.KMS,
    encryptionMasterKey: key,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
    ...extra,
  });
}

export class Messaging extends Construct {
  readonly alertTopic: sns.Topic;
  readonly customerTopic: sns.Topic;
  readonly webhookQueue: sqs.Queue;
  readonly webhookDeadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: MessagingProps) {
    super(scope, id);
    this.alertTopic = new sns.Topic(this, 'AlertTopic', {
      topicName: props.name('sns', 'payment-alerts'),
      displayName: 'paystep payment alerts',
      masterKey: props.key,
      enforceSSL: true,
    });
    this.customerTopic = new sns.Topic(this, 'CustomerTopic', {
      topicName: props.name('sns', 'customer-notifications'),
      displayName: 'paystep customer notifications',
      masterKey: props.key,
      enforceSSL: true,
    });

    // Subscriptions to the alert topic may only go to approved email addresses: a subscription
    // elsewhere would leak failure details (transaction ids, error causes) outside the company.
    const approved = props.approvedEmailDomains.map((d) => `*@${d}`);
    this.alertTopic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'OnlyApprovedEmailSubscriptions',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['sns:Subscribe'],
        resources: [this.alertTopic.topicArn],
        conditions:
          approved.length > 0
            ? {
                StringNotLike: { 'sns:Endpoint': approved },
              }
            : {},
      }),
    );
    this.alertTopic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'OnlyEmailSubscriptions',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['sns:Subscribe'],
        resources: [this.alertTopic.topicArn],
        conditions: { StringNotEquals: { 'sns:Protocol': 'email' } },
      }),
    );
    // CloudWatch alarms publish as the CloudWatch service, limited to alarms of this account.
    this.alertTopic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarms',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.alertTopic.topicArn],
        conditions: {
          ArnLike: {
            'aws:SourceArn': `arn:${Stack.of(this).partition}:cloudwatch:${Stack.of(this).region}:${Stack.of(this).account}:alarm:*`,
          },
        },
      }),
    );
    if (props.alertEmail !== undefined) {
      this.alertTopic.addSubscription(new subscriptions.EmailSubscription(props.alertEmail));
    }

    this.webhookDeadLetterQueue = secureQueue(
      this,
      'WebhookDeadLetterQueue',
      props.name('sqs', 'payment-webhooks-dlq'),
      props.key,
    );
    this.webhookQueue = secureQueue(
      this,
      'WebhookQueue',
      props.name('sqs', 'payment-webhooks'),
      props.key,
      {
        // The consumer may call a slow gateway; AWS advises a visibility timeout above the
        // consumer's own timeout (300 s), so a message is not redelivered while still in work.
        visibilityTimeout: Duration.seconds(300),
        deadLetterQueue: { queue: this.webhookDeadLetterQueue, maxReceiveCount: 5 },
      },
    );
  }

  /** Lets the state machine role publish to the alert topic, by topic policy and by role. */
  allowStateMachineToAlert(role: iam.IRole): void {
    this.alertTopic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowStateMachineRole',
        principals: [role],
        actions: ['sns:Publish'],
        resources: [this.alertTopic.topicArn],
      }),
    );
  }
}
