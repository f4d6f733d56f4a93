/**
 * SqliteQueue: the {@link MessageQueue} port on the local SQLite file, with SQS semantics
 * (visibility timeout, receive count, redrive to a dead-letter queue, long polling, deduplication,
 * ordered message groups). Several named queues can share one file.
 *
 * Sends are group-committed: every send() made before the event loop next turns is written in one
 * transaction, and each promise resolves only after that commit. At synchronous=FULL a commit costs
 * one fsync, so a burst of N sends costs one fsync instead of N, and an HTTP handler that awaits
 * send() answers only once the message is on disk. With `writerThread`, the batches are written
 * and committed on a thread of their own (see sqlite-queue-writer.ts), so the fsync no longer
 * stalls the event loop; sends made while a batch is being committed form the next batch.
 */
import { randomUUID } from 'node:crypto';
import { migrate, type SqliteDatabase } from '../../sqlite/database.js';
import { QueueWriterThread, SqliteSendWriter } from './sqlite-queue-writer.js';
import {
  DeadLetterReason,
  QueueError,
  QueueErrorCode,
  QueueLimits,
  type DeadLetter,
  type ListDeadLettersOptions,
  type MessageFailure,
  type MessageQueue,
  type QueueClock,
  type QueueMessage,
  type ReceiveMessagesOptions,
  type SendMessageOptions,
  type SendMessageResult,
  type SetQueueTimer,
} from '../../payments/ports/queue.js';

const MIGRATIONS = [
  `CREATE TABLE queue_messages (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     queue TEXT NOT NULL,
     message_id TEXT NOT NULL UNIQUE,
     body TEXT NOT NULL,
     group_id TEXT,
     deduplication_id TEXT,
     sent_at INTEGER NOT NULL,
     visible_at INTEGER NOT NULL,
     receive_count INTEGER NOT NULL DEFAULT 0,
     first_received_at INTEGER,
     receipt_handle TEXT UNIQUE,
     last_error_code TEXT,
     last_error_message TEXT
   );
   CREATE INDEX queue_messages_visible ON queue_messages (queue, visible_at, seq);
   CREATE INDEX queue_messages_group ON queue_messages (queue, group_id, seq) WHERE group_id IS NOT NULL;
   CREATE TABLE queue_deduplication (
     queue TEXT NOT NULL,
     deduplication_id TEXT NOT NULL,
     message_id TEXT NOT NULL,
     expires_at INTEGER NOT NULL,
     PRIMARY KEY (queue, deduplication_id)
   ) WITHOUT ROWID;
   CREATE INDEX queue_deduplication_expiry ON queue_deduplication (queue, expires_at);
   CREATE TABLE queue_dead_letters (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     queue TEXT NOT NULL,
     message_id TEXT NOT NULL UNIQUE,
     body TEXT NOT NULL,
     group_id TEXT,
     deduplication_id TEXT,
     sent_at INTEGER NOT NULL,
     receive_count INTEGER NOT NULL,
     reason TEXT NOT NULL,
     last_error_code TEXT,
     last_error_message TEXT,
     dead_lettered_at INTEGER NOT NULL
   );
   CREATE INDEX queue_dead_letters_queue ON queue_dead_letters (queue, seq);`,
];

export interface SqliteQueueOptions {
  db: SqliteDatabase;
  /** Names this queue among others in the same file. */
  name: string;
  clock: QueueClock;
  setTimer: SetQueueTimer;
  /** @default 300 (see QueueLimits.defaultVisibilityTimeoutSeconds) */
  visibilityTimeoutSeconds?: number;
  /** Receipts after which the next receive moves the message to the dead-letter queue. @default 5 */
  maxReceiveCount?: number;
  /** @default 262144 bytes */
  maxMessageBytes?: number;
  /** Most sends written in one transaction; 1 turns group commit off (for benchmarks). @default 1000 */
  maxBatchSize?: number;
  /**
   * Writes and commits sends on a writer thread with its own connection to the file, instead of
   * on the caller's event loop. Ignored for an in-memory database, which a thread cannot open.
   * While the thread commits, the queue's other operations on `db` that write (receive, delete...)
   * wait for its lock as any second writer does (busy_timeout). @default false
   */
  writerThread?: boolean;
  /** Runs the batch writer once the current turn is over. @default setImmediate */
  scheduleFlush?: (flush: () => void) => void;
  /** New message ids and receipt handles. @default crypto.randomUUID */
  newId?: () => string;
  /** Told of each message moved to the dead-letter queue, after the move is committed. */
  onDeadLetter?: (deadLetter: DeadLetter) => void;
}

