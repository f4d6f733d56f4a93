/**
 * How SqliteQueue writes a batch of sends: one transaction that purges expired deduplication ids,
 * suppresses resends within the window and inserts the rest ({@link SqliteSendWriter}), run either
 * on the caller's connection or on a writer thread with its own connection to the same file
 * ({@link QueueWriterThread}). The thread exists for the commit: at synchronous=FULL a commit waits
 * for an fsync, and on the event loop that wait stalls every request the server is handling. On a
 * thread, the loop keeps reading, verifying and validating requests while the disk syncs, and
 * their sends form the next batch. Each send still resolves only after its batch's COMMIT.
 *
 * This file is also the thread's entry point: loaded in a worker started by QueueWriterThread, it
 * opens the database and serves write requests until told to close.
 */
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { openDatabase, type SqliteDatabase } from '../../sqlite/database.js';
import {
  QueueLimits,
  type SendMessageOptions,
  type SendMessageResult,
} from '../../payments/ports/queue.js';

/** One send to write: the message and its options, already checked by the queue. */
export interface SendToWrite {
  body: string;
  options: SendMessageOptions;
}

/** Writes batches of sends of one named queue, each batch in one transaction. */
export class SqliteSendWriter {
  private readonly statements;
  private readonly transaction: (
    sends: readonly SendToWrite[],
    now: number,
    idFor: (index: number) => string,
  ) => SendMessageResult[];

