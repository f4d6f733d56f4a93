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
import type { LoadPlan, LoadRequest } from './http-load-plan.js';

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
 * Sends every request of the plan, `concurrency` at a time, in the plan's order.
 * @example const run = await sendHttpLoad(target, planHttpLoad({ seed: 1 }), { concurrency: 64 });
 */
export async function sendHttpLoad(
  target: HttpLoadTarget,
  plan: LoadPlan,
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
    const answers = await runPool(plan.requests, concurrency, async (request) => {
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
  /** Executions still running at the last poll (0 or 1: the poll asks for one). */
  readonly running: number;
}

/**
 * Polls `GET /dead-letters` (the queue's depth) and `GET /executions?status=RUNNING` until the
 * queue holds nothing visible, in flight or delayed and no execution runs, or the deadline passes.
 * Both must hold at one poll, and the queue is read first: a message is deleted only after its
 * workflow was started, so an empty queue then no running execution means all work is done.
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
  const auth = { authorization: `Bearer ${target.operateKey}` };
  let polls = 0;
  let depth: QueueDepth | undefined;
  let running = Number.NaN;
  try {
    for (;;) {
      polls++;
      depth = readDepth(
        await client.send({ method: 'GET', path: '/dead-letters?limit=1', headers: auth }),
      );
      running = readCount(
        await client.send({
          method: 'GET',
          path: '/executions?status=RUNNING&limit=1',
          headers: auth,
        }),
      );
      const idle =
        depth !== undefined &&
        depth.visible + depth.inFlight + depth.delayed === 0 &&
        running === 0;
      const waitedMs = performance.now() - started;
      if (idle || waitedMs >= deadlineMs) {
        return { drained: idle, polls, waitedMs, depth, running };
      }
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  } finally {
    client.close();
  }
}

function readDepth(outcome: HttpOutcome): QueueDepth | undefined {
  if (outcome.kind !== 'response' || outcome.status !== 200) return undefined;
  const depth = (JSON.parse(outcome.body) as { depth?: QueueDepth }).depth;
  return depth;
}

function readCount(outcome: HttpOutcome): number {
  if (outcome.kind !== 'response' || outcome.status !== 200) return Number.NaN;
  return (JSON.parse(outcome.body) as { items?: unknown[] }).items?.length ?? Number.NaN;
}
