/**
 * The HTTP API as a Fastify app built from its dependencies: authentication and rate limiting,
 * request validation from the JSON Schemas in ./schemas, one error mapper (RFC 9457), the routes,
 * and the OpenAPI document generated from the route schemas with interactive docs at `/docs`.
 * It creates no adapters: src/main.ts does, and hands them in.
 */
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { LogController } from 'fastify';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { IdempotencyStore } from '../adapters/sqlite/sqlite-idempotency.js';
import type { StepFunctionsControl } from '../engine/control.js';
import type { AlarmStatus } from '../ops/alarm-monitor.js';
import type { AuditLog } from '../payments/ports/audit-log.js';
import type { MessageQueue } from '../payments/ports/queue.js';
import type { TransactionStore } from '../payments/ports/transaction-store.js';
import type { ApiKeys } from './api-keys.js';
import { callerOf, installAuth } from './auth.js';
import { dashboardPlugin } from './dashboard/dashboard-plugin.js';
import type { PaymentOperations } from './payment-operations.js';
import { parseStrictJson } from './strict-json.js';
import { ApiError, sendProblem } from './problem.js';
import { RateLimiter } from './rate-limiter.js';
import { apiKeyRoutes } from './routes/api-keys.js';
import { deadLetterRoutes } from './routes/dead-letters.js';
import { executionRoutes } from './routes/executions.js';
import type { Readiness } from './routes/health.js';
import { healthRoutes } from './routes/health.js';
import { metricsRoutes } from './routes/metrics.js';
import { paymentRoutes } from './routes/payments.js';
import { transactionRoutes } from './routes/transactions.js';
import { webhookRoutes } from './routes/webhooks.js';
import { SIGNATURE_HEADER } from './webhook-signature.js';
import type { TransactionQueries } from './transaction-queries.js';
import type { WebhookEventLog } from './webhooks/webhook-event-log.js';

export interface ApiDeps {
  control: StepFunctionsControl;
  stateMachineArn: string;
  operations: PaymentOperations;
  store: TransactionStore;
  audit: AuditLog;
  queries: TransactionQueries;
  apiKeys: ApiKeys;
  idempotency: IdempotencyStore;
  queue: MessageQueue;
  events: WebhookEventLog;
  readiness: Readiness;
  clock: { now(): number };
  webhook: { secrets: readonly string[]; toleranceSeconds: number };
  limits: { bodyLimitBytes: number; rateLimitPerSecond: number; rateLimitBurst: number };
  /** A pino logger; secrets, keys and signatures are redacted from its request records. */
  logger: FastifyBaseLogger;
  /**
   * Operations: the Prometheus registry served at `/metrics` and the alarm states the dashboard
   * shows. @default neither route nor alarm panel
   */
  ops?: { registry: Registry; alarms: { states(): AlarmStatus[] } };
}

/** The log levels at which an `info` record is written. */
const LEVELS_LOGGING_INFO: ReadonlySet<string> = new Set(['info', 'debug', 'trace']);

/** The paths the docs live under; public, like health. */
const DOCS_PREFIX = '/docs';

/**
 * Builds the app (not listening). Call `ready()` or `listen()` on it; `inject()` for tests.
 * @example const app = await buildApi(deps); await app.listen({ port: 8080, host: '127.0.0.1' });
 */
