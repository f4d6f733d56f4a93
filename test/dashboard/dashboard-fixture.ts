/**
 * A dashboard to test against: a real engine on a SQLite file (virtual clock), small workflows
 * that retry-then-catch, fail, succeed and wait for a manual review, and a Fastify app with the
 * dashboard plugin, the API's problem+json error handler, a key-per-scope `authorize` hook and an
 * in-memory audit trail.
 */
import Fastify from 'fastify';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { dashboardPlugin } from '../../src/api/dashboard/dashboard-plugin.js';
import type {
  DashboardAction,
  DashboardPluginOptions,
  DashboardScope,
} from '../../src/api/dashboard/dashboard-plugin.js';
import { ApiError, sendProblem } from '../../src/api/problem.js';
import type { Json } from '../../src/asl/json.js';
import { createTestEngine } from '../engine/harness.js';
import type { TestEngine } from '../engine/harness.js';

export const ReadKey = 'test-read-key';
export const OperateKey = 'test-operate-key';

/** Retries a transient gateway error twice, then catches it and recovers. */
export const retryThenCatchMachine = {
  Comment: 'Charge retries a transient error, then the Catch sends it to Recover',
  StartAt: 'Validate',
  States: {
    Validate: { Type: 'Task', Resource: 'ok', Next: 'Charge' },
    Charge: {
      Type: 'Task',
      Resource: 'transient',
      Retry: [{ ErrorEquals: ['Gateway.Transient'], IntervalSeconds: 2, MaxAttempts: 2 }],
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Recover' }],
      Next: 'Record',
    },
    Record: { Type: 'Task', Resource: 'ok', Next: 'Done' },
    Recover: { Type: 'Task', Resource: 'ok', Next: 'Done' },
    Done: { Type: 'Succeed' },
  },
};

/** Fails at Charge with no Catch. */
export const failingMachine = {
  StartAt: 'Validate',
  States: {
    Validate: { Type: 'Task', Resource: 'ok', Next: 'Charge' },
    Charge: { Type: 'Task', Resource: 'fatal', End: true },
  },
};

/** Screens, waits for a reviewer's decision on a callback task, then charges or declines. */
export const reviewMachine = {
  StartAt: 'ScreenFraud',
  States: {
    ScreenFraud: { Type: 'Task', Resource: 'ok', ResultPath: null, Next: 'RequestManualReview' },
    RequestManualReview: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Parameters: {
        FunctionName: 'requestReview',
        Payload: { 'TaskToken.$': '$$.Task.Token', 'payment.$': '$.payment' },
      },
      ResultPath: '$.review',
      Next: 'ReviewDecision',
    },
    ReviewDecision: {
      Type: 'Choice',
      Choices: [{ Variable: '$.review.decision', StringEquals: 'approve', Next: 'ChargePayment' }],
      Default: 'Declined',
    },
    ChargePayment: { Type: 'Task', Resource: 'ok', Next: 'Charged' },
    Charged: { Type: 'Succeed' },
    Declined: { Type: 'Succeed' },
  },
};

function transientError(): Error {
  const error = new Error('gateway busy');
  error.name = 'Gateway.Transient';
  return error;
}

export interface AuditEntry {
  action: DashboardAction;
  details: Record<string, Json>;
}

export interface DashboardFixture {
  engine: TestEngine;
  app: FastifyInstance;
  audit: AuditEntry[];
  /** Creates the three test machines; returns their ARNs. */
  machines: { retryCatch: string; failing: string; review: string };
  /** Resolves once the execution's review task was invoked (its wait is then committed). */
  reviewRequested(executionName: string): Promise<void>;
  /** Starts an execution and, unless `wait` is false, waits for it to close. */
  run(machineArn: string, input?: unknown, name?: string, wait?: boolean): Promise<string>;
  close(): Promise<void>;
}

const scopes: Readonly<Record<string, readonly DashboardScope[]>> = {
  [ReadKey]: ['read'],
  [OperateKey]: ['read', 'operate'],
};

/** A simple `authorize`: a bearer key per scope; the actor is named after the key. */
export function testAuthorize(request: FastifyRequest, scope: DashboardScope): string {
  const header = request.headers.authorization;
  const key = header?.startsWith('Bearer ') ? header.slice('Bearer '.length) : undefined;
  if (key === undefined) throw new ApiError('Unauthenticated', 'Send an API key.');
  const allowed = scopes[key];
  if (!allowed) throw new ApiError('Unauthenticated', 'The API key is not valid.');
  if (!allowed.includes(scope)) throw new ApiError('Forbidden', `This needs the ${scope} scope.`);
  return key === OperateKey ? 'alice' : 'reader';
}

export async function createDashboardFixture(
  extra: Partial<DashboardPluginOptions> = {},
): Promise<DashboardFixture> {
  const requested = new Map<string, { promise: Promise<void>; resolve: () => void }>();
  const signal = (name: string) => {
    let entry = requested.get(name);
    if (!entry) {
      let resolve = () => undefined as void;
      const promise = new Promise<void>((done) => {
        resolve = done;
      });
      entry = { promise, resolve };
      requested.set(name, entry);
    }
    return entry;
  };
  const engine = createTestEngine({
    handlers: {
      ok: (input) => input,
      transient: () => {
        throw transientError();
      },
      fatal: () => {
        const error = new Error('card processor rejected the request');
        error.name = 'Gateway.Fatal';
        throw error;
      },
      // The payment workflow's functions, as far as a run whose charge keeps failing needs them.
      'validate-payment': (input) => ({
        transaction_id: 'TXN-PAY-1',
        ...(typeof input === 'object' && input !== null && !Array.isArray(input) ? input : {}),
      }),
      'screen-fraud': () => ({ outcome: 'approve', score: 12, rules: [] }),
      'charge-payment': () => {
        throw transientError();
      },
      'record-failure': () => ({ status: 'NEEDS_ATTENTION', needs_attention: true }),
      requestReview: (_input, context) => {
        signal(context.executionName).resolve();
        return { status: 'IN_REVIEW' };
      },
    },
    sns: { publish: () => Promise.resolve({ MessageId: 'alert-1' }) },
  });
  const audit: AuditEntry[] = [];
  const app = Fastify();
  app.setErrorHandler((error, request, reply) => sendProblem(error, request, reply));
  await app.register(dashboardPlugin, {
    control: engine.control,
    engine: engine.engine,
    authorize: testAuthorize,
    audit: (action, details) => {
      audit.push({ action, details });
    },
    ...extra,
  });
  await app.ready();

  const create = (name: string, definition: object) =>
    engine.control.createStateMachine({ name, definition: JSON.stringify(definition) })
      .stateMachineArn;
  const machines = {
    retryCatch: create('RetryThenCatch', retryThenCatchMachine),
    failing: create('Failing', failingMachine),
    review: create('ManualReview', reviewMachine),
  };
  return {
    engine,
    app,
    audit,
    machines,
    reviewRequested: (executionName) => signal(executionName).promise,
    async run(machineArn, input = {}, name, wait = true) {
      const { executionArn } = await engine.control.startExecution({
        stateMachineArn: machineArn,
        input: JSON.stringify(input),
        ...(name === undefined ? {} : { name }),
      });
      if (wait) await engine.engine.waitForExecution(executionArn);
      return executionArn;
    },
    async close() {
      await app.close();
      await engine.close();
    },
  };
}
