/**
 * Starts dynalite (an in-process DynamoDB) on 127.0.0.1 and creates the stack's tables with
 * the same keys and indexes, so the DynamoDB adapters are tested against DynamoDB's API offline.
 * dynalite has no TransactWriteItems and no TTL deletion: the adapters use neither, and TTL is
 * checked as the attribute written.
 */
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TableSchema } from '../../../infra/constructs/payment-tables.js';
import { DedupTable } from '../../../src/adapters/aws/dynamodb-dedup-keys.js';

type Dynalite = (options: { createTableMs: number; deleteTableMs: number }) => Server;
const dynalite = createRequire(import.meta.url)('dynalite') as Dynalite;

export interface DynamoHarness {
  readonly client: DynamoDBDocumentClient;
  readonly transactionsTable: string;
  readonly auditTable: string;
  /** Idempotency keys and processed webhook events. */
  readonly dedupTable: string;
  close(): Promise<void>;
}

export async function startDynamo(): Promise<DynamoHarness> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const raw = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  const S = TableSchema;
  await raw.send(
    new CreateTableCommand({
      TableName: 'transactions',
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: S.transactionKey, AttributeType: 'S' },
        { AttributeName: S.customerKey, AttributeType: 'S' },
        { AttributeName: S.merchantKey, AttributeType: 'S' },
        { AttributeName: S.createdAt, AttributeType: 'N' },
      ],
      KeySchema: [{ AttributeName: S.transactionKey, KeyType: 'HASH' }],
      GlobalSecondaryIndexes: [
        [S.customerIndex, S.customerKey],
        [S.merchantIndex, S.merchantKey],
      ].map(([IndexName, key]) => ({
        IndexName,
        KeySchema: [
          { AttributeName: key, KeyType: 'HASH' as const },
          { AttributeName: S.createdAt, KeyType: 'RANGE' as const },
        ],
        Projection: { ProjectionType: 'ALL' as const },
      })),
    }),
  );
  await raw.send(
    new CreateTableCommand({
      TableName: 'audit',
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: S.auditKey, AttributeType: 'S' },
        { AttributeName: S.auditSortKey, AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: S.auditKey, KeyType: 'HASH' },
        { AttributeName: S.auditSortKey, KeyType: 'RANGE' },
      ],
    }),
  );
  await raw.send(
    new CreateTableCommand({
      TableName: 'dedup',
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: DedupTable.partitionKey, AttributeType: 'S' }],
      KeySchema: [{ AttributeName: DedupTable.partitionKey, KeyType: 'HASH' }],
    }),
  );
  const client = DynamoDBDocumentClient.from(raw, {
    marshallOptions: { removeUndefinedValues: true },
  });
  return {
    client,
    transactionsTable: 'transactions',
    auditTable: 'audit',
    dedupTable: 'dedup',
    close: async () => {
      raw.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
