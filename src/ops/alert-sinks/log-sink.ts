/**
 * The default alert sink: writes each alert to the injected logger (pino's `logger.warn` fits),
 * so alerts are visible even when no webhook or mailbox is configured.
 */
import type { Alert, AlertSink } from '../alerts.js';
import { alertTitle } from '../alerts.js';

/** Structured-logger call: fields first, message second (pino's signature). */
export type AlertLogger = (fields: Record<string, unknown>, message: string) => void;

export class LogAlertSink implements AlertSink {
  readonly name = 'log';

  constructor(private readonly log: AlertLogger) {}

  deliver(alert: Alert): Promise<void> {
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
