/**
 * DynamoDbAuditLog: the {@link AuditLog} port on the audit table (partition `transaction_id`, sort
 * `event_key` = the entry's deterministic id). An append is a conditional PutItem, so a re-run
 * step that appends the same id again keeps the first entry. Financial records never expire;
 * operational ones (notifications, alerts, webhooks received) carry an `expires_at` TTL attribute
 * in epoch seconds, which DynamoDB's TTL deletes some time after it passes.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditEntry, AuditLog } from '../../payments/ports/audit-log.js';
import { dynamo, isConditionFailed } from './dynamodb-errors.js';

/** Actions whose records are operational, not financial, and may expire. */
export const DEFAULT_OPERATIONAL_ACTIONS: readonly string[] = Object.freeze([
  'customer_notified',
  'alert_sent',
  'webhook_received',
  'review_requested',
]);

export interface DynamoDbAuditLogOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  /** How long operational records are kept. @default 90 */
  readonly ttlDays?: number;
  /** Which actions are operational. @default {@link DEFAULT_OPERATIONAL_ACTIONS} */
  readonly operationalActions?: readonly string[];
}

export class DynamoDbAuditLog implements AuditLog {
  readonly #client: DynamoDBDocumentClient;
  readonly #table: string;
  readonly #ttlSeconds: number;
  readonly #operational: ReadonlySet<string>;

  constructor(options: DynamoDbAuditLogOptions) {
    this.#client = options.client;
    this.#table = options.tableName;
    this.#ttlSeconds = (options.ttlDays ?? 90) * 86_400;
    this.#operational = new Set(options.operationalActions ?? DEFAULT_OPERATIONAL_ACTIONS);
  }

  async append(entry: AuditEntry): Promise<void> {
    const item: Record<string, unknown> = { ...entry, event_key: entry.id };
    if (this.#operational.has(entry.action)) {
      // AWS: TTL reads epoch *seconds*; a millisecond value would lie far in the future.
      item['expires_at'] = Math.floor(entry.at / 1000) + this.#ttlSeconds;
    }
    try {
      await dynamo('PutItem', () =>
        this.#client.send(
          new PutCommand({
            TableName: this.#table,
            Item: item,
            ConditionExpression: 'attribute_not_exists(event_key)',
          }),
        ),
      );
    } catch (error) {
      if (!isConditionFailed(error)) throw error;
    }
  }

  async list(transactionId: string): Promise<readonly AuditEntry[]> {
    const entries: AuditEntry[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await dynamo('Query', () =>
        this.#client.send(
          new QueryCommand({
            TableName: this.#table,
            KeyConditionExpression: 'transaction_id = :t',
            ExpressionAttributeValues: { ':t': transactionId },
            ConsistentRead: true,
            ExclusiveStartKey: startKey,
          }),
        ),
      );
      for (const item of page.Items ?? []) {
        const { event_key: _key, expires_at: _ttl, ...entry } = item;
        entries.push(entry as unknown as AuditEntry);
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
    // The sort key is the entry id (for idempotent appends), so order by time here.
    return entries.sort((a, b) => a.at - b.at || a.id.localeCompare(b.id));
  }
}
