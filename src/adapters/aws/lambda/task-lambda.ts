/**
 * Wraps a payment task handler as a Lambda handler: Powertools logger (JSON, with the Lambda
 * context), metrics (EMF, flushed per invocation) and tracer (X-Ray, AWS SDK clients captured).
 * The handler's errors are rethrown unchanged: the Node.js runtime reports `error.name` as the
 * `errorType` Step Functions matches in Retry and Catch, so the ASL error name survives.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import type { Context } from 'aws-lambda';
import type { Json } from '../../../asl/json.js';
import { isJsonObject } from '../../../asl/json.js';
import type { PaymentTaskHandler } from '../../../payments/handlers/task-handler.js';
import { DURATION_LOG_FIELD } from '../log-fields.js';

/** Powertools utilities, made once per cold start by the entry point. */
export interface Observability {
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly tracer: Tracer;
}

/** Creates the Powertools utilities; service and namespace come from POWERTOOLS_* variables. */
export function createObservability(): Observability {
  return { logger: new Logger(), metrics: new Metrics(), tracer: new Tracer() };
}

/**
 * Builds the Lambda handler for a task.
 *
 * @param step - the task's name, for logs and metrics (e.g. `RecordTransaction`)
 * @param handler - the shared payment handler
 * @param finishesPayment - log the payment's processing duration when this step succeeds
 */
export function taskLambda(
  step: string,
  handler: PaymentTaskHandler,
  obs: Observability,
  options: { finishesPayment?: boolean; now?: () => number } = {},
): (event: Json, context: Context) => Promise<Json> {
  const now = options.now ?? Date.now;
  return async (event, context) => {
    obs.logger.addContext(context);
    const input = isJsonObject(event) ? event : {};
    const payment = isJsonObject(input['payment']) ? input['payment'] : {};
    const transactionId = payment['transaction_id'];
    obs.logger.appendKeys({
      step,
      transaction_id: typeof transactionId === 'string' ? transactionId : undefined,
    });
    try {
      const result = await handler(event);
      obs.metrics.addMetric(`${step}Succeeded`, MetricUnit.Count, 1);
      if (options.finishesPayment === true) {
        // Read by the metric filter that publishes Paystep/PaymentProcessingDuration.
        const started = Number(input['started_at'] ?? payment['created_at']);
        if (Number.isFinite(started) && started > 0) {
          obs.logger.info('payment finished', { [DURATION_LOG_FIELD]: now() - started });
        }
      }
      return result;
    } catch (error) {
      obs.metrics.addMetric(`${step}Failed`, MetricUnit.Count, 1);
      obs.logger.warn('task failed', { error_name: error instanceof Error ? error.name : 'Error' });
      throw error;
    } finally {
      obs.metrics.publishStoredMetrics();
      obs.logger.resetKeys();
    }
  };
}
