/**
 * `GET /metrics`: the operations metrics in Prometheus' text exposition format, from the
 * prom-client registry wiring hands in (the same numbers the metric store and the alarms see).
 *
 * Access is the `read` scope, not public: the numbers tell payment volumes and amounts per
 * currency, failure rates and which functions fail, which is business data an outsider should not
 * read, and the dashboard already shows the same to `read` keys. Prometheus sends a key as a
 * bearer token (`authorization: { credentials: ps_read_... }` in a scrape config), so a scraper
 * needs no other mechanism.
 */
import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import { problemSchema } from '../problem.js';

export function metricsRoutes(registry: Registry) {
  return function register(app: FastifyInstance, _options: unknown, done: () => void): void {
    app.get(
      '/metrics',
      {
        config: { access: 'read' },
        schema: {
          summary: 'Operations metrics in the Prometheus text format',
          description:
            'Step Functions execution metrics (states_*), task function metrics (lambda_*) and payment metrics (paystep_*), with their CloudWatch names.',
          tags: ['operations'],
          response: { '4xx': problemSchema },
        },
      },
      async (_request, reply) => {
        const body = await registry.metrics();
        return reply.type(registry.contentType).header('cache-control', 'no-store').send(body);
      },
    );
    done();
  };
}
