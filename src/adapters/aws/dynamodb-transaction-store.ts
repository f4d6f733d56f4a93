/**
 * DynamoDbTransactionStore: the {@link TransactionStore} port on a DynamoDB table keyed by
 * `transaction_id`. A status change is one conditional UpdateItem (`#status IN (:p0, :p1...)`),
 * so of two racing moves only one can match, and a re-run finds the status already set: status
 * only moves forward. Facts are stored as top-level attributes; items never expire. A customer's
 * recent payments come from the `by-customer` index (customer_id, created_at).
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { CustomerActivity } from '../../payments/fraud.js';
import type { TransactionStatus } from '../../payments/lifecycle.js';
import { isTransactionStatus, predecessorsOf } from '../../payments/lifecycle.js';
import type { Payment } from '../../payments/payment.js';
import type {
  CreateResult,
  TransactionStore,
  TransitionResult,
} from '../../payments/ports/transaction-store.js';
import type { Transaction, TransactionFacts } from '../../payments/transaction.js';
import { dynamo, isConditionFailed } from './dynamodb-errors.js';

export interface DynamoDbTransactionStoreOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  /** The GSI on (customer_id, created_at). @default 'by-customer' */
  readonly customerIndex?: string;
}

export class DynamoDbTransactionStore implements TransactionStore {
  readonly #client: DynamoDBDocumentClient;
  readonly #table: string;
  readonly #customerIndex: string;

  constructor(options: DynamoDbTransactionStoreOptions) {
    this.#client = options.client;
    this.#table = options.tableName;
    this.#customerIndex = options.customerIndex ?? 'by-customer';
  }

  async create(payment: Payment, status: TransactionStatus, at: number): Promise<CreateResult> {
    const item = { ...payment, status, created_at: at, updated_at: at };
    try {
      await dynamo('PutItem', () =>
        this.#client.send(
          new PutCommand({
            TableName: this.#table,
            Item: item,
            ConditionExpression: 'attribute_not_exists(transaction_id)',
          }),
        ),
      );
      return { created: true, transaction: fromItem(item) };
    } catch (error) {
      if (!isConditionFailed(error)) throw error;
      const existing = await this.get(payment.transaction_id);
      if (existing === undefined) throw error;
      return { created: false, transaction: existing };
    }
  }

  async get(transactionId: string): Promise<Transaction | undefined> {
    const result = await dynamo('GetItem', () =>
      this.#client.send(
        new GetCommand({
          TableName: this.#table,
          Key: { transaction_id: transactionId },
          // A status check right after a conditional write must see that write.
          ConsistentRead: true,
        }),
      ),
    );
    return result.Item === undefined ? undefined : fromItem(result.Item);
  }

  async transition(
    transactionId: string,
    to: TransactionStatus,
    at: number,
    facts: TransactionFacts = {},
  ): Promise<TransitionResult> {
    const predecessors = predecessorsOf(to);
    if (predecessors.length > 0) {
      const names: Record<string, string> = { '#status': 'status', '#prev': 'previous_status' };
      const values: Record<string, unknown> = { ':to': to, ':at': at };
      const sets = ['#prev = #status', '#status = :to', 'updated_at = :at'];
      Object.entries(facts).forEach(([key, value], i) => {
        if (value === undefined) return;
        names[`#f${i}`] = key;
        values[`:f${i}`] = value;
        sets.push(`#f${i} = :f${i}`);
      });
      predecessors.forEach((p, i) => (values[`:p${i}`] = p));
      try {
        const result = await dynamo('UpdateItem', () =>
          this.#client.send(
            new UpdateCommand({
              TableName: this.#table,
              Key: { transaction_id: transactionId },
              UpdateExpression: `SET ${sets.join(', ')}`,
              // The conditional write: only an item in an allowed predecessor status moves.
              ConditionExpression: `attribute_exists(transaction_id) AND #status IN (${predecessors
                .map((_, i) => `:p${i}`)
                .join(', ')})`,
              ExpressionAttributeNames: names,
              ExpressionAttributeValues: values,
              ReturnValues: 'ALL_NEW',
            }),
          ),
        );
        const transaction = fromItem(result.Attributes ?? {});
        return {
          outcome: 'applied',
          from: transaction.previous_status as TransactionStatus,
          transaction,
        };
      } catch (error) {
        if (!isConditionFailed(error)) throw error;
      }
    }
    const transaction = await this.get(transactionId);
    if (transaction === undefined) return { outcome: 'not_found' };
    return { outcome: transaction.status === to ? 'unchanged' : 'conflict', transaction };
  }

  async annotate(
    transactionId: string,
    status: TransactionStatus,
    at: number,
    facts: TransactionFacts,
  ): Promise<boolean> {
    const names: Record<string, string> = { '#status': 'status' };
    const values: Record<string, unknown> = { ':status': status, ':at': at };
    const sets = ['updated_at = :at'];
    Object.entries(facts).forEach(([key, value], i) => {
      if (value === undefined) return;
      names[`#f${i}`] = key;
      values[`:f${i}`] = value;
      sets.push(`#f${i} = :f${i}`);
    });
    try {
      await dynamo('UpdateItem', () =>
        this.#client.send(
          new UpdateCommand({
            TableName: this.#table,
            Key: { transaction_id: transactionId },
            UpdateExpression: `SET ${sets.join(', ')}`,
            ConditionExpression: 'attribute_exists(transaction_id) AND #status = :status',
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
          }),
        ),
      );
      return true;
    } catch (error) {
      if (isConditionFailed(error)) return false;
      throw error;
    }
  }

  async customerActivity(
    customerId: string,
    since: number,
    currency: string,
    excludeId: string,
  ): Promise<CustomerActivity> {
    let count = 0;
    let amountMinor = 0;
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await dynamo('Query', () =>
        this.#client.send(
          new QueryCommand({
            TableName: this.#table,
            IndexName: this.#customerIndex,
            KeyConditionExpression: 'customer_id = :c AND created_at >= :since',
            ExpressionAttributeValues: { ':c': customerId, ':since': since },
            ProjectionExpression: 'transaction_id, amount',
            ExclusiveStartKey: startKey,
          }),
        ),
      );
      for (const item of page.Items ?? []) {
        if (item['transaction_id'] === excludeId) continue;
        count += 1;
        const amount = item['amount'] as { amount_minor?: number; currency?: string } | undefined;
        if (amount?.currency === currency) amountMinor += amount.amount_minor ?? 0;
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
    return { count, amount_minor: amountMinor };
  }
}

function fromItem(item: Record<string, unknown>): Transaction {
  const status = item['status'];
  if (!isTransactionStatus(status)) {
    throw new Error(
      `Transaction ${String(item['transaction_id'])} has unknown status ${String(status)}`,
    );
  }
  return item as unknown as Transaction;
}
