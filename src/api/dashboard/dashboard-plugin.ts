/**
 * The operator dashboard as a Fastify plugin: the static page at `/` (assets under
 * `/dashboard/static/`) and the JSON it reads under `/dashboard/api/` — the overview, a filtered
 * and paginated executions list, one execution with its definition, history and the path derived
 * from it, callback tasks waiting for a reviewer — and the operator actions (stop, redrive,
 * approve or reject a manual review). Every API route asks the injected `authorize` hook for its
 * scope (`read` or `operate`) and every action is written through the injected `audit` hook.
 * It builds nothing itself: the engine, control plane and optional ops sources come in as options.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Json } from '../../asl/json.js';
import type { StepFunctionsControl } from '../../engine/control.js';
import type { Engine } from '../../engine/engine.js';
import type { ExecutionStatus } from '../../engine/store.js';
import type { AlarmStatus } from '../../ops/alarm-monitor.js';
import { ApiError } from '../problem.js';
import { DashboardQueries, ExecutionStatuses } from './dashboard-queries.js';
import { executionPath } from './execution-path.js';
import { defaultWebRoot, loadStaticFiles } from './static-files.js';
import { registerTransactionRoutes } from './transaction-routes.js';
import type { DashboardTransactionPorts } from './transaction-routes.js';

/** What a dashboard route needs: reading, or acting on executions. */
export const DashboardScope = { Read: 'read', Operate: 'operate' } as const;
export type DashboardScope = (typeof DashboardScope)[keyof typeof DashboardScope];

export const DashboardAction = {
  Stop: 'dashboard.execution.stop',
  Redrive: 'dashboard.execution.redrive',
  ReviewApprove: 'dashboard.review.approve',
  ReviewReject: 'dashboard.review.reject',
  DeadLetterReplay: 'dashboard.dead-letters.replay',
} as const;
export type DashboardAction = (typeof DashboardAction)[keyof typeof DashboardAction];

export type ReviewDecision = 'approve' | 'reject';

export interface QueueDepth {
  visible: number;
  inFlight: number;
  delayed: number;
  deadLetters: number;
}

export interface DashboardPluginOptions {
  control: StepFunctionsControl;
  engine: Engine;
  /**
   * Decides whether the request may use a route of `scope`; throws (e.g. an `ApiError` with code
   * `Forbidden` or `Unauthenticated`) to refuse. Returns who is acting, for the audit record.
   */
  authorize: (
    request: FastifyRequest,
    scope: DashboardScope,
  ) => Promise<string | undefined> | string | undefined;
  /** Records an operator action (called once per attempt, with its outcome). */
  audit: (action: DashboardAction, details: Record<string, Json>) => Promise<void> | void;
  /** Alarm states for the overview. @default not shown */
  alarms?: { states(): AlarmStatus[] };
  /** Queue and dead-letter depth for the overview, and dead-letter replay. @default not shown */
  queue?: {
    depth(): Promise<QueueDepth>;
    replayDeadLetters?(messageIds?: readonly string[]): Promise<number>;
  };
  /**
   * The payload of SendTaskSuccess for a review decision. The default,
   * `{"decision":"approve"|"reject","reviewer":actor}`, is what the payment workflow's
   * ResolveManualReview reads: a rejection is a business decision, not a task failure.
   */
  reviewOutput?: (decision: ReviewDecision, actor: string, note: string | undefined) => Json;
  /**
   * The transaction store, its list queries and the audit log, for the Transactions pages
   * (search by id or customer, lifecycle, audit trail, notifications). @default not shown
   */
  transactions?: DashboardTransactionPorts;
  /** Where the static files are. @default the repository's web/ folder */
  webRoot?: string;
}

const windows: Readonly<Record<string, { span: number; bucket: number }>> = {
  '1h': { span: 3_600_000, bucket: 60_000 },
  '6h': { span: 6 * 3_600_000, bucket: 5 * 60_000 },
  '24h': { span: 24 * 3_600_000, bucket: 30 * 60_000 },
  '7d': { span: 7 * 24 * 3_600_000, bucket: 6 * 3_600_000 },
};

/**
 * The page loads only its own files and talks only to its own origin: no inline script, nothing
 * from the internet, and it may not be framed (an operator's clicks cannot be hijacked).
 */
const contentSecurityPolicy =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/** Most history events one execution page shows; longer histories say they were cut. */
const maxEvents = 2000;

/**
 * The execution an endpoint is about, in the query string: ARNs run past Fastify's default
 * limit on a path parameter (100 characters) once names are UUIDs.
 */
const arnQuery = {
  type: 'object',
  required: ['arn'],
  additionalProperties: false,
  properties: { arn: { type: 'string', pattern: '^arn:aws[\\w-]*:states:', maxLength: 2048 } },
} as const;

const confirmBody = {
  type: 'object',
  required: ['confirm'],
  additionalProperties: false,
  properties: {
    confirm: { const: true },
    cause: { type: 'string', maxLength: 256 },
  },
} as const;

