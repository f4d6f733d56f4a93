/**
 * What the API Lambdas share about API Gateway's REST proxy integration: reading headers and the
 * raw body of a proxy event, and answering with JSON or with an RFC 9457 problem built by the
 * local API's one error mapper (src/api/problem.ts), so both engines answer errors alike.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { Problem, problemType, toProblem } from '../../../api/problem.js';
import type { ProblemBody } from '../../../api/problem.js';

/**
 * A header's value. AWS: `headers` keeps the case the client sent (HTTP/1.1) and holds the last
 * value of a repeated header; `multiValueHeaders` holds them all. Lookups ignore case, and a
 * header sent several times is joined with commas as HTTP allows.
 */
export function headerOf(event: APIGatewayProxyEvent, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, values] of Object.entries(event.multiValueHeaders ?? {})) {
    if (key.toLowerCase() === wanted && values !== undefined && values.length > 0) {
      return values.join(',');
    }
  }
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === wanted && value !== undefined) return value;
  }
  return undefined;
}

/** How many times a header was sent (a repeated Idempotency-Key is refused, as locally). */
export function headerCount(event: APIGatewayProxyEvent, name: string): number {
  const wanted = name.toLowerCase();
  for (const [key, values] of Object.entries(event.multiValueHeaders ?? {})) {
    if (key.toLowerCase() === wanted) return values?.length ?? 0;
  }
  return headerOf(event, name) === undefined ? 0 : 1;
}

/**
 * The body's bytes as the client sent them. AWS: API Gateway passes a text body as is, and a
 * body of a binary media type base64-encoded with `isBase64Encoded` set.
 */
export function rawBody(event: APIGatewayProxyEvent): Buffer {
  if (event.body === null) return Buffer.alloc(0);
  return event.isBase64Encoded
    ? Buffer.from(event.body, 'base64')
    : Buffer.from(event.body, 'utf8');
}

/** A JSON response. */
export function jsonResponse(
  statusCode: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): APIGatewayProxyResult {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(body),
  };
}

/**
 * The problem response for anything thrown, through the local API's mapper. Server errors are
 * reported to `logError` (never with the request body: it may hold card data or secrets).
 */
export function problemResponse(
  error: unknown,
  event: APIGatewayProxyEvent,
  logError: (error: unknown) => void,
): APIGatewayProxyResult {
  const mapped = toProblem(error);
  const { status, title } = Problem[mapped.code];
  if (status >= 500) logError(error);
  const body: ProblemBody = {
    type: problemType(mapped.code),
    title,
    status,
    detail: mapped.detail,
    instance: event.path,
    code: mapped.code,
    ...mapped.extensions,
  };
  return {
    statusCode: status,
    headers: { ...mapped.headers, 'content-type': 'application/problem+json' },
    body: JSON.stringify(body),
  };
}
