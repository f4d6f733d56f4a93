import { CreateStateMachineCommand, ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DynamoDbAuditLog } from '../../../../src/adapters/aws/dynamodb-audit-log.js';
import { DynamoDbIdempotency } from '../../../../src/adapters/aws/dynamodb-idempotency.js';
import { DynamoDbTransactionStore } from '../../../../src/adapters/aws/dynamodb-transaction-store.js';
import { paymentApi } from '../../../../src/adapters/aws/lambda/payment-api-handler.js';
import { SfnWorkflowControl } from '../../../../src/adapters/aws/sfn-workflow-control.js';
import { SnsCustomerNotifier } from '../../../../src/adapters/aws/sns-customer-notifier.js';
import { PaymentOperations } from '../../../../src/api/payment-operations.js';
import { TransactionStatus } from '../../../../src/payments/lifecycle.js';
import type { Payment } from '../../../../src/payments/payment.js';
import { startDynamo } from '../dynalite-harness.js';
import type { DynamoHarness } from '../dynalite-harness.js';
import { motoUnavailableReason, startMoto } from '../moto-harness.js';
import type { MotoServer } from '../moto-harness.js';
import { lambdaContext, proxyEvent, quietObservability } from './events.js';

const unavailable = motoUnavailableReason();
if (unavailable !== undefined) console.warn(`SKIPPED payment API tests: ${unavailable}`);

const NOW = Date.UTC(2026, 0, 1, 12);
const request = (id: string, overrides: Record<string, unknown> = {}) => ({
  transaction_id: id,
  payment_amount: '100.50',
  currency: 'USD',
  payment_method: 'credit_card',
  customer_id: 'cus_1',
  merchant_id: 'merch_1',
  customer_email: 'ada@example.com',
  payment_details: { token: 'tok_visa', last4: '4242' },
  ...overrides,
});
const payment = (id: string): Payment => ({
  transaction_id: id,
  amount: { amount_minor: 10050, currency: 'USD' },
  payment_method: 'credit_card',
  customer_id: 'cus_1',
  merchant_id: 'merch_1',
  customer_email: 'ada@example.com',
  payment_token: 'tok_visa',
  last4: '4242',
  metadata: {},
});