  constructor(
    db: SqliteDatabase,
    private readonly name: string,
  ) {
    this.statements = {
      purgeDedup: db.prepare('DELETE FROM queue_deduplication WHERE queue = ? AND expires_at <= ?'),
      findDedup: db.prepare<[string, string], { message_id: string }>(
        'SELECT message_id FROM queue_deduplication WHERE queue = ? AND deduplication_id = ?',
      ),
      insertDedup: db.prepare(
        'INSERT INTO queue_deduplication (queue, deduplication_id, message_id, expires_at) VALUES (?, ?, ?, ?)',
      ),
      insert: db.prepare(
        `INSERT INTO queue_messages (queue, message_id, body, group_id, deduplication_id, sent_at, visible_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ),
    };
    this.transaction = db.transaction(
      (sends: readonly SendToWrite[], now: number, idFor: (index: number) => string) => {
        this.statements.purgeDedup.run(this.name, now);
        return sends.map((send, index) => this.insertOne(send, now, () => idFor(index)));
      },
    );
  }

  /**
   * Writes `sends` in one transaction at time `now` and returns, in order, each one's message id
   * and whether it was a duplicate. `idFor(i)` names the i-th send's new message (not called for
   * a duplicate).
   */
  write(
    sends: readonly SendToWrite[],
    now: number,
    idFor: (index: number) => string,
  ): SendMessageResult[] {
    return this.transaction(sends, now, idFor);
  }

  private insertOne(
    { body, options }: SendToWrite,
    now: number,
    newId: () => string,
  ): SendMessageResult {
    const dedupId = options.deduplicationId;
    if (dedupId !== undefined) {
      const seen = this.statements.findDedup.get(this.name, dedupId);
      if (seen) return { messageId: seen.message_id, duplicate: true };
    }
    const messageId = newId();
    const visibleAt = now + (options.delaySeconds ?? 0) * 1000;
    this.statements.insert.run(
      this.name,
      messageId,
      body,
      options.groupId ?? null,
      dedupId ?? null,
      now,
      visibleAt,
    );
    if (dedupId !== undefined) {
      const expiresAt = now + QueueLimits.deduplicationWindowSeconds * 1000;
      this.statements.insertDedup.run(this.name, dedupId, messageId, expiresAt);
    }
    return { messageId, duplicate: false };
  }
}

// ---- the writer thread ----------------------------------------------------------------------

/** Marks this module's worker, so no other worker that happens to import it starts serving. */
const WORKER_MARK = 'paystep-queue-writer';

interface WorkerSettings {
  mark: typeof WORKER_MARK;
  file: string;
  name: string;
  /** PRAGMA synchronous of the caller's connection, as the number SQLite reports. */
  synchronous: number;
}

interface WriteRequest {
  sends: SendToWrite[];
  now: number;
  /** A new message id per send, in order; the ones of duplicates go unused. */
  ids: string[];
}

type WriteReply =
  | { ok: true; results: SendMessageResult[] }
  | { ok: false; error: { name: string; message: string; code?: string } };

/**
 * A writer thread for one queue of one database file: `write` hands it a batch and resolves once
 * the batch is committed. One batch at a time; the queue gathers the next while one is written.
 */
export class QueueWriterThread {
  private readonly worker: Worker;
  private waiting: { resolve: (reply: WriteReply) => void } | undefined;
  private failure: Error | undefined;
  private readonly exited: Promise<void>;

  /** Starts the thread on `db`'s file, with `db`'s durability setting. `db` must be a file. */
  constructor(db: SqliteDatabase, name: string) {
    if (db.memory) throw new Error('A queue writer thread needs a database file, not :memory:.');
    const settings: WorkerSettings = {
      mark: WORKER_MARK,
      file: db.name,
      name,
      synchronous: db.pragma('synchronous', { simple: true }) as number,
    };
    const self = new URL(import.meta.url);
    this.worker =
      extname(fileURLToPath(self)) === '.ts'
        ? // Run from TypeScript sources (tests, `node --import tsx`), the thread registers tsx's
          // loader itself: Node 20 does not pass a loader given by --import on to a worker.
          new Worker(
            `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(self.href)}); });`,
            { eval: true, workerData: settings },
          )
        : new Worker(self, { workerData: settings });
    // Idle, the thread does not keep the process alive; a batch in flight does (see write).
    this.worker.unref();
    this.worker.on('message', (reply: WriteReply) => {
      const waiting = this.waiting;
      this.waiting = undefined;
      this.worker.unref();
      waiting?.resolve(reply);
    });
    this.worker.on('error', (error) => this.fail(error));
    this.exited = new Promise((resolve) =>
      this.worker.once('exit', (code) => {
        this.fail(new Error(`The queue writer thread stopped (exit code ${code}).`));
        resolve();
      }),
    );
  }

  /** Writes one batch in one transaction; resolves with its results once committed. */
  async write(sends: SendToWrite[], now: number, ids: string[]): Promise<SendMessageResult[]> {
    if (this.failure) throw this.failure;
    if (this.waiting) throw new Error('The queue writer thread writes one batch at a time.');
    const reply = await new Promise<WriteReply>((resolve) => {
      this.waiting = { resolve };
      this.worker.ref();
      const request: WriteRequest = { sends, now, ids };
      this.worker.postMessage(request);
    });
    if (reply.ok) return reply.results;
    throw Object.assign(new Error(reply.error.message), reply.error);
  }

  /** Closes the thread's connection and ends it. Call after the last write has resolved. */
  async close(): Promise<void> {
    this.worker.ref();
    this.worker.postMessage('close');
    await this.exited;
  }

  private fail(error: Error): void {
    this.failure ??= error;
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.resolve({ ok: false, error: { name: error.name, message: error.message } });
  }
}

/** The thread's side: one connection, one writer, one batch per message. */
function serveWrites(port: MessagePort, settings: WorkerSettings): void {
  const db = openDatabase(settings.file);
  db.pragma(`synchronous = ${settings.synchronous}`);
  const writer = new SqliteSendWriter(db, settings.name);
  port.on('message', (request: WriteRequest | 'close') => {
    if (request === 'close') {
      db.close();
      port.close();
      return;
    }
    let reply: WriteReply;
    try {
      const results = writer.write(request.sends, request.now, (i) => request.ids[i] as string);
      reply = { ok: true, results };
    } catch (error) {
      const { name, message, code } = error as Error & { code?: string };
      reply = { ok: false, error: { name, message, ...(code === undefined ? {} : { code }) } };
    }
    port.postMessage(reply);
  });
}

if (!isMainThread && parentPort && (workerData as WorkerSettings | null)?.mark === WORKER_MARK) {
  serveWrites(parentPort, workerData as WorkerSettings);
}