interface MessageRow {
  seq: number;
  message_id: string;
  body: string;
  group_id: string | null;
  deduplication_id: string | null;
  sent_at: number;
  visible_at: number;
  receive_count: number;
  first_received_at: number | null;
  receipt_handle: string | null;
  last_error_code: string | null;
  last_error_message: string | null;
}

interface DeadLetterRow extends Omit<
  MessageRow,
  'seq' | 'visible_at' | 'first_received_at' | 'receipt_handle'
> {
  reason: DeadLetterReason;
  dead_lettered_at: number;
}

interface PendingSend {
  body: string;
  options: SendMessageOptions;
  resolve: (result: SendMessageResult) => void;
  reject: (error: unknown) => void;
}

interface Waiter {
  maxMessages: number;
  visibilityTimeoutMs: number;
  deadline: number;
  resolve: (messages: QueueMessage[]) => void;
  reject: (error: unknown) => void;
  cancelTimer: () => void;
}

export class SqliteQueue implements MessageQueue {
  private readonly db: SqliteDatabase;
  private readonly name: string;
  private readonly clock: QueueClock;
  private readonly setTimer: SetQueueTimer;
  private readonly visibilityTimeoutMs: number;
  private readonly maxReceiveCount: number;
  private readonly maxMessageBytes: number;
  private readonly maxBatchSize: number;
  private readonly scheduleFlush: (flush: () => void) => void;
  private readonly newId: () => string;
  private readonly onDeadLetter: ((deadLetter: DeadLetter) => void) | undefined;
  private readonly statements: ReturnType<typeof prepareStatements>;
  private readonly writeBatch: (batch: readonly PendingSend[]) => SendMessageResult[];
  private readonly thread: QueueWriterThread | undefined;
  /** The batch the writer thread is committing, if any. */
  private threadBatch: Promise<void> | undefined;
  private readonly receiveBatch: (
    maxMessages: number,
    visibilityTimeoutMs: number,
  ) => {
    messages: QueueMessage[];
    deadLetters: DeadLetter[];
  };
  private pending: PendingSend[] = [];
  private flushScheduled = false;
  private readonly waiters: Waiter[] = [];
  private closed = false;

  constructor(options: SqliteQueueOptions) {
    this.db = options.db;
    this.name = options.name;
    this.clock = options.clock;
    this.setTimer = options.setTimer;
    const visibility =
      options.visibilityTimeoutSeconds ?? QueueLimits.defaultVisibilityTimeoutSeconds;
    checkRange('visibilityTimeoutSeconds', visibility, 0, QueueLimits.maxVisibilityTimeoutSeconds);
    this.visibilityTimeoutMs = visibility * 1000;
    this.maxReceiveCount = options.maxReceiveCount ?? 5;
    checkRange('maxReceiveCount', this.maxReceiveCount, 1, 1000);
    this.maxMessageBytes = options.maxMessageBytes ?? QueueLimits.defaultMaxMessageBytes;
    this.maxBatchSize = options.maxBatchSize ?? 1000;
    checkRange('maxBatchSize', this.maxBatchSize, 1, Number.MAX_SAFE_INTEGER);
    this.scheduleFlush = options.scheduleFlush ?? ((flush) => void setImmediate(flush));
    this.newId = options.newId ?? randomUUID;
    this.onDeadLetter = options.onDeadLetter;

    migrate(this.db, 'queue', MIGRATIONS);
    this.statements = prepareStatements(this.db);

    const sendWriter = new SqliteSendWriter(this.db, this.name);
    this.writeBatch = (batch) => sendWriter.write(batch, this.clock.now(), () => this.newId());
    this.thread =
      options.writerThread === true && !this.db.memory
        ? new QueueWriterThread(this.db, this.name)
        : undefined;
    // IMMEDIATE: a receive reads then writes, and taking the write lock first means another
    // process on the same file (the CLI beside the server) cannot make the upgrade fail as busy.
    const receiveTransaction = this.db.transaction(
      (maxMessages: number, visibilityTimeoutMs: number) =>
        this.takeVisible(maxMessages, visibilityTimeoutMs),
    );
    this.receiveBatch = (maxMessages, visibilityTimeoutMs) =>
      receiveTransaction.immediate(maxMessages, visibilityTimeoutMs);
  }

