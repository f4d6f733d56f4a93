/**
 * `POST /payments`: submit a payment, which starts its workflow. Honours `Idempotency-Key` as
 * Stripe does. Answers 202 with the transaction's id, its execution and links: the payment is
 * processed asynchronously; `GET /transactions/{id}` follows it.
 */
import type { FastifyInstance } from 'fastify';
import type { JsonObject } from '../../asl/json.js';
import type { IdempotencyStore } from '../../adapters/sqlite/sqlite-idempotency.js';
import { withIdempotency } from '../idempotency.js';
import type { PaymentOperations } from '../payment-operations.js';
import { problemSchema } from '../problem.js';
import { paymentRequestSchema } from '../schemas/payment-request.js';
import { transactionLinks } from '../transaction-view.js';

export interface PaymentRouteDeps {
  operations: PaymentOperations;
  idempotency: IdempotencyStore;
}

export function paymentRoutes(deps: PaymentRouteDeps) {
  return function register(app: FastifyInstance, _options: unknown, done: () => void): void {
    app.post<{ Body: JsonObject }>(
      '/payments',
      {
        config: { access: 'submit' },
        schema: {
          summary: 'Submit a payment',
          description:
            'Validates the payment and starts its workflow, named by transaction_id. Send an Idempotency-Key header to retry safely: the same key and body return the first response for 24 hours.',
          tags: ['payments'],
          headers: {
            type: 'object',
            properties: { 'idempotency-key': { type: 'string', minLength: 1, maxLength: 255 } },
          },
          body: paymentRequestSchema,
          response: {
            202: {
              type: 'object',
              properties: {
                transaction_id: { type: 'string' },
                execution_arn: { type: 'string' },
                status: { type: 'string' },
                created: { type: 'boolean' },
                _links: { type: 'object', additionalProperties: true },
              },
            },
            '4xx': problemSchema,
          },
        },
      },
      (request, reply) =>
        withIdempotency(deps.idempotency, request, reply, async () => {
          const submitted = await deps.operations.submit(request.body);
          return {
            status: 202,
            body: {
              ...submitted,
              status: 'PROCESSING',
              _links: transactionLinks(submitted.transaction_id, submitted.execution_arn),
            },
          };
        }),
    );
    done();
  };
}
