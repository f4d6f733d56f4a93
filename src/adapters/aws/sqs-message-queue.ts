/**
 * SqsMessageQueue: the {@link MessageQueue} port on an Amazon SQS queue and its dead-letter
 * queue. SQS itself does the visibility timeout, redelivery and the redrive to the DLQ after
 * maxReceiveCount; this adapter maps the calls, peeks and moves dead letters for the operator
 * commands, and turns SQS's receipt-handle errors into `Queue.MessageNotInflight`.
 */
import type { Message, SQSClient } from '@aws-sdk/client-sqs';
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import type {
  DeadLetter,
  ListDeadLettersOptions,
  MessageFailure,
  MessageQueue,
  QueueMessage,
  ReceiveMessagesOptions,
  SendMessageOptions,
  SendMessageResult,
} from '../../payments/ports/queue.js';
import {
  DeadLetterReason,
  QueueError,
  QueueErrorCode,
  QueueLimits,
} from '../../payments/ports/queue.js';

export interface SqsMessageQueueOptions {
  readonly client: SQSClient;
  readonly queueUrl: string;
  readonly deadLetterQueueUrl: string;
}

const RECEIPT_ERRORS = ['ReceiptHandleIsInvalid', 'MessageNotInflight', 'InvalidParameterValue'];

export class SqsMessageQueue implements MessageQueue {
  readonly #client: SQSClient;
  readonly #url: string;
  readonly #dlqUrl: string;
  /** Bodies of messages received and not yet settled, by receipt handle (for `reject`). */
  readonly #inFlight = new Map<string, Message>();
  #closed = false;

  constructor(options: SqsMessageQueueOptions) {
    this.#client = options.client;
    this.#url = options.queueUrl;
    this.#dlqUrl = options.deadLetterQueueUrl;
  }

