/**
 * The queue port: a durable message queue with Amazon SQS semantics, so the payment intake works the
 * same on the local engine (SQLite) and on AWS (SQS). A message is received under a visibility
 * timeout, deleted by its receipt handle once processed, redelivered if it is not, and set aside in
 * a dead-letter queue once it has been received too many times.
 */

/** The time source the queue reads: epoch milliseconds. A virtual clock in tests. */
export interface QueueClock {
  now(): number;
}

/**
 * Schedules `callback` after `delayMs` on the same clock as {@link QueueClock} and returns a function
 * that cancels it. A virtual clock fires it when time is advanced past it, so long polls and
 * visibility expiry run without sleeps in tests.
 */
export type SetQueueTimer = (delayMs: number, callback: () => void) => () => void;

/** SQS limits and defaults the adapters share. */
export const QueueLimits = {
  /** AWS: ReceiveMessage returns at most 10 messages per call. */
  maxMessagesPerReceive: 10,
  /** AWS: a long poll waits at most 20 seconds. */
  maxWaitTimeSeconds: 20,
  /** AWS: DelaySeconds is 0 to 900 (15 minutes). */
  maxDelaySeconds: 900,
  /** AWS: a visibility timeout is 0 to 43,200 seconds (12 hours). */
  maxVisibilityTimeoutSeconds: 43_200,
  /**
   * The default visibility timeout. AWS: the SQS default is 30 s; paystep uses 300 s because one
   * message starts a payment whose first steps may include a slow gateway call, and AWS advises a
   * visibility timeout well above the consumer's processing time.
   */
  defaultVisibilityTimeoutSeconds: 300,
  /** AWS: a deduplication id suppresses a resend for 5 minutes after the first send. */
  deduplicationWindowSeconds: 300,
  /** AWS: the default MaximumMessageSize of a queue is 262,144 bytes (256 KiB). */
  defaultMaxMessageBytes: 262_144,
} as const;

export interface SendMessageOptions {
  /**
   * Messages of one group are delivered in the order they were sent, and a message is not delivered
   * while an earlier one of its group is still in flight (SQS FIFO semantics).
   */
  groupId?: string;
  /**
   * A resend with the same id within the deduplication window is accepted but not delivered again;
   * the result carries the first message's id.
   */
  deduplicationId?: string;
  /** Seconds before the message becomes visible. @default 0 */
  delaySeconds?: number;
}

export interface SendMessageResult {
  messageId: string;
  /** True when the send was suppressed as a duplicate within the deduplication window. */
  duplicate: boolean;
}

export interface ReceiveMessagesOptions {
  /** 1 to 10. @default 1 */
  maxMessages?: number;
  /**
   * Long polling: wait up to this many seconds (0 to 20) for a message when none is visible. The
   * wait ends as soon as a message is sent or becomes visible, never by polling. @default 0
   */
  waitTimeSeconds?: number;
  /** Seconds the received messages stay hidden from other receivers. @default the queue's */
  visibilityTimeout?: number;
}

export interface QueueMessage {
  messageId: string;
  /** Identifies this receipt of the message; a later receipt gets a new handle. */
  receiptHandle: string;
  body: string;
  groupId?: string;
  deduplicationId?: string;
  /** How many times the message has been received, this receipt included. */
  approximateReceiveCount: number;
  /** Epoch ms of the send. */
  sentAt: number;
  /** Epoch ms of the first receipt. */
  firstReceivedAt: number;
}

/** What went wrong while processing a message; kept with it and shown in the dead-letter queue. */
export interface MessageFailure {
  code: string;
  message: string;
}

/** Why a message was moved to the dead-letter queue. */
export const DeadLetterReason = {
  /** Received maxReceiveCount times without being deleted (SQS redrive policy). */
  MaxReceiveCountExceeded: 'MAX_RECEIVE_COUNT_EXCEEDED',
  /** The consumer rejected it as unprocessable (a poison message); retrying cannot help. */
  Rejected: 'REJECTED',
} as const;
export type DeadLetterReason = (typeof DeadLetterReason)[keyof typeof DeadLetterReason];

