import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  ListExecutionsCommand,
  SFNClient,
} from '@aws-sdk/client-sfn';
import {
  CreateQueueCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DynamoDbAuditLog } from '../../../../src/adapters/aws/dynamodb-audit-log.js';
import { DynamoDbTransactionStore } from '../../../../src/adapters/aws/dynamodb-transaction-store.js';
import { DynamoDbWebhookEventLog } from '../../../../src/adapters/aws/dynamodb-webhook-event-log.js';
import { webhookProcessor } from '../../../../src/adapters/aws/lambda/webhook-processor-handler.js';
import { SfnWorkflowControl } from '../../../../src/adapters/aws/sfn-workflow-control.js';
import { PaymentOperations } from '../../../../src/api/payment-operations.js';
import { TransactionStatus } from '../../../../src/payments/lifecycle.js';
import type { Payment } from '../../../../src/payments/payment.js';
import { startDynamo } from '../dynalite-harness.js';
import type { DynamoHarness } from '../dynalite-harness.js';
import { motoUnavailableReason, startMoto } from '../moto-harness.js';
import type { MotoServer } from '../moto-harness.js';
import { lambdaContext, quietObservability } from './events.js';

const unavailable = motoUnavailableReason();
if (unavailable !== undefined) console.warn(`SKIPPED webhook processor tests: ${unavailable}`);

const NOW = Date.UTC(2026, 0, 1, 12);
const ROLE = 'arn:aws:iam::123456789012:role/sfn-payment-workflow';

const paymentData = (transactionId: string) => ({
  transaction_id: transactionId,
  payment_amount: '100.50',
  currency: 'USD',
  payment_method: 'credit_card',
  customer_id: 'cus_1',
  payment_details: { token: 'tok_visa', last4: '4242' },
});
const created = (id: string, transactionId: string) =>
  JSON.stringify({
    id,
    type: 'payment.created',
    created: NOW / 1000,
    data: paymentData(transactionId),
  });
const reviewClosed = (id: string, transactionId: string, decision = 'approve') =>
  JSON.stringify({
    id,
    type: 'review.closed',
    created: NOW / 1000,
    data: { transaction_id: transactionId, decision, reviewer: 'risk-team' },
  });

const payment = (id: string): Payment => ({
  transaction_id: id,
  amount: { amount_minor: 10050, currency: 'USD' },
  payment_method: 'credit_card',
  customer_id: 'cus_1',
  merchant_id: 'merch_1',
  payment_token: 'tok_visa',
  last4: '4242',
  metadata: {},
});

