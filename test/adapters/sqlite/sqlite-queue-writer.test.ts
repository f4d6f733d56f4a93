import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteQueue } from '../../../src/adapters/sqlite/sqlite-queue.js';
import type { SqliteQueueOptions } from '../../../src/adapters/sqlite/sqlite-queue.js';
import { openDatabase } from '../../../src/sqlite/database.js';
import type { SqliteDatabase } from '../../../src/sqlite/database.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'paystep-queue-writer-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'paystep.db');
}

/** A queue on a database file that commits its sends on a writer thread. */
function threadedQueue(file: string, options: Partial<SqliteQueueOptions> = {}) {
  const db = openDatabase(file);
  const queue = new SqliteQueue({
    db,
    name: 'payments',
    clock: { now: () => Date.now() },
    setTimer: (ms, fn) => {
      const handle = setTimeout(fn, ms);
      return () => clearTimeout(handle);
    },
    writerThread: true,
    ...options,
  });
  cleanups.push(async () => {
    await queue.close();
    db.close();
  });
  return { db, queue };
}

function count(db: SqliteDatabase, table: string): number {
  return (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
}

describe('SqliteQueue with a writer thread', () => {
  it('commits concurrent sends on the thread, resolving each only once it is on disk', async () => {
    const file = tempFile();
    const { queue } = threadedQueue(file);
    const observer = openDatabase(file);
    cleanups.push(() => {
      observer.close();
    });

    const sends = Array.from({ length: 200 }, (_, i) => queue.send(`m${i}`));
    const visibleOnFirstResolve = sends[0]?.then(() => count(observer, 'queue_messages'));
    const results = await Promise.all(sends);

    expect(await visibleOnFirstResolve).toBe(200);
    expect(new Set(results.map((r) => r.messageId)).size).toBe(200);
    expect(results.every((r) => !r.duplicate)).toBe(true);
  });

  it('answers a resend within the deduplication window with the first message id', async () => {
    const { queue, db } = threadedQueue(tempFile());

    const [first, sameBatch] = await Promise.all([
      queue.send('a', { deduplicationId: 'evt_1' }),
      queue.send('a again', { deduplicationId: 'evt_1' }),
    ]);
    const laterBatch = await queue.send('a once more', { deduplicationId: 'evt_1' });

    expect(first?.duplicate).toBe(false);
    expect(sameBatch).toEqual({ messageId: first?.messageId, duplicate: true });
    expect(laterBatch).toEqual({ messageId: first?.messageId, duplicate: true });
    expect(count(db, 'queue_messages')).toBe(1);
  });

  it('wakes a waiting long poll with what the thread committed, in order and with its group', async () => {
    const { queue } = threadedQueue(tempFile());
    const poll = queue.receive({ waitTimeSeconds: 20, maxMessages: 10 });

    await Promise.all([queue.send('one', { groupId: 'g' }), queue.send('two', { groupId: 'g' })]);

    expect((await poll).map((m) => [m.body, m.groupId])).toEqual([
      ['one', 'g'],
      ['two', 'g'],
    ]);
  });

  it('on close, commits the sends made before it and then refuses new ones', async () => {
    const file = tempFile();
    const { queue } = threadedQueue(file);
    const sent = queue.send('last');

    await queue.close();

    expect(await sent).toMatchObject({ duplicate: false });
    await expect(queue.send('too late')).rejects.toMatchObject({ code: 'Queue.Closed' });
    const reopened = openDatabase(file);
    cleanups.push(() => {
      reopened.close();
    });
    expect(count(reopened, 'queue_messages')).toBe(1);
  });

  it('rejects every send of a batch whose transaction fails, stores none of it, and goes on', async () => {
    const ids = ['dup', 'dup', 'x1', 'x2'];
    const { queue, db } = threadedQueue(tempFile(), { newId: () => ids.shift() ?? 'x' });

    const failed = await Promise.allSettled([queue.send('a'), queue.send('b')]);
    const next = await Promise.all([queue.send('c'), queue.send('d')]);

    expect(failed.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(String((failed[0] as PromiseRejectedResult).reason)).toMatch(/UNIQUE/);
    expect(next.map((r) => r.messageId)).toEqual(['x1', 'x2']);
    expect(count(db, 'queue_messages')).toBe(2);
  });

  it('writes on the caller connection for an in-memory database, which a thread cannot open', async () => {
    const { queue, db } = threadedQueue(':memory:');

    await queue.send('in memory');

    expect(count(db, 'queue_messages')).toBe(1);
  });
});