  async send(body: string, options: SendMessageOptions = {}): Promise<SendMessageResult> {
    this.#open();
    const result = await this.#client.send(
      new SendMessageCommand({
        QueueUrl: this.#url,
        MessageBody: body,
        MessageGroupId: options.groupId,
        MessageDeduplicationId: options.deduplicationId,
        DelaySeconds: options.delaySeconds,
      }),
    );
    // AWS: SendMessage does not say whether a FIFO deduplication id suppressed the send.
    return { messageId: result.MessageId ?? '', duplicate: false };
  }

  async receive(options: ReceiveMessagesOptions = {}): Promise<QueueMessage[]> {
    this.#open();
    const messages = await this.#receiveFrom(this.#url, {
      max: Math.min(options.maxMessages ?? 1, QueueLimits.maxMessagesPerReceive),
      wait: options.waitTimeSeconds ?? 0,
      visibility: options.visibilityTimeout,
    });
    for (const m of messages) if (m.ReceiptHandle) this.#inFlight.set(m.ReceiptHandle, m);
    return messages.map(toQueueMessage);
  }

  async delete(receiptHandle: string): Promise<boolean> {
    this.#open();
    await this.#receipt(() =>
      this.#client.send(
        new DeleteMessageCommand({ QueueUrl: this.#url, ReceiptHandle: receiptHandle }),
      ),
    );
    this.#inFlight.delete(receiptHandle);
    // AWS: DeleteMessage succeeds for a stale handle without saying whether it deleted.
    return true;
  }

  async deleteBatch(receiptHandles: readonly string[]): Promise<boolean[]> {
    this.#open();
    const results: boolean[] = [];
    // AWS: DeleteMessageBatch takes at most 10 entries per call.
    for (let i = 0; i < receiptHandles.length; i += 10) {
      const chunk = receiptHandles.slice(i, i + 10);
      const out = await this.#client.send(
        new DeleteMessageBatchCommand({
          QueueUrl: this.#url,
          Entries: chunk.map((ReceiptHandle, j) => ({ Id: String(j), ReceiptHandle })),
        }),
      );
      const failed = new Set((out.Failed ?? []).map((f) => f.Id));
      chunk.forEach((handle, j) => {
        const ok = !failed.has(String(j));
        if (ok) this.#inFlight.delete(handle);
        results.push(ok);
      });
    }
    return results;
  }

  async changeVisibility(receiptHandle: string, visibilityTimeoutSeconds: number): Promise<void> {
    this.#open();
    await this.#receipt(() =>
      this.#client.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: this.#url,
          ReceiptHandle: receiptHandle,
          VisibilityTimeout: visibilityTimeoutSeconds,
        }),
      ),
    );
  }

  async fail(
    receiptHandle: string,
    _failure: MessageFailure,
    options: { retryDelaySeconds?: number } = {},
  ): Promise<void> {
    // AWS: SQS cannot attach data to a message in flight, so the failure is not kept with it (the
    // consumer logs it); only the redelivery time can be changed.
    this.#inFlight.delete(receiptHandle);
    if (options.retryDelaySeconds !== undefined) {
      await this.changeVisibility(receiptHandle, options.retryDelaySeconds);
    }
  }

  async reject(receiptHandle: string, failure: MessageFailure): Promise<void> {
    this.#open();
    const message = this.#inFlight.get(receiptHandle);
    if (message === undefined) {
      throw new QueueError(
        QueueErrorCode.MessageNotInflight,
        'No message in flight has this receipt handle',
      );
    }
    await this.#client.send(
      new SendMessageCommand({
        QueueUrl: this.#dlqUrl,
        MessageBody: message.Body ?? '',
        MessageAttributes: {
          reason: { DataType: 'String', StringValue: DeadLetterReason.Rejected },
          error_code: { DataType: 'String', StringValue: failure.code },
          error_message: { DataType: 'String', StringValue: failure.message.slice(0, 1000) || '-' },
          original_message_id: { DataType: 'String', StringValue: message.MessageId ?? '-' },
        },
      }),
    );
    await this.delete(receiptHandle);
  }

  async listDeadLetters(options: ListDeadLettersOptions = {}): Promise<DeadLetter[]> {
    this.#open();
    const peeked = await this.#drainPeek(options.limit ?? 100);
    return peeked.map(toDeadLetter).sort((a, b) => a.sentAt - b.sentAt);
  }

  async replayDeadLetters(messageIds?: readonly string[]): Promise<number> {
    return this.#settleDeadLetters(messageIds, async (m) => {
      await this.#client.send(
        new SendMessageCommand({ QueueUrl: this.#url, MessageBody: m.Body ?? '' }),
      );
    });
  }

  async purgeDeadLetters(messageIds?: readonly string[]): Promise<number> {
    return this.#settleDeadLetters(messageIds, () => Promise.resolve());
  }

  async depth(): Promise<{
    visible: number;
    inFlight: number;
    delayed: number;
    deadLetters: number;
  }> {
    this.#open();
    const attributes = async (url: string): Promise<Record<string, string>> =>
      (
        await this.#client.send(
          new GetQueueAttributesCommand({
            QueueUrl: url,
            AttributeNames: [
              'ApproximateNumberOfMessages',
              'ApproximateNumberOfMessagesNotVisible',
              'ApproximateNumberOfMessagesDelayed',
            ],
          }),
        )
      ).Attributes ?? {};
    const [main, dlq] = await Promise.all([attributes(this.#url), attributes(this.#dlqUrl)]);
    const n = (a: Record<string, string>, k: string): number => Number(a[k] ?? 0);
    return {
      visible: n(main, 'ApproximateNumberOfMessages'),
      inFlight: n(main, 'ApproximateNumberOfMessagesNotVisible'),
      delayed: n(main, 'ApproximateNumberOfMessagesDelayed'),
      deadLetters: n(dlq, 'ApproximateNumberOfMessages'),
    };
  }

  close(): Promise<void> {
    this.#closed = true;
    return Promise.resolve();
  }

  #open(): void {
    if (this.#closed) throw new QueueError(QueueErrorCode.Closed, 'The queue is closed');
  }

  async #receipt<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      const name = error instanceof Error ? error.name : '';
      if (RECEIPT_ERRORS.some((e) => name.includes(e))) {
        throw new QueueError(
          QueueErrorCode.MessageNotInflight,
          'The receipt handle is not current',
          {
            cause: error,
          },
        );
      }
      throw error;
    }
  }

  async #receiveFrom(
    url: string,
    o: { max: number; wait: number; visibility?: number | undefined },
  ): Promise<Message[]> {
    const result = await this.#client.send(
      new ReceiveMessageCommand({
        QueueUrl: url,
        MaxNumberOfMessages: o.max,
        WaitTimeSeconds: o.wait,
        VisibilityTimeout: o.visibility,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
    );
    return result.Messages ?? [];
  }

  /**
   * Receives dead letters with a short visibility timeout so they are each seen once, and makes
   * them visible again. AWS: there is no peek in SQS; a receive is the only way to read.
   */
  async #drainPeek(limit: number): Promise<Message[]> {
    const seen = new Map<string, Message>();
    while (seen.size < limit) {
      const batch = await this.#receiveFrom(this.#dlqUrl, {
        max: Math.min(10, limit - seen.size),
        wait: 0,
        visibility: 30,
      });
      const fresh = batch.filter((m) => m.MessageId !== undefined && !seen.has(m.MessageId));
      if (fresh.length === 0) break;
      for (const m of fresh) seen.set(m.MessageId as string, m);
    }
    await Promise.all(
      [...seen.values()].map((m) =>
        this.#client.send(
          new ChangeMessageVisibilityCommand({
            QueueUrl: this.#dlqUrl,
            ReceiptHandle: m.ReceiptHandle,
            VisibilityTimeout: 0,
          }),
        ),
      ),
    );
    return [...seen.values()];
  }

  async #settleDeadLetters(
    messageIds: readonly string[] | undefined,
    action: (m: Message) => Promise<void>,
  ): Promise<number> {
    this.#open();
    const letters = await this.#drainPeek(10_000);
    // A rejected letter is listed under its original message id; accept either id.
    const chosen = letters.filter(
      (m) =>
        messageIds === undefined ||
        messageIds.includes(m.MessageId ?? '') ||
        messageIds.includes(toDeadLetter(m).messageId),
    );
    for (const m of chosen) {
      await action(m);
      await this.#client.send(
        new DeleteMessageCommand({ QueueUrl: this.#dlqUrl, ReceiptHandle: m.ReceiptHandle }),
      );
    }
    return chosen.length;
  }
}

