/**
 * Wiring: the only place adapters are chosen and created. `createPaystep(config)` opens the
 * SQLite file, builds the payment ports on it, the durable engine with the payment workflow
 * registered, the webhook queue and its consumer, operations (metrics from the engine's history,
 * alarms on the clock, alerts to the configured sinks) and the HTTP API; `start()` recovers and
 * listens, `close()` shuts down gracefully. `paystep start` and the tests use it alike.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import type { Logger } from 'pino';
import { JsonlTransactionArchive } from './adapters/archive/jsonl-transaction-archive.js';
import { SimulatedGateway } from './adapters/gateway/simulated-gateway.js';
import { SqliteApiKeys } from './adapters/sqlite/sqlite-api-keys.js';
import { SqliteAuditLog } from './adapters/sqlite/sqlite-audit-log.js';
import { SqliteIdempotency } from './adapters/sqlite/sqlite-idempotency.js';
import { SqliteOutboxNotifier } from './adapters/sqlite/sqlite-outbox-notifier.js';
import { SqliteQueue } from './adapters/sqlite/sqlite-queue.js';
import { SqliteTransactionStore } from './adapters/sqlite/sqlite-transaction-store.js';
import { ApiKeys } from './api/api-keys.js';
import { buildApi } from './api/app.js';
import { PaymentOperations } from './api/payment-operations.js';
import { SqliteTransactionQueries } from './api/transaction-queries.js';
import { WebhookConsumer } from './api/webhooks/webhook-consumer.js';
import {
  DEFAULT_EVENT_RETENTION_MS,
  SqliteWebhookEventLog,
} from './api/webhooks/webhook-event-log.js';
import type { Json, JsonObject } from './asl/json.js';
import type { PaystepConfig } from './config.js';
import type { Clock } from './engine/clock.js';
import { RealClock } from './engine/clock.js';
import { StepFunctionsControl } from './engine/control.js';
import { Engine } from './engine/engine.js';
import type { SnsPublisher } from './engine/resources.js';
import { defaultAlarms } from './ops/alarm-definitions.js';
import { EmailAlertSink, smtpAlertTransport } from './ops/alert-sinks/email-sink.js';
import { LogAlertSink } from './ops/alert-sinks/log-sink.js';
import { WebhookAlertSink } from './ops/alert-sinks/webhook-sink.js';
import type { AlertSink } from './ops/alerts.js';
import { OpsRuntime } from './ops/ops-runtime.js';
import { paymentFinishedOf, timedGateway } from './ops/payment-metrics.js';
import { PublisherAlertTopic } from './ops/publisher-alert-topic.js';
import type { AlertTopic } from './payments/ports/alert-topic.js';
import type { PaymentGateway } from './payments/ports/gateway.js';
import type { MessageQueue } from './payments/ports/queue.js';
import {
  PaymentFunctionName,
  createPaymentHandlers,
  loadPaymentWorkflow,
  localSubstitutions,
} from './payments/workflow/index.js';
import type { SqliteDatabase } from './sqlite/database.js';
import { openDatabase } from './sqlite/database.js';

/** The payment workflow's state machine name. */
export const PAYMENT_STATE_MACHINE = 'payment-workflow';
/** The webhook queue's name in the SQLite file. */
export const WEBHOOK_QUEUE = 'payment-webhooks';
/** The file in the data directory holding the webhook secrets, one a line, newest first. */
export const WEBHOOK_SECRETS_FILE = 'webhook-secrets';

export interface PaystepOverrides {
  /** @default RealClock */
  clock?: Clock;
  /** @default a pino logger at config.logLevel, to stderr */
  logger?: Logger;
  /** @default SimulatedGateway with its ledger in the SQLite file */
  gateway?: PaymentGateway;
  /** The webhook queue. @default SqliteQueue (group-committed, durable) */
  queue?: MessageQueue;
  /** Run the webhook consumer. @default true */
  consumer?: boolean;
  /** Where first-start credentials are shown, once. @default stderr */
  announce?: (lines: readonly string[]) => void;
}

