/**
 * Idempotency keys for POST requests, with Stripe's semantics, stored in the local SQLite file.
 * A client sends `Idempotency-Key: <key>`; the first request with a key runs and its response is
 * stored; a retry with the same key and the same request gets the stored response without running
 * again; the same key with a different request, or while the first is still running, is a conflict.
 * Keys are scoped to the API key that used them and forgotten after 24 hours.
 *
 * The store interface lives here with its only adapter; an AWS adapter (DynamoDB, conditional
 * writes) would implement the same {@link IdempotencyStore}.
 */
import { createHash } from 'node:crypto';
import { migrate, type SqliteDatabase } from '../../sqlite/database.js';

const MIGRATIONS = [
  `CREATE TABLE idempotency_keys (
     api_key_id TEXT NOT NULL,
     idempotency_key TEXT NOT NULL,
     request_hash TEXT NOT NULL,
     state TEXT NOT NULL CHECK (state IN ('in_progress', 'completed')),
     response_status INTEGER,
     response_body TEXT,
     created_at INTEGER NOT NULL,
     locked_at INTEGER NOT NULL,
     PRIMARY KEY (api_key_id, idempotency_key)
   ) WITHOUT ROWID;
   CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);`,
];

/** Whose key: an idempotency key only means something together with the API key that sent it. */
export interface IdempotencyScope {
  apiKeyId: string;
  key: string;
}

export interface StoredResponse {
  status: number;
  /** The response body exactly as first sent (serialised JSON). */
  body: string;
}

export type BeginResult =
  /** The caller runs the request, then calls complete() (or abandon() if nothing was done). */
  | { kind: 'started' }
  /** The request already ran: answer with this response. */
  | { kind: 'replay'; response: StoredResponse };

export const IdempotencyErrorCode = {
  /** The key was used with a different request (Stripe answers 400; 422 is also common). */
  KeyReused: 'Idempotency.KeyReused',
  /** A request with this key is still running (HTTP 409); retrying later is right. */
  RequestInProgress: 'Idempotency.RequestInProgress',
  /** The key is empty or longer than 255 characters. */
  InvalidKey: 'Idempotency.InvalidKey',
} as const;
export type IdempotencyErrorCode = (typeof IdempotencyErrorCode)[keyof typeof IdempotencyErrorCode];

export class IdempotencyError extends Error {
  override readonly name = 'IdempotencyError';
  readonly retryable: boolean;
  constructor(
    readonly code: IdempotencyErrorCode,
    message: string,
  ) {
    super(message);
    this.retryable = code === IdempotencyErrorCode.RequestInProgress;
  }
}

export interface IdempotencyStore {
  /** Claims the key for a request with this fingerprint, or returns the response it already got. */
  begin(scope: IdempotencyScope, requestHash: string): Promise<BeginResult>;
  /** Stores the response of a started request. False if the claim was lost (expired or purged). */
  complete(scope: IdempotencyScope, response: StoredResponse): Promise<boolean>;
  /**
   * Releases a started request that did nothing (Stripe: a request that failed validation saves no
   * result), so the client may retry with the same key.
   */
  abandon(scope: IdempotencyScope): Promise<void>;
  /** Deletes keys older than the time to live; returns how many. */
  purgeExpired(): Promise<number>;
}

/**
 * The fingerprint of a request, compared when a key is reused: method, path and the raw body.
 * Stripe compares the parsed parameters; a byte-exact body is stricter, and a well-behaved client retries
 * with the very same bytes.
 */
export function fingerprintRequest(request: {
  method: string;
  path: string;
  body: string | Buffer;
}): string {
  return createHash('sha256')
    .update(`${request.method.toUpperCase()} ${request.path}\n`)
    .update(request.body)
    .digest('hex');
}

export interface SqliteIdempotencyOptions {
  db: SqliteDatabase;
  clock: { now(): number };
  /** How long a key is remembered. @default 86400000 (24 hours, as Stripe) */
  ttlMs?: number;
  /**
   * After how long a request still marked in progress is presumed dead (its process crashed) and
   * a retry may take the key over. Keep it above the longest a request may run.
   * @default 60000
   */
  lockTimeoutMs?: number;
}

interface Row {
  request_hash: string;
  state: 'in_progress' | 'completed';
  response_status: number | null;
  response_body: string | null;
  created_at: number;
  locked_at: number;
}

export class SqliteIdempotency implements IdempotencyStore {
  private readonly clock: { now(): number };
  private readonly ttlMs: number;
  private readonly lockTimeoutMs: number;
  private readonly statements: ReturnType<typeof prepareStatements>;
  private readonly beginTransaction: (scope: IdempotencyScope, requestHash: string) => BeginResult;