const post = (body: unknown, headers: Record<string, string | string[]> = {}) =>
  proxyEvent({
    method: 'POST',
    resource: '/payments',
    path: '/payments',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
const get = (id: string) =>
  proxyEvent({
    method: 'GET',
    resource: '/transactions/{id}',
    path: `/transactions/${id}`,
    pathParameters: { id },
  });
const notify = (id: string, body: string | null = null, headers: Record<string, string> = {}) =>
  proxyEvent({
    method: 'POST',
    resource: '/transactions/{id}/notify',
    path: `/transactions/${id}/notify`,
    pathParameters: { id },
    headers,
    body,
  });

const review = (id: string, body: unknown) =>
  proxyEvent({
    method: 'POST',
    resource: '/transactions/{id}/review',
    path: `/transactions/${id}/review`,
    pathParameters: { id },
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });

const json = (response: APIGatewayProxyResult) =>
  JSON.parse(response.body) as Record<string, unknown>;

describe.skipIf(unavailable !== undefined)('payment API against moto and dynalite', () => {
  let moto: MotoServer;
  let db: DynamoHarness;
  let sfn: SFNClient;
  let sns: SNSClient;
  let topicArn: string;
  let stateMachineArn: string;
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
    sns = new SNSClient(config(moto.endpoint));
    topicArn = (await sns.send(new CreateTopicCommand({ Name: 'customers' }))).TopicArn ?? '';
    store = new DynamoDbTransactionStore({ client: db.client, tableName: db.transactionsTable });
    audit = new DynamoDbAuditLog({ client: db.client, tableName: db.auditTable });
  });
  afterAll(async () => {
    sfn?.destroy();
    sns?.destroy();
    await Promise.all([moto?.close(), db?.close()]);
  });

  beforeEach(async () => {
    runs += 1;
    const machine = await sfn.send(
      new CreateStateMachineCommand({
        name: `sfn-payment-workflow-${runs}`,
        definition: JSON.stringify({
          StartAt: 'Wait',
          States: { Wait: { Type: 'Pass', End: true } },
        }),
        roleArn: 'arn:aws:iam::123456789012:role/sfn',
      }),
    );
    stateMachineArn = machine.stateMachineArn ?? '';
  });

  function api() {
    const clock = { now: () => NOW };
    const control = new SfnWorkflowControl({ client: sfn, stateMachineArn, now: clock.now });
    return paymentApi({
      obs: quietObservability(),
      store,
      audit,
      executions: control,
      operations: new PaymentOperations({
        control,
        stateMachineArn,
        store,
        audit,
        notifier: new SnsCustomerNotifier({ client: sns, topicArn }),
        clock,
      }),
      idempotency: new DynamoDbIdempotency({ client: db.client, tableName: db.dedupTable, clock }),
    });
  }

  const context = lambdaContext('lambda-payment-api-dev');

  async function executions(): Promise<string[]> {
    const out = await sfn.send(new ListExecutionsCommand({ stateMachineArn }));
    return (out.executions ?? []).map((e) => e.name ?? '');
  }

  async function inStatus(id: string, path: TransactionStatus[]): Promise<void> {
    await store.create(payment(id), TransactionStatus.Received, NOW);
    for (const status of path) await store.transition(id, status, NOW);
  }

  it('starts the workflow of a valid payment and answers 202 with its execution', async () => {
    const response = await api()(post(request('pay-1')), context);
    expect(response.statusCode).toBe(202);
    const body = json(response);
    expect(body).toMatchObject({
      transaction_id: 'pay-1',
      status: 'PROCESSING',
      created: true,
      execution_arn: `${stateMachineArn.replace(':stateMachine:', ':execution:')}:pay-1`,
    });
    expect(body['_links']).toMatchObject({ self: { href: '/transactions/pay-1' } });
    expect(await executions()).toEqual(['pay-1']);
  });

  it('replays the first response to a retry with the same Idempotency-Key', async () => {
    const handler = api();
    const first = await handler(post(request('pay-2'), { 'Idempotency-Key': 'k-2' }), context);
    const retry = await handler(post(request('pay-2'), { 'Idempotency-Key': 'k-2' }), context);
    expect(retry.statusCode).toBe(202);
    expect(retry.headers?.['idempotent-replayed']).toBe('true');
    expect(retry.body).toBe(first.body);
    expect(await executions()).toEqual(['pay-2']);
  });

  it.each([
    ['the same key with another payment', ['k-3'], 422, 'IdempotencyKeyReused'],
    ['two Idempotency-Key headers', ['k-3', 'k-4'], 400, 'ValidationFailed'],
  ])('refuses %s', async (_name, keys, status, code) => {
    const handler = api();
    // Keys are remembered across tests (one table): scope them to this test's run.
    const scoped = keys.map((k) => `${k}-${runs}`);
    await handler(post(request('pay-3'), { 'Idempotency-Key': `k-3-${runs}` }), context);
    const response = await handler(post(request('pay-3b'), { 'Idempotency-Key': scoped }), context);
    expect(response.statusCode).toBe(status);
    expect(json(response)).toMatchObject({ code });
    expect(await executions()).toEqual(['pay-3']);
  });

  it.each([
    [
      'a body that breaks the schema',
      request('pay-4', { payment_method: 'cash' }),
      400,
      'ValidationFailed',
    ],
    ['an unknown field', request('pay-4', { card_number: 'x' }), 400, 'ValidationFailed'],
    ['a body that is not JSON', '{"transaction_id": ', 400, 'MalformedJson'],
    ['an amount of zero', request('pay-4', { payment_amount: '0' }), 422, 'PaymentInvalid'],
  ])('answers %s with a problem and starts nothing', async (_name, body, status, code) => {
    const response = await api()(post(body), context);
    expect(response.statusCode).toBe(status);
    expect(response.headers?.['content-type']).toBe('application/problem+json');
    expect(json(response)).toMatchObject({ code, status, instance: '/payments' });
    expect(await executions()).toEqual([]);
  });

  it('shows a stored transaction with its lifecycle and links, without its task token', async () => {
    await inStatus('pay-5', [TransactionStatus.Validated, TransactionStatus.Screened]);
    await store.transition('pay-5', TransactionStatus.InReview, NOW, {
      review_task_token: 'secret-token',
    });
    const response = await api()(get('pay-5'), context);
    expect(response.statusCode).toBe(200);
    expect(json(response)).toMatchObject({
      transaction_id: 'pay-5',
      status: 'IN_REVIEW',
      amount_display: '100.50 USD',
      _links: { self: { href: '/transactions/pay-5' } },
    });
    expect(response.body).not.toContain('secret-token');
  });

  it('shows a payment whose workflow has started but stored nothing yet as PENDING', async () => {
    const handler = api();
    await handler(post(request('pay-6')), context);
    const response = await handler(get('pay-6'), context);
    expect(response.statusCode).toBe(200);
    const view = json(response);
    expect(view).toMatchObject({ transaction_id: 'pay-6', status: 'PENDING' });
    expect(view['execution']).toMatchObject({ arn: expect.stringContaining(':pay-6') as unknown });
  });

  it.each([
    ['an unknown transaction', 'nobody', 404, 'NotFound'],
    ['an id that is not an execution name', 'a:b', 400, 'ValidationFailed'],
  ])('answers a lookup of %s with a problem', async (_name, id, status, code) => {
    const response = await api()(get(id), context);
    expect(response.statusCode).toBe(status);
    expect(json(response)).toMatchObject({ code });
  });

  it('notifies the customer of a completed payment again, once per Idempotency-Key', async () => {
    await inStatus('pay-7', [
      TransactionStatus.Validated,
      TransactionStatus.Screened,
      TransactionStatus.Charging,
      TransactionStatus.Charged,
      TransactionStatus.Recorded,
      TransactionStatus.Completed,
    ]);
    const handler = api();
    const first = await handler(notify('pay-7', null, { 'Idempotency-Key': 'n-1' }), context);
    expect(first.statusCode).toBe(200);
    expect(json(first)).toMatchObject({ transaction_id: 'pay-7', notified: true });
    const again = await handler(notify('pay-7', null, { 'Idempotency-Key': 'n-1' }), context);
    expect(again.headers?.['idempotent-replayed']).toBe('true');
    const actions = (await audit.list('pay-7')).map((e) => e.action);
    expect(actions.filter((a) => a === 'customer_notified_again')).toHaveLength(1);
  });

  it.each([
    ['a payment still in progress', 'pay-8', null, 409, 'Conflict'],
    ['a request with a body', 'pay-8', '{"channel":"sms"}', 400, 'ValidationFailed'],
  ])('refuses to notify about %s', async (_name, id, body, status, code) => {
    await inStatus(id, [TransactionStatus.Validated]).catch(() => undefined);
    const response = await api()(notify(id, body), context);
    expect(response.statusCode).toBe(status);
    expect(json(response)).toMatchObject({ code });
  });

  it.each([
    ['GET', '/payments', 405, 'MethodNotAllowed'],
    ['DELETE', '/transactions/{id}', 405, 'MethodNotAllowed'],
    ['GET', '/executions', 404, 'NotFound'],
  ])('answers %s %s with %i', async (method, resource, status, code) => {
    const response = await api()(
      proxyEvent({ method, resource, path: resource.replace('{id}', 'x') }),
      context,
    );
    expect(response.statusCode).toBe(status);
    expect(json(response)).toMatchObject({ code });
  });

  it("completes the review task of a payment held for review with the operator's decision", async () => {
    await inStatus('pay-9', [TransactionStatus.Validated, TransactionStatus.Screened]);
    await store.transition('pay-9', TransactionStatus.InReview, NOW, {
      review_task_token: 'token-9',
    });
    const response = await api()(
      review('pay-9', { decision: 'approve', note: 'known customer' }),
      context,
    );
    expect(response.statusCode).toBe(200);
    expect(json(response)).toEqual({ transaction_id: 'pay-9', decision: 'approve' });
  });

  it.each([
    ['a payment not in review', 'pay-10', { decision: 'approve' }, 409, 'Conflict'],
    [
      'a decision that is neither approve nor reject',
      'pay-10',
      { decision: 'maybe' },
      400,
      'ValidationFailed',
    ],
    ['an unknown transaction', 'nobody-10', { decision: 'reject' }, 404, 'NotFound'],
  ])('refuses a review of %s', async (_name, id, body, status, code) => {
    if (id === 'pay-10') await inStatus(id, [TransactionStatus.Validated]).catch(() => undefined);
    const response = await api()(review(id, body), context);
    expect(response.statusCode).toBe(status);
    expect(json(response)).toMatchObject({ code });
  });
});
