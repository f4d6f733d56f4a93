/**
 * The HTTP load driver: sends a planned burst (http-load-plan.ts) to a real paystep server at a
 * fixed concurrency (webhooks signed as a provider signs them, payments with a submit key and
 * their Idempotency-Key), then waits, by polling the server's own API, until the webhook queue
 * is empty and no workflow is running. The accounting of what came back and what was stored is
 * http-load-accounting.ts. Used by the load test, and usable by a CLI or a soak run against any
 * server whose keys and webhook secret it is given.
 */
import { signPayload, SIGNATURE_HEADER } from '../api/webhook-signature.js';
import { HttpClient, runPool } from './http-client.js';
import type { HttpOutcome } from './http-client.js';
import { LoadChannel } from './http-load-plan.js';
import type { LoadRequest } from './http-load-plan.js';

export interface HttpLoadTarget {
  /** The server's base URL. */
  readonly url: string;
  /** An API key that may submit payments (scope submit or operate). */
  readonly submitKey: string;
  /** An API key of scope operate: the drain check reads the queue's depth and the executions. */
  readonly operateKey: string;
  /** A webhook secret the server accepts. */
  readonly webhookSecret: string;
  /** The time webhooks are signed at, epoch ms (the server's clock). @default Date.now */
  readonly now?: () => number;
}

export interface LoadAnswer {
  readonly request: LoadRequest;
  readonly outcome: HttpOutcome;
}

export interface LoadRun {
  readonly answers: readonly LoadAnswer[];
  /** Wall-clock ms of the burst (reported, never asserted). */
  readonly wallMs: number;
}

/**
 * Sends the requests (a plan's `requests`, then its `reviews`), `concurrency` at a time, in order.
 * @example const run = await sendHttpLoad(target, planHttpLoad({ seed: 1 }).requests);
 */
export async function sendHttpLoad(
  target: HttpLoadTarget,
  requests: readonly LoadRequest[],
  options: { concurrency?: number; timeoutMs?: number } = {},
): Promise<LoadRun> {
  const concurrency = options.concurrency ?? 50;
  const client = new HttpClient({
    url: target.url,
    maxSockets: concurrency,
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  });
  const now = target.now ?? Date.now;
  const started = performance.now();
  try {
    const answers = await runPool(requests, concurrency, async (request) => {
      const outcome = await client.send(
        request.channel === LoadChannel.Webhook
          ? {
              method: 'POST',
              path: '/webhooks/payment',
              headers: {
                'content-type': 'application/json',
                [SIGNATURE_HEADER]: signPayload(
                  target.webhookSecret,
                  request.body,
                  Math.floor(now() / 1000),
                ),
              },
              body: request.body,
            }
          : {
              method: 'POST',
              path: '/payments',
              headers: {
                'content-type': 'application/json',
                authorization: `Bearer ${target.submitKey}`,
                ...(request.idempotencyKey === undefined
                  ? {}
                  : { 'idempotency-key': request.idempotencyKey }),
              },
              body: request.body,
            },
      );
      return { request, outcome };
    });
    return { answers, wallMs: performance.now() - started };
  } finally {
    client.close();
  }
}

export interface QueueDepth {
  readonly visible: number;
  readonly inFlight: number;
  readonly delayed: number;
  readonly deadLetters: number;
}

export interface DrainResult {
  readonly drained: boolean;
  /** How many times the API was asked. */
  readonly polls: number;
  readonly waitedMs: number;
  /** The queue's depth at the last poll. */
  readonly depth: QueueDepth | undefined;
  /** Executions running at the last poll. */
  readonly running: number;
  /** Of those, payments waiting for a review decision (IN_REVIEW). */
  readonly inReview: number;
}

/**
 * Polls the server's API until all work is done: the queue (`GET /dead-letters`, its depth) holds
 * nothing visible, in flight or delayed, and every execution still running (`GET /executions`)
 * is a payment waiting for a review decision (`GET /transactions?status=IN_REVIEW`), or the
 * deadline passes. Read in that order, one equality suffices: once the queue is empty no new
 * execution starts (a message is deleted only after its workflow started, and the burst is over),
 * so running executions only finish and payments only enter review, and `running` read first
 * equal to `inReview` read after means each execution still running waits for a review.
 * A bounded loop on the real clock: it waits `intervalMs` between polls, never a fixed total.
 */
export async function awaitDrained(
  target: HttpLoadTarget,
  options: { deadlineMs?: number; intervalMs?: number } = {},
): Promise<DrainResult> {
  const client = new HttpClient({ url: target.url, maxSockets: 2 });
  const deadlineMs = options.deadlineMs ?? 60_000;
  const intervalMs = options.intervalMs ?? 25;
  const started = performance.now();
  const headers = { authorization: `Bearer ${target.operateKey}` };
  let polls = 0;
  try {
    for (;;) {
      polls++;
      const depth = readDepth(
        await client.send({ method: 'GET', path: '/dead-letters?limit=1', headers }),
      );
      const running = await countAll(client, '/executions?status=RUNNING', headers);
      const inReview = await countAll(client, '/transactions?status=IN_REVIEW', headers);
      const idle =
        depth !== undefined &&
        depth.visible + depth.inFlight + depth.delayed === 0 &&
        running === inReview;
      const waitedMs = performance.now() - started;
      if (idle || waitedMs >= deadlineMs) {
        return { drained: idle, polls, waitedMs, depth, running, inReview };
      }
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  } finally {
    client.close();
  }
}

function readDepth(outcome: HttpOutcome): QueueDepth | undefined {
  if (outcome.kind !== 'response' || outcome.status !== 200) return undefined;
  return (JSON.parse(outcome.body) as { depth?: QueueDepth }).depth;
}

/** Items of a paged list (following `next_cursor`); NaN if the API did not answer 200. */
async function countAll(
  client: HttpClient,
  path: string,
  headers: Record<string, string>,
): Promise<number> {
  let total = 0;
  let cursor: string | undefined;
  do {
    const page = `${path}&limit=1000${cursor === undefined ? '' : `&cursor=${encodeURIComponent(cursor)}`}`;
    const outcome = await client.send({ method: 'GET', path: page, headers });
    if (outcome.kind !== 'response' || outcome.status !== 200) return Number.NaN;
    const body = JSON.parse(outcome.body) as { items?: unknown[]; next_cursor?: string };
    total += body.items?.length ?? 0;
    cursor = body.next_cursor;
  } while (cursor !== undefined);
  return total;
}
