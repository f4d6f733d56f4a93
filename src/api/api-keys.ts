/**
 * API keys: who may call the HTTP API, and for what. A key is `ps_<scope>_<43 base64url chars>`
 * (256 random bits), shown to its owner once; paystep keeps only its SHA-256 hash, finds a presented
 * key by that hash, and records when each key was last used. Each key has one scope:
 *
 * - `submit`: create payments (and read them: a client that submits needs to follow its payments);
 * - `read`: read payments, executions and metrics;
 * - `operate`: operator actions (redrive dead letters, cancel executions...) and reading; it cannot
 *   create payments, so an operator's key cannot be used to move money.
 */
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';

export const ApiKeyScope = { Submit: 'submit', Read: 'read', Operate: 'operate' } as const;
export type ApiKeyScope = (typeof ApiKeyScope)[keyof typeof ApiKeyScope];

/** The scope marker inside a key, so a leaked key's power is visible at a glance (and to scanners). */
const SCOPE_PREFIX: Record<ApiKeyScope, string> = { submit: 'sub', read: 'read', operate: 'ops' };

/** What each scope may do. */
const GRANTS: Record<ApiKeyScope, readonly ApiKeyScope[]> = {
  submit: ['submit', 'read'],
  read: ['read'],
  operate: ['operate', 'read'],
};

const KEY_PATTERN = /^ps_(sub|read|ops)_[A-Za-z0-9_-]{43}$/;

/** True when a key of scope `granted` may do what needs `required`. */
export function scopeAllows(granted: ApiKeyScope, required: ApiKeyScope): boolean {
  return GRANTS[granted].includes(required);
}

export function isApiKeyScope(value: unknown): value is ApiKeyScope {
  return value === 'submit' || value === 'read' || value === 'operate';
}

/**
 * The stored digest of a key: hex SHA-256.
 *
 * Why a fast unsalted hash and not bcrypt/scrypt: those exist to slow down guessing of low-entropy
 * passwords. A key here carries 256 random bits, so guessing is hopeless at any hash speed, and a
 * leaked table of digests reveals nothing usable. A deterministic hash is also what lets a key be
 * found by an indexed lookup on each request, which a per-row salt would rule out, and it costs
 * microseconds rather than the tens of milliseconds a password hash would add to every call.
 */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** The scope a well-formed key claims, or undefined if the string is not a paystep key at all. */
export function parseApiKey(key: string): ApiKeyScope | undefined {
  const match = KEY_PATTERN.exec(key);
  if (!match) return undefined;
  const prefix = match[1];
  return (Object.keys(SCOPE_PREFIX) as ApiKeyScope[]).find((s) => SCOPE_PREFIX[s] === prefix);
}

/** A fresh key of the given scope, with its digest and a display hint (its last four characters). */
export function generateApiKey(
  scope: ApiKeyScope,
  random: (bytes: number) => Buffer = randomBytes,
): { key: string; hash: string; hint: string } {
  const key = `ps_${SCOPE_PREFIX[scope]}_${random(32).toString('base64url')}`;
  return { key, hash: hashApiKey(key), hint: key.slice(-4) };
}

