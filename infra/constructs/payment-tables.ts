/**
 * The DynamoDB tables: `transactions` (one item per payment, keyed by `transaction_id`, with GSIs
 * to list a customer's or a merchant's payments) and `audit` (one item per recorded event; an
 * operational record carries an `expires_at` TTL attribute, a financial one does not and is kept).
 * `idempotency` holds the API's Idempotency-Keys and the ids of processed webhook events, each
 * item expiring by TTL. All on-demand, with point-in-time recovery and the customer-managed data key.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { DedupTable } from '../../src/adapters/aws/dynamodb-dedup-keys.js';
import type { Namer } from '../naming.js';

/** Index and attribute names the AWS adapters use too. */
export const TableSchema = {
  transactionKey: 'transaction_id',
  customerIndex: 'by-customer',
  customerKey: 'customer_id',
  merchantIndex: 'by-merchant',
  merchantKey: 'merchant_id',
  createdAt: 'created_at',
  auditKey: 'transaction_id',
  auditSortKey: 'event_key',
  auditTtl: 'expires_at',
} as const;

export interface PaymentTablesProps {
  readonly name: Namer;
  readonly key: kms.IKey;
  readonly deletionProtection: boolean;
}

export class PaymentTables extends Construct {
  readonly transactions: dynamodb.Table;
  readonly audit: dynamodb.Table;
  readonly idempotency: dynamodb.Table;

  constructor(scope: Construct, id: string, props: PaymentTablesProps) {
    super(scope, id);
    const common = {
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: props.key,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: props.deletionProtection,
      // With deletion protection on, CloudFormation cannot delete the table anyway; without it a
      // teardown must leave nothing behind (PITR backups cover accidental loss meanwhile).
      removalPolicy: props.deletionProtection ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    } as const;

    this.transactions = new dynamodb.Table(this, 'Transactions', {
      ...common,
      tableName: props.name('dynamodb', 'transactions'),
      partitionKey: { name: TableSchema.transactionKey, type: dynamodb.AttributeType.STRING },
    });
    for (const [indexName, partition] of [
      [TableSchema.customerIndex, TableSchema.customerKey],
      [TableSchema.merchantIndex, TableSchema.merchantKey],
    ] as const) {
      this.transactions.addGlobalSecondaryIndex({
        indexName,
        partitionKey: { name: partition, type: dynamodb.AttributeType.STRING },
        sortKey: { name: TableSchema.createdAt, type: dynamodb.AttributeType.NUMBER },
        projectionType: dynamodb.ProjectionType.ALL,
      });
    }

    this.audit = new dynamodb.Table(this, 'Audit', {
      ...common,
      tableName: props.name('dynamodb', 'audit'),
      partitionKey: { name: TableSchema.auditKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: TableSchema.auditSortKey, type: dynamodb.AttributeType.STRING },
      timeToLiveAttribute: TableSchema.auditTtl,
    });

    this.idempotency = new dynamodb.Table(this, 'Idempotency', {
      ...common,
      tableName: props.name('dynamodb', 'idempotency'),
      partitionKey: { name: DedupTable.partitionKey, type: dynamodb.AttributeType.STRING },
      timeToLiveAttribute: DedupTable.ttlAttribute,
    });
  }
}
