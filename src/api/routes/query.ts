/** Small helpers for query strings: page limits and instants, validated with clear errors. */
import { ApiError } from '../problem.js';

/** `limit` as a query string: 1 to 1000 (validated as text, since query values are strings). */
export const LIMIT_SCHEMA = { type: 'string', pattern: '^[1-9][0-9]{0,3}$' } as const;

/** The page size asked for, or 100. */
export function pageLimit(limit: string | undefined): number {
  if (limit === undefined) return 100;
  const value = Number(limit);
  if (value > 1000) throw new ApiError('ValidationFailed', 'limit must be from 1 to 1000.');
  return value;
}

/** An ISO 8601 instant as epoch ms. */
export function parseInstant(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms))
    throw new ApiError('ValidationFailed', `${name} must be an ISO 8601 date-time.`);
  return ms;
}

/**
 * A preValidation hook for POST routes that take no body: an absent body or `{}` passes,
 * anything else is refused, so a client sending options this route does not have learns so.
 */
export function refuseBody(
  request: { body?: unknown },
  _reply: unknown,
  done: (error?: Error) => void,
): void {
  const body = request.body;
  const empty =
    body === undefined ||
    body === null ||
    (typeof body === 'object' && !Array.isArray(body) && Object.keys(body).length === 0);
  done(empty ? undefined : new ApiError('ValidationFailed', 'This route takes no request body.'));
}

/**
 * A preValidation hook for POST routes whose body is optional: an absent body is validated (and
 * handled) as `{}`, so a client need not send one.
 */
export function emptyBodyIfAbsent(
  request: { body?: unknown },
  _reply: unknown,
  done: () => void,
): void {
  if (request.body === undefined || request.body === null) request.body = {};
  done();
}
