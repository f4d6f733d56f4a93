/**
 * The payment workflow's alert topic port delivered through the alert publisher: the alerts the
 * workflow raises itself (retries exhausted, a charge that could not be recorded) reach the same
 * sinks as alarm transitions. Publishing only queues, so the workflow's `sns:publish` task never
 * waits on a webhook or a mail server.
 */
import type { AlertTopic, OpsAlert } from '../payments/ports/alert-topic.js';
import type { OutgoingAlert } from './alerts.js';

/** Where the alerts go; `AlertPublisher` implements it. */
export interface AlertQueue {
  publish(alert: OutgoingAlert): void;
}

export class PublisherAlertTopic implements AlertTopic {
  constructor(private readonly publisher: AlertQueue) {}

  publish(alert: OpsAlert): Promise<void> {
    this.publisher.publish({
      kind: 'workflow',
      subject: alert.subject,
      severity: alert.severity,
      details: alert.details,
      timestamp: alert.at,
    });
    return Promise.resolve();
  }
}
