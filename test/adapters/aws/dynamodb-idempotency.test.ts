import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbIdempotency } from '../../../src/adapters/aws/dynamodb-idempotency.js';
import { DynamoDbWebhookEventLog } from '../../../src/adapters/aws/dynamodb-webhook-event-log.js';
import { startDynamo } from './dynalite-harness.js';
import type { DynamoHarness } from './dynalite-harness.js';

let db: DynamoHarness;
beforeAll(async () => {
  db = await startDynamo();
});
afterAll(async () => {
  await db.close();
});

const HOUR = 3_600_000;

function store(clock: { now(): number }) {
  return new DynamoDbIdempotency({
    client: db.client,
    tableName: db.dedupTable,
    clock,
    ttlMs: 24 * HOUR,
    lockTimeoutMs: 60_000,
  });
}

let keys = 0;
const scope = () => ({ apiKeyId: 'arn:aws:iam::123456789012:user/ops', key: `key-${++keys}` });

describe('DynamoDbIdempotency', () => {
  it('starts the first request with a key and replays its response to a retry', async () => {
    const s = store({ now: () => 1_000 });
    const k = scope();
    expect(await s.begin(k, 'hash-a')).toEqual({ kind: 'started' });
    expect(await s.complete(k, { status: 202, body: '{"ok":true}' })).toBe(true);
    expect(await s.begin(k, 'hash-a')).toEqual({
      kind: 'replay',
      response: { status: 202, body: '{"ok":true}' },
    });
  });

  it.each([
    ['another request under a used key', 'hash-b', 'Idempotency.KeyReused'],
    ['a retry while the first still runs', 'hash-a', 'Idempotency.RequestInProgress'],
  ])('refuses %s', async (_name, hash, code) => {
    const s = store({ now: () => 1_000 });
    const k = scope();
    await s.begin(k, 'hash-a');
    await expect(s.begin(k, hash)).rejects.toMatchObject({ code });
  });

  it('lets a retry take over a claim whose request died, after the lock timeout', async () => {
    let now = 1_000;
    const s = store({ now: () => now });
    const k = scope();
    await s.begin(k, 'hash-a');
    now += 61_000;
    expect(await s.begin(k, 'hash-a')).toEqual({ kind: 'started' });
  });

  it('forgets a key after its time to live, before DynamoDB TTL deletes it', async () => {
    let now = 1_000;
    const s = store({ now: () => now });
    const k = scope();
    await s.begin(k, 'hash-a');
    await s.complete(k, { status: 202, body: '{}' });
    now += 24 * HOUR + 1;
    expect(await s.begin(k, 'hash-b')).toEqual({ kind: 'started' });
  });

  it('releases an abandoned request so the client may retry under the same key', async () => {
    const s = store({ now: () => 1_000 });
    const k = scope();
    await s.begin(k, 'hash-a');
    await s.abandon(k);
    expect(await s.begin(k, 'hash-b')).toEqual({ kind: 'started' });
  });

  it('scopes keys to their caller', async () => {
    const s = store({ now: () => 1_000 });
    const k = scope();
    await s.begin(k, 'hash-a');
    expect(await s.begin({ ...k, apiKeyId: 'someone-else' }, 'hash-b')).toEqual({
      kind: 'started',
    });
  });

  it.each([
    ['an empty key', ''],
    ['a key over 255 characters', 'k'.repeat(256)],
  ])('refuses %s', async (_name, key) => {
    const s = store({ now: () => 1_000 });
    await expect(s.begin({ apiKeyId: 'a', key }, 'h')).rejects.toMatchObject({
      code: 'Idempotency.InvalidKey',
    });
  });
});

describe('DynamoDbWebhookEventLog', () => {
  it('answers from the batch it loaded and writes what was recorded on flush', async () => {
    const events = new DynamoDbWebhookEventLog({ client: db.client, tableName: db.dedupTable });
    const batch = await events.forBatch(['evt-1', 'evt-2']);
    expect(batch.has('evt-1')).toBe(false);
    batch.record({
      eventId: 'evt-1',
      type: 'payment.created',
      transactionId: 't-1',
      outcome: 'started',
      processedAt: 5_000,
    });
    expect(batch.has('evt-1')).toBe(true);
    expect(await events.get('evt-1')).toBeUndefined();
    await batch.flush();
    const next = await events.forBatch(['evt-1', 'evt-2']);
    expect(next.has('evt-1')).toBe(true);
    expect(next.has('evt-2')).toBe(false);
  });

  it('keeps the first record of an event recorded twice', async () => {
    const events = new DynamoDbWebhookEventLog({ client: db.client, tableName: db.dedupTable });
    for (const outcome of ['started', 'already_started']) {
      const batch = await events.forBatch([]);
      batch.record({
        eventId: 'evt-3',
        type: 'payment.created',
        transactionId: 't-3',
        outcome,
        processedAt: 5_000,
      });
      await batch.flush();
    }
    expect(await events.get('evt-3')).toMatchObject({ outcome: 'started' });
  });
});
