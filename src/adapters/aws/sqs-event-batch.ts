/**
 * SqsEventBatch: one batch of the Lambda SQS event source, seen through the {@link MessageQueue}
 * port, so the webhook queue's consumer (src/api/webhooks/webhook-consumer.ts) runs unchanged on
 * AWS. The event source mapping does the receiving and the deleting: `receive` hands out the
 * batch once, and what the consumer deletes, fails or rejects decides the function's answer,
 * `batchItemFailures` (AWS: with ReportBatchItemFailures on, the records listed there return to
 * the queue and the others are deleted; a record the consumer did not settle counts as failed).
 *
 * - `fail` with a retry delay sets the record's visibility timeout, so a failed event is retried
 *   with the consumer's backoff rather than after the queue's whole visibility timeout.
 * - `reject` (an event that can never succeed) moves the body to the dead-letter queue at once,
 *   as the local queue does, and settles the record; without a dead-letter sender it fails, and
 *   SQS's redrive policy moves it after maxReceiveCount receives.
 */
import type { SQSRecord } from 'aws-lambda';
import type {
  DeadLetter,
  MessageFailure,
  MessageQueue,
  QueueMessage,
  SendMessageResult,
} from '../../payments/ports/queue.js';
import { QueueError, QueueErrorCode } from '../../payments/ports/queue.js';

export interface SqsEventBatchOptions {
  /** Sets a record's visibility timeout (SQS ChangeMessageVisibility on the source queue). */
  readonly changeVisibility?: (receiptHandle: string, seconds: number) => Promise<void>;
  /** Sends a rejected record's body, with why, to the dead-letter queue. */
  readonly deadLetter?: (record: SQSRecord, failure: MessageFailure) => Promise<void>;
  /** Told when a visibility change fails (the record is retried after the queue's timeout). */
  readonly onError?: (error: unknown) => void;
}

type Outcome = 'pending' | 'deleted' | 'failed' | 'dead-lettered';

export class SqsEventBatch implements MessageQueue {
  readonly #records: readonly SQSRecord[];
  readonly #options: SqsEventBatchOptions;
  readonly #outcomes = new Map<string, Outcome>();
  #handedOut = false;

  constructor(records: readonly SQSRecord[], options: SqsEventBatchOptions = {}) {
    this.#records = records;
    this.#options = options;
    for (const record of records) this.#outcomes.set(record.receiptHandle, 'pending');
  }

  /** The message ids Lambda must hand back to the queue: failed or never settled. */
  batchItemFailures(): { itemIdentifier: string }[] {
    return this.#records
      .filter((r) => {
        const outcome = this.#outcomes.get(r.receiptHandle);
        return outcome === 'pending' || outcome === 'failed';
      })
      .map((r) => ({ itemIdentifier: r.messageId }));
  }

  /** How each record ended, by message id (for logs and tests). */
  outcomes(): Record<string, Outcome> {
    return Object.fromEntries(
      this.#records.map((r) => [r.messageId, this.#outcomes.get(r.receiptHandle) ?? 'pending']),
    );
  }

  receive(): Promise<QueueMessage[]> {
    if (this.#handedOut) return Promise.resolve([]);
    this.#handedOut = true;
    return Promise.resolve(this.#records.map(toQueueMessage));
  }

  delete(receiptHandle: string): Promise<boolean> {
    return Promise.resolve(this.#settle(receiptHandle, 'deleted'));
  }

  deleteBatch(receiptHandles: readonly string[]): Promise<boolean[]> {
    return Promise.resolve(receiptHandles.map((h) => this.#settle(h, 'deleted')));
  }

  async changeVisibility(receiptHandle: string, visibilityTimeoutSeconds: number): Promise<void> {
    this.#require(receiptHandle);
    await this.#options.changeVisibility?.(receiptHandle, visibilityTimeoutSeconds);
  }

  async fail(
    receiptHandle: string,
    _failure: MessageFailure,
    options: { retryDelaySeconds?: number } = {},
  ): Promise<void> {
    this.#settle(receiptHandle, 'failed');
    if (options.retryDelaySeconds !== undefined && this.#options.changeVisibility) {
      try {
        await this.#options.changeVisibility(receiptHandle, options.retryDelaySeconds);
      } catch (error) {
        // The record still fails; it only comes back later than the backoff asked.
        this.#options.onError?.(error);
      }
    }
  }

  async reject(receiptHandle: string, failure: MessageFailure): Promise<void> {
    const record = this.#require(receiptHandle);
    if (this.#options.deadLetter === undefined) {
      this.#settle(receiptHandle, 'failed');
      return;
    }
    // If the send fails the record stays pending, so it is reported failed and comes back.
    await this.#options.deadLetter(record, failure);
    this.#settle(receiptHandle, 'dead-lettered');
  }

  send(): Promise<SendMessageResult> {
    return this.#unsupported('send');
  }
  listDeadLetters(): Promise<DeadLetter[]> {
    return this.#unsupported('listDeadLetters');
  }
  replayDeadLetters(): Promise<number> {
    return this.#unsupported('replayDeadLetters');
  }
  purgeDeadLetters(): Promise<number> {
    return this.#unsupported('purgeDeadLetters');
  }
  depth(): Promise<{ visible: number; inFlight: number; delayed: number; deadLetters: number }> {
    return this.#unsupported('depth');
  }
  close(): Promise<void> {
    return Promise.resolve();
  }

  #require(receiptHandle: string): SQSRecord {
    const record = this.#records.find((r) => r.receiptHandle === receiptHandle);
    if (record === undefined) {
      throw new QueueError(QueueErrorCode.MessageNotInflight, 'Not a record of this batch.');
    }
    return record;
  }

  #settle(receiptHandle: string, outcome: Outcome): boolean {
    this.#require(receiptHandle);
    if (this.#outcomes.get(receiptHandle) !== 'pending') return false;
    this.#outcomes.set(receiptHandle, outcome);
    return true;
  }

  #unsupported<T>(operation: string): Promise<T> {
    return Promise.reject(
      new QueueError(
        QueueErrorCode.InvalidParameter,
        `${operation} is not available on a Lambda SQS batch; use SqsMessageQueue`,
      ),
    );
  }
}

function toQueueMessage(record: SQSRecord): QueueMessage {
  const attributes = record.attributes;
  const sentAt = Number(attributes.SentTimestamp);
  return {
    messageId: record.messageId,
    receiptHandle: record.receiptHandle,
    body: record.body,
    ...(attributes.MessageGroupId === undefined ? {} : { groupId: attributes.MessageGroupId }),
    ...(attributes.MessageDeduplicationId === undefined
      ? {}
      : { deduplicationId: attributes.MessageDeduplicationId }),
    approximateReceiveCount: Number(attributes.ApproximateReceiveCount) || 1,
    sentAt,
    firstReceivedAt: Number(attributes.ApproximateFirstReceiveTimestamp) || sentAt,
  };
}