export interface Paystep {
  readonly config: PaystepConfig;
  readonly db: SqliteDatabase;
  readonly clock: Clock;
  readonly engine: Engine;
  readonly control: StepFunctionsControl;
  readonly stateMachineArn: string;
  readonly queue: MessageQueue;
  readonly consumer: WebhookConsumer;
  readonly apiKeys: ApiKeys;
  readonly operations: PaymentOperations;
  readonly app: FastifyInstance;
  readonly webhookSecrets: readonly string[];
  readonly logger: Logger;
  /** Metrics (also at `/metrics`), the alarm monitor and the alert publisher. */
  readonly ops: OpsRuntime;
  /** Recovers what a previous process left (executions, queued events) and starts listening. */
  start(): Promise<{ url: string }>;
  /** Stops accepting, finishes or durably parks what is in flight, closes the store. */
  close(): Promise<void>;
}

/**
 * Builds paystep from its configuration.
 * @example
 * const paystep = await createPaystep(loadConfig());
 * const { url } = await paystep.start();
 */
export async function createPaystep(
  config: PaystepConfig,
  overrides: PaystepOverrides = {},
): Promise<Paystep> {
  if (config.dbFile !== ':memory:') mkdirSync(config.dataDir, { recursive: true });
  const logger =
    overrides.logger ??
    pino(
      {
        level: config.logLevel,
        redact: {
          paths: [
            'req.headers.authorization',
            'req.headers["paystep-signature"]',
            '*.secret',
            '*.key',
          ],
          censor: '[redacted]',
        },
      },
      pino.destination(2),
    );
  const announce = overrides.announce ?? ((lines) => process.stderr.write(`${lines.join('\n')}\n`));
  const clock = overrides.clock ?? new RealClock();
  const db = openDatabase(config.dbFile, { synchronous: config.synchronous });

  const store = new SqliteTransactionStore(db);
  const audit = new SqliteAuditLog(db);
  const notifier = new SqliteOutboxNotifier(db);
  // Operations is built right after the engine, because its alarms name the engine's state
  // machine; the engine, the gateway and the workflow's alert topic report to it through these
  // closures, which nothing calls before `start()`.
  // eslint-disable-next-line prefer-const -- assigned once, after the engine; read only later
  let ops!: OpsRuntime;
  const gateway = timedGateway(
    overrides.gateway ??
      new SimulatedGateway({
        now: () => clock.now(),
        delay: (ms) => clock.sleep(ms),
        db,
        declineRate: config.gatewayDeclineRate,
      }),
    { gatewayCalled: (operation, ms) => ops.metrics.gatewayCalled(operation, ms) },
    () => clock.now(),
  );
  const archive = new JsonlTransactionArchive(join(config.dataDir, 'archive'));
  const alerts = new PublisherAlertTopic({ publish: (alert) => ops.publisher.publish(alert) });
  const handlers = createPaymentHandlers({ store, audit, gateway, notifier, archive, clock });

  const engine = new Engine({
    db,
    clock,
    resources: { handlers, sns: snsToAlertTopic(alerts, clock) },
    onError: (error) => logger.error({ err: error }, 'engine error'),
    onEvents: (executionArn, machineArn, events) =>
      ops.history.onEvents(executionArn, machineArn, events),
  });
  const control = new StepFunctionsControl(engine);
  const stateMachineArn = registerPaymentWorkflow(control, engine);
  ops = new OpsRuntime({
    db,
    now: () => clock.now(),
    schedule: (delayMs, fn) => clock.schedule(clock.now() + delayMs, fn),
    delay: (ms) => clock.sleep(ms),
    alarms: defaultAlarms({
      stateMachineName: PAYMENT_STATE_MACHINE,
      stateMachineArn,
      functionNames: Object.values(PaymentFunctionName),
    }),
    sinks: alertSinks(config, logger),
    alertMaxAttempts: config.alertMaxAttempts,
    lookup: (executionArn) => {
      const { startDate, input } = control.describeExecution(executionArn);
      return { startDate, input: JSON.parse(input) as Json };
    },
    onClosed: (closed, metrics) => {
      if (closed.stateMachineArn !== stateMachineArn) return;
      const payment = paymentFinishedOf(closed);
      if (payment) metrics.paymentFinished(payment);
    },
    log: logger,
  });

  const queue =
    overrides.queue ??
    new SqliteQueue({
      db,
      name: WEBHOOK_QUEUE,
      clock,
      setTimer: (delayMs, callback) => clock.schedule(clock.now() + delayMs, callback),
      visibilityTimeoutSeconds: config.queueVisibilitySeconds,
      maxReceiveCount: config.queueMaxReceiveCount,
      onDeadLetter: (letter) =>
        logger.warn(
          { message_id: letter.messageId, reason: letter.reason, error: letter.lastError?.code },
          'webhook event moved to the dead-letter queue',
        ),
    });
  const events = new SqliteWebhookEventLog(db);
  const idempotency = new SqliteIdempotency({ db, clock });
  const apiKeys = new ApiKeys({ store: new SqliteApiKeys(db), clock });
  const operations = new PaymentOperations({
    control,
    stateMachineArn,
    store,
    audit,
    notifier,
    clock,
  });
  const consumer = new WebhookConsumer({
    queue,
    events,
    operations,
    store,
    audit,
    clock,
    sleep: (ms) => clock.sleep(ms),
    log: logger,
  });

  const webhookSecrets = await bootstrapCredentials(config, apiKeys, announce);
  let accepting = false;
  let engineRunning = false;
  const app = await buildApi({
    control,
    stateMachineArn,
    operations,
    store,
    audit,
    queries: new SqliteTransactionQueries(db),
    apiKeys,
    idempotency,
    queue,
    events,
    clock,
    logger,
    webhook: { secrets: webhookSecrets, toleranceSeconds: config.webhookToleranceSeconds },
    ops: { registry: ops.registry, alarms: ops.monitor },
    limits: {
      bodyLimitBytes: config.bodyLimitBytes,
      rateLimitPerSecond: config.rateLimitPerSecond,
      rateLimitBurst: config.rateLimitBurst,
    },
    readiness: {
      checks: () => ({
        accepting,
        engine: engineRunning,
        consumer: overrides.consumer === false || consumer.running,
        store: storeAnswers(db),
      }),
    },
  });

  let cancelHousekeeping: (() => void) | undefined;
  const housekeeping = () => {
    void idempotency
      .purgeExpired()
      .catch((error: unknown) => logger.warn({ err: error }, 'purge failed'));
    events.purge(clock.now() - DEFAULT_EVENT_RETENTION_MS);
    cancelHousekeeping = clock.schedule(clock.now() + 3600_000, housekeeping);
  };

  const shutDown = async (): Promise<void> => {
    accepting = false;
    cancelHousekeeping?.();
    // Stop accepting and let requests in flight finish: a webhook answered 202 is committed.
    await app.close();
    // Finish the events being applied; the rest stay queued for the next start.
    if (overrides.consumer !== false) await consumer.stop();
    else await queue.close();
    // Executions in flight resume from their last committed transition on the next start.
    await engine.stop();
    engineRunning = false;
    // After the engine: its last events are measured, and the buffered metrics written.
    ops.stop();
    db.close();
  };
  // Closing twice (a second signal, say) waits for the first close instead of repeating it.
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => (closing ??= shutDown());

  return {
    config,
    db,
    clock,
    engine,
    control,
    stateMachineArn,
    queue,
    consumer,
    apiKeys,
    operations,
    app,
    webhookSecrets,
    logger,
    ops,
    async start() {
      ops.start();
      engine.start();
      engineRunning = true;
      if (overrides.consumer !== false) consumer.start();
      housekeeping();
      let url: string;
      try {
        url = await app.listen({ port: config.port, host: config.host });
      } catch (error) {
        // The port is taken, say: leave nothing running behind the error.
        await close();
        throw error;
      }
      accepting = true;
      return { url };
    },
    close,
  };
}