/**
 * Registers the dashboard. Register it at the root prefix so the page is served at `/`.
 * @example await app.register(dashboardPlugin, { control, engine, authorize, audit });
 */
export function dashboardPlugin(
  app: FastifyInstance,
  options: DashboardPluginOptions,
  done: (error?: Error) => void,
): void {
  const { control, engine } = options;
  const queries = new DashboardQueries(engine.store.db, engine.region, engine.accountId);
  const files = loadStaticFiles(options.webRoot ?? defaultWebRoot());
  const reviewOutput =
    options.reviewOutput ??
    ((decision: ReviewDecision, actor: string, note: string | undefined): Json => ({
      decision,
      reviewer: actor,
      ...(note === undefined ? {} : { note }),
    }));

  const authorized = async (request: FastifyRequest, scope: DashboardScope) =>
    (await options.authorize(request, scope)) ?? 'operator';

  const serve = (name: string) => {
    const file = files.get(name);
    if (!file) throw new ApiError('NotFound', 'No such dashboard file.');
    return file;
  };
  app.get('/', { config: { access: 'public' }, schema: { hide: true } }, (_request, reply) => {
    const file = serve('index.html');
    return reply
      .type(file.contentType)
      .header('cache-control', 'no-cache')
      .header('content-security-policy', contentSecurityPolicy)
      .header('x-content-type-options', 'nosniff')
      .send(file.body);
  });
  app.get<{ Params: { file: string } }>(
    '/dashboard/static/:file',
    { config: { access: 'public' }, schema: { hide: true } },
    (request, reply) => {
      const file = serve(request.params.file);
      return reply
        .type(file.contentType)
        .header('cache-control', 'no-cache')
        .header('x-content-type-options', 'nosniff')
        .send(file.body);
    },
  );

  app.get<{ Querystring: { window?: string } }>(
    '/dashboard/api/overview',
    {
      config: { access: 'read' },
      schema: {
        hide: true,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { window: { type: 'string', enum: Object.keys(windows) } },
        },
      },
    },
    async (request) => {
      await authorized(request, DashboardScope.Read);
      const window = windows[request.query.window ?? '24h'] ?? { span: 0, bucket: 1 };
      const now = engine.clock.now();
      // Whole buckets, so a bucket's count does not change as `now` moves within it.
      const to = Math.floor(now / window.bucket) * window.bucket + window.bucket;
      const from = to - window.span;
      const { timeline, latency } = queries.window(from, to, window.bucket);
      const started = timeline.reduce((sum, b) => sum + b.started, 0);
      const failed = timeline.reduce((sum, b) => sum + b.failed, 0);
      const succeeded = timeline.reduce((sum, b) => sum + b.succeeded, 0);
      return {
        now,
        window: { from, to, bucketMs: window.bucket },
        statusCounts: queries.statusCounts(),
        totals: {
          started,
          succeeded,
          failed,
          failureRate: succeeded + failed === 0 ? null : failed / (succeeded + failed),
        },
        timeline,
        latency,
        waitingReviews: queries.waitingTaskCount(),
        ...(options.alarms ? { alarms: options.alarms.states() } : {}),
        ...(options.queue ? { queue: await options.queue.depth() } : {}),
        features: {
          deadLetterReplay: options.queue?.replayDeadLetters !== undefined,
          transactions: options.transactions !== undefined,
        },
      };
    },
  );

  app.get<{
    Querystring: {
      status?: ExecutionStatus;
      from?: string;
      to?: string;
      id?: string;
      limit?: string;
      cursor?: string;
    };
  }>(
    '/dashboard/api/executions',
    {
      config: { access: 'read' },
      schema: {
        hide: true,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            status: { type: 'string', enum: [...ExecutionStatuses] },
            from: { type: 'string', maxLength: 40 },
            to: { type: 'string', maxLength: 40 },
            id: { type: 'string', minLength: 1, maxLength: 2048 },
            limit: { type: 'string', pattern: '^[1-9][0-9]{0,2}$' },
            cursor: { type: 'string', maxLength: 256 },
          },
        },
      },
    },
    async (request) => {
      await authorized(request, DashboardScope.Read);
      const query = request.query;
      const limit = query.limit === undefined ? 50 : Number(query.limit);
      if (limit > 200) throw new ApiError('ValidationFailed', 'limit must be from 1 to 200.');
      const from = instant(query.from, 'from');
      const to = instant(query.to, 'to');
      // A foreign cursor throws InvalidCursorError, which the API's error mapper answers with 400.
      return queries.listExecutions({
        limit,
        ...(query.status === undefined ? {} : { status: query.status }),
        ...(from === undefined ? {} : { from }),
        ...(to === undefined ? {} : { to }),
        ...(query.id === undefined ? {} : { id: query.id.trim() }),
        ...(query.cursor === undefined ? {} : { cursor: query.cursor }),
      });
    },
  );

  app.get<{ Querystring: { arn: string } }>(
    '/dashboard/api/execution',
    { config: { access: 'read' }, schema: { hide: true, querystring: arnQuery } },
    async (request) => {
      await authorized(request, DashboardScope.Read);
      const arn = request.query.arn;
      const execution = control.describeExecution(arn);
      const machine = control.describeStateMachineForExecution(arn);
      const events = control.history(arn);
      const path = executionPath(events, execution.status);
      return {
        execution,
        definition: machine.definition,
        stateMachineName: machine.name,
        states: path.states,
        steps: path.steps,
        events: events.slice(0, maxEvents),
        eventCount: events.length,
        waitingForReview: queries.waitingToken(arn) !== undefined,
      };
    },
  );

  app.get<{ Querystring: { limit?: string } }>(
    '/dashboard/api/reviews',
    {
      config: { access: 'read' },
      schema: {
        hide: true,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { limit: { type: 'string', pattern: '^[1-9][0-9]{0,2}$' } },
        },
      },
    },
    async (request) => {
      await authorized(request, DashboardScope.Read);
      const limit = Math.min(Number(request.query.limit ?? '100'), 500);
      return { items: queries.waitingTasks(limit), total: queries.waitingTaskCount() };
    },
  );

  /** Runs one operator action: authorize, act, and audit the attempt whatever its outcome. */
  const act = async <T>(
    request: FastifyRequest,
    action: DashboardAction,
    details: Record<string, Json>,
    run: (actor: string) => Promise<T>,
  ): Promise<T> => {
    const actor = await authorized(request, DashboardScope.Operate);
    let result: T;
    try {
      result = await run(actor);
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      await options.audit(action, {
        ...details,
        actor,
        outcome: 'failed',
        error: typeof code === 'string' ? code : 'Internal',
      });
      throw error;
    }
    // Outside the try: an audit failure after the action must not be recorded as a failed action.
    await options.audit(action, { ...details, actor, outcome: 'succeeded' });
    return result;
  };

  app.post<{ Querystring: { arn: string }; Body: { confirm: true; cause?: string } }>(
    '/dashboard/api/execution/stop',
    {
      config: { access: 'operate' },
      schema: { hide: true, querystring: arnQuery, body: confirmBody },
    },
    (request) =>
      act(request, DashboardAction.Stop, { executionArn: request.query.arn }, async (actor) => {
        const { stopDate } = await control.stopExecution({
          executionArn: request.query.arn,
          error: 'Operator.Stopped',
          cause: request.body.cause ?? `Stopped from the dashboard by ${actor}`,
        });
        return { stopDate };
      }),
  );

  app.post<{ Querystring: { arn: string }; Body: { confirm: true } }>(
    '/dashboard/api/execution/redrive',
    {
      config: { access: 'operate' },
      schema: { hide: true, querystring: arnQuery, body: confirmBody },
    },
    (request) =>
      act(request, DashboardAction.Redrive, { executionArn: request.query.arn }, async () => {
        const { redriveDate } = await control.redriveExecution(request.query.arn);
        return { redriveDate };
      }),
  );

  app.post<{
    Querystring: { arn: string };
    Body: { confirm: true; decision: ReviewDecision; note?: string };
  }>(
    '/dashboard/api/execution/review',
    {
      config: { access: 'operate' },
      schema: {
        hide: true,
        querystring: arnQuery,
        body: {
          type: 'object',
          required: ['confirm', 'decision'],
          additionalProperties: false,
          properties: {
            confirm: { const: true },
            decision: { type: 'string', enum: ['approve', 'reject'] },
            note: { type: 'string', maxLength: 500 },
          },
        },
      },
    },
    (request) => {
      const { decision, note } = request.body;
      const arn = request.query.arn;
      return act(
        request,
        decision === 'approve' ? DashboardAction.ReviewApprove : DashboardAction.ReviewReject,
        { executionArn: arn, ...(note === undefined ? {} : { note }) },
        async (actor) => {
          const token = queries.waitingToken(arn);
          if (token === undefined) {
            throw new ApiError('Conflict', 'This execution is not waiting for a review.');
          }
          await engine.sendTaskSuccess(token, JSON.stringify(reviewOutput(decision, actor, note)));
          return { decision };
        },
      );
    },
  );

  if (options.transactions) {
    registerTransactionRoutes(app, {
      ports: options.transactions,
      control,
      queries,
      authorizeRead: (request) => authorized(request, DashboardScope.Read),
    });
  }

  const queue = options.queue;
  const replay = queue?.replayDeadLetters?.bind(queue);
  if (replay) {
    app.post<{ Body: { confirm: true } }>(
      '/dashboard/api/dead-letters/replay',
      { config: { access: 'operate' }, schema: { hide: true, body: confirmBody } },
      (request) =>
        act(request, DashboardAction.DeadLetterReplay, {}, async () => ({
          replayed: await replay(),
        })),
    );
  }
  done();
}

function instant(value: string | undefined, name: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (Number.isNaN(ms)) throw new ApiError('ValidationFailed', `${name} must be a date-time.`);
  return ms;
}
