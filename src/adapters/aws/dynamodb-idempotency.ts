/**
 * DynamoDbIdempotency: the API's {@link IdempotencyStore} (Stripe's Idempotency-Key semantics) on
 * the DynamoDB dedup table, for the payment API Lambda. One item per API caller and key, claimed
 * with a conditional PutItem (two racing requests cannot both claim it), completed with a
 * conditional UpdateItem, forgotten by DynamoDB's TTL after 24 hours. The same rules as the local
 * SQLite store: same key and request replays the stored response; same key, other request is
 * `Idempotency.KeyReused`; a request still running is `Idempotency.RequestInProgress` until its
 * lock times out (its function crashed), after which a retry takes the key over.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
// Types only: the SQLite module's values would bring better-sqlite3 into the Lambda bundle.
import type {
  BeginResult,
  IdempotencyScope,
  IdempotencyStore,
  StoredResponse,
} from '../sqlite/sqlite-idempotency.js';
import { dynamo, isConditionFailed } from './dynamodb-errors.js';
import { DedupKey } from './dynamodb-dedup-keys.js';

/** The codes of the local store's errors (errors are matched by code, never by class). */
export const IdempotencyCode = {
  KeyReused: 'Idempotency.KeyReused',
  RequestInProgress: 'Idempotency.RequestInProgress',
  InvalidKey: 'Idempotency.InvalidKey',
} as const;
export type IdempotencyCode = (typeof IdempotencyCode)[keyof typeof IdempotencyCode];

export class DynamoDbIdempotencyError extends Error {
  override readonly name = 'IdempotencyError';
  readonly retryable: boolean;
  constructor(
    readonly code: IdempotencyCode,
    message: string,
  ) {
    super(message);
    this.retryable = code === IdempotencyCode.RequestInProgress;
  }
}

export interface DynamoDbIdempotencyOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly clock: { now(): number };
  /** How long a key is remembered. @default 86400000 (24 hours, as Stripe) */
  readonly ttlMs?: number;
  /** After how long an unfinished request's claim may be taken over. @default 60000 */
  readonly lockTimeoutMs?: number;
}

interface Item {
  pk: string;
  request_hash: string;
  state: 'in_progress' | 'completed';
  response_status?: number;
  response_body?: string;
  created_at: number;
  locked_at: number;
  expires_at: number;
}

export class DynamoDbIdempotency implements IdempotencyStore {
  readonly #client: DynamoDBDocumentClient;
  readonly #table: string;
  readonly #clock: { now(): number };
  readonly #ttlMs: number;
  readonly #lockMs: number;

  constructor(options: DynamoDbIdempotencyOptions) {
    this.#client = options.client;
    this.#table = options.tableName;
    this.#clock = options.clock;
    this.#ttlMs = options.ttlMs ?? 86_400_000;
    this.#lockMs = options.lockTimeoutMs ?? 60_000;
  }

  async begin(scope: IdempotencyScope, requestHash: string): Promise<BeginResult> {
    if (scope.key.length === 0 || scope.key.length > 255) {
      throw new DynamoDbIdempotencyError(
        IdempotencyCode.InvalidKey,
        'An Idempotency-Key is 1 to 255 characters.',
      );
    }
    const pk = DedupKey.idempotency(scope.apiKeyId, scope.key);
    const now = this.#clock.now();
    const item: Item = {
      pk,
      request_hash: requestHash,
      state: 'in_progress',
      created_at: now,
      locked_at: now,
      // AWS: TTL reads epoch seconds and deletes some time after; reads below check expiry too.
      expires_at: Math.ceil((now + this.#ttlMs) / 1000),
    };
    try {
      // Claim the key if it is free, expired (TTL may lag), or a dead request's stale claim
      // for the same request.
      await dynamo('PutItem', () =>
        this.#client.send(
          new PutCommand({
            TableName: this.#table,
            Item: item,
            ConditionExpression:
              'attribute_not_exists(pk) OR created_at <= :expired OR (request_hash = :hash AND #state = :running AND locked_at <= :stale)',
            ExpressionAttributeNames: { '#state': 'state' },
            ExpressionAttributeValues: {
              ':expired': now - this.#ttlMs,
              ':hash': requestHash,
              ':running': 'in_progress',
              ':stale': now - this.#lockMs,
            },
          }),
        ),
      );
      return { kind: 'started' };
    } catch (error) {
      if (!isConditionFailed(error)) throw error;
    }
    const existing = await this.#get(pk);
    if (existing === undefined) {
      // Deleted (abandoned) between the two calls: the client's retry will claim it.
      throw new DynamoDbIdempotencyError(
        IdempotencyCode.RequestInProgress,
        'A request with this idempotency key is still in progress; retry later.',
      );
    }
    if (existing.request_hash !== requestHash) {
      throw new DynamoDbIdempotencyError(
        IdempotencyCode.KeyReused,
        'This idempotency key was already used with a different request; use a new key for a new request.',
      );
    }
    if (existing.state === 'completed') {
      return {
        kind: 'replay',
        response: { status: existing.response_status ?? 500, body: existing.response_body ?? '' },
      };
    }
    throw new DynamoDbIdempotencyError(
      IdempotencyCode.RequestInProgress,
      'A request with this idempotency key is still in progress; retry later.',
    );
  }

  async complete(scope: IdempotencyScope, response: StoredResponse): Promise<boolean> {
    try {
      await dynamo('UpdateItem', () =>
        this.#client.send(
          new UpdateCommand({
            TableName: this.#table,
            Key: { pk: DedupKey.idempotency(scope.apiKeyId, scope.key) },
            UpdateExpression:
              'SET #state = :done, response_status = :status, response_body = :body',
            ConditionExpression: '#state = :running',
            ExpressionAttributeNames: { '#state': 'state' },
            ExpressionAttributeValues: {
              ':done': 'completed',
              ':running': 'in_progress',
              ':status': response.status,
              ':body': response.body,
            },
          }),
        ),
      );
      return true;
    } catch (error) {
      if (isConditionFailed(error)) return false;
      throw error;
    }
  }

  async abandon(scope: IdempotencyScope): Promise<void> {
    try {
      await dynamo('DeleteItem', () =>
        this.#client.send(
          new DeleteCommand({
            TableName: this.#table,
            Key: { pk: DedupKey.idempotency(scope.apiKeyId, scope.key) },
            ConditionExpression: '#state = :running',
            ExpressionAttributeNames: { '#state': 'state' },
            ExpressionAttributeValues: { ':running': 'in_progress' },
          }),
        ),
      );
    } catch (error) {
      if (!isConditionFailed(error)) throw error;
    }
  }

  /** AWS: DynamoDB's TTL deletes expired keys; there is nothing to purge by hand. */
  purgeExpired(): Promise<number> {
    return Promise.resolve(0);
  }

  async #get(pk: string): Promise<Item | undefined> {
    const out = await dynamo('GetItem', () =>
      this.#client.send(
        new GetCommand({ TableName: this.#table, Key: { pk }, ConsistentRead: true }),
      ),
    );
    return out.Item as Item | undefined;
  }
}
