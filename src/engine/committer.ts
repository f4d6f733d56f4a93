/**
 * Where batches of transitions are committed. Inline: on the engine's own connection, blocking
 * the event loop for the fsync. Worker: on a writer thread with its own connection to the same
 * file, so the engine steps the next batch while the disk flushes the last one; the writer also
 * merges batches that queued up behind a flush into one transaction (group commit). The engine
 * may still commit a lone batch inline when the writer is idle (see Engine.processBatch).
 */
import { Worker } from 'node:worker_threads';
import type { EngineStore, WriteOp } from './store.js';
import { writeStatements } from './store.js';

export interface Committer {
  /** Resolves once the batch is durable; batches land in the order they were given. */
  commit(ops: WriteOp[]): Promise<void>;
  close(): Promise<void>;
}

export function createCommitter(store: EngineStore, inWorker: boolean): Committer {
  const file = store.db.name;
  if (!inWorker || store.db.memory || file === ':memory:' || file === '')
    return inlineCommitter(store);
  return new WorkerCommitter(file, store.db.pragma('synchronous', { simple: true }) as number);
}

export function inlineCommitter(store: EngineStore): Committer {
  return {
    commit(ops) {
      try {
        store.commit(ops);
        return Promise.resolve();
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
    },
    close: () => Promise.resolve(),
  };
}

type Reply = { id: number; error?: string };

class WorkerCommitter implements Committer {
  private readonly worker: Worker;
  private readonly waiting = new Map<
    number,
    { resolve: () => void; reject: (error: Error) => void }
  >();
  private nextId = 1;
  private failure: Error | undefined;

  constructor(file: string, synchronous: number) {
    this.worker = new Worker(new URL('./commit-worker.mjs', import.meta.url), {
      workerData: { file, synchronous, statements: writeStatements },
    });
    this.worker.unref();
    this.worker.on('message', (reply: Reply) => {
      const entry = this.waiting.get(reply.id);
      this.waiting.delete(reply.id);
      if (!entry) return;
      if (reply.error === undefined) entry.resolve();
      else entry.reject(new Error(`commit failed: ${reply.error}`));
    });
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', (code) => {
      if (this.waiting.size > 0) this.fail(new Error(`commit worker exited with code ${code}`));
    });
  }

  commit(ops: WriteOp[]): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ id, ops: flatten(ops) });
    });
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }

  private fail(error: Error): void {
    this.failure = error;
    for (const entry of this.waiting.values()) entry.reject(error);
    this.waiting.clear();
  }
}

/**
 * The ops as one flat array, `[paramCount, name, ...params, paramCount, name, ...]`: structured
 * cloning one array of values costs about a third less than an array of small arrays, on both
 * threads (measured with the batches of bench/engine.ts).
 */
function flatten(ops: readonly WriteOp[]): unknown[] {
  const flat: unknown[] = [];
  for (const op of ops) {
    flat.push(op.length - 1);
    for (const value of op) flat.push(value);
  }
  return flat;
}
