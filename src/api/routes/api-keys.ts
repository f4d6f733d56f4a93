/**
 * API keys, for operators: list them (never the keys themselves), create one (its key is in the
 * response and nowhere else, ever) and revoke one.
 */
import type { FastifyInstance } from 'fastify';
import type { ApiKeys, ApiKeyScope } from '../api-keys.js';
import { ApiError, problemSchema } from '../problem.js';
import { apiKeyRequestSchema } from '../schemas/api-key-request.js';

export function apiKeyRoutes(apiKeys: ApiKeys) {
  return function register(app: FastifyInstance, _options: unknown, done: () => void): void {
    app.get(
      '/api-keys',
      {
        config: { access: 'operate' },
        schema: {
          summary: 'List API keys',
          tags: ['operations'],
          response: { '4xx': problemSchema },
        },
      },
      async () => ({ items: await apiKeys.list() }),
    );
    app.post<{ Body: { name: string; scope: ApiKeyScope } }>(
      '/api-keys',
      {
        config: { access: 'operate' },
        schema: {
          summary: 'Create an API key; the key is shown in this response only',
          tags: ['operations'],
          body: apiKeyRequestSchema,
          response: { '4xx': problemSchema },
        },
      },
      async (request, reply) => {
        const created = await apiKeys.create(request.body);
        return reply.code(201).header('cache-control', 'no-store').send(created);
      },
    );
    app.delete<{ Params: { id: string } }>(
      '/api-keys/:id',
      {
        config: { access: 'operate' },
        schema: {
          summary: 'Revoke an API key',
          tags: ['operations'],
          params: {
            type: 'object',
            required: ['id'],
            properties: { id: { type: 'string', minLength: 1, maxLength: 100 } },
          },
          response: { '4xx': problemSchema },
        },
      },
      async (request, reply) => {
        if (!(await apiKeys.revoke(request.params.id))) {
          throw new ApiError('NotFound', `No API key ${request.params.id}.`);
        }
        return reply.code(204).send();
      },
    );
    done();
  };
}
