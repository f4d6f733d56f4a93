/**
 * The default alert sink: writes each alert to the injected logger (pino's `logger.warn` fits),
 * so alerts are visible even when no webhook or mailbox is configured.
 */
import type { AlertSink, OutgoingAlert } from '../alerts.js';
import { alertTitle, isWorkflowAlert } from '../alerts.js';

/** Structured-logger call: fields first, message second (pino's signature). */
export type AlertLogger = (fields: Record<string, unknown>, message: string) => void;

export class LogAlertSink implements AlertSink {
  readonly name = 'log';

  constructor(private readonly log: AlertLogger) {}

  deliver(alert: OutgoingAlert): Promise<void> {
    if (isWorkflowAlert(alert)) {
      this.log(
        {
          alert: {
            severity: alert.severity,
            ...alert.details,
            timestamp: new Date(alert.timestamp).toISOString(),
          },
        },
        alertTitle(alert),
      );
      return Promise.resolve();
    }
    this.log(
      {
        alarmName: alert.alarmName,
        previousState: alert.previousState,
        state: alert.state,
        reason: alert.reason,
        namespace: alert.namespace,
        metricName: alert.metricName,
        dimensions: alert.dimensions,
        timestamp: new Date(alert.timestamp).toISOString(),
      },
      alertTitle(alert),
    );
    return Promise.resolve();
  }
}
