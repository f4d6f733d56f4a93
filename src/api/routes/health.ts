/**
 * `GET /healthz` (the process is up) and `GET /readyz` (it can take work: the store answers, the
 * engine and the queue consumer run, and it is not shutting down). Both are public.
 */
import type { FastifyInstance } from 'fastify';

export interface Readiness {
  /** Named checks; each true when that part is ready. */
  checks(): Record<string, boolean>;
}

export function healthRoutes(readiness: Readiness) {
  return function register(app: FastifyInstance, _options: unknown, done: () => void): void {
    app.get(
      '/healthz',
      { config: { access: 'public' }, schema: { tags: ['health'], summary: 'Liveness' } },
      () => ({ status: 'ok' }),
    );
    app.get(
      '/readyz',
      { config: { access: 'public' }, schema: { tags: ['health'], summary: 'Readiness' } },
      async (_request, reply) => {
        const checks = readiness.checks();
        const ready = Object.values(checks).every(Boolean);
        return reply
          .code(ready ? 200 : 503)
          .send({ status: ready ? 'ready' : 'not_ready', checks });
      },
    );
    done();
  };
}
