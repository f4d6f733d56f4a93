import { afterEach, describe, expect, it } from 'vitest';
import {
  SqliteIdempotency,
  fingerprintRequest,
  type IdempotencyScope,
} from '../../../src/adapters/sqlite/sqlite-idempotency.js';
import { openDatabase, type SqliteDatabase } from '../../../src/sqlite/database.js';

const databases: SqliteDatabase[] = [];
afterEach(() => {
  for (const db of databases.splice(0)) db.close();
});

const HOUR = 60 * 60 * 1000;
const scope: IdempotencyScope = { apiKeyId: 'key_1', key: 'order-42-attempt' };
const request = (body: string) => fingerprintRequest({ method: 'POST', path: '/payments', body });
const created = { status: 202, body: '{"paymentId":"pay_1","status":"PENDING"}' };

function setup() {
  let now = Date.UTC(2025, 0, 1);
  const db = openDatabase(':memory:');
  databases.push(db);
  const store = new SqliteIdempotency({ db, clock: { now: () => now } });
  return { store, db, advance: (ms: number) => (now += ms) };
}

describe('SqliteIdempotency', () => {
  it('starts the first request with a key', async () => {
    const { store } = setup();

    expect(await store.begin(scope, request('{"a":1}'))).toEqual({ kind: 'started' });
  });

  it('replays the stored response to a retry with the same request', async () => {
    const { store } = setup();
    await store.begin(scope, request('{"a":1}'));
    expect(await store.complete(scope, created)).toBe(true);

    expect(await store.begin(scope, request('{"a":1}'))).toEqual({
      kind: 'replay',
      response: created,
    });
  });

  it.each([
    ['before it completed', false],
    ['after it completed', true],
  ])('refuses the key with a different request %s', async (_when, completeFirst) => {
    const { store } = setup();
    await store.begin(scope, request('{"amount":100}'));
    if (completeFirst) await store.complete(scope, created);

    await expect(store.begin(scope, request('{"amount":999}'))).rejects.toMatchObject({
      code: 'Idempotency.KeyReused',
      retryable: false,
    });
  });

  it('answers a conflict while the first request is still in progress', async () => {
    const { store, advance } = setup();
    await store.begin(scope, request('{"a":1}'));
    advance(59_999);

    await expect(store.begin(scope, request('{"a":1}'))).rejects.toMatchObject({
      code: 'Idempotency.RequestInProgress',
      retryable: true,
    });
  });

  it('lets a retry take over a request whose process died, after the lock timeout', async () => {
    const { store, advance } = setup();
    await store.begin(scope, request('{"a":1}'));
    advance(60_000);

    expect(await store.begin(scope, request('{"a":1}'))).toEqual({ kind: 'started' });
    await expect(store.begin(scope, request('{"a":1}'))).rejects.toMatchObject({
      code: 'Idempotency.RequestInProgress',
    });
  });

  it('lets the client retry with the same key after an abandoned request', async () => {
    const { store } = setup();
    await store.begin(scope, request('{"bad":true}'));
    await store.abandon(scope);

    expect(await store.begin(scope, request('{"good":true}'))).toEqual({ kind: 'started' });
  });

  it('does not abandon a completed request', async () => {
    const { store } = setup();
    await store.begin(scope, request('{"a":1}'));
    await store.complete(scope, created);
    await store.abandon(scope);

    expect(await store.begin(scope, request('{"a":1}'))).toMatchObject({ kind: 'replay' });
  });

  it('keeps the keys of different API keys apart', async () => {
    const { store } = setup();
    await store.begin(scope, request('{"a":1}'));
    await store.complete(scope, created);

    expect(await store.begin({ ...scope, apiKeyId: 'key_2' }, request('{"b":2}'))).toEqual({
      kind: 'started',
    });
  });

  it('forgets a key after 24 hours, even before a purge', async () => {
    const { store, advance } = setup();
    await store.begin(scope, request('{"a":1}'));
    await store.complete(scope, created);
    advance(24 * HOUR - 1);
    expect(await store.begin(scope, request('{"a":1}'))).toMatchObject({ kind: 'replay' });
    advance(1);

    expect(await store.begin(scope, request('{"other":1}'))).toEqual({ kind: 'started' });
  });

  it('purges keys older than 24 hours and keeps younger ones', async () => {
    const { store, db, advance } = setup();
    await store.begin({ ...scope, key: 'old' }, request('1'));
    advance(12 * HOUR);
    await store.begin({ ...scope, key: 'young' }, request('2'));
    advance(12 * HOUR);

    expect(await store.purgeExpired()).toBe(1);
    const keys = db.prepare('SELECT idempotency_key AS k FROM idempotency_keys').all();
    expect(keys).toEqual([{ k: 'young' }]);
  });

  it('reports a lost claim when completing after the key was purged', async () => {
    const { store, advance } = setup();
    await store.begin(scope, request('{"a":1}'));
    advance(24 * HOUR);
    await store.purgeExpired();

    expect(await store.complete(scope, created)).toBe(false);
  });

  it.each([[''], ['k'.repeat(256)]])('refuses the key %j', async (key) => {
    const { store } = setup();

    await expect(store.begin({ ...scope, key }, request('{}'))).rejects.toMatchObject({
      code: 'Idempotency.InvalidKey',
    });
  });
});

describe('fingerprintRequest', () => {
  it('differs by method, path and body, and not by the case of the method', () => {
    const base = { method: 'POST', path: '/payments', body: '{"a":1}' };

    expect(fingerprintRequest({ ...base, method: 'post' })).toBe(fingerprintRequest(base));
    expect(fingerprintRequest({ ...base, path: '/refunds' })).not.toBe(fingerprintRequest(base));
    expect(fingerprintRequest({ ...base, body: '{"a":2}' })).not.toBe(fingerprintRequest(base));
    expect(fingerprintRequest({ ...base, body: Buffer.from(base.body) })).toBe(
      fingerprintRequest(base),
    );
  });
});
