/**
 * Runs the payment workflow definition end to end on aws-local-stepfunctions (an independent
 * ASL interpreter), with the real task handlers over real SQLite adapters, to prove the data
 * flow between states: what each ResultSelector and ResultPath leaves for the next handler.
 * The engine's own end-to-end tests live with the engine.
 */
import { StateMachine } from 'aws-local-stepfunctions';
import { describe, expect, it } from 'vitest';
import type { Json, JsonObject } from '../../../src/asl/json.js';
import { isJsonObject } from '../../../src/asl/json.js';
import { DEFAULT_FRAUD_CONFIG } from '../../../src/payments/fraud.js';
import type { PaymentTaskHandler } from '../../../src/payments/handlers/task-handler.js';
import {
  createPaymentHandlers,
  loadPaymentWorkflow,
  localSubstitutions,
} from '../../../src/payments/workflow/index.js';
import type { GatewayStep } from '../handlers/fixture.js';
import { fixture, request } from '../handlers/fixture.js';

// aws-local-stepfunctions 3 calls Promise.withResolvers, which Node 22 has and Node 20 lacks.
const promiseStatics = Promise as unknown as Record<string, unknown>;
promiseStatics['withResolvers'] ??= () => {
  let resolve: unknown;
  let reject: unknown;
  const promise = new Promise((a, b) => {
    resolve = a;
    reject = b;
  });
  return { promise, resolve, reject };
};

type Definition = ConstructorParameters<typeof StateMachine>[0];
const definition = JSON.parse(
  loadPaymentWorkflow(localSubstitutions('us-east-1', '000000000000')),
) as Definition;
const RETRYING_STATES = [
  'ValidatePayment',
  'ScreenFraud',
  'RequestManualReview',
  'ResolveManualReview',
  'ChargePayment',
  'RecordTransaction',
  'NotifyCustomer',
  'RecordFailure',
  'AlertOperations',
];

interface RunOptions {
  readonly gateway?: GatewayStep[];
  readonly fraud?: Partial<typeof DEFAULT_FRAUD_CONFIG>;
  /** What the operator answers a manual review with. */
  readonly review?: JsonObject;
  readonly archiveFails?: boolean;
}

async function run(input: Json, options: RunOptions = {}) {
  const f = fixture();
  f.gateway.script.push(...(options.gateway ?? []));
  f.archive.failing = options.archiveFails ?? false;
  const handlers: Record<string, PaymentTaskHandler> = createPaymentHandlers({
    ...f.ports,
    fraud: { ...DEFAULT_FRAUD_CONFIG, ...options.fraud },
  });
  const alerts: JsonObject[] = [];
  const calls: string[] = [];
  // lambda:invoke hands the handler Parameters.Payload and wraps its result in `Payload`.
  const invoke = (state: string) => async (parameters: Json) => {
    const params = parameters as JsonObject;
    const functionArn = params['FunctionName'];
    const name = typeof functionArn === 'string' ? (functionArn.split(':').pop() ?? '') : '';
    calls.push(state);
    const handler = handlers[name];
    if (handler === undefined) throw new Error(`no handler ${name}`);
    const payload = await handler(params['Payload'] ?? {});
    return state === 'RequestManualReview'
      ? (options.review ?? { decision: 'approve', reviewer: 'alice' })
      : { Payload: payload, StatusCode: 200 };
  };
  const overrides = Object.fromEntries(
    Object.keys(definition.States)
      .filter((name) => RETRYING_STATES.includes(name) && name !== 'AlertOperations')
      .map((name) => [name, invoke(name)]),
  );
  const machine = new StateMachine(definition, { validationOptions: { checkArn: false } });
  const execution = machine.run(input, {
    context: {
      Execution: { Id: 'arn:aws:states:us-east-1:000000000000:execution:payments:TXN-001' },
      State: { EnteredTime: '2026-01-01T12:00:00.000Z' },
      Task: { Token: 'task-token-1' },
    },
    overrides: {
      taskResourceLocalHandlers: {
        ...overrides,
        AlertOperations: (parameters: Json) => {
          if (isJsonObject(parameters)) alerts.push(parameters);
          return { MessageId: 'm-1' };
        },
      },
      retryIntervalOverrides: Object.fromEntries(RETRYING_STATES.map((name) => [name, 0])),
    },
  });
  let output: Json | undefined;
  let failure: Error | undefined;
  try {
    output = await execution.result;
  } catch (error) {
    failure = error as Error;
  }
  return { f, output, failure, alerts, calls, transaction: await f.store.get('TXN-001') };
}

