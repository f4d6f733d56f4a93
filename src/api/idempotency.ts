/**
 * Stripe's `Idempotency-Key` semantics for POST routes: the first request with a key runs and
 * its response is kept for 24 hours; a retry with the same key and the same request gets that
 * response again (marked `Idempotent-Replayed: true`) without running; the same key with another
 * request is refused (422), as is a retry while the first is still running (409). A request that
 * fails keeps no result, so the client may fix it and retry under the same key.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { IdempotencyStore } from '../adapters/sqlite/sqlite-idempotency.js';
import { fingerprintRequest } from '../adapters/sqlite/sqlite-idempotency.js';
import { callerOf } from './auth.js';
import { ApiError } from './problem.js';

export const IDEMPOTENCY_HEADER = 'idempotency-key';

/** The Idempotency-Key header, if the request has one (a repeated header is refused). */
export function idempotencyKeyOf(request: FastifyRequest): string | undefined {
  const value = request.headers[IDEMPOTENCY_HEADER];
  if (Array.isArray(value)) throw new ApiError('ValidationFailed', 'Send one Idempotency-Key.');
  return value;
}

/**
 * Runs `handler` under the request's Idempotency-Key (if any) and sends its `{status, body}`.
 * @example
 * return withIdempotency(store, request, reply, async () => ({ status: 202, body: await submit() }));
 */
export async function withIdempotency(
  store: IdempotencyStore,
  request: FastifyRequest,
  reply: FastifyReply,
  handler: () => Promise<{ status: number; body: unknown }>,
): Promise<FastifyReply> {
  const key = idempotencyKeyOf(request);
  if (key === undefined) {
    const result = await handler();
    return reply.code(result.status).send(result.body);
  }
  const scope = { apiKeyId: callerOf(request).id, key };
  const fingerprint = fingerprintRequest({
    method: request.method,
    path: request.url.split('?')[0] ?? request.url,
    body: JSON.stringify(request.body ?? null),
  });
  const begun = await store.begin(scope, fingerprint);
  if (begun.kind === 'replay') {
    return reply
      .code(begun.response.status)
      .header('idempotent-replayed', 'true')
      .type('application/json; charset=utf-8')
      .send(begun.response.body);
  }
  let result: { status: number; body: unknown };
  try {
    result = await handler();
  } catch (error) {
    await store.abandon(scope);
    throw error;
  }
  const body = JSON.stringify(result.body);
  await store.complete(scope, { status: result.status, body });
  return reply.code(result.status).type('application/json; charset=utf-8').send(body);
}
