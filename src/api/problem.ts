/**
 * The one place HTTP turns errors into responses: RFC 9457 problem details
 * (`application/problem+json`) with a stable `code` for programs and a clear `detail` for people.
 * Errors are matched by their `code` (or Fastify's), never by class, so errors from the engine,
 * the idempotency store or the signature check map the same wherever they were thrown. A detail
 * never quotes a request value: the request may hold card data or a secret.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

/** Problem types, by stable code: HTTP status and title. */
export const Problem = {
  ValidationFailed: { status: 400, title: 'The request is not valid' },
  MalformedJson: { status: 400, title: 'The request body is not valid JSON' },
  Unauthenticated: { status: 401, title: 'Authentication is required' },
  BadSignature: { status: 401, title: 'The webhook signature is not valid' },
  Forbidden: { status: 403, title: "The API key's scope does not allow this" },
  NotFound: { status: 404, title: 'Not found' },
  MethodNotAllowed: { status: 405, title: 'Method not allowed' },
  Conflict: { status: 409, title: 'The request conflicts with the current state' },
  RequestInProgress: { status: 409, title: 'A request with this idempotency key is in progress' },
  PayloadTooLarge: { status: 413, title: 'The request body is too large' },
  UnsupportedMediaType: { status: 415, title: 'Unsupported content type' },
  IdempotencyKeyReused: {
    status: 422,
    title: 'The idempotency key was used with a different request',
  },
  PaymentInvalid: { status: 422, title: 'The payment is not valid' },
  RateLimited: { status: 429, title: 'Too many requests' },
  Internal: { status: 500, title: 'Internal error' },
  Unavailable: { status: 503, title: 'Service unavailable' },
} as const;
export type ProblemCode = keyof typeof Problem;

/** The `type` URI of a problem: a relative reference documented in the README's API section. */
export function problemType(code: ProblemCode): string {
  return `/problems/${code.replace(/[A-Z]/g, (c, at: number) => (at > 0 ? '-' : '') + c.toLowerCase())}`;
}

/** An error that is an HTTP answer: thrown by routes and hooks, rendered by {@link sendProblem}. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly retryable: boolean;
  constructor(
    readonly code: ProblemCode,
    message: string,
    /** Extension members added to the problem object (e.g. `errors`). */
    readonly extensions: Readonly<Record<string, unknown>> = {},
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.retryable =
      code === 'RateLimited' || code === 'Unavailable' || code === 'RequestInProgress';
  }
}

/** The body of a problem response (also its JSON Schema, for the OpenAPI document). */
export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  code: ProblemCode;
  [extension: string]: unknown;
}

export const problemSchema = {
  type: 'object',
  description: 'RFC 9457 problem details',
  required: ['type', 'title', 'status', 'detail', 'code'],
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    instance: { type: 'string' },
    code: { type: 'string' },
  },
  additionalProperties: true,
} as const;

/** Engine, idempotency, signature and Fastify error codes, to problem codes. */
const BY_CODE: Readonly<Record<string, ProblemCode>> = {
  ExecutionDoesNotExist: 'NotFound',
  StateMachineDoesNotExist: 'NotFound',
  ExecutionAlreadyExists: 'Conflict',
  ExecutionNotRedrivable: 'Conflict',
  TaskDoesNotExist: 'Conflict',
  InvalidToken: 'Conflict',
  TaskTimedOut: 'Conflict',
  InvalidArn: 'ValidationFailed',
  InvalidName: 'ValidationFailed',
  InvalidExecutionInput: 'ValidationFailed',
  ValidationException: 'ValidationFailed',
  // A page cursor the server did not issue (or no longer understands): the caller's mistake.
  InvalidCursor: 'ValidationFailed',
  'Idempotency.KeyReused': 'IdempotencyKeyReused',
  'Idempotency.RequestInProgress': 'RequestInProgress',
  'Idempotency.InvalidKey': 'ValidationFailed',
  MISSING_HEADER: 'BadSignature',
  MALFORMED_HEADER: 'BadSignature',
  TIMESTAMP_OUT_OF_TOLERANCE: 'BadSignature',
  NO_MATCHING_SIGNATURE: 'BadSignature',
  FST_ERR_CTP_BODY_TOO_LARGE: 'PayloadTooLarge',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UnsupportedMediaType',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'ValidationFailed',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'MalformedJson',
  FST_ERR_CTP_INVALID_JSON_BODY: 'MalformedJson',
  FST_ERR_NOT_FOUND: 'NotFound',
  'Store.Unavailable': 'Unavailable',
  'Queue.Closed': 'Unavailable',
};