export async function buildApi(deps: ApiDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger,
    // Fastify's own per-request lines would log URLs with query strings and, on errors, more;
    // the onResponse hook below logs what is safe.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: deps.limits.bodyLimitBytes,
    // Execution ARNs in paths are longer than Fastify's default limit of 100 characters.
    routerOptions: { maxParamLength: 2048 },
    return503OnClosing: true,
    ajv: {
      customOptions: {
        // Refuse what the schema does not allow rather than quietly dropping or converting it:
        // "100.50" must not turn into a float, and an unknown field is an error.
        removeAdditional: false,
        coerceTypes: false,
        useDefaults: false,
        allErrors: true,
        // payment_amount is a number or a decimal string: a union type, valid draft-04.
        allowUnionTypes: true,
      },
    },
  });

  app.setErrorHandler((error, request, reply) => sendProblem(error, request, reply));
  // JSON bodies are read strictly (valid UTF-8, unique member names): see strict-json.ts. The
  // webhook route replaces this parser with its own, which verifies the signature first.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => {
    try {
      done(null, parseStrictJson(body as Buffer));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      new ApiError('NotFound', `No route ${request.method} ${request.url.split('?')[0] ?? ''}.`),
      request,
      reply,
    ),
  );
  // A callback hook (no promise per request), and the record is only built when it is logged.
  app.addHook('onResponse', (request, reply, done) => {
    if (LEVELS_LOGGING_INFO.has(request.log.level)) {
      request.log.info(
        {
          method: request.method,
          route: request.routeOptions.url ?? 'unmatched',
          status: reply.statusCode,
          ms: Math.round(reply.elapsedTime * 100) / 100,
          api_key_id: request.apiKey?.id,
        },
        'request',
      );
    }
    done();
  });

  await app.register(swagger, {
    openapi: {
      // 3.1: its schemas are JSON Schema, so `type: ['number', 'string']` is valid there.
      openapi: '3.1.0',
      info: {
        title: 'paystep API',
        version: '0.1.0',
        description:
          'Submit payments, receive provider webhooks, follow transactions and operate workflows. Errors are RFC 9457 problem+json.',
      },
      components: {
        securitySchemes: {
          apiKey: {
            type: 'http',
            scheme: 'bearer',
            description: 'Authorization: Bearer ps_<scope>_...',
          },
          webhookSignature: { type: 'apiKey', in: 'header', name: SIGNATURE_HEADER },
        },
      },
      security: [{ apiKey: [] }],
    },
  });
  // Docs routes are registered by the plugin, without our access config: they are public.
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith(DOCS_PREFIX)) route.config = { ...route.config, access: 'public' };
  });
  await app.register(swaggerUi, { routePrefix: DOCS_PREFIX });

  const rateLimiter = new RateLimiter({
    perSecond: deps.limits.rateLimitPerSecond,
    burst: deps.limits.rateLimitBurst,
    now: () => deps.clock.now(),
  });
  installAuth(app, { apiKeys: deps.apiKeys, rateLimiter });

  await app.register(healthRoutes(deps.readiness));
  await app.register(paymentRoutes({ operations: deps.operations, idempotency: deps.idempotency }));
  await app.register(
    webhookRoutes({
      queue: deps.queue,
      events: deps.events,
      secrets: deps.webhook.secrets,
      toleranceSeconds: deps.webhook.toleranceSeconds,
      clock: deps.clock,
      bodyLimitBytes: deps.limits.bodyLimitBytes,
    }),
  );
  await app.register(
    transactionRoutes({
      operations: deps.operations,
      control: deps.control,
      store: deps.store,
      audit: deps.audit,
      queries: deps.queries,
      idempotency: deps.idempotency,
    }),
  );
  await app.register(
    executionRoutes({ control: deps.control, stateMachineArn: deps.stateMachineArn }),
  );
  await app.register(deadLetterRoutes(deps.queue));
  await app.register(apiKeyRoutes(deps.apiKeys));
  if (deps.ops) await app.register(metricsRoutes(deps.ops.registry));
  // The operator dashboard at `/`: its routes declare their scope and the auth hook enforces it.
  await app.register(dashboardPlugin, {
    control: deps.control,
    engine: deps.control.engine,
    authorize: (request) => `key:${callerOf(request).name}`,
    audit: (action, details) =>
      deps.logger.info({ audit: true, action, ...details }, 'operator action'),
    queue: deps.queue,
    transactions: { queries: deps.queries, store: deps.store, audit: deps.audit },
    ...(deps.ops ? { alarms: deps.ops.alarms } : {}),
  });
  return app;
}
