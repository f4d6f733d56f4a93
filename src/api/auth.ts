/**
 * Who may call which route. Each route declares its access in `config.access`: `public` (health),
 * `webhook` (HMAC-signed, checked by the webhook route itself before its body is parsed) or the
 * API key scope it needs (`submit`, `read`, `operate`). An `onRequest` hook authenticates the
 * `Authorization: Bearer <key>` header and applies the caller's rate limit before anything else
 * runs, so an unauthenticated request never has its body read.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ApiKeyRecord, ApiKeys, ApiKeyScope } from './api-keys.js';
import { apiKeyFromAuthorization, AuthFailure } from './api-keys.js';
import { ApiError } from './problem.js';
import type { RateLimiter } from './rate-limiter.js';

export type RouteAccess = 'public' | 'webhook' | ApiKeyScope;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call the route. Routes without it are refused: access is never implied. */
    access?: RouteAccess;
  }
  interface FastifyRequest {
    /** The authenticated API key, on routes that take one. */
    apiKey: ApiKeyRecord | null;
  }
}

/** The caller an API route runs for; throws if the route is not key-authenticated. */
export function callerOf(request: FastifyRequest): ApiKeyRecord {
  if (!request.apiKey) throw new ApiError('Unauthenticated', 'This route needs an API key.');
  return request.apiKey;
}

/** Installs authentication and rate limiting on every route of `app`. */
export function installAuth(
  app: FastifyInstance,
  deps: { apiKeys: ApiKeys; rateLimiter: RateLimiter },
): void {
  app.decorateRequest('apiKey', null);
  // A callback hook, not an async one: the public and webhook paths, the hot ones, then settle
  // synchronously without a promise and its microtask per request.
  app.addHook('onRequest', (request, _reply, done) => {
    // Unmatched routes have no config: let them reach the 404 handler.
    if (request.is404) return done();
    // routeOptions is a getter that builds an object on every read: read it once.
    const access = request.routeOptions.config.access;
    try {
      if (access === 'public') return done();
      if (access === 'webhook') {
        limit(deps.rateLimiter, 'webhook');
        return done();
      }
      if (access === undefined) throw new ApiError('Forbidden', 'This route is closed.');
    } catch (error) {
      return done(error as Error);
    }
    authenticate(request, access).then(() => done(), done);
  });

  async function authenticate(request: FastifyRequest, access: ApiKeyScope): Promise<void> {
    const presented = apiKeyFromAuthorization(request.headers.authorization);
    const result = await deps.apiKeys.authenticate(presented, access);
    if (!result.ok) {
      if (result.reason === AuthFailure.InsufficientScope) {
        throw new ApiError(
          'Forbidden',
          `This route needs an API key with the '${access}' scope; this key's scope is '${result.apiKey?.scope ?? 'unknown'}'.`,
        );
      }
      throw new ApiError(
        'Unauthenticated',
        result.reason === AuthFailure.Missing
          ? 'Send an API key as "Authorization: Bearer <key>".'
          : result.reason === AuthFailure.Revoked
            ? 'This API key has been revoked.'
            : 'The API key is not valid.',
        {},
        { 'www-authenticate': 'Bearer realm="paystep"' },
      );
    }
    limit(deps.rateLimiter, result.apiKey.id);
    request.apiKey = result.apiKey;
  }
}

function limit(rateLimiter: RateLimiter, caller: string): void {
  const decision = rateLimiter.take(caller);
  if (!decision.allowed) {
    throw new ApiError(
      'RateLimited',
      `Rate limit exceeded; retry in ${decision.retryAfterSeconds} s.`,
      {},
      { 'retry-after': String(decision.retryAfterSeconds) },
    );
  }
}