interface Mapped {
  code: ProblemCode;
  detail: string;
  extensions: Readonly<Record<string, unknown>>;
  headers: Readonly<Record<string, string>>;
}

/** Maps anything thrown to a problem. Unknown errors are 500s whose detail says nothing. */
export function toProblem(error: unknown): Mapped {
  if (error instanceof ApiError) {
    return {
      code: error.code,
      detail: error.message,
      extensions: error.extensions,
      headers: error.headers,
    };
  }
  const fastify = error as Partial<FastifyError> & { code?: unknown };
  if (Array.isArray(fastify.validation)) {
    const errors = fastify.validation.map((v) => ({
      field: `${fastify.validationContext ?? 'body'}${v.instancePath.replace(/\//g, '.')}`,
      // ajv's messages name keywords and properties, never the offending value.
      message: v.message ?? 'is not valid',
      ...('additionalProperty' in v.params ? { property: v.params.additionalProperty } : {}),
    }));
    return {
      code: 'ValidationFailed',
      detail: errors.map((e) => `${e.field} ${e.message}`).join('; '),
      extensions: { errors },
      headers: {},
    };
  }
  const code = typeof fastify.code === 'string' ? BY_CODE[fastify.code] : undefined;
  if (code !== undefined) {
    const detail =
      typeof fastify.code === 'string' && fastify.code.startsWith('FST_')
        ? Problem[code].title
        : (fastify.message ?? Problem[code].title);
    return { code, detail, extensions: {}, headers: {} };
  }
  if (error instanceof SyntaxError) {
    return {
      code: 'MalformedJson',
      detail: Problem.MalformedJson.title,
      extensions: {},
      headers: {},
    };
  }
  const status = typeof fastify.statusCode === 'number' ? fastify.statusCode : 500;
  if (status === 413)
    return {
      code: 'PayloadTooLarge',
      detail: Problem.PayloadTooLarge.title,
      extensions: {},
      headers: {},
    };
  if (status === 415)
    return {
      code: 'UnsupportedMediaType',
      detail: Problem.UnsupportedMediaType.title,
      extensions: {},
      headers: {},
    };
  if (status >= 400 && status < 500)
    return {
      code: 'ValidationFailed',
      detail: Problem.ValidationFailed.title,
      extensions: {},
      headers: {},
    };
  return {
    code: 'Internal',
    detail: 'The request could not be completed; it has been logged.',
    extensions: {},
    headers: {},
  };
}

/** Sends a problem response for `error`. Logs server errors (never the request body). */
export function sendProblem(error: unknown, request: FastifyRequest, reply: FastifyReply) {
  const mapped = toProblem(error);
  const { status, title } = Problem[mapped.code];
  if (status >= 500) {
    request.log.error({ err: error }, 'request failed');
  }
  const body: ProblemBody = {
    type: problemType(mapped.code),
    title,
    status,
    detail: mapped.detail,
    instance: request.url.split('?')[0] ?? request.url,
    code: mapped.code,
    ...mapped.extensions,
  };
  return reply
    .code(status)
    .headers(mapped.headers)
    .type('application/problem+json')
    .send(JSON.stringify(body));
}