describe.skipIf(unavailable !== undefined)('webhook processor against moto and dynalite', () => {
  let moto: MotoServer;
  let db: DynamoHarness;
  let sfn: SFNClient;
  let sqs: SQSClient;
  let stateMachineArn: string;
  let queueUrl: string;
  let dlqUrl: string;
  let runs = 0;
  let store: DynamoDbTransactionStore;
  let audit: DynamoDbAuditLog;

  const config = (endpoint: string) => ({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });

  beforeAll(async () => {
    [moto, db] = await Promise.all([startMoto(), startDynamo()]);
    sfn = new SFNClient(config(moto.endpoint));
    sqs = new SQSClient(config(moto.endpoint));
    store = new DynamoDbTransactionStore({ client: db.client, tableName: db.transactionsTable });
    audit = new DynamoDbAuditLog({ client: db.client, tableName: db.auditTable });
  });
  afterAll(async () => {
    sfn?.destroy();
    sqs?.destroy();
    await Promise.all([moto?.close(), db?.close()]);
  });

  beforeEach(async () => {
    runs += 1;
    const machine = await sfn.send(
      new CreateStateMachineCommand({
        name: `sfn-payment-workflow-${runs}`,
        definition: JSON.stringify({ StartAt: 'Done', States: { Done: { Type: 'Succeed' } } }),
        roleArn: ROLE,
      }),
    );
    stateMachineArn = machine.stateMachineArn ?? '';
    dlqUrl = (await sqs.send(new CreateQueueCommand({ QueueName: `webhooks-dlq-${runs}` })))
      .QueueUrl!;
    queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: `webhooks-${runs}` })))
      .QueueUrl!;
  });

  function processor(options: { deadLetters?: boolean } = {}) {
    const clock = { now: () => NOW };
    return webhookProcessor({
      obs: quietObservability(),
      clock,
      store,
      audit,
      operations: new PaymentOperations({
        control: new SfnWorkflowControl({ client: sfn, stateMachineArn }),
        stateMachineArn,
        store,
        audit,
        notifier: { notify: () => Promise.reject(new Error('not used by the processor')) },
        clock,
      }),
      events: new DynamoDbWebhookEventLog({ client: db.client, tableName: db.dedupTable }),
      queue: {
        changeVisibility: async (receiptHandle, seconds) => {
          const { ChangeMessageVisibilityCommand } = await import('@aws-sdk/client-sqs');
          await sqs.send(
            new ChangeMessageVisibilityCommand({
              QueueUrl: queueUrl,
              ReceiptHandle: receiptHandle,
              VisibilityTimeout: seconds,
            }),
          );
        },
        ...(options.deadLetters === false
          ? {}
          : {
              deadLetter: async (record: SQSRecord, failure: { code: string }) => {
                await sqs.send(
                  new SendMessageCommand({
                    QueueUrl: dlqUrl,
                    MessageBody: record.body,
                    MessageAttributes: {
                      failure_code: { DataType: 'String', StringValue: failure.code },
                    },
                  }),
                );
              },
            }),
      },
    });
  }

  /**
   * Sends the bodies to the moto queue and receives them, so the batch carries real receipt
   * handles, shaped as the SQS event source delivers them.
   */
  async function delivered(bodies: readonly string[]): Promise<SQSEvent> {
    for (const body of bodies) {
      await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));
    }
    const out = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        MessageSystemAttributeNames: ['All'],
      }),
    );
    const byBody = new Map((out.Messages ?? []).map((m) => [m.Body ?? '', m]));
    return {
      Records: bodies.map((body): SQSRecord => {
        const m = byBody.get(body);
        if (m === undefined) throw new Error('message not received');
        const a = m.Attributes ?? {};
        return {
          messageId: m.MessageId ?? '',
          receiptHandle: m.ReceiptHandle ?? '',
          body,
          attributes: {
            ApproximateReceiveCount: a['ApproximateReceiveCount'] ?? '1',
            SentTimestamp: a['SentTimestamp'] ?? String(NOW),
            SenderId: a['SenderId'] ?? 'AIDAEXAMPLE',
            ApproximateFirstReceiveTimestamp: a['ApproximateFirstReceiveTimestamp'] ?? String(NOW),
          },
          messageAttributes: {},
          md5OfBody: m.MD5OfBody ?? '',
          eventSource: 'aws:sqs',
          eventSourceARN: `arn:aws:sqs:us-east-1:123456789012:webhooks-${runs}`,
          awsRegion: 'us-east-1',
        };
      }),
    };
  }

  const context = lambdaContext('lambda-webhook-processor-dev');

  async function executions(): Promise<string[]> {
    const out = await sfn.send(new ListExecutionsCommand({ stateMachineArn }));
    return (out.executions ?? []).map((e) => e.name ?? '');
  }

  it('starts the workflow of a payment.created event, named by its transaction id', async () => {
    const body = created('evt_a', 'txn-a');
    const answer = await processor()(await delivered([body]), context);
    expect(answer).toEqual({ batchItemFailures: [] });
    expect(await executions()).toEqual(['txn-a']);
    const arn = stateMachineArn.replace(':stateMachine:', ':execution:') + ':txn-a';
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn: arn }));
    expect(JSON.parse(described.input ?? '{}')).toEqual(paymentData('txn-a'));
  });

  it('skips an event it has processed before, by id', async () => {
    const handler = processor();
    await handler(await delivered([created('evt_b', 'txn-b')]), context);
    // The provider sends the same event again after the first was processed.
    const again = await handler(await delivered([created('evt_b', 'txn-b')]), context);
    expect(again).toEqual({ batchItemFailures: [] });
    expect(await executions()).toEqual(['txn-b']);
    const events = new DynamoDbWebhookEventLog({ client: db.client, tableName: db.dedupTable });
    expect(await events.get('evt_b')).toMatchObject({ outcome: 'started', transactionId: 'txn-b' });
  });

  it('reports just the record that must wait: a review decision before its review', async () => {
    const batch = await delivered([created('evt_c1', 'txn-c'), reviewClosed('evt_c2', 'txn-c')]);
    const early = batch.Records[1]?.messageId;
    const answer = await processor()(batch, context);
    expect(answer.batchItemFailures).toEqual([{ itemIdentifier: early }]);
    expect(await executions()).toEqual(['txn-c']);
  });

  it('completes the review task of a payment waiting in review, once', async () => {
    await store.create(payment('txn-d'), TransactionStatus.Received, NOW);
    for (const status of [TransactionStatus.Validated, TransactionStatus.Screened]) {
      await store.transition('txn-d', status, NOW);
    }
    await store.transition('txn-d', TransactionStatus.InReview, NOW, {
      review_task_token: 'token-d',
    });
    const answer = await processor()(await delivered([reviewClosed('evt_d', 'txn-d')]), context);
    expect(answer).toEqual({ batchItemFailures: [] });
    const events = new DynamoDbWebhookEventLog({ client: db.client, tableName: db.dedupTable });
    expect(await events.get('evt_d')).toMatchObject({ outcome: 'review_applied' });
  });

  it('records and ignores a review decision for a payment that has moved on', async () => {
    await store.create(payment('txn-e'), TransactionStatus.Received, NOW);
    for (const status of [TransactionStatus.Validated, TransactionStatus.Screened]) {
      await store.transition('txn-e', status, NOW);
    }
    await store.transition('txn-e', TransactionStatus.Charging, NOW);
    const answer = await processor()(await delivered([reviewClosed('evt_e', 'txn-e')]), context);
    expect(answer).toEqual({ batchItemFailures: [] });
    expect((await store.get('txn-e'))?.status).toBe(TransactionStatus.Charging);
    expect((await audit.list('txn-e')).map((e) => e.action)).toContain('webhook_ignored');
  });

  it('moves a record that can never succeed to the dead-letter queue and reports the rest', async () => {
    const batch = await delivered(['{"not json', created('evt_f', 'txn-f')]);
    const answer = await processor()(batch, context);
    expect(answer).toEqual({ batchItemFailures: [] });
    const dead = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: dlqUrl, MessageAttributeNames: ['All'] }),
    );
    expect(dead.Messages?.map((m) => m.Body)).toEqual(['{"not json']);
    expect(dead.Messages?.[0]?.MessageAttributes?.['failure_code']?.StringValue).toBe(
      'Webhook.Malformed',
    );
  });

  it('reports a malformed record as failed when no dead-letter sender is given', async () => {
    const batch = await delivered(['{"not json', created('evt_g', 'txn-g')]);
    const answer = await processor({ deadLetters: false })(batch, context);
    expect(answer).toEqual({
      batchItemFailures: [{ itemIdentifier: batch.Records[0]?.messageId }],
    });
    expect(await executions()).toEqual(['txn-g']);
  });

  it('sends another payment under a taken transaction id to the dead-letter queue', async () => {
    const handler = processor();
    await handler(await delivered([created('evt_h1', 'txn-h')]), context);
    const other = JSON.stringify({
      id: 'evt_h2',
      type: 'payment.created',
      created: NOW / 1000,
      data: { ...paymentData('txn-h'), payment_amount: '999.00' },
    });
    const answer = await handler(await delivered([other]), context);
    expect(answer).toEqual({ batchItemFailures: [] });
    const dead = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: dlqUrl, MessageAttributeNames: ['All'] }),
    );
    expect(dead.Messages?.[0]?.MessageAttributes?.['failure_code']?.StringValue).toBe('Conflict');
  });
});