/** Creates (or, after an upgrade changed the definition, updates) the payment state machine. */
function registerPaymentWorkflow(control: StepFunctionsControl, engine: Engine): string {
  const definition = loadPaymentWorkflow(localSubstitutions(engine.region, engine.accountId));
  try {
    return control.createStateMachine({ name: PAYMENT_STATE_MACHINE, definition }).stateMachineArn;
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'StateMachineAlreadyExists') throw error;
    const arn = engine.arn.stateMachine(PAYMENT_STATE_MACHINE);
    control.updateStateMachine({ stateMachineArn: arn, definition });
    return arn;
  }
}

/** The workflow's `sns:publish` to the alert topic, delivered to the local alert topic port. */
function snsToAlertTopic(alerts: AlertTopic, clock: Clock): SnsPublisher {
  return {
    async publish(request) {
      let details: JsonObject;
      try {
        const parsed: unknown = JSON.parse(request.Message);
        details =
          typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
            ? (parsed as JsonObject)
            : { message: request.Message };
      } catch {
        details = { message: request.Message };
      }
      await alerts.publish({
        subject: request.Subject ?? 'paystep alert',
        severity: 'critical',
        details: { ...details, topic_arn: request.TopicArn },
        at: clock.now(),
      });
      return { MessageId: randomUUID() };
    },
  };
}

