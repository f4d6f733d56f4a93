/**
 * Serves a payment gateway (normally a SimulatedGateway) over HTTP with node:http, in the shape
 * HttpGateway speaks (see http-wire.ts). `paystep gateway-sim` runs it so that a paystep, a load
 * test or a browser demo can charge a gateway over a real network with realistic failures.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { timingSafeEqual } from 'node:crypto';
import {
  GatewayErrorCode,
  GatewayInvalidRequestError,
  GatewayUnauthorizedError,
  isGatewayError,
} from '../../payments/ports/gateway.js';
import type { PaymentGateway } from '../../payments/ports/gateway.js';
import { checkChargeRequest, checkRefundRequest } from './gateway-requests.js';
import {
  DECLINED_STATUS,
  ERROR_STATUS,
  GatewayRoute,
  IDEMPOTENCY_KEY_HEADER,
  PROBLEM_CONTENT_TYPE,
} from './http-wire.js';
import type { GatewayProblem } from './http-wire.js';

export interface GatewaySimServerOptions {
  /** The gateway behind the routes. */
  readonly gateway: PaymentGateway;
  /** TCP port; 0 picks a free one (read it from `url`). @default 0 */
  readonly port?: number;
  /** Interface to listen on. @default '127.0.0.1' (loopback only) */
  readonly host?: string;
  /** When set, requests must send `Authorization: Bearer <apiKey>`. @default no authentication */
  readonly apiKey?: string;
  /** Largest request body accepted, bytes. @default 65536 */
  readonly maxBodyBytes?: number;
  /** Told of errors that are not gateway errors (bugs), which answer a bare 500. @default ignored */
  readonly onUnexpectedError?: (error: unknown) => void;
}

export interface GatewaySimServer {
  /** Base URL to give HttpGateway, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  /** Stops accepting requests and closes open connections. */
  close(): Promise<void>;
}

/**
 * Starts serving `gateway` and resolves once listening.
 * @example
 * const server = await startGatewaySimServer({ gateway: new SimulatedGateway({ now, delay }) });
 * const client = new HttpGateway({ baseUrl: server.url });
 */
export async function startGatewaySimServer(
  options: GatewaySimServerOptions,
): Promise<GatewaySimServer> {
  const server = createServer((request, response) => {
    handle(options, request, response).catch((error: unknown) => {
      options.onUnexpectedError?.(error);
      if (!response.headersSent) sendProblem(response, 500, 'Internal error', 'Gateway.Transient');
      else response.destroy();
    });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error === undefined ? resolve() : reject(error)));
        // Keep-alive connections would hold close() open until they idle out.
        server.closeAllConnections();
      }),
  };
}

async function handle(
  options: GatewaySimServerOptions,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const path = new URL(request.url ?? '/', 'http://gateway').pathname;
  const method = request.method ?? 'GET';
  if (method === 'GET' && path === GatewayRoute.Health) {
    sendJson(response, 200, { status: 'ok' });
    return;
  }
  try {
    authenticate(options.apiKey, request);
    const key = request.headers[IDEMPOTENCY_KEY_HEADER];
    if (method === 'POST' && path === GatewayRoute.Charges) {
      const charge = checkChargeRequest(key, await readJson(request, options.maxBodyBytes));
      const result = await options.gateway.charge(charge);
      sendJson(response, result.status === 'succeeded' ? 200 : DECLINED_STATUS, result);
      return;
    }
    if (method === 'POST' && path === GatewayRoute.Refunds) {
      const refund = checkRefundRequest(key, await readJson(request, options.maxBodyBytes));
      sendJson(response, 200, await options.gateway.refund(refund));
      return;
    }
    const prefix = `${GatewayRoute.Charges}/`;
    if (method === 'GET' && path.startsWith(prefix) && path.length > prefix.length) {
      const result = await options.gateway.getCharge(decodeKey(path.slice(prefix.length)));
      if (result === undefined) {
        sendProblem(response, 404, 'No charge was made under this idempotency key', 'NotFound');
      } else {
        sendJson(response, 200, result);
      }
      return;
    }
    sendProblem(response, 404, `No route ${method} ${path}`, 'NotFound');
  } catch (error) {
    if (!isGatewayError(error)) throw error;
    sendProblem(response, ERROR_STATUS[error.code], error.message, error.code, error.retryable);
  }
}

function decodeKey(encoded: string): string {
  try {
    return decodeURIComponent(encoded);
  } catch {
    throw new GatewayInvalidRequestError(
      'The idempotency key in the path is not valid URL encoding',
    );
  }
}

function authenticate(apiKey: string | undefined, request: IncomingMessage) {
  if (apiKey === undefined) return;
  const expected = Buffer.from(`Bearer ${apiKey}`);
  const given = Buffer.from(request.headers.authorization ?? '');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new GatewayUnauthorizedError('Missing or wrong API key');
  }
}

async function readJson(request: IncomingMessage, maxBytes = 65_536): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) {
      throw new GatewayInvalidRequestError(`The request body exceeds ${maxBytes} bytes`);
    }
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw new GatewayInvalidRequestError('The request body is not valid JSON');
  }
}

function sendJson(response: ServerResponse, status: number, body: unknown) {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}

function sendProblem(
  response: ServerResponse,
  status: number,
  detail: string,
  code: string,
  retryable = code === GatewayErrorCode.Transient,
) {
  const problem: GatewayProblem = {
    type: 'about:blank',
    title: code,
    status,
    detail,
    code,
    retryable,
  };
  const text = JSON.stringify(problem);
  response.writeHead(status, {
    'content-type': PROBLEM_CONTENT_TYPE,
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}