/** The key taken from `Authorization: Bearer <key>`, or undefined. */
export function apiKeyFromAuthorization(header: string | undefined): string | undefined {
  const match = /^Bearer +(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}

/** What is known of a key; never the key itself. */
export interface ApiKeyRecord {
  id: string;
  name: string;
  scope: ApiKeyScope;
  /** The key's last four characters, to tell keys apart in a list. */
  hint: string;
  createdAt: number;
  lastUsedAt?: number;
  revokedAt?: number;
}

/** The storage of keys: by id, and by digest for authentication. */
export interface ApiKeyStore {
  insert(record: ApiKeyRecord, keyHash: string): Promise<void>;
  findByHash(keyHash: string): Promise<{ record: ApiKeyRecord; keyHash: string } | undefined>;
  markUsed(id: string, at: number): Promise<void>;
  /** Returns false when no such key exists. Revoking twice keeps the first time. */
  revoke(id: string, at: number): Promise<boolean>;
  /** All keys, newest first, revoked ones included. */
  list(): Promise<ApiKeyRecord[]>;
}

export const AuthFailure = {
  /** No key was presented. */
  Missing: 'MISSING',
  /** Not a paystep key, or no such key. */
  Invalid: 'INVALID',
  Revoked: 'REVOKED',
  /** A valid key whose scope does not allow this call (HTTP 403, the others are 401). */
  InsufficientScope: 'INSUFFICIENT_SCOPE',
} as const;
export type AuthFailure = (typeof AuthFailure)[keyof typeof AuthFailure];

export type AuthResult =
  { ok: true; apiKey: ApiKeyRecord } | { ok: false; reason: AuthFailure; apiKey?: ApiKeyRecord };

export interface ApiKeysOptions {
  store: ApiKeyStore;
  clock: { now(): number };
  /**
   * How stale lastUsedAt may get before an authentication writes it again. Writing it on every
   * request would cost a durable commit per API call.
   * @default 60000 (one minute)
   */
  lastUsedGranularityMs?: number;
  /** @default crypto.randomBytes */
  random?: (bytes: number) => Buffer;
  /** @default `key_` + a random UUID */
  newId?: () => string;
}

/** Creating, checking and revoking API keys over an {@link ApiKeyStore}. */
export class ApiKeys {
  private readonly store: ApiKeyStore;
  private readonly clock: { now(): number };
  private readonly granularityMs: number;
  private readonly random: (bytes: number) => Buffer;
  private readonly newId: () => string;

  constructor(options: ApiKeysOptions) {
    this.store = options.store;
    this.clock = options.clock;
    this.granularityMs = options.lastUsedGranularityMs ?? 60_000;
    this.random = options.random ?? randomBytes;
    this.newId = options.newId ?? (() => `key_${randomUUID()}`);
  }

  /**
   * Creates a key. The returned `key` is the only copy there will ever be: show it once.
   *
   * @example
   * const { key, apiKey } = await apiKeys.create({ name: 'checkout service', scope: 'submit' });
   */
  async create(input: {
    name: string;
    scope: ApiKeyScope;
  }): Promise<{ key: string; apiKey: ApiKeyRecord }> {
    if (!isApiKeyScope(input.scope)) throw new RangeError(`Unknown API key scope.`);
    const { key, hash, hint } = generateApiKey(input.scope, this.random);
    const apiKey: ApiKeyRecord = {
      id: this.newId(),
      name: input.name,
      scope: input.scope,
      hint,
      createdAt: this.clock.now(),
    };
    await this.store.insert(apiKey, hash);
    return { key, apiKey };
  }

  /**
   * Checks a presented key and, if `required` is given, that its scope allows it. Records the use
   * (at most once per granularity period).
   */
  async authenticate(presented: string | undefined, required?: ApiKeyScope): Promise<AuthResult> {
    if (presented === undefined || presented === '')
      return { ok: false, reason: AuthFailure.Missing };
    // The format is public, so refusing a malformed string early leaks nothing.
    if (parseApiKey(presented) === undefined) return { ok: false, reason: AuthFailure.Invalid };
    const digest = hashApiKey(presented);
    const found = await this.store.findByHash(digest);
    // Looking up by digest is timing-safe: how long an index search takes depends on the digest,
    // and an attacker cannot steer a SHA-256 digest toward a stored one. The constant-time compare
    // after it guards against a store whose lookup is not an exact match.
    if (!found || !sameDigest(found.keyHash, digest)) {
      return { ok: false, reason: AuthFailure.Invalid };
    }
    const { record } = found;
    if (record.revokedAt !== undefined) {
      return { ok: false, reason: AuthFailure.Revoked, apiKey: record };
    }
    const now = this.clock.now();
    if (record.lastUsedAt === undefined || now - record.lastUsedAt >= this.granularityMs) {
      await this.store.markUsed(record.id, now);
      record.lastUsedAt = now;
    }
    if (required !== undefined && !scopeAllows(record.scope, required)) {
      return { ok: false, reason: AuthFailure.InsufficientScope, apiKey: record };
    }
    return { ok: true, apiKey: record };
  }

  /** Revokes a key for good; false when there is no such key. */
  revoke(id: string): Promise<boolean> {
    return this.store.revoke(id, this.clock.now());
  }

  /** Every key without its secret, newest first. */
  list(): Promise<ApiKeyRecord[]> {
    return this.store.list();
  }
}

function sameDigest(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}
