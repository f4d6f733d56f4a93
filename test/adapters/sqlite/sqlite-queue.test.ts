import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteQueue, type SqliteQueueOptions } from '../../../src/adapters/sqlite/sqlite-queue.js';
import { openDatabase, type SqliteDatabase } from '../../../src/sqlite/database.js';
import type { DeadLetter } from '../../../src/payments/ports/queue.js';

/** A clock whose time moves only when the test advances it, firing due timers in order. */
function virtualClock(start = Date.UTC(2025, 0, 1)) {
  let now = start;
  let seq = 0;
  const timers: { at: number; seq: number; fn: () => void; live: boolean }[] = [];
  let fired = 0;
  return {
    now: () => now,
    setTimer: (delayMs: number, fn: () => void) => {
      const timer = { at: now + delayMs, seq: seq++, fn, live: true };
      timers.push(timer);
      return () => {
        timer.live = false;
      };
    },
    advance(ms: number) {
      const target = now + ms;
      for (;;) {
        const due = timers
          .filter((t) => t.live && t.at <= target)
          .sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
        if (!due) break;
        due.live = false;
        now = due.at;
        fired++;
        due.fn();
      }
      now = target;
    },
    liveTimers: () => timers.filter((t) => t.live).length,
    firedTimers: () => fired,
  };
}

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

function setup(options: Partial<SqliteQueueOptions> = {}, db?: SqliteDatabase) {
  const clock = virtualClock();
  const database = db ?? openDatabase(':memory:');
  const deadLettered: DeadLetter[] = [];
  const queue = new SqliteQueue({
    db: database,
    name: 'payments',
    clock,
    setTimer: clock.setTimer,
    onDeadLetter: (d) => deadLettered.push(d),
    ...options,
  });
  if (!db) cleanups.push(() => database.close());
  return { clock, db: database, queue, deadLettered };
}

function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'paystep-queue-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'paystep.db');
}

/** Lets a long poll's promise settle if it is going to, without moving the virtual clock. */
async function settled<T>(promise: Promise<T>): Promise<{ done: boolean; value?: T }> {
  let state: { done: boolean; value?: T } = { done: false };
  void promise.then((value) => (state = { done: true, value }));
  await new Promise((resolve) => setImmediate(resolve));
  return state;
}