  async send(body: string, options: SendMessageOptions = {}): Promise<SendMessageResult> {
    this.assertOpen();
    this.checkSend(body, options);
    return new Promise((resolve, reject) => {
      this.pending.push({ body, options, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        this.scheduleFlush(() => this.flush());
      }
    });
  }

  async receive(options: ReceiveMessagesOptions = {}): Promise<QueueMessage[]> {
    const maxMessages = options.maxMessages ?? 1;
    const waitTimeSeconds = options.waitTimeSeconds ?? 0;
    const visibility = options.visibilityTimeout;
    this.assertOpen();
    checkRange('maxMessages', maxMessages, 1, QueueLimits.maxMessagesPerReceive);
    checkRange('waitTimeSeconds', waitTimeSeconds, 0, QueueLimits.maxWaitTimeSeconds);
    if (visibility !== undefined) {
      checkRange('visibilityTimeout', visibility, 0, QueueLimits.maxVisibilityTimeoutSeconds);
    }
    const visibilityTimeoutMs =
      visibility === undefined ? this.visibilityTimeoutMs : visibility * 1000;
    const messages = this.receiveNow(maxMessages, visibilityTimeoutMs);
    if (messages.length > 0 || waitTimeSeconds === 0) return messages;
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        maxMessages,
        visibilityTimeoutMs,
        deadline: this.clock.now() + waitTimeSeconds * 1000,
        resolve,
        reject,
        cancelTimer: () => {},
      };
      this.waiters.push(waiter);
      this.arm(waiter, this.nextVisibleAt());
    });
  }

  delete(receiptHandle: string): Promise<boolean> {
    return this.deleteBatch([receiptHandle]).then(([deleted]) => deleted === true);
  }

  deleteBatch(receiptHandles: readonly string[]): Promise<boolean[]> {
    return this.run(() => {
      let groupHeadDeleted = false;
      const results = this.db.transaction(() =>
        receiptHandles.map((handle) => {
          const row = this.statements.byHandle.get(this.name, handle);
          if (!row) return false;
          this.statements.deleteBySeq.run(row.seq);
          if (row.group_id !== null) groupHeadDeleted = true;
          return true;
        }),
      )();
      // Deleting the head of a message group lets the next message of that group be delivered.
      if (groupHeadDeleted) this.wakeWaiters();
      return results;
    });
  }

  changeVisibility(receiptHandle: string, visibilityTimeoutSeconds: number): Promise<void> {
    return this.run(() => {
      checkRange(
        'visibilityTimeout',
        visibilityTimeoutSeconds,
        0,
        QueueLimits.maxVisibilityTimeoutSeconds,
      );
      const now = this.clock.now();
      const row = this.inFlight(receiptHandle, now);
      this.statements.setVisibleAt.run(now + visibilityTimeoutSeconds * 1000, row.seq);
      this.wakeWaiters();
    });
  }

  fail(
    receiptHandle: string,
    failure: MessageFailure,
    options: { retryDelaySeconds?: number } = {},
  ): Promise<void> {
    return this.run(() => {
      const row = this.current(receiptHandle);
      let visibleAt = row.visible_at;
      if (options.retryDelaySeconds !== undefined) {
        checkRange(
          'retryDelaySeconds',
          options.retryDelaySeconds,
          0,
          QueueLimits.maxVisibilityTimeoutSeconds,
        );
        visibleAt = this.clock.now() + options.retryDelaySeconds * 1000;
      }
      this.statements.recordFailure.run(visibleAt, failure.code, failure.message, row.seq);
      this.wakeWaiters();
    });
  }

  reject(receiptHandle: string, failure: MessageFailure): Promise<void> {
    return this.run(() => {
      const row = { ...this.current(receiptHandle) };
      row.last_error_code = failure.code;
      row.last_error_message = failure.message;
      const deadLetter = this.db.transaction(() =>
        this.moveToDeadLetters(row, DeadLetterReason.Rejected),
      )();
      this.onDeadLetter?.(deadLetter);
      if (row.group_id !== null) this.wakeWaiters();
    });
  }

  listDeadLetters(options: ListDeadLettersOptions = {}): Promise<DeadLetter[]> {
    return this.run(() =>
      this.statements.listDeadLetters.all(this.name, options.limit ?? 100).map(toDeadLetter),
    );
  }

  replayDeadLetters(messageIds?: readonly string[]): Promise<number> {
    return this.run(() => {
      const moved = this.db.transaction(() => {
        const now = this.clock.now();
        let count = 0;
        for (const row of this.selectDeadLetters(messageIds)) {
          // AWS: a redrive treats each message as new: receive count zero (so its next receive does
          // not send it straight back), a new enqueue time, and a new message id. paystep keeps the
          // message id, so a replayed message can be traced to its dead letter and history.
          this.statements.requeue.run(
            this.name,
            row.message_id,
            row.body,
            row.group_id,
            row.deduplication_id,
            now,
            now,
            row.last_error_code,
            row.last_error_message,
          );
          this.statements.deleteDeadLetter.run(this.name, row.message_id);
          count++;
        }
        return count;
      })();
      if (moved > 0) this.wakeWaiters();
      return moved;
    });
  }

  purgeDeadLetters(messageIds?: readonly string[]): Promise<number> {
    return this.run(() =>
      this.db.transaction(() => {
        let count = 0;
        for (const row of this.selectDeadLetters(messageIds)) {
          count += this.statements.deleteDeadLetter.run(this.name, row.message_id).changes;
        }
        return count;
      })(),
    );
  }

  depth(): Promise<{ visible: number; inFlight: number; delayed: number; deadLetters: number }> {
    return this.run(() => {
      const now = this.clock.now();
      const row = this.statements.depth.get(now, now, now, this.name, this.name);
      return {
        visible: row?.visible ?? 0,
        inFlight: row?.in_flight ?? 0,
        delayed: row?.delayed ?? 0,
        deadLetters: row?.dead ?? 0,
      };
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    if (this.thread) {
      this.closed = true;
      // Commit what was sent before the close, then stop the thread.
      while (this.threadBatch || this.pending.length > 0) {
        this.flushToThread();
        await this.threadBatch;
      }
      await this.thread.close();
    } else {
      this.flush();
      this.closed = true;
    }
    for (const waiter of this.waiters.splice(0)) {
      waiter.cancelTimer();
      waiter.resolve([]);
    }
  }

  /** Writes every pending send, in transactions of at most maxBatchSize, then wakes long polls. */
  private flush(): void {
    this.flushScheduled = false;
    if (this.thread) {
      this.flushToThread();
      return;
    }
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, this.maxBatchSize);
      let results: SendMessageResult[];
      try {
        results = this.writeBatch(batch);
      } catch (error) {
        for (const send of batch) send.reject(error);
        continue;
      }
      // Resolved only now, after COMMIT returned: the caller may tell its client the message is safe.
      batch.forEach((send, i) => send.resolve(results[i] as SendMessageResult));
    }
    this.wakeWaiters();
  }

  /**
   * Hands the writer thread the next batch unless it is still committing one; once that commit
   * is done, resolves its sends, wakes long polls, and hands over what gathered meanwhile.
   */
  private flushToThread(): void {
    const thread = this.thread;
    if (!thread || this.threadBatch || this.pending.length === 0) return;
    const batch = this.pending.splice(0, this.maxBatchSize);
    const sends = batch.map(({ body, options }) => ({ body, options }));
    this.threadBatch = thread
      .write(
        sends,
        this.clock.now(),
        batch.map(() => this.newId()),
      )
      .then(
        // Resolved only now, after the thread's COMMIT returned.
        (results) => batch.forEach((send, i) => send.resolve(results[i] as SendMessageResult)),
        (error: unknown) => batch.forEach((send) => send.reject(error)),
      )
      .then(() => {
        this.threadBatch = undefined;
        this.wakeWaiters();
        this.flushToThread();
      });
  }

  /** One receive attempt; tells onDeadLetter of moves only once they are committed. */
  private receiveNow(maxMessages: number, visibilityTimeoutMs: number): QueueMessage[] {
    const { messages, deadLetters } = this.receiveBatch(maxMessages, visibilityTimeoutMs);
    for (const deadLetter of deadLetters) this.onDeadLetter?.(deadLetter);
    return messages;
  }

  private takeVisible(maxMessages: number, visibilityTimeoutMs: number) {
    const now = this.clock.now();
    const messages: QueueMessage[] = [];
    const deadLetters: DeadLetter[] = [];
    // Loop because a message moved to the dead-letter queue frees a slot, and may unblock its group.
    while (messages.length < maxMessages) {
      const rows = this.statements.candidates.all(
        this.name,
        now,
        now,
        maxMessages - messages.length,
      );
      if (rows.length === 0) break;
      let moved = false;
      for (const row of rows) {
        // AWS: the redrive happens when a receive finds the count already at maxReceiveCount.
        if (row.receive_count >= this.maxReceiveCount) {
          deadLetters.push(this.moveToDeadLetters(row, DeadLetterReason.MaxReceiveCountExceeded));
          moved = true;
          continue;
        }
        const receiptHandle = this.newId();
        this.statements.markReceived.run(now + visibilityTimeoutMs, receiptHandle, now, row.seq);
        messages.push(toMessage(row, receiptHandle, now));
      }
      if (!moved) break;
    }
    return { messages, deadLetters };
  }

  private moveToDeadLetters(row: MessageRow, reason: DeadLetterReason): DeadLetter {
    const now = this.clock.now();
    this.statements.insertDeadLetter.run(
      this.name,
      row.message_id,
      row.body,
      row.group_id,
      row.deduplication_id,
      row.sent_at,
      row.receive_count,
      reason,
      row.last_error_code,
      row.last_error_message,
      now,
    );
    this.statements.deleteBySeq.run(row.seq);
    return toDeadLetter({ ...row, reason, dead_lettered_at: now });
  }

  private selectDeadLetters(messageIds: readonly string[] | undefined): DeadLetterRow[] {
    if (messageIds === undefined) return this.statements.allDeadLetters.all(this.name);
    return messageIds.flatMap((id) => this.statements.deadLetterById.get(this.name, id) ?? []);
  }

  /** The message whose latest receipt this handle is. */
  private current(receiptHandle: string): MessageRow {
    const row = this.statements.byHandle.get(this.name, receiptHandle);
    if (!row) {
      throw new QueueError(
        QueueErrorCode.MessageNotInflight,
        'The receipt handle is not the current receipt of any message in the queue.',
      );
    }
    return row;
  }

  /** Like current(), and the message must still be hidden (AWS: ChangeMessageVisibility). */
  private inFlight(receiptHandle: string, now: number): MessageRow {
    const row = this.current(receiptHandle);
    if (row.visible_at <= now) {
      throw new QueueError(
        QueueErrorCode.MessageNotInflight,
        'The message is no longer in flight.',
      );
    }
    return row;
  }

  private nextVisibleAt(): number | undefined {
    return this.statements.nextVisibleAt.get(this.name, this.clock.now())?.next ?? undefined;
  }

  /**
   * Sets the waiter's one timer: at its deadline, or earlier when a hidden message becomes visible.
   * Sends and releases wake waiters directly, so nothing ever polls.
   */
  private arm(waiter: Waiter, nextVisibleAt: number | undefined): void {
    waiter.cancelTimer();
    const wakeAt = Math.min(waiter.deadline, nextVisibleAt ?? Infinity);
    waiter.cancelTimer = this.setTimer(Math.max(0, wakeAt - this.clock.now()), () =>
      this.onTimer(waiter),
    );
  }

  private onTimer(waiter: Waiter): void {
    const index = this.waiters.indexOf(waiter);
    if (index === -1) return;
    try {
      const messages = this.receiveNow(waiter.maxMessages, waiter.visibilityTimeoutMs);
      if (messages.length > 0 || this.clock.now() >= waiter.deadline) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve(messages);
        return;
      }
      this.arm(waiter, this.nextVisibleAt());
    } catch (error) {
      this.waiters.splice(this.waiters.indexOf(waiter), 1);
      waiter.reject(error);
    }
  }

  /** Serves waiting long polls in arrival order until the queue has nothing visible left. */
  private wakeWaiters(): void {
    if (this.waiters.length === 0) return;
    try {
      while (this.waiters.length > 0) {
        const waiter = this.waiters[0] as Waiter;
        const messages = this.receiveNow(waiter.maxMessages, waiter.visibilityTimeoutMs);
        if (messages.length === 0) break;
        this.waiters.shift();
        waiter.cancelTimer();
        waiter.resolve(messages);
      }
      // What became visible may be sooner than the timers set so far (a short delay, a release).
      const next = this.nextVisibleAt();
      for (const waiter of this.waiters) this.arm(waiter, next);
    } catch (error) {
      for (const waiter of this.waiters.splice(0)) {
        waiter.cancelTimer();
        waiter.reject(error);
      }
    }
  }

  /** Runs a synchronous operation and hands its result or its error over as a promise. */
  private run<T>(operation: () => T): Promise<T> {
    try {
      this.assertOpen();
      return Promise.resolve(operation());
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  private assertOpen(): void {
    if (this.closed)
      throw new QueueError(QueueErrorCode.Closed, `The queue ${this.name} is closed.`);
  }

  private checkSend(body: string, options: SendMessageOptions): void {
    if (typeof body !== 'string' || body.length === 0) {
      throw new QueueError(
        QueueErrorCode.InvalidParameter,
        'A message body must be a non-empty string.',
      );
    }
    const bytes = Buffer.byteLength(body, 'utf8');
    if (bytes > this.maxMessageBytes) {
      throw new QueueError(
        QueueErrorCode.InvalidParameter,
        `A message body is ${bytes} bytes, over the queue's limit of ${this.maxMessageBytes}.`,
      );
    }
    checkRange('delaySeconds', options.delaySeconds ?? 0, 0, QueueLimits.maxDelaySeconds);
    checkId('groupId', options.groupId);
    checkId('deduplicationId', options.deduplicationId);
  }
}

function prepareStatements(db: SqliteDatabase) {
  return {
    // A message of a group waits while an earlier message of its group is hidden (in flight or
    // delayed): SQS FIFO order. Ordering by seq keeps the earlier visible ones in the same batch.
    candidates: db.prepare<[string, number, number, number], MessageRow>(
      `SELECT * FROM queue_messages m
       WHERE m.queue = ? AND m.visible_at <= ?
         AND (m.group_id IS NULL OR NOT EXISTS (
           SELECT 1 FROM queue_messages e
           WHERE e.queue = m.queue AND e.group_id = m.group_id AND e.seq < m.seq AND e.visible_at > ?))
       ORDER BY m.seq LIMIT ?`,
    ),
    markReceived: db.prepare(
      `UPDATE queue_messages SET receive_count = receive_count + 1, visible_at = ?, receipt_handle = ?,
         first_received_at = coalesce(first_received_at, ?) WHERE seq = ?`,
    ),
    byHandle: db.prepare<[string, string], MessageRow>(
      'SELECT * FROM queue_messages WHERE queue = ? AND receipt_handle = ?',
    ),
    deleteBySeq: db.prepare('DELETE FROM queue_messages WHERE seq = ?'),
    setVisibleAt: db.prepare('UPDATE queue_messages SET visible_at = ? WHERE seq = ?'),
    recordFailure: db.prepare(
      'UPDATE queue_messages SET visible_at = ?, last_error_code = ?, last_error_message = ? WHERE seq = ?',
    ),
    insertDeadLetter: db.prepare(
      `INSERT INTO queue_dead_letters (queue, message_id, body, group_id, deduplication_id, sent_at,
         receive_count, reason, last_error_code, last_error_message, dead_lettered_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    nextVisibleAt: db.prepare<[string, number], { next: number | null }>(
      'SELECT min(visible_at) AS next FROM queue_messages WHERE queue = ? AND visible_at > ?',
    ),
    listDeadLetters: db.prepare<[string, number], DeadLetterRow>(
      'SELECT * FROM queue_dead_letters WHERE queue = ? ORDER BY seq LIMIT ?',
    ),
    deadLetterById: db.prepare<[string, string], DeadLetterRow>(
      'SELECT * FROM queue_dead_letters WHERE queue = ? AND message_id = ?',
    ),
    allDeadLetters: db.prepare<[string], DeadLetterRow>(
      'SELECT * FROM queue_dead_letters WHERE queue = ? ORDER BY seq',
    ),
    deleteDeadLetter: db.prepare(
      'DELETE FROM queue_dead_letters WHERE queue = ? AND message_id = ?',
    ),
    requeue: db.prepare(
      `INSERT INTO queue_messages (queue, message_id, body, group_id, deduplication_id, sent_at, visible_at,
         last_error_code, last_error_message)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    depth: db.prepare<
      [number, number, number, string, string],
      { visible: number; in_flight: number; delayed: number; dead: number }
    >(
      `SELECT
         coalesce(sum(visible_at <= ?), 0) AS visible,
         coalesce(sum(visible_at > ? AND receive_count > 0), 0) AS in_flight,
         coalesce(sum(visible_at > ? AND receive_count = 0), 0) AS delayed,
         (SELECT count(*) FROM queue_dead_letters WHERE queue = ?) AS dead
       FROM queue_messages WHERE queue = ?`,
    ),
  };
}

function checkRange(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new QueueError(
      QueueErrorCode.InvalidParameter,
      `${name} must be an integer from ${min} to ${max}, not ${String(value)}.`,
    );
  }
}

/** AWS: group and deduplication ids are 1 to 128 characters. */
function checkId(name: string, value: string | undefined): void {
  if (value !== undefined && (value.length === 0 || value.length > 128)) {
    throw new QueueError(QueueErrorCode.InvalidParameter, `${name} must be 1 to 128 characters.`);
  }
}

function toMessage(row: MessageRow, receiptHandle: string, now: number): QueueMessage {
  return {
    messageId: row.message_id,
    receiptHandle,
    body: row.body,
    ...(row.group_id === null ? {} : { groupId: row.group_id }),
    ...(row.deduplication_id === null ? {} : { deduplicationId: row.deduplication_id }),
    approximateReceiveCount: row.receive_count + 1,
    sentAt: row.sent_at,
    firstReceivedAt: row.first_received_at ?? now,
  };
}

function toDeadLetter(row: DeadLetterRow): DeadLetter {
  return {
    messageId: row.message_id,
    body: row.body,
    ...(row.group_id === null ? {} : { groupId: row.group_id }),
    ...(row.deduplication_id === null ? {} : { deduplicationId: row.deduplication_id }),
    receiveCount: row.receive_count,
    reason: row.reason,
    ...(row.last_error_code === null
      ? {}
      : { lastError: { code: row.last_error_code, message: row.last_error_message ?? '' } }),
    sentAt: row.sent_at,
    deadLetteredAt: row.dead_lettered_at,
  };
}
