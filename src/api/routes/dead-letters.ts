/**
 * The webhook queue's dead-letter queue: list what could not be processed (operate: messages
 * hold payment data) and replay some or all of it onto the queue with a fresh receive count.
 */
import type { FastifyInstance } from 'fastify';
import type { MessageQueue } from '../../payments/ports/queue.js';
import { problemSchema } from '../problem.js';
import { emptyBodyIfAbsent, LIMIT_SCHEMA, pageLimit } from './query.js';

export function deadLetterRoutes(queue: MessageQueue) {
  return function register(app: FastifyInstance, _options: unknown, done: () => void): void {
    app.get<{ Querystring: { limit?: string } }>(
      '/dead-letters',
      {
        config: { access: 'operate' },
        schema: {
          summary: 'Webhook events that could not be processed, oldest first',
          tags: ['operations'],
          querystring: {
            type: 'object',
            additionalProperties: false,
            properties: { limit: LIMIT_SCHEMA },
          },
          response: { '4xx': problemSchema },
        },
      },
      async (request) => {
        const letters = await queue.listDeadLetters({ limit: pageLimit(request.query.limit) });
        return {
          items: letters.map((letter) => ({
            ...letter,
            sentAt: new Date(letter.sentAt).toISOString(),
            deadLetteredAt: new Date(letter.deadLetteredAt).toISOString(),
          })),
          depth: await queue.depth(),
        };
      },
    );

    app.post<{ Body: { message_ids?: string[] } | undefined }>(
      '/dead-letters/replay',
      {
        config: { access: 'operate' },
        preValidation: emptyBodyIfAbsent,
        schema: {
          summary: 'Move dead letters back onto the queue (all, or those named)',
          tags: ['operations'],
          body: {
            type: 'object',
            additionalProperties: false,
            properties: {
              message_ids: {
                type: 'array',
                maxItems: 1000,
                items: { type: 'string', minLength: 1, maxLength: 128 },
              },
            },
          },
          response: { '4xx': problemSchema },
        },
      },
      async (request) => ({ replayed: await queue.replayDeadLetters(request.body?.message_ids) }),
    );
    done();
  };
}