describe('SqliteQueue', () => {
  it('delivers a sent message once and hides it for the visibility timeout', async () => {
    const { queue } = setup();
    const { messageId } = await queue.send('{"paymentId":"p1"}');

    const [message] = await queue.receive();
    const again = await queue.receive();

    expect(message).toMatchObject({
      messageId,
      body: '{"paymentId":"p1"}',
      approximateReceiveCount: 1,
    });
    expect(message?.receiptHandle).toEqual(expect.any(String));
    expect(again).toEqual([]);
  });

  it('redelivers a message whose visibility timeout expires, with a higher receive count', async () => {
    const { queue, clock } = setup({ visibilityTimeoutSeconds: 30 });
    await queue.send('m');
    const [first] = await queue.receive();

    clock.advance(29_999);
    expect(await queue.receive()).toEqual([]);
    clock.advance(1);
    const [second] = await queue.receive();

    expect(second).toMatchObject({ messageId: first?.messageId, approximateReceiveCount: 2 });
    expect(second?.receiptHandle).not.toBe(first?.receiptHandle);
    expect(second?.firstReceivedAt).toBe(first?.firstReceivedAt);
  });

  it('uses a 300 second visibility timeout by default', async () => {
    const { queue, clock } = setup();
    await queue.send('m');
    await queue.receive();

    clock.advance(299_999);
    expect(await queue.receive()).toEqual([]);
    clock.advance(1);
    expect(await queue.receive()).toHaveLength(1);
  });

  it('deletes a message by its current receipt handle, and ignores a stale one', async () => {
    const { queue, clock } = setup({ visibilityTimeoutSeconds: 10 });
    await queue.send('m');
    const [first] = await queue.receive();
    clock.advance(10_000);
    const [second] = await queue.receive();

    expect(await queue.delete(first?.receiptHandle ?? '')).toBe(false);
    expect(await queue.depth()).toMatchObject({ inFlight: 1 });
    expect(await queue.delete(second?.receiptHandle ?? '')).toBe(true);
    clock.advance(60_000);
    expect(await queue.receive()).toEqual([]);
    expect(await queue.depth()).toEqual({ visible: 0, inFlight: 0, delayed: 0, deadLetters: 0 });
  });

  it('deletes a batch of messages in one commit, reporting each handle', async () => {
    const db = openDatabase(':memory:');
    cleanups.push(() => db.close());
    const commits = countTransactions(db);
    const { queue } = setup({}, db);
    await queue.send('a');
    await queue.send('b');
    const received = await queue.receive({ maxMessages: 10 });
    const before = commits.count;

    const results = await queue.deleteBatch([...received.map((m) => m.receiptHandle), 'unknown']);

    expect(results).toEqual([true, true, false]);
    expect(commits.count - before).toBe(1);
    expect(await queue.depth()).toMatchObject({ visible: 0, inFlight: 0 });
  });

  it('changes visibility of an in-flight message, and refuses a handle that is not in flight', async () => {
    const { queue, clock } = setup();
    await queue.send('m');
    const [message] = await queue.receive();

    await queue.changeVisibility(message?.receiptHandle ?? '', 0);
    const [again] = await queue.receive({ visibilityTimeout: 5 });
    clock.advance(5_000);

    expect(again?.approximateReceiveCount).toBe(2);
    await expect(queue.changeVisibility(message?.receiptHandle ?? '', 10)).rejects.toMatchObject({
      code: 'Queue.MessageNotInflight',
    });
    await expect(queue.changeVisibility(again?.receiptHandle ?? '', 10)).rejects.toMatchObject({
      code: 'Queue.MessageNotInflight',
    });
  });

  it('moves a message to the dead-letter queue on the receive after maxReceiveCount, with its last error', async () => {
    const { queue, clock, deadLettered } = setup({ maxReceiveCount: 3 });
    const { messageId } = await queue.send('poison');

    for (let attempt = 1; attempt <= 3; attempt++) {
      const [message] = await queue.receive();
      expect(message?.approximateReceiveCount).toBe(attempt);
      await queue.fail(
        message?.receiptHandle ?? '',
        { code: 'Gateway.Timeout', message: `attempt ${attempt}` },
        { retryDelaySeconds: 1 },
      );
      clock.advance(1_000);
    }
    const fourth = await queue.receive();

    expect(fourth).toEqual([]);
    const deadLetters = await queue.listDeadLetters();
    expect(deadLetters).toEqual([
      expect.objectContaining({
        messageId,
        body: 'poison',
        receiveCount: 3,
        reason: 'MAX_RECEIVE_COUNT_EXCEEDED',
        lastError: { code: 'Gateway.Timeout', message: 'attempt 3' },
      }),
    ]);
    expect(deadLettered).toEqual(deadLetters);
  });

  it('moves a rejected message to the dead-letter queue at once', async () => {
    const { queue } = setup();
    await queue.send('not json');
    const [message] = await queue.receive();

    await queue.reject(message?.receiptHandle ?? '', {
      code: 'Queue.BadBody',
      message: 'not JSON',
    });

    expect(await queue.listDeadLetters()).toEqual([
      expect.objectContaining({ reason: 'REJECTED', receiveCount: 1 }),
    ]);
    expect(await queue.depth()).toEqual({ visible: 0, inFlight: 0, delayed: 0, deadLetters: 1 });
  });

  it('replays dead letters to the queue with a fresh receive count, and purges them', async () => {
    const { queue, clock } = setup({ maxReceiveCount: 1, visibilityTimeoutSeconds: 0 });
    const a = await queue.send('a');
    const b = await queue.send('b');
    await queue.receive({ maxMessages: 2 });
    await queue.receive({ maxMessages: 2 });
    expect(await queue.listDeadLetters()).toHaveLength(2);

    clock.advance(1_000);
    expect(await queue.replayDeadLetters([a.messageId])).toBe(1);
    const [replayed] = await queue.receive({ visibilityTimeout: 60 });
    expect(replayed).toMatchObject({
      messageId: a.messageId,
      approximateReceiveCount: 1,
      sentAt: clock.now(),
    });
    expect(await queue.purgeDeadLetters()).toBe(1);
    expect(await queue.listDeadLetters()).toEqual([]);
    expect(b.messageId).not.toBe(a.messageId);
  });

  it('answers a waiting long poll when a message is sent, without any timer firing', async () => {
    const { queue, clock } = setup();
    const poll = queue.receive({ waitTimeSeconds: 20 });
    expect((await settled(poll)).done).toBe(false);
    expect(clock.liveTimers()).toBe(1);

    await queue.send('arrived');
    const [message] = await poll;

    expect(message?.body).toBe('arrived');
    expect(clock.firedTimers()).toBe(0);
    expect(clock.liveTimers()).toBe(0);
  });

  it('ends a long poll empty at its wait time', async () => {
    const { queue, clock } = setup();
    const poll = queue.receive({ waitTimeSeconds: 20 });

    clock.advance(19_999);
    expect((await settled(poll)).done).toBe(false);
    clock.advance(1);

    expect(await poll).toEqual([]);
    expect(clock.firedTimers()).toBe(1);
  });

  it('wakes a long poll when a hidden message becomes visible during the wait', async () => {
    const { queue, clock } = setup({ visibilityTimeoutSeconds: 5 });
    await queue.send('m');
    await queue.receive();
    const poll = queue.receive({ waitTimeSeconds: 20 });

    clock.advance(5_000);

    expect(await poll).toEqual([expect.objectContaining({ approximateReceiveCount: 2 })]);
    expect(clock.firedTimers()).toBe(1);
  });

  it('wakes a long poll when a message sent with a delay during the wait becomes visible', async () => {
    const { queue, clock } = setup();
    const poll = queue.receive({ waitTimeSeconds: 20 });
    await queue.send('soon', { delaySeconds: 5 });
    expect((await settled(poll)).done).toBe(false);

    clock.advance(5_000);

    expect((await settled(poll)).value).toEqual([expect.objectContaining({ body: 'soon' })]);
  });

  it('serves several waiting long polls in arrival order, one message each', async () => {
    const { queue } = setup();
    const first = queue.receive({ waitTimeSeconds: 20 });
    const second = queue.receive({ waitTimeSeconds: 20 });

    await queue.send('one');
    expect(await first).toEqual([expect.objectContaining({ body: 'one' })]);
    expect((await settled(second)).done).toBe(false);
    await queue.send('two');

    expect(await second).toEqual([expect.objectContaining({ body: 'two' })]);
  });

  it('accepts a resend with the same deduplication id within five minutes without delivering it', async () => {
    const { queue, clock } = setup();
    const first = await queue.send('p1', { deduplicationId: 'pay-1' });
    clock.advance(299_999);
    const resend = await queue.send('p1', { deduplicationId: 'pay-1' });
    clock.advance(1);
    const later = await queue.send('p1', { deduplicationId: 'pay-1' });

    expect(first.duplicate).toBe(false);
    expect(resend).toEqual({ messageId: first.messageId, duplicate: true });
    expect(later.duplicate).toBe(false);
    expect(later.messageId).not.toBe(first.messageId);
    expect(await queue.receive({ maxMessages: 10 })).toHaveLength(2);
  });

  it('deduplicates sends made in the same batch', async () => {
    const { queue } = setup();
    const [a, b] = await Promise.all([
      queue.send('x', { deduplicationId: 'same' }),
      queue.send('x', { deduplicationId: 'same' }),
    ]);

    expect(b).toEqual({ messageId: a.messageId, duplicate: true });
    expect(await queue.depth()).toMatchObject({ visible: 1 });
  });

  it('keeps a delayed message hidden until its delay has passed', async () => {
    const { queue, clock } = setup();
    await queue.send('later', { delaySeconds: 60 });

    expect(await queue.receive()).toEqual([]);
    expect(await queue.depth()).toMatchObject({ delayed: 1 });
    clock.advance(60_000);
    expect(await queue.receive()).toEqual([expect.objectContaining({ body: 'later' })]);
  });

  it('delivers a message group in order, holding later messages while one is in flight', async () => {
    const { queue } = setup();
    await queue.send('g1-a', { groupId: 'g1' });
    await queue.send('g1-b', { groupId: 'g1' });
    await queue.send('g2-a', { groupId: 'g2' });

    const [first] = await queue.receive();
    const [second] = await queue.receive();
    const blocked = await queue.receive();
    await queue.delete(first?.receiptHandle ?? '');
    const [third] = await queue.receive();

    expect([first?.body, second?.body, third?.body]).toEqual(['g1-a', 'g2-a', 'g1-b']);
    expect(blocked).toEqual([]);
  });

  it.each([
    ['an empty body', () => ['', {}] as const],
    ['a body over the size limit', () => ['x'.repeat(262_145), {}] as const],
    ['a delay over 900 seconds', () => ['m', { delaySeconds: 901 }] as const],
    ['a fractional delay', () => ['m', { delaySeconds: 1.5 }] as const],
    ['a group id over 128 characters', () => ['m', { groupId: 'g'.repeat(129) }] as const],
  ])('refuses to send %s', async (_name, args) => {
    const { queue } = setup();
    const [body, options] = args();

    await expect(queue.send(body, options)).rejects.toMatchObject({
      code: 'Queue.InvalidParameter',
    });
    expect(await queue.depth()).toMatchObject({ visible: 0, delayed: 0 });
  });

  it.each([
    [{ maxMessages: 0 }],
    [{ maxMessages: 11 }],
    [{ waitTimeSeconds: 21 }],
    [{ visibilityTimeout: -1 }],
  ])('refuses to receive with %o', async (options) => {
    const { queue } = setup();

    await expect(queue.receive(options)).rejects.toMatchObject({ code: 'Queue.InvalidParameter' });
  });

  it('writes concurrent sends in one transaction, resolving each after the commit', async () => {
    const file = tempFile();
    const db = openDatabase(file);
    const observer = openDatabase(file);
    cleanups.push(
      () => observer.close(),
      () => db.close(),
    );
    const commits = countTransactions(db);
    const { queue } = setup({}, db);
    const before = commits.count;

    const sends = Array.from({ length: 200 }, (_, i) => queue.send(`m${i}`));
    const visibleOnFirstResolve = sends[0]?.then(
      () => (observer.prepare('SELECT count(*) AS n FROM queue_messages').get() as { n: number }).n,
    );
    const results = await Promise.all(sends);

    expect(commits.count - before).toBe(1);
    expect(await visibleOnFirstResolve).toBe(200);
    expect(new Set(results.map((r) => r.messageId)).size).toBe(200);
  });

  it('commits each send on its own when group commit is turned off', async () => {
    const db = openDatabase(':memory:');
    cleanups.push(() => db.close());
    const commits = countTransactions(db);
    const { queue } = setup({ maxBatchSize: 1 }, db);
    const before = commits.count;

    await Promise.all(Array.from({ length: 20 }, (_, i) => queue.send(`m${i}`)));

    expect(commits.count - before).toBe(20);
  });

  it('keeps messages, receive counts and visibility across a close and reopen of the file', async () => {
    const file = tempFile();
    const clock = virtualClock();
    const open = (db: SqliteDatabase) =>
      new SqliteQueue({ db, name: 'payments', clock, setTimer: clock.setTimer });
    const db1 = openDatabase(file);
    const queue1 = open(db1);
    await queue1.send('in-flight');
    await queue1.send('waiting');
    await queue1.receive();
    await queue1.close();
    db1.close();

    const db2 = openDatabase(file);
    cleanups.push(() => db2.close());
    const queue2 = open(db2);
    const [waiting] = await queue2.receive();
    clock.advance(300_000);
    const [redelivered] = await queue2.receive();

    expect(waiting?.body).toBe('waiting');
    expect(redelivered).toMatchObject({ body: 'in-flight', approximateReceiveCount: 2 });
  });

  it('keeps queues of the same file apart by name', async () => {
    const { queue, db, clock } = setup();
    const other = new SqliteQueue({ db, name: 'other', clock, setTimer: clock.setTimer });
    await other.send('for other');

    expect(await queue.receive()).toEqual([]);
    expect(await other.receive()).toHaveLength(1);
  });

  it('on close, commits pending sends, ends the remaining long polls empty and refuses calls', async () => {
    const { queue, db, clock } = setup();
    const poll = queue.receive({ waitTimeSeconds: 20 });
    const unlucky = queue.receive({ waitTimeSeconds: 20 });
    const send = queue.send('last');

    await queue.close();

    expect(await send).toMatchObject({ duplicate: false });
    expect(await poll).toEqual([expect.objectContaining({ body: 'last' })]);
    expect(await unlucky).toEqual([]);
    expect(clock.liveTimers()).toBe(0);
    expect((db.prepare('SELECT count(*) AS n FROM queue_messages').get() as { n: number }).n).toBe(
      1,
    );
    await expect(queue.send('after')).rejects.toMatchObject({ code: 'Queue.Closed' });
    await expect(queue.receive()).rejects.toMatchObject({ code: 'Queue.Closed' });
  });
});

/**
 * Counts transactions run on `db` by wrapping better-sqlite3's transaction factory (a library, not
 * one of our modules): each call of a wrapped transaction function is one BEGIN..COMMIT.
 */
function countTransactions(db: SqliteDatabase): { count: number } {
  const counter = { count: 0 };
  const factory = db.transaction.bind(db);
  const counted = <A extends unknown[], R>(run: (...args: A) => R) => {
    return (...args: A): R => {
      counter.count++;
      return run(...args);
    };
  };
  db.transaction = ((fn: (...args: never[]) => unknown) => {
    const transaction = factory(fn);
    return Object.assign(counted(transaction), {
      deferred: counted((...args: never[]) => transaction.deferred(...args)),
      immediate: counted((...args: never[]) => transaction.immediate(...args)),
      exclusive: counted((...args: never[]) => transaction.exclusive(...args)),
    });
  }) as SqliteDatabase['transaction'];
  return counter;
}
