/**
 * LogAlertTopic: the local {@link AlertTopic}. Alerts go to the process log as structured
 * records (pino's `(object, message)` call shape), where the operator's log tooling picks them
 * up; on AWS the SNS adapter takes its place.
 */
import type { AlertTopic, OpsAlert } from '../../payments/ports/alert-topic.js';

/** The logger methods used; a pino logger fits. */
export interface AlertLogger {
  warn(object: Record<string, unknown>, message: string): void;
  error(object: Record<string, unknown>, message: string): void;
}

export class LogAlertTopic implements AlertTopic {
  readonly #logger: AlertLogger;

  constructor(logger: AlertLogger) {
    this.#logger = logger;
  }

  publish(alert: OpsAlert): Promise<void> {
    const record = {
      alert: { severity: alert.severity, at: new Date(alert.at).toISOString(), ...alert.details },
    };
    if (alert.severity === 'critical') this.#logger.error(record, alert.subject);
    else this.#logger.warn(record, alert.subject);
    return Promise.resolve();
  }
}
