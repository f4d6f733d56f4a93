import {
  CreateSecretCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { webhookReceiver } from '../../../../src/adapters/aws/lambda/webhook-receiver-handler.js';
import { SecretsManagerSigningSecrets } from '../../../../src/adapters/aws/secrets-manager-signing-secrets.js';
import { SqsMessageQueue } from '../../../../src/adapters/aws/sqs-message-queue.js';
import { SIGNATURE_HEADER, signPayload } from '../../../../src/api/webhook-signature.js';
import { motoUnavailableReason, startMoto } from '../moto-harness.js';
import type { MotoServer } from '../moto-harness.js';
import { lambdaContext, proxyEvent, quietObservability } from './events.js';

const unavailable = motoUnavailableReason();
if (unavailable !== undefined) console.warn(`SKIPPED webhook receiver tests: ${unavailable}`);

const NOW = Date.UTC(2026, 0, 1, 12);
const SECRET = 'whsec_current_0123456789abcdef';

const paymentCreated = (id = 'evt_1') => ({
  id,
  type: 'payment.created',
  created: NOW / 1000,
  data: {
    transaction_id: 'txn_1',
    payment_amount: '100.50',
    currency: 'USD',
    payment_method: 'credit_card',
    customer_id: 'cus_1',
    payment_details: { token: 'tok_visa', last4: '4242' },
  },
});

function webhookEvent(body: string, headers: Record<string, string> = {}) {
  return proxyEvent({
    method: 'POST',
    resource: '/webhooks/payment',
    path: '/webhooks/payment',
    headers: { 'Content-Type': 'application/json', ...headers },
    body,
    userArn: null,
  });
}

const signed = (body: string, secret = SECRET, at = NOW / 1000) => ({
  [SIGNATURE_HEADER]: signPayload(secret, body, at),
});

describe.skipIf(unavailable !== undefined)('webhook receiver against moto', () => {
  let moto: MotoServer;
  let sqs: SQSClient;
  let secretsManager: SecretsManagerClient;
  let queueUrl: string;
  let secretArn: string;
  let now = NOW;
  let runs = 0;

  const config = (endpoint: string) => ({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });

  beforeAll(async () => {
    moto = await startMoto();
    sqs = new SQSClient(config(moto.endpoint));
    secretsManager = new SecretsManagerClient(config(moto.endpoint));
  });
  afterAll(async () => {
    sqs?.destroy();
    secretsManager?.destroy();
    await moto?.close();
  });

  beforeEach(async () => {
    runs += 1;
    now = NOW;
    const queue = await sqs.send(new CreateQueueCommand({ QueueName: `webhooks-${runs}` }));
    queueUrl = queue.QueueUrl ?? '';
    const secret = await secretsManager.send(
      new CreateSecretCommand({ Name: `secret-webhook-signing-${runs}`, SecretString: SECRET }),
    );
    secretArn = secret.ARN ?? '';
  });

  function receiver(ttlMs = 300_000, processed?: (eventId: string) => Promise<boolean>) {
    const clock = { now: () => now };
    return webhookReceiver({
      ...(processed === undefined ? {} : { processed }),
      obs: quietObservability(),
      clock,
      secrets: new SecretsManagerSigningSecrets({
        client: secretsManager,
        secretId: secretArn,
        now: clock.now,
        ttlMs,
        minRefreshMs: 30_000,
      }),
      queue: new SqsMessageQueue({ client: sqs, queueUrl, deadLetterQueueUrl: `${queueUrl}-dlq` }),
    });
  }

  async function queued(): Promise<string[]> {
    const out = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }),
    );
    return (out.Messages ?? []).map((m) => m.Body ?? '');
  }

  const context = lambdaContext('lambda-webhook-receiver-dev');

  it('queues a signed, valid event byte for byte and answers 202', async () => {
    const body = JSON.stringify(paymentCreated());
    const response = await receiver()(webhookEvent(body, signed(body)), context);
    expect(response.statusCode).toBe(202);
    expect(JSON.parse(response.body)).toEqual({ status: 'accepted', event_id: 'evt_1' });
    expect((await queued()).map((b) => JSON.parse(b) as unknown)).toEqual([paymentCreated()]);
  });

  it.each([
    ['a missing signature', {}, 'MISSING_HEADER'],
    ['a malformed signature', { [SIGNATURE_HEADER]: 'v1=abc' }, 'MALFORMED_HEADER'],
    ['a signature under another secret', 'other', 'NO_MATCHING_SIGNATURE'],
    ['a signature of another body', 'tampered', 'NO_MATCHING_SIGNATURE'],
    ['a replayed signature ten minutes old', 'stale', 'TIMESTAMP_OUT_OF_TOLERANCE'],
  ])('answers %s with 401 and queues nothing', async (_name, how, reason) => {
    const body = JSON.stringify(paymentCreated());
    const headers =
      how === 'other'
        ? signed(body, 'whsec_someone_else')
        : how === 'tampered'
          ? signed(body.replace('100.50', '1000.50'))
          : how === 'stale'
            ? signed(body, SECRET, NOW / 1000 - 600)
            : how;
    const response = await receiver()(webhookEvent(body, headers), context);
    expect(response.statusCode).toBe(401);
    expect(response.headers?.['content-type']).toBe('application/problem+json');
    expect(JSON.parse(response.body)).toMatchObject({ code: 'BadSignature', reason });
    expect(response.body).not.toContain(SECRET);
    expect(await queued()).toEqual([]);
  });

  it.each([
    ['an envelope without a type', { ...paymentCreated(), type: undefined }, 'body'],
    ['an unknown event type', { ...paymentCreated(), type: 'payment.refunded' }, 'body.type'],
    [
      'payment data with an extra field',
      { ...paymentCreated(), data: { ...paymentCreated().data, cvv_hint: 'x' } },
      'body.data',
    ],
    [
      'a review decision that is neither approve nor reject',
      {
        ...paymentCreated(),
        type: 'review.closed',
        data: { transaction_id: 't', decision: 'maybe' },
      },
      'body.data.decision',
    ],
  ])('answers %s with 400 naming the field, and queues nothing', async (_name, event, field) => {
    const body = JSON.stringify(event);
    const response = await receiver()(webhookEvent(body, signed(body)), context);
    expect(response.statusCode).toBe(400);
    const problem = JSON.parse(response.body) as { code: string; errors: { field: string }[] };
    expect(problem.code).toBe('ValidationFailed');
    expect(problem.errors.map((e) => e.field)).toContain(field);
    expect(await queued()).toEqual([]);
  });

  it('answers a signed body that is not JSON with 400', async () => {
    const body = '{"id": "evt_1",';
    const response = await receiver()(webhookEvent(body, signed(body)), context);
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body)).toMatchObject({ code: 'MalformedJson' });
  });

  it('refuses an event carrying a card number with 422, without echoing it', async () => {
    const event = paymentCreated();
    const withPan = { ...event, data: { ...event.data, metadata: { note: '4242424242424242' } } };
    const body = JSON.stringify(withPan);
    const response = await receiver()(webhookEvent(body, signed(body)), context);
    expect(response.statusCode).toBe(422);
    expect(response.body).not.toContain('4242424242424242');
    expect(await queued()).toEqual([]);
  });

  it('answers a body that is not JSON by content type with 415', async () => {
    const body = JSON.stringify(paymentCreated());
    const response = await receiver()(
      webhookEvent(body, { ...signed(body), 'Content-Type': 'text/plain' }),
      context,
    );
    expect(response.statusCode).toBe(415);
  });

  it('verifies a base64-encoded body over its decoded bytes', async () => {
    const body = JSON.stringify(paymentCreated());
    const event = webhookEvent(Buffer.from(body).toString('base64'), signed(body));
    event.isBase64Encoded = true;
    expect((await receiver()(event, context)).statusCode).toBe(202);
  });

  it('accepts the new secret after a rotation, and the old one while it is AWSPREVIOUS', async () => {
    const handler = receiver();
    const first = JSON.stringify(paymentCreated('evt_1'));
    expect((await handler(webhookEvent(first, signed(first)), context)).statusCode).toBe(202);
    await secretsManager.send(
      new PutSecretValueCommand({ SecretId: secretArn, SecretString: 'whsec_rotated_fedcba' }),
    );
    now += 60_000; // past the forced-refresh floor, well within the cache's TTL
    const second = JSON.stringify(paymentCreated('evt_2'));
    const rotated = await handler(
      webhookEvent(second, signed(second, 'whsec_rotated_fedcba', now / 1000)),
      context,
    );
    expect(rotated.statusCode).toBe(202);
    const third = JSON.stringify(paymentCreated('evt_3'));
    const old = await handler(webhookEvent(third, signed(third, SECRET, now / 1000)), context);
    expect(old.statusCode).toBe(202);
  });

  it('answers a retry of a processed event 200 duplicate and queues nothing', async () => {
    const body = JSON.stringify(paymentCreated('evt_done'));
    const handler = receiver(300_000, (id) => Promise.resolve(id === 'evt_done'));
    const response = await handler(webhookEvent(body, signed(body)), context);
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ status: 'duplicate', event_id: 'evt_done' });
    expect(await queued()).toEqual([]);
  });
});
