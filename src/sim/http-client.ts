/**
 * A small HTTP/1.1 client for the load and fuzz drivers, on node:http rather than fetch: it sends
 * a body byte for byte (bad UTF-8 included) with exactly the headers given (none added, not even
 * a content type), never throws (a transport failure is an outcome to report), and bounds every
 * request by a deadline so a server that never answers is seen as a hang, not waited on forever.
 * `runPool` runs many such requests with a fixed number in flight.
 */
import { Agent, request as httpRequest } from 'node:http';
import type { OutgoingHttpHeaders } from 'node:http';

export interface HttpCall {
  readonly method: string;
  /** Path and query, e.g. `/payments`. */
  readonly path: string;
  readonly headers?: OutgoingHttpHeaders;
  readonly body?: Buffer | string;
}

/** What came back: a response, or why none did. */
export type HttpOutcome =
  | {
      readonly kind: 'response';
      readonly status: number;
      readonly headers: Readonly<Record<string, string | string[] | undefined>>;
      readonly body: string;
      /** Wall-clock ms from send to the end of the response (reported, never asserted). */
      readonly ms: number;
    }
  | { readonly kind: 'timeout'; readonly ms: number }
  | {
      readonly kind: 'error';
      readonly code: string;
      readonly message: string;
      readonly ms: number;
    };

export interface HttpClientOptions {
  /** The server's base URL, e.g. `http://127.0.0.1:8080`. */
  readonly url: string;
  /** Longest wait for a whole response, ms. @default 10000 */
  readonly timeoutMs?: number;
  /** Connections kept open to the server. @default 64 */
  readonly maxSockets?: number;
}

export class HttpClient {
  readonly #base: URL;
  readonly #timeoutMs: number;
  readonly #agent: Agent;

  constructor(options: HttpClientOptions) {
    this.#base = new URL(options.url);
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    this.#agent = new Agent({ keepAlive: true, maxSockets: options.maxSockets ?? 64 });
  }

  /** Sends one request; resolves with its outcome, never rejects. */
  send(call: HttpCall): Promise<HttpOutcome> {
    const started = performance.now();
    const elapsed = () => performance.now() - started;
    return new Promise<HttpOutcome>((resolve) => {
      let settled = false;
      const settle = (outcome: HttpOutcome) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(outcome);
      };
      const body = call.body === undefined ? undefined : Buffer.from(call.body);
      const req = httpRequest(
        {
          host: this.#base.hostname,
          port: this.#base.port,
          method: call.method,
          path: call.path,
          agent: this.#agent,
          headers: {
            ...(body === undefined ? {} : { 'content-length': body.length }),
            ...call.headers,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', (error: NodeJS.ErrnoException) =>
            settle({
              kind: 'error',
              code: error.code ?? 'ERR',
              message: error.message,
              ms: elapsed(),
            }),
          );
          res.on('end', () =>
            settle({
              kind: 'response',
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: Buffer.concat(chunks).toString('utf8'),
              ms: elapsed(),
            }),
          );
        },
      );
      const timer = setTimeout(() => {
        settle({ kind: 'timeout', ms: elapsed() });
        req.destroy();
      }, this.#timeoutMs);
      req.on('error', (error: NodeJS.ErrnoException) =>
        settle({ kind: 'error', code: error.code ?? 'ERR', message: error.message, ms: elapsed() }),
      );
      req.end(body);
    });
  }

  /** Closes the kept-open connections. */
  close(): void {
    this.#agent.destroy();
  }
}

/**
 * Runs `work` on every item with at most `concurrency` in flight; results in item order.
 * @example const outcomes = await runPool(calls, 50, (call) => client.send(call));
 */
export async function runPool<T, R>(
  items: readonly T[],
  concurrency: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) {
      results[i] = await work(items[i] as T, i);
    }
  };
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker),
  );
  return results;
}
