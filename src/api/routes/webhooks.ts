/**
 * `POST /webhooks/payment`: a payment provider's events. The signature is checked over the raw
 * body bytes inside this route's own JSON parser, so nothing of an unsigned or tampered request
 * is parsed, validated or stored. An authentic event is validated (envelope, then the data of its
 * type), refused if it carries card data, and durably enqueued; the reply (202) is sent only
 * after the queue's commit. A provider's retry of an event already enqueued (within the queue's
 * deduplication window) or already processed (the event log) is answered 200 `duplicate` and
 * stores nothing. The queue consumer does the work (see webhook-consumer.ts).
 */
import { Ajv } from 'ajv';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { MessageQueue } from '../../payments/ports/queue.js';
import { findCardData } from '../../payments/card-data.js';
import { ApiError, problemSchema } from '../problem.js';
import { decodeStrictUtf8, parseStrictJsonText } from '../strict-json.js';
import { SIGNATURE_HEADER, signingKeys, verifySignature } from '../webhook-signature.js';
import type { WebhookEvent } from '../schemas/webhook-event.js';
import { webhookDataSchemas, webhookEventSchema } from '../schemas/webhook-event.js';
import type { WebhookEventLog } from '../webhooks/webhook-event-log.js';

export interface WebhookRouteDeps {
  queue: MessageQueue;
  events: WebhookEventLog;
  /** Secrets accepted now, newest first. */
  secrets: readonly string[];
  toleranceSeconds: number;
  clock: { now(): number };
  bodyLimitBytes: number;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set once the webhook signature has been checked over the raw body. */
    webhookVerified: boolean;
    /** The verified body as received (UTF-8), queued as it was signed. */
    webhookBody: string;
  }
}

/** Node lower-cases incoming header names. */
const SIGNATURE_HEADER_NAME = SIGNATURE_HEADER.toLowerCase();

const acceptedSchema = {
  type: 'object',
  properties: {
    status: { type: 'string', enum: ['accepted', 'duplicate'] },
    event_id: { type: 'string' },
  },
} as const;

export function webhookRoutes(deps: WebhookRouteDeps) {
  const ajv = new Ajv({ allErrors: true, coerceTypes: false, allowUnionTypes: true });
  const validators = Object.fromEntries(
    Object.entries(webhookDataSchemas).map(([type, schema]) => [type, ajv.compile(schema)]),
  );

  const keys = signingKeys(deps.secrets);
  const verify = (request: FastifyRequest, body: Buffer) => {
    const header = request.headers[SIGNATURE_HEADER_NAME];
    const result = verifySignature({
      header: Array.isArray(header) ? header.join(',') : header,
      body,
      secrets: keys,
      nowMs: deps.clock.now(),
      toleranceSeconds: deps.toleranceSeconds,
    });
    if (!result.ok) throw new ApiError('BadSignature', result.message, { reason: result.reason });
    request.webhookVerified = true;
  };

  return function register(app: FastifyInstance, _options: unknown, done: () => void): void {
    app.decorateRequest('webhookVerified', false);
    app.decorateRequest('webhookBody', '');
    app.removeAllContentTypeParsers();
    app.addContentTypeParser(
      'application/json',
      { parseAs: 'buffer', bodyLimit: deps.bodyLimitBytes },
      (request, body, done) => {
        try {
          verify(request, body as Buffer);
          request.webhookBody = decodeStrictUtf8(body as Buffer);
          done(null, parseStrictJsonText(request.webhookBody));
        } catch (error) {
          done(error as Error, undefined);
        }
      },
    );
    // A request without a body never reaches the parser: check its signature (over nothing)
    // before validation can say anything about it.
    app.addHook('preValidation', (request, _reply, next) => {
      try {
        if (!request.webhookVerified) verify(request, Buffer.alloc(0));
        next();
      } catch (error) {
        next(error as Error);
      }
    });

    app.post<{ Body: WebhookEvent }>(
      '/webhooks/payment',
      {
        config: { access: 'webhook' },
        schema: {
          summary: 'Receive a payment provider webhook event',
          description: `Signed with HMAC-SHA256 in the \`${SIGNATURE_HEADER}: t=<unix seconds>,v1=<hex>\` header over \`<t>.<raw body>\`. Answered 202 once the event is durably queued.`,
          tags: ['webhooks'],
          body: webhookEventSchema,
          response: {
            200: acceptedSchema,
            202: acceptedSchema,
            '4xx': problemSchema,
          },
        },
      },
      async (request, reply) => {
        const event = request.body;
        const validate = validators[event.type];
        if (validate && !validate(event.data)) {
          const errors = (validate.errors ?? []).map((e) => ({
            field: `body.data${e.instancePath.replace(/\//g, '.')}`,
            message: e.message ?? 'is not valid',
          }));
          throw new ApiError(
            'ValidationFailed',
            errors.map((e) => `${e.field} ${e.message}`).join('; '),
            { errors },
          );
        }
        const cardData = findCardData(event.data as never, ['payment_amount']);
        if (cardData.cardNumberPaths.length > 0 || cardData.cvvPaths.length > 0) {
          throw new ApiError(
            'PaymentInvalid',
            'The event carries card data; send payment tokens and last four digits only.',
            { fields: [...cardData.cardNumberPaths, ...cardData.cvvPaths] },
          );
        }
        // Nearly every event is new: the filter answers those without reading the store.
        if (deps.events.mightHave(event.id) && deps.events.has(event.id)) {
          return reply.code(200).send({ status: 'duplicate', event_id: event.id });
        }
        const transactionId = String(event.data['transaction_id']);
        // The body as signed, not re-serialised: the same event, and one JSON.stringify less.
        const sent = await deps.queue.send(request.webhookBody, {
          // Events of one type for one payment are applied in arrival order, one at a time. Not
          // one group per payment: a review decision that arrives before its payment.created
          // would be retried at the head of the group and block the event it waits for.
          groupId: `${event.type}:${transactionId}`,
          deduplicationId: event.id,
        });
        return reply
          .code(sent.duplicate ? 200 : 202)
          .send({ status: sent.duplicate ? 'duplicate' : 'accepted', event_id: event.id });
      },
    );
    done();
  };
}
