/**
 * The webhook processor behind the SQS event source, as a factory of its Lambda handler so tests
 * give it real peers. Each batch runs through the local queue consumer
 * (src/api/webhooks/webhook-consumer.ts), unchanged: `payment.created` starts the payment's
 * workflow on Step Functions (named by the transaction id, so idempotent), `review.closed`
 * completes the waiting review task, an event that is early is retried and one that is stale is
 * recorded and ignored, and events already processed are skipped by id. The batch is seen through
 * {@link SqsEventBatch}, whose outcome is the answer: `batchItemFailures` lists exactly the
 * records to retry. Processed event ids are written to DynamoDB before the answer, so a record
 * Lambda deletes is always one whose event is remembered.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { PaymentOperations } from '../../../api/payment-operations.js';
import { WebhookConsumer } from '../../../api/webhooks/webhook-consumer.js';
import type { AuditLog } from '../../../payments/ports/audit-log.js';
import type { TransactionStore } from '../../../payments/ports/transaction-store.js';
import type { DynamoDbWebhookEventLog } from '../dynamodb-webhook-event-log.js';
import type { SqsEventBatchOptions } from '../sqs-event-batch.js';
import { SqsEventBatch } from '../sqs-event-batch.js';
import type { Observability } from './task-lambda.js';

export interface WebhookProcessorDeps {
  readonly operations: PaymentOperations;
  readonly store: TransactionStore;
  readonly audit: AuditLog;
  readonly events: DynamoDbWebhookEventLog;
  readonly clock: { now(): number };
  readonly obs: Observability;
  /** Backoff and dead-lettering on the source queue (see {@link SqsEventBatch}). */
  readonly queue?: Pick<SqsEventBatchOptions, 'changeVisibility' | 'deadLetter'>;
}

/** The event id of a queued body, if it has one. */
function eventIdOf(body: string): string | undefined {
  try {
    const id = (JSON.parse(body) as { id?: unknown }).id;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}

/** Builds the processor's Lambda handler. */
export function webhookProcessor(
  deps: WebhookProcessorDeps,
): (event: SQSEvent, context: Context) => Promise<SQSBatchResponse> {
  const { logger, metrics } = deps.obs;
  return async (event, context) => {
    logger.addContext(context);
    try {
      const records = event.Records;
      const batch = new SqsEventBatch(records, {
        ...deps.queue,
        onError: (error) => logger.warn('could not delay a failed record', error as Error),
      });
      const log = await deps.events.forBatch(
        records.flatMap((r) => {
          const id = eventIdOf(r.body);
          return id === undefined ? [] : [id];
        }),
      );
      const consumer = new WebhookConsumer({
        queue: batch,
        events: log,
        operations: deps.operations,
        store: deps.store,
        audit: deps.audit,
        clock: deps.clock,
        // The consumer sleeps only in its own polling loop, which a Lambda never runs.
        sleep: () => Promise.resolve(),
        log: {
          warn: (fields, message) => logger.warn(message, { ...fields }),
          error: (fields, message) => logger.error(message, { ...fields }),
        },
      });
      await consumer.pollOnce(0);
      // Before answering: what Lambda deletes must be remembered as processed. If this fails the
      // whole batch is retried, which is safe: every event's effect is idempotent.
      await log.flush();
      const failures = batch.batchItemFailures();
      metrics.addMetric(
        'WebhookEventsProcessed',
        MetricUnit.Count,
        records.length - failures.length,
      );
      metrics.addMetric('WebhookEventsFailed', MetricUnit.Count, failures.length);
      if (failures.length > 0) logger.info('batch outcomes', { outcomes: batch.outcomes() });
      return { batchItemFailures: failures };
    } finally {
      metrics.publishStoredMetrics();
      logger.resetKeys();
    }
  };
}
