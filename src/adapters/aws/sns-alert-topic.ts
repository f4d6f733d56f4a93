/**
 * SnsAlertTopic: the {@link AlertTopic} port on the ops alert SNS topic. The subject goes in the
 * SNS Subject (trimmed to SNS's limits) and the whole alert as the JSON message, so email
 * subscribers read it and tools parse it.
 */
import type { SNSClient } from '@aws-sdk/client-sns';
import { PublishCommand } from '@aws-sdk/client-sns';
import type { AlertTopic, OpsAlert } from '../../payments/ports/alert-topic.js';

export interface SnsAlertTopicOptions {
  readonly client: SNSClient;
  readonly topicArn: string;
}

/**
 * AWS: an SNS Subject is at most 100 characters, ASCII, with no line breaks; anything else makes
 * Publish fail, so the subject is cleaned rather than trusted.
 */
export function snsSubject(subject: string): string {
  const ascii = subject.replace(/[^\x20-\x7e]/g, ' ').trim();
  return (ascii.length === 0 ? 'paystep alert' : ascii).slice(0, 100);
}

export class SnsAlertTopic implements AlertTopic {
  readonly #client: SNSClient;
  readonly #topicArn: string;

  constructor(options: SnsAlertTopicOptions) {
    this.#client = options.client;
    this.#topicArn = options.topicArn;
  }

  async publish(alert: OpsAlert): Promise<void> {
    await this.#client.send(
      new PublishCommand({
        TopicArn: this.#topicArn,
        Subject: snsSubject(`[${alert.severity}] ${alert.subject}`),
        Message: JSON.stringify(alert, null, 2),
        MessageAttributes: {
          severity: { DataType: 'String', StringValue: alert.severity },
        },
      }),
    );
  }
}