  constructor(options: SqliteIdempotencyOptions) {
    this.clock = options.clock;
    this.ttlMs = options.ttlMs ?? 24 * 60 * 60 * 1000;
    this.lockTimeoutMs = options.lockTimeoutMs ?? 60_000;
    migrate(options.db, 'idempotency', MIGRATIONS);
    this.statements = prepareStatements(options.db);
    // IMMEDIATE: the claim reads then writes; taking the write lock first keeps two processes on
    // the same file from both seeing the key absent.
    const claim = options.db.transaction((scope: IdempotencyScope, hash: string) =>
      this.claim(scope, hash),
    );
    this.beginTransaction = (scope, hash) => claim.immediate(scope, hash);
  }

  begin(scope: IdempotencyScope, requestHash: string): Promise<BeginResult> {
    return attempt(() => {
      checkKey(scope.key);
      return this.beginTransaction(scope, requestHash);
    });
  }

  complete(scope: IdempotencyScope, response: StoredResponse): Promise<boolean> {
    return attempt(
      () =>
        this.statements.complete.run(response.status, response.body, scope.apiKeyId, scope.key)
          .changes > 0,
    );
  }

  abandon(scope: IdempotencyScope): Promise<void> {
    return attempt(() => {
      this.statements.abandon.run(scope.apiKeyId, scope.key);
    });
  }

  purgeExpired(): Promise<number> {
    return attempt(() => this.statements.purge.run(this.clock.now() - this.ttlMs).changes);
  }

  private claim(scope: IdempotencyScope, requestHash: string): BeginResult {
    const now = this.clock.now();
    let row = this.statements.get.get(scope.apiKeyId, scope.key);
    // An expired key is forgotten even before a purge has run.
    if (row && row.created_at <= now - this.ttlMs) {
      this.statements.delete.run(scope.apiKeyId, scope.key);
      row = undefined;
    }
    if (!row) {
      this.statements.insert.run(scope.apiKeyId, scope.key, requestHash, now, now);
      return { kind: 'started' };
    }
    if (row.request_hash !== requestHash) {
      throw new IdempotencyError(
        IdempotencyErrorCode.KeyReused,
        'This idempotency key was already used with a different request; use a new key for a new request.',
      );
    }
    if (row.state === 'completed') {
      return {
        kind: 'replay',
        response: { status: row.response_status ?? 500, body: row.response_body ?? '' },
      };
    }
    if (row.locked_at > now - this.lockTimeoutMs) {
      throw new IdempotencyError(
        IdempotencyErrorCode.RequestInProgress,
        'A request with this idempotency key is still in progress; retry later.',
      );
    }
    this.statements.relock.run(now, scope.apiKeyId, scope.key);
    return { kind: 'started' };
  }
}

function prepareStatements(db: SqliteDatabase) {
  return {
    get: db.prepare<[string, string], Row>(
      'SELECT * FROM idempotency_keys WHERE api_key_id = ? AND idempotency_key = ?',
    ),
    insert: db.prepare(
      `INSERT INTO idempotency_keys (api_key_id, idempotency_key, request_hash, state, created_at, locked_at)
       VALUES (?, ?, ?, 'in_progress', ?, ?)`,
    ),
    delete: db.prepare('DELETE FROM idempotency_keys WHERE api_key_id = ? AND idempotency_key = ?'),
    relock: db.prepare(
      'UPDATE idempotency_keys SET locked_at = ? WHERE api_key_id = ? AND idempotency_key = ?',
    ),
    complete: db.prepare(
      `UPDATE idempotency_keys SET state = 'completed', response_status = ?, response_body = ?
       WHERE api_key_id = ? AND idempotency_key = ? AND state = 'in_progress'`,
    ),
    abandon: db.prepare(
      `DELETE FROM idempotency_keys WHERE api_key_id = ? AND idempotency_key = ? AND state = 'in_progress'`,
    ),
    purge: db.prepare('DELETE FROM idempotency_keys WHERE created_at <= ?'),
  };
}

/** Stripe: an idempotency key is up to 255 characters. */
function checkKey(key: string): void {
  if (key.length === 0 || key.length > 255) {
    throw new IdempotencyError(
      IdempotencyErrorCode.InvalidKey,
      'An idempotency key must be 1 to 255 characters.',
    );
  }
}

function attempt<T>(operation: () => T): Promise<T> {
  try {
    return Promise.resolve(operation());
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}
