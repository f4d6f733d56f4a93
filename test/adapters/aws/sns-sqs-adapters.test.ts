import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SnsAlertTopic, snsSubject } from '../../../src/adapters/aws/sns-alert-topic.js';
import { SnsCustomerNotifier } from '../../../src/adapters/aws/sns-customer-notifier.js';
import { SqsMessageQueue } from '../../../src/adapters/aws/sqs-message-queue.js';
import { motoUnavailableReason, startMoto } from './moto-harness.js';
import type { MotoServer } from './moto-harness.js';

const unavailable = motoUnavailableReason();
if (unavailable !== undefined) console.warn(`SKIPPED SNS/SQS adapter tests: ${unavailable}`);

describe('snsSubject', () => {
  it.each([
    ['keeps a plain subject', 'Payment failed', 'Payment failed'],
    ['replaces line breaks and non-ASCII', 'Paiement\nrefusé', 'Paiement refus'],
    ['cuts at 100 characters', 'x'.repeat(150), 'x'.repeat(100)],
    ['never sends an empty subject', '\n', 'paystep alert'],
  ])('%s', (_name, input, expected) => {
    expect(snsSubject(input)).toBe(expected);
  });
});

describe.skipIf(unavailable !== undefined)('against moto', () => {
  let moto: MotoServer;
  let sns: SNSClient;
  let sqs: SQSClient;
  const config = (endpoint: string) => ({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });

  beforeAll(async () => {
    moto = await startMoto();
    sns = new SNSClient(config(moto.endpoint));
    sqs = new SQSClient(config(moto.endpoint));
  });
  afterAll(async () => {
    sns?.destroy();
    sqs?.destroy();
    await moto?.close();
  });

  async function queue(name: string, redriveTo?: string): Promise<{ url: string; arn: string }> {
    const created = await sqs.send(
      new CreateQueueCommand({
        QueueName: name,
        Attributes: {
          VisibilityTimeout: '300',
          ...(redriveTo
            ? {
                RedrivePolicy: JSON.stringify({
                  deadLetterTargetArn: redriveTo,
                  maxReceiveCount: 5,
                }),
              }
            : {}),
        },
      }),
    );
    const url = created.QueueUrl as string;
    const attrs = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
    );
    return { url, arn: attrs.Attributes?.['QueueArn'] as string };
  }

  async function topicInto(name: string): Promise<{ topicArn: string; queueUrl: string }> {
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: name }));
    const q = await queue(`${name}-sub`);
    await sns.send(
      new SubscribeCommand({
        TopicArn,
        Protocol: 'sqs',
        Endpoint: q.arn,
        Attributes: { RawMessageDelivery: 'true' },
      }),
    );
    return { topicArn: TopicArn as string, queueUrl: q.url };
  }

  it('publishes an ops alert as JSON with its severity', async () => {
    const { topicArn, queueUrl } = await topicInto('alerts');
    await new SnsAlertTopic({ client: sns, topicArn }).publish({
      subject: 'Payment T-1 failed after retries',
      severity: 'critical',
      details: { transaction_id: 'T-1', error: 'Gateway.Unavailable' },
      at: 1_700_000_000_000,
    });
    const { Messages } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 1 }),
    );
    expect(JSON.parse(Messages?.[0]?.Body ?? '{}')).toMatchObject({
      severity: 'critical',
      details: { transaction_id: 'T-1' },
    });
  });

  it('queues a customer notification and says so', async () => {
    const { topicArn, queueUrl } = await topicInto('customers');
    const receipt = await new SnsCustomerNotifier({ client: sns, topicArn }).notify({
      id: 'T-2:payment_completed',
      transaction_id: 'T-2',
      customer_id: 'c-1',
      kind: 'payment_completed',
      subject: 'Your payment is complete',
      body: 'We charged 100.50 USD to the card ending 4242.',
      created_at: 1,
    });
    expect(receipt).toEqual({ id: 'T-2:payment_completed', channel: 'sns', status: 'queued' });
    const { Messages } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 1 }),
    );
    expect(JSON.parse(Messages?.[0]?.Body ?? '{}')).toMatchObject({ id: 'T-2:payment_completed' });
  });

  it('sends, receives, hides and deletes messages', async () => {
    const dlq = await queue('webhooks-dlq');
    const main = await queue('webhooks', dlq.arn);
    const q = new SqsMessageQueue({ client: sqs, queueUrl: main.url, deadLetterQueueUrl: dlq.url });
    const sent = await q.send('{"id":"evt-1"}');
    const [message] = await q.receive({ maxMessages: 10 });
    expect(message).toMatchObject({
      messageId: sent.messageId,
      body: '{"id":"evt-1"}',
      approximateReceiveCount: 1,
    });
    expect(await q.receive()).toEqual([]);
    expect((await q.depth()).inFlight).toBe(1);
    await q.delete(message?.receiptHandle ?? '');
    expect(await q.depth()).toMatchObject({ visible: 0, inFlight: 0 });
  });

  it('rejects a poison message to the DLQ with its failure, and replays it', async () => {
    const dlq = await queue('poison-dlq');
    const main = await queue('poison', dlq.arn);
    const q = new SqsMessageQueue({ client: sqs, queueUrl: main.url, deadLetterQueueUrl: dlq.url });
    await q.send('not json');
    const [message] = await q.receive();
    await q.reject(message?.receiptHandle ?? '', {
      code: 'Webhook.Malformed',
      message: 'bad JSON',
    });
    const letters = await q.listDeadLetters();
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({
      body: 'not json',
      reason: 'REJECTED',
      lastError: { code: 'Webhook.Malformed', message: 'bad JSON' },
    });
    expect(await q.replayDeadLetters()).toBe(1);
    expect((await q.receive())[0]?.body).toBe('not json');
  });

  it('deletes a batch of messages, one result per handle', async () => {
    const dlq = await queue('batch-dlq');
    const main = await queue('batch', dlq.arn);
    const q = new SqsMessageQueue({ client: sqs, queueUrl: main.url, deadLetterQueueUrl: dlq.url });
    await q.send('a');
    await q.send('b');
    const received = await q.receive({ maxMessages: 10 });
    expect(await q.deleteBatch(received.map((m) => m.receiptHandle))).toEqual([true, true]);
    expect(await q.depth()).toMatchObject({ visible: 0, inFlight: 0 });
  });

  it('refuses calls once closed', async () => {
    const dlq = await queue('closed-dlq');
    const main = await queue('closed', dlq.arn);
    const q = new SqsMessageQueue({ client: sqs, queueUrl: main.url, deadLetterQueueUrl: dlq.url });
    await q.close();
    await expect(q.send('x')).rejects.toMatchObject({ code: 'Queue.Closed' });
  });
});
