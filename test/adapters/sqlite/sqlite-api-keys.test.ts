import { afterEach, describe, expect, it } from 'vitest';
import { SqliteApiKeys } from '../../../src/adapters/sqlite/sqlite-api-keys.js';
import { generateApiKey, type ApiKeyRecord } from '../../../src/api/api-keys.js';
import { openDatabase, type SqliteDatabase } from '../../../src/sqlite/database.js';

const databases: SqliteDatabase[] = [];
afterEach(() => {
  for (const db of databases.splice(0)) db.close();
});

function setup() {
  const db = openDatabase(':memory:');
  databases.push(db);
  return { db, store: new SqliteApiKeys(db) };
}

const record = (id: string, createdAt: number): ApiKeyRecord => ({
  id,
  name: `key ${id}`,
  scope: 'submit',
  hint: 'abcd',
  createdAt,
});

describe('SqliteApiKeys', () => {
  it('stores the digest of a key, never the key itself', async () => {
    const { db, store } = setup();
    const { key, hash } = generateApiKey('submit');

    await store.insert(record('k1', 1), hash);

    const dump = JSON.stringify(db.prepare('SELECT * FROM api_keys').all());
    expect(dump).toContain(hash);
    expect(dump).not.toContain(key);
    expect(dump).not.toContain(key.slice(8));
  });

  it('finds a key by its digest and by nothing else', async () => {
    const { store } = setup();
    const { hash } = generateApiKey('submit');
    await store.insert(record('k1', 1), hash);

    expect(await store.findByHash(hash)).toEqual({ record: record('k1', 1), keyHash: hash });
    expect(await store.findByHash('0'.repeat(64))).toBeUndefined();
  });

  it('refuses a second key with the same digest', async () => {
    const { store } = setup();
    const { hash } = generateApiKey('read');
    await store.insert(record('k1', 1), hash);

    await expect(store.insert(record('k2', 2), hash)).rejects.toThrow(/UNIQUE/);
  });

  it('only moves the last-used time forward', async () => {
    const { store } = setup();
    const { hash } = generateApiKey('read');
    await store.insert(record('k1', 1), hash);

    await store.markUsed('k1', 500);
    await store.markUsed('k1', 400);

    expect((await store.findByHash(hash))?.record.lastUsedAt).toBe(500);
  });

  it('keeps the first revocation time when revoked twice', async () => {
    const { store } = setup();
    const { hash } = generateApiKey('read');
    await store.insert(record('k1', 1), hash);

    await store.revoke('k1', 10);
    await store.revoke('k1', 20);

    expect((await store.findByHash(hash))?.record.revokedAt).toBe(10);
    expect(await store.revoke('nope', 30)).toBe(false);
  });

  it('lists keys newest first', async () => {
    const { store } = setup();
    await store.insert(record('old', 1), generateApiKey('read').hash);
    await store.insert(record('new', 2), generateApiKey('read').hash);

    expect((await store.list()).map((k) => k.id)).toEqual(['new', 'old']);
  });
});