export interface DeadLetter {
  messageId: string;
  body: string;
  groupId?: string;
  deduplicationId?: string;
  receiveCount: number;
  reason: DeadLetterReason;
  /** The last failure recorded for it, if the consumer recorded one. */
  lastError?: MessageFailure;
  sentAt: number;
  deadLetteredAt: number;
}

export interface ListDeadLettersOptions {
  /** @default 100 */
  limit?: number;
}

/**
 * A durable queue with SQS semantics.
 *
 * @example
 * const [message] = await queue.receive({ maxMessages: 1, waitTimeSeconds: 20 });
 * if (message) {
 *   try {
 *     await handle(message.body);
 *     await queue.delete(message.receiptHandle);
 *   } catch (error) {
 *     await queue.fail(message.receiptHandle, { code: 'Payment.StartFailed', message: String(error) });
 *   }
 * }
 */
export interface MessageQueue {
  /** Resolves once the message is durable (committed), never before. */
  send(body: string, options?: SendMessageOptions): Promise<SendMessageResult>;
  /**
   * Returns up to `maxMessages` visible messages and hides them for the visibility timeout. A
   * message already received maxReceiveCount times is moved to the dead-letter queue instead.
   */
  receive(options?: ReceiveMessagesOptions): Promise<QueueMessage[]>;
  /**
   * Deletes the message of this receipt. AWS: a handle from an earlier receipt of a message that has
   * since been received again succeeds without deleting it; the result says whether it deleted.
   */
  delete(receiptHandle: string): Promise<boolean>;
  /**
   * Deletes several messages in one commit (SQS DeleteMessageBatch); one result per handle, in order.
   */
  deleteBatch(receiptHandles: readonly string[]): Promise<boolean[]>;
  /**
   * Sets how many seconds from now the in-flight message stays hidden (0 makes it visible at once).
   * Fails with `Queue.MessageNotInflight` if the handle is not the message's current receipt.
   */
  changeVisibility(receiptHandle: string, visibilityTimeoutSeconds: number): Promise<void>;
  /**
   * Records why processing failed and makes the message visible again after `retryDelaySeconds`
   * (default: when its visibility timeout would have ended). The failure is kept as its last error.
   */
  fail(
    receiptHandle: string,
    failure: MessageFailure,
    options?: { retryDelaySeconds?: number },
  ): Promise<void>;
  /** Moves an in-flight message to the dead-letter queue at once: it can never be processed. */
  reject(receiptHandle: string, failure: MessageFailure): Promise<void>;
  /** The dead letters, oldest first. */
  listDeadLetters(options?: ListDeadLettersOptions): Promise<DeadLetter[]>;
  /**
   * Moves dead letters back to the end of the queue as new messages (receive count zero, sent now),
   * keeping their message ids: all of them, or those named. Returns how many were moved.
   */
  replayDeadLetters(messageIds?: readonly string[]): Promise<number>;
  /** Deletes dead letters for good (all of them, or those named). Returns how many. */
  purgeDeadLetters(messageIds?: readonly string[]): Promise<number>;
  /** Messages waiting or in flight, and dead letters. */
  depth(): Promise<{ visible: number; inFlight: number; delayed: number; deadLetters: number }>;
  /** Commits pending sends, ends pending long polls with no messages, and stops accepting calls. */
  close(): Promise<void>;
}

/** Stable codes of queue errors, matched by code, never by class. */
export const QueueErrorCode = {
  InvalidParameter: 'Queue.InvalidParameter',
  MessageNotInflight: 'Queue.MessageNotInflight',
  Closed: 'Queue.Closed',
} as const;
export type QueueErrorCode = (typeof QueueErrorCode)[keyof typeof QueueErrorCode];

export class QueueError extends Error {
  override readonly name = 'QueueError';
  /** None of the queue's own errors go away by retrying the same call. */
  readonly retryable = false;
  constructor(
    readonly code: QueueErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
