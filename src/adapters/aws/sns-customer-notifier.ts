/**
 * SnsCustomerNotifier: the {@link CustomerNotifier} port on the customer notification SNS topic.
 * Delivery to the customer (email, SMS, an app) is the topic's subscribers' job, so a published
 * notification is `queued`. The notification id travels as a message attribute so subscribers
 * can drop a repeat of the same id.
 */
import type { SNSClient } from '@aws-sdk/client-sns';
import { PublishCommand } from '@aws-sdk/client-sns';
import type {
  CustomerNotification,
  CustomerNotifier,
  NotificationReceipt,
} from '../../payments/ports/customer-notifier.js';
import { snsSubject } from './sns-alert-topic.js';

export interface SnsCustomerNotifierOptions {
  readonly client: SNSClient;
  readonly topicArn: string;
}

export class SnsCustomerNotifier implements CustomerNotifier {
  readonly #client: SNSClient;
  readonly #topicArn: string;

  constructor(options: SnsCustomerNotifierOptions) {
    this.#client = options.client;
    this.#topicArn = options.topicArn;
  }

  async notify(notification: CustomerNotification): Promise<NotificationReceipt> {
    await this.#client.send(
      new PublishCommand({
        TopicArn: this.#topicArn,
        Subject: snsSubject(notification.subject),
        Message: JSON.stringify(notification),
        MessageAttributes: {
          notification_id: { DataType: 'String', StringValue: notification.id },
          kind: { DataType: 'String', StringValue: notification.kind },
        },
      }),
    );
    return { id: notification.id, channel: 'sns', status: 'queued' };
  }
}
