import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ApiKeys,
  apiKeyFromAuthorization,
  generateApiKey,
  hashApiKey,
  parseApiKey,
  scopeAllows,
  type ApiKeyScope,
} from '../../src/api/api-keys.js';
import { SqliteApiKeys } from '../../src/adapters/sqlite/sqlite-api-keys.js';
import { openDatabase, type SqliteDatabase } from '../../src/sqlite/database.js';

const databases: SqliteDatabase[] = [];
afterEach(() => {
  for (const db of databases.splice(0)) db.close();
});

function setup() {
  let now = Date.UTC(2025, 0, 1);
  const clock = { now: () => now };
  const db = openDatabase(':memory:');
  databases.push(db);
  let ids = 0;
  const apiKeys = new ApiKeys({
    store: new SqliteApiKeys(db),
    clock,
    newId: () => `key_${++ids}`,
  });
  return { apiKeys, db, advance: (ms: number) => (now += ms), now: () => now };
}

describe('generateApiKey', () => {
  it.each([
    ['submit', 'ps_sub_'],
    ['read', 'ps_read_'],
    ['operate', 'ps_ops_'],
  ] as const)('makes a %s key starting %s with 256 random bits', (scope, prefix) => {
    const { key, hash, hint } = generateApiKey(scope, (n) => Buffer.alloc(n, 0xab));

    expect(key.startsWith(prefix)).toBe(true);
    expect(key.slice(prefix.length)).toBe(Buffer.alloc(32, 0xab).toString('base64url'));
    expect(hash).toBe(createHash('sha256').update(key).digest('hex'));
    expect(hint).toBe(key.slice(-4));
    expect(parseApiKey(key)).toBe(scope);
  });

  it('never makes the same key twice', () => {
    const keys = new Set(Array.from({ length: 100 }, () => generateApiKey('read').key));

    expect(keys.size).toBe(100);
  });
});

describe('parseApiKey', () => {
  it.each([
    [''],
    ['sk_live_abc'],
    [`ps_adm_${'a'.repeat(43)}`],
    [`ps_sub_${'a'.repeat(42)}`],
    [`ps_sub_${'a'.repeat(44)}`],
    [`ps_sub_${'a'.repeat(42)}=`],
  ])('refuses %j as not a paystep key', (key) => {
    expect(parseApiKey(key)).toBeUndefined();
  });
});

describe('scopeAllows', () => {
  const table: [ApiKeyScope, ApiKeyScope, boolean][] = [
    ['submit', 'submit', true],
    ['submit', 'read', true],
    ['submit', 'operate', false],
    ['read', 'read', true],
    ['read', 'submit', false],
    ['read', 'operate', false],
    ['operate', 'operate', true],
    ['operate', 'read', true],
    ['operate', 'submit', false],
  ];
  it.each(table)('a %s key doing %s work: %s', (granted, required, allowed) => {
    expect(scopeAllows(granted, required)).toBe(allowed);
  });
});

describe('apiKeyFromAuthorization', () => {
  it.each([
    ['Bearer ps_read_x', 'ps_read_x'],
    ['bearer ps_read_x', 'ps_read_x'],
    ['Basic abc', undefined],
    ['Bearer', undefined],
    [undefined, undefined],
  ])('reads %j as %j', (header, key) => {
    expect(apiKeyFromAuthorization(header)).toBe(key);
  });
});

describe('ApiKeys', () => {
  it('creates a key, shows it once, and authenticates it by its hash', async () => {
    const { apiKeys } = setup();
    const { key, apiKey } = await apiKeys.create({ name: 'checkout', scope: 'submit' });

    const result = await apiKeys.authenticate(key, 'submit');

    expect(result).toMatchObject({ ok: true, apiKey: { id: apiKey.id } });
    expect(JSON.stringify(await apiKeys.list())).not.toContain(key);
  });

  it.each([
    [undefined, 'MISSING'],
    ['', 'MISSING'],
    ['not-a-key', 'INVALID'],
    [`ps_sub_${'A'.repeat(43)}`, 'INVALID'],
  ])('refuses %j as %s', async (presented, reason) => {
    const { apiKeys } = setup();
    await apiKeys.create({ name: 'checkout', scope: 'submit' });

    expect(await apiKeys.authenticate(presented)).toEqual({ ok: false, reason });
  });

  it('refuses a key whose scope does not allow the call', async () => {
    const { apiKeys } = setup();
    const { key } = await apiKeys.create({ name: 'ops', scope: 'operate' });

    expect(await apiKeys.authenticate(key, 'submit')).toMatchObject({
      ok: false,
      reason: 'INSUFFICIENT_SCOPE',
    });
    expect(await apiKeys.authenticate(key, 'read')).toMatchObject({ ok: true });
  });

  it('refuses a revoked key and keeps it listed as revoked', async () => {
    const { apiKeys, now } = setup();
    const { key, apiKey } = await apiKeys.create({ name: 'old', scope: 'read' });

    expect(await apiKeys.revoke(apiKey.id)).toBe(true);
    expect(await apiKeys.revoke('key_missing')).toBe(false);

    expect(await apiKeys.authenticate(key)).toMatchObject({ ok: false, reason: 'REVOKED' });
    expect(await apiKeys.list()).toEqual([
      expect.objectContaining({ id: apiKey.id, revokedAt: now() }),
    ]);
  });

  it('records the last use at most once per minute', async () => {
    const { apiKeys, advance, now } = setup();
    const { key } = await apiKeys.create({ name: 'dashboard', scope: 'read' });

    await apiKeys.authenticate(key);
    const firstUse = now();
    advance(59_999);
    await apiKeys.authenticate(key);
    const [afterQuickReuse] = await apiKeys.list();
    advance(1);
    await apiKeys.authenticate(key);
    const [afterAMinute] = await apiKeys.list();

    expect(afterQuickReuse?.lastUsedAt).toBe(firstUse);
    expect(afterAMinute?.lastUsedAt).toBe(now());
  });

  it('lists keys newest first without their secrets', async () => {
    const { apiKeys, advance } = setup();
    const first = await apiKeys.create({ name: 'a', scope: 'read' });
    advance(1);
    const second = await apiKeys.create({ name: 'b', scope: 'operate' });

    const listed = await apiKeys.list();

    expect(listed.map((k) => k.name)).toEqual(['b', 'a']);
    expect(listed[0]).toEqual({
      id: second.apiKey.id,
      name: 'b',
      scope: 'operate',
      hint: second.key.slice(-4),
      createdAt: second.apiKey.createdAt,
    });
    expect(JSON.stringify(listed)).not.toContain(first.key);
    expect(JSON.stringify(listed)).not.toContain(hashApiKey(first.key));
  });
});
