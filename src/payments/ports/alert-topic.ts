/**
 * The alert topic port: telling the operations team that something needs a person (retries
 * exhausted, a charged payment that could not be recorded). Locally alerts go to the log; on AWS
 * to an SNS topic.
 */
import type { JsonObject } from '../../asl/json.js';

export const AlertSeverity = { Warning: 'warning', Critical: 'critical' } as const;
export type AlertSeverity = (typeof AlertSeverity)[keyof typeof AlertSeverity];

export interface OpsAlert {
  readonly subject: string;
  readonly severity: AlertSeverity;
  /** The facts: transaction id, error, cause, time, execution ARN... never card data. */
  readonly details: JsonObject;
  /** Epoch milliseconds. */
  readonly at: number;
}

export interface AlertTopic {
  publish(alert: OpsAlert): Promise<void>;
}