function toQueueMessage(m: Message): QueueMessage {
  const a = m.Attributes ?? {};
  const sentAt = Number(a.SentTimestamp ?? 0);
  return {
    messageId: m.MessageId ?? '',
    receiptHandle: m.ReceiptHandle ?? '',
    body: m.Body ?? '',
    ...(a.MessageGroupId === undefined ? {} : { groupId: a.MessageGroupId }),
    ...(a.MessageDeduplicationId === undefined
      ? {}
      : { deduplicationId: a.MessageDeduplicationId }),
    approximateReceiveCount: Number(a.ApproximateReceiveCount ?? 1),
    sentAt,
    firstReceivedAt: Number(a.ApproximateFirstReceiveTimestamp ?? sentAt),
  };
}

function toDeadLetter(m: Message): DeadLetter {
  const q = toQueueMessage(m);
  const attr = (k: string): string | undefined => m.MessageAttributes?.[k]?.StringValue;
  const code = attr('error_code');
  return {
    messageId: attr('original_message_id') ?? q.messageId,
    body: q.body,
    receiveCount: q.approximateReceiveCount,
    reason:
      attr('reason') === DeadLetterReason.Rejected
        ? DeadLetterReason.Rejected
        : DeadLetterReason.MaxReceiveCountExceeded,
    ...(code === undefined ? {} : { lastError: { code, message: attr('error_message') ?? '' } }),
    sentAt: q.sentAt,
    deadLetteredAt: q.sentAt,
  };
}
