/**
 * DynamoDbWebhookEventLog: the processed webhook events on the DynamoDB dedup table, for the
 * webhook processor Lambda. The local {@link WebhookEventLog} port is synchronous (SQLite answers
 * in-process), so a batch's log is loaded before the consumer runs: `forBatch` reads the ids of
 * the batch's events (one consistent GetItem each) into a {@link BatchWebhookEventLog} that
 * answers `has` from memory and collects what the consumer records; `flush` then writes those
 * records, each a conditional PutItem that keeps the first, before the function reports the
 * batch done. Records expire by TTL after the retention (30 days by default, as locally).
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { ProcessedEvent, WebhookEventLog } from '../../api/webhooks/webhook-event-log.js';
import { DedupKey } from './dynamodb-dedup-keys.js';
import { dynamo, isConditionFailed } from './dynamodb-errors.js';

export interface DynamoDbWebhookEventLogOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  /** How long processed event ids are remembered. @default 30 days, as the local log */
  readonly retentionMs?: number;
}

interface Item {
  pk: string;
  event_id: string;
  type: string;
  transaction_id: string;
  outcome: string;
  processed_at: number;
  expires_at: number;
}

export class DynamoDbWebhookEventLog {
  readonly #client: DynamoDBDocumentClient;
  readonly #table: string;
  readonly #retentionMs: number;

  constructor(options: DynamoDbWebhookEventLogOptions) {
    this.#client = options.client;
    this.#table = options.tableName;
    this.#retentionMs = options.retentionMs ?? 30 * 24 * 3600 * 1000;
  }

  /** The log of one batch, loaded with whichever of these events were already processed. */
  async forBatch(eventIds: readonly string[]): Promise<BatchWebhookEventLog> {
    const unique = [...new Set(eventIds)];
    const found = await Promise.all(unique.map((id) => this.get(id)));
    return new BatchWebhookEventLog(
      found.filter((e): e is ProcessedEvent => e !== undefined),
      (records) => this.#write(records),
    );
  }

  async get(eventId: string): Promise<ProcessedEvent | undefined> {
    const out = await dynamo('GetItem', () =>
      this.#client.send(
        new GetCommand({
          TableName: this.#table,
          Key: { pk: DedupKey.webhookEvent(eventId) },
          ConsistentRead: true,
        }),
      ),
    );
    const item = out.Item as Item | undefined;
    return item === undefined
      ? undefined
      : {
          eventId: item.event_id,
          type: item.type,
          transactionId: item.transaction_id,
          outcome: item.outcome,
          processedAt: item.processed_at,
        };
  }

  async #write(records: readonly ProcessedEvent[]): Promise<void> {
    await Promise.all(
      records.map(async (record) => {
        const item: Item = {
          pk: DedupKey.webhookEvent(record.eventId),
          event_id: record.eventId,
          type: record.type,
          transaction_id: record.transactionId,
          outcome: record.outcome,
          processed_at: record.processedAt,
          // AWS: TTL reads epoch seconds.
          expires_at: Math.ceil((record.processedAt + this.#retentionMs) / 1000),
        };
        try {
          await dynamo('PutItem', () =>
            this.#client.send(
              new PutCommand({
                TableName: this.#table,
                Item: item,
                ConditionExpression: 'attribute_not_exists(pk)',
              }),
            ),
          );
        } catch (error) {
          // Recorded by an earlier delivery of the same event: the first record stays.
          if (!isConditionFailed(error)) throw error;
        }
      }),
    );
  }
}

/** One batch's view of the log: reads from what was loaded, writes on {@link flush}. */
export class BatchWebhookEventLog implements WebhookEventLog {
  readonly #known = new Map<string, ProcessedEvent>();
  readonly #pending: ProcessedEvent[] = [];
  readonly #write: (records: readonly ProcessedEvent[]) => Promise<void>;

  constructor(
    loaded: readonly ProcessedEvent[],
    write: (records: readonly ProcessedEvent[]) => Promise<void>,
  ) {
    for (const event of loaded) this.#known.set(event.eventId, event);
    this.#write = write;
  }

  has(eventId: string): boolean {
    return this.#known.has(eventId);
  }

  mightHave(eventId: string): boolean {
    return this.#known.has(eventId);
  }

  get(eventId: string): ProcessedEvent | undefined {
    return this.#known.get(eventId);
  }

  record(event: ProcessedEvent): void {
    if (this.#known.has(event.eventId)) return;
    this.#known.set(event.eventId, event);
    this.#pending.push(event);
  }

  recordAll(events: readonly ProcessedEvent[]): void {
    for (const event of events) this.record(event);
  }

  /** AWS: DynamoDB's TTL forgets old events; there is nothing to purge by hand. */
  purge(): number {
    return 0;
  }

  /** Writes the events recorded since the batch was loaded. */
  async flush(): Promise<void> {
    const records = this.#pending.splice(0);
    if (records.length > 0) await this.#write(records);
  }
}