/** The alert sinks the configuration chose; the configuration checked each has its settings. */
function alertSinks(config: PaystepConfig, logger: Logger): AlertSink[] {
  return config.alertSinks.map((name): AlertSink => {
    switch (name) {
      case 'log':
        return new LogAlertSink((fields, message) => logger.warn(fields, message));
      case 'webhook':
        return new WebhookAlertSink({ url: config.alertWebhookUrl ?? '' });
      case 'email':
        return new EmailAlertSink({
          transport: smtpAlertTransport({
            host: config.alertSmtpHost ?? '',
            port: config.alertSmtpPort,
            secure: config.alertSmtpSecure,
            ...(config.alertSmtpUser === undefined
              ? {}
              : { user: config.alertSmtpUser, password: config.alertSmtpPassword ?? '' }),
          }),
          from: config.alertEmailFrom ?? '',
          to: config.alertEmailTo.join(', '),
        });
    }
  });
}

/**
 * First start: with no API key stored, creates an operator key; with no webhook secret
 * configured or on file, generates one into the data directory's secrets file (mode 0600). Each is
 * shown once. API keys are stored as SHA-256 digests only. A webhook secret cannot be kept as a
 * digest (verifying an HMAC needs the secret itself), so it lives in that file, never in the
 * database or the log. Returns the webhook secrets accepted, newest first.
 */
async function bootstrapCredentials(
  config: PaystepConfig,
  apiKeys: ApiKeys,
  announce: (lines: readonly string[]) => void,
): Promise<readonly string[]> {
  const shown: string[] = [];
  if ((await apiKeys.list()).length === 0) {
    const { key } = await apiKeys.create({ name: 'operator', scope: 'operate' });
    shown.push(`  operator API key (scope operate):  ${key}`);
  }
  let secrets = config.webhookSecrets;
  if (secrets.length === 0) {
    const file = join(config.dataDir, WEBHOOK_SECRETS_FILE);
    if (existsSync(file)) {
      secrets = readFileSync(file, 'utf8')
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => line.length > 0);
    }
    if (secrets.length === 0) {
      const secret = `whsec_${randomBytes(32).toString('base64url')}`;
      mkdirSync(config.dataDir, { recursive: true });
      writeFileSync(file, `${secret}\n`, { mode: 0o600 });
      chmodSync(file, 0o600);
      secrets = [secret];
      shown.push(`  webhook signing secret:            ${secret}`);
    }
  }
  if (shown.length > 0) {
    announce([
      'paystep: first start: these credentials are shown once; store them now.',
      ...shown,
      '  (only a digest of the API key is kept; the webhook secret is in the data directory, mode 0600)',
    ]);
  }
  return Object.freeze([...secrets]);
}

function storeAnswers(db: SqliteDatabase): boolean {
  try {
    return db.open && db.prepare('SELECT 1').get() !== undefined;
  } catch {
    return false;
  }
}