describe('the payment workflow, run end to end', () => {
  it('completes an approved payment: validated, screened, charged, recorded, notified', async () => {
    const r = await run(request);
    expect(r.output).toEqual({
      transaction_id: 'TXN-001',
      status: 'COMPLETED',
      amount: { amount_minor: 10050, currency: 'USD' },
      charge_id: 'ch_TXN-001',
      notified: true,
    });
    expect(r.transaction?.status).toBe('COMPLETED');
    expect((await r.f.audit.list('TXN-001')).map((e) => e.to_status ?? e.action)).toEqual([
      'VALIDATED',
      'SCREENED',
      'CHARGING',
      'CHARGED',
      'RECORDED',
      'customer_notified',
      'COMPLETED',
    ]);
    expect(r.alerts).toEqual([]);
  });

  it('accepts the minimal example request', async () => {
    const r = await run({
      transaction_id: 'TXN-001',
      payment_amount: 100.5,
      payment_method: 'credit_card',
      customer_id: 'CUST-123',
    });
    expect(r.output).toMatchObject({ status: 'COMPLETED' });
    expect(r.f.gateway.requests[0]?.paymentMethodToken).toBe('customer_default:CUST-123');
  });

  it('ends a fraud decline successfully as DECLINED, tells the customer, never charges', async () => {
    const r = await run(request, { fraud: { blockedCustomers: ['CUST-123'] } });
    expect(r.output).toMatchObject({ status: 'DECLINED', notified: true });
    expect(r.f.gateway.requests).toHaveLength(0);
    expect(r.alerts).toEqual([]);
  });

  it('ends an issuer decline as DECLINED without retrying or alerting', async () => {
    const r = await run(request, { gateway: ['decline'] });
    expect(r.output).toMatchObject({ status: 'DECLINED' });
    expect(r.f.gateway.requests).toHaveLength(1);
    expect(r.transaction).toMatchObject({ status: 'DECLINED', decline_code: 'insufficient_funds' });
    expect(r.alerts).toEqual([]);
  });

  it('ends an invalid request as REJECTED without retrying, storing or alerting', async () => {
    const r = await run({ ...request, payment_method: 'cheque' });
    expect(r.output).toMatchObject({
      status: 'REJECTED',
      error: { Error: 'Payment.ValidationFailed' },
    });
    expect(r.calls).toEqual(['ValidatePayment']);
    expect(r.transaction).toBeUndefined();
    expect(r.alerts).toEqual([]);
  });

  it('charges a payment a reviewer approves', async () => {
    const r = await run(request, { fraud: { reviewThreshold: 0 } });
    expect(r.calls).toContain('RequestManualReview');
    expect(r.output).toMatchObject({ status: 'COMPLETED' });
  });

  it('declines a payment a reviewer rejects', async () => {
    const r = await run(request, {
      fraud: { reviewThreshold: 0 },
      review: { decision: 'reject', reviewer: 'bob' },
    });
    expect(r.output).toMatchObject({ status: 'DECLINED' });
    expect(r.transaction).toMatchObject({ status: 'DECLINED', decline_code: 'review_rejected' });
    expect(r.f.gateway.requests).toHaveLength(0);
  });

  it('retries transient gateway errors and then succeeds', async () => {
    const r = await run(request, { gateway: ['transient', 'timeout-not-applied'] });
    expect(r.output).toMatchObject({ status: 'COMPLETED' });
    expect(r.calls.filter((c) => c === 'ChargePayment')).toHaveLength(3);
    expect(r.f.gateway.charges.size).toBe(1);
  });

  it('alerts operations and fails once retries are exhausted', async () => {
    const r = await run(request, {
      gateway: ['transient', 'transient', 'transient', 'transient'],
    });
    expect((r.failure?.cause as Error | undefined)?.name).toBe('Payment.Failed');
    expect(r.calls.filter((c) => c === 'ChargePayment')).toHaveLength(4);
    expect(r.alerts).toEqual([
      expect.objectContaining({
        TopicArn: 'arn:aws:sns:us-east-1:000000000000:payment-alerts',
        Message: {
          transaction_id: 'TXN-001',
          error: 'Gateway.Transient',
          cause: expect.any(String) as string,
          time: '2026-01-01T12:00:00.000Z',
          execution_arn: 'arn:aws:states:us-east-1:000000000000:execution:payments:TXN-001',
        },
      }),
    ]);
    // The charge attempts may have reached the gateway: the payment is parked, not failed.
    expect(r.transaction?.status).toBe('NEEDS_ATTENTION');
  });

  it('parks a charged payment whose recording keeps failing, and alerts', async () => {
    const r = await run(request, { archiveFails: true });
    expect((r.failure?.cause as Error | undefined)?.name).toBe('Payment.Failed');
    expect(r.transaction).toMatchObject({ status: 'NEEDS_ATTENTION', charge_id: 'ch_TXN-001' });
    expect(r.alerts).toHaveLength(1);
    expect(r.f.gateway.requests).toHaveLength(1);
  });
});
