/**
 * The webhook receiver behind API Gateway (`POST /webhooks/payment`), as a factory of its Lambda
 * handler so tests give it real peers. It does what the local route (src/api/routes/webhooks.ts)
 * does, with the same pieces: the signature is checked over the raw body with
 * src/api/webhook-signature.ts before anything is parsed; the event is validated against the
 * same JSON Schemas (envelope, then the data of its type), refused if it carries card data, and
 * queued; 202 once SQS has it. Errors are problem+json through the local API's error mapper.
 *
 * AWS: API Gateway validates the body against its model (built from the same schema) before
 * this function runs, so there a malformed unsigned request gets its 400 before its 401;
 * nothing is queued either way.
 */
import { Ajv } from 'ajv';
import type { ValidateFunction } from 'ajv';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { ApiError } from '../../../api/problem.js';
import { parseStrictJson } from '../../../api/strict-json.js';
import { validationError } from './validation-error.js';
import type { WebhookEvent } from '../../../api/schemas/webhook-event.js';
import { webhookDataSchemas, webhookEventSchema } from '../../../api/schemas/webhook-event.js';
import {
  DEFAULT_TOLERANCE_SECONDS,
  SIGNATURE_HEADER,
  SignatureFailure,
  verifySignature,
} from '../../../api/webhook-signature.js';
import { findCardData } from '../../../payments/card-data.js';
import type { MessageQueue } from '../../../payments/ports/queue.js';
import { QueueLimits } from '../../../payments/ports/queue.js';
import { headerOf, jsonResponse, problemResponse, rawBody } from './api-gateway.js';
import type { Observability } from './task-lambda.js';

export interface WebhookReceiverDeps {
  /** The accepted signing secrets, newest first; `fresh` asks for a re-read (see below). */
  readonly secrets: { current(options?: { fresh?: boolean }): Promise<readonly string[]> };
  readonly queue: Pick<MessageQueue, 'send'>;
  /**
   * Whether an event was already processed: a provider's retry of it is answered 200
   * `duplicate` and queued no more, as locally. @default none: every event is queued
   */
  readonly processed?: (eventId: string) => Promise<boolean>;
  readonly clock: { now(): number };
  readonly obs: Observability;
  /** @default DEFAULT_TOLERANCE_SECONDS (300) */
  readonly toleranceSeconds?: number;
}

/** Validates envelopes and event data with the local API's schemas and Ajv options. */
export function webhookValidators(): {
  envelope: ValidateFunction;
  data: Readonly<Record<string, ValidateFunction>>;
} {
  // The local API's options: refuse rather than coerce or drop (src/api/app.ts, routes/webhooks.ts).
  const ajv = new Ajv({
    allErrors: true,
    coerceTypes: false,
    useDefaults: false,
    removeAdditional: false,
    allowUnionTypes: true,
  });
  return {
    envelope: ajv.compile(webhookEventSchema),
    data: Object.fromEntries(
      Object.entries(webhookDataSchemas).map(([type, schema]) => [type, ajv.compile(schema)]),
    ),
  };
}

/** Builds the receiver's Lambda handler. */
export function webhookReceiver(
  deps: WebhookReceiverDeps,
): (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult> {
  const validators = webhookValidators();
  const { logger, metrics } = deps.obs;

  const verify = async (event: APIGatewayProxyEvent, body: Buffer): Promise<void> => {
    const check = (secrets: readonly string[]) =>
      verifySignature({
        header: headerOf(event, SIGNATURE_HEADER),
        body,
        secrets,
        nowMs: deps.clock.now(),
        toleranceSeconds: deps.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS,
      });
    let result = check(await deps.secrets.current());
    if (!result.ok && result.reason === SignatureFailure.NoMatchingSignature) {
      // The secret may have rotated since it was cached: read it again (rate-limited) and retry.
      const fresh = await deps.secrets.current({ fresh: true });
      result = check(fresh);
    }
    if (!result.ok) {
      metrics.addMetric('WebhookBadSignature', MetricUnit.Count, 1);
      logger.warn('webhook signature refused', { reason: result.reason });
      throw new ApiError('BadSignature', result.message, { reason: result.reason });
    }
  };

  const receive = async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    const contentType = headerOf(event, 'content-type') ?? '';
    if (!/^application\/json\s*(;|$)/i.test(contentType)) {
      throw new ApiError('UnsupportedMediaType', 'Send the event as application/json.');
    }
    const body = rawBody(event);
    if (body.length > QueueLimits.defaultMaxMessageBytes) {
      throw new ApiError('PayloadTooLarge', 'The event is larger than the queue accepts.');
    }
    await verify(event, body);
    const parsed = parseStrictJson(body);
    if (!validators.envelope(parsed)) throw validationError('body', validators.envelope);
    const webhook = parsed as WebhookEvent;
    const validateData = validators.data[webhook.type];
    if (validateData && !validateData(webhook.data)) {
      throw validationError('body.data', validateData);
    }
    const cardData = findCardData(webhook.data as never, ['payment_amount']);
    if (cardData.cardNumberPaths.length > 0 || cardData.cvvPaths.length > 0) {
      throw new ApiError(
        'PaymentInvalid',
        'The event carries card data; send payment tokens and last four digits only.',
        { fields: [...cardData.cardNumberPaths, ...cardData.cvvPaths] },
      );
    }
    if (deps.processed !== undefined && (await deps.processed(webhook.id))) {
      return jsonResponse(200, { status: 'duplicate', event_id: webhook.id });
    }
    // AWS: the webhook queue is a standard queue (no message groups or deduplication ids); the
    // processor deduplicates by event id and applies events out of order safely.
    await deps.queue.send(JSON.stringify(webhook));
    metrics.addMetric('WebhookAccepted', MetricUnit.Count, 1);
    logger.info('webhook queued', { event_id: webhook.id, event_type: webhook.type });
    return jsonResponse(202, { status: 'accepted', event_id: webhook.id });
  };

  return async (event, context) => {
    logger.addContext(context);
    try {
      return await receive(event);
    } catch (error) {
      return problemResponse(error, event, (e) =>
        logger.error('webhook receiver failed', e as Error),
      );
    } finally {
      metrics.publishStoredMetrics();
      logger.resetKeys();
    }
  };
}
