/**
 * The HTTP fuzzing harness: sends hostile requests (http-fuzz-cases.ts) to a real paystep
 * server, signing webhooks as each case says, and records every case that was not refused with a
 * 4xx RFC 9457 problem: a 5xx, an acceptance, no answer within the deadline (a hang), or a broken
 * connection. `storeSnapshot` counts the rows of every table a request could write, so a caller
 * can prove that nothing was stored.
 */
import type { OutgoingHttpHeaders } from 'node:http';
import { signPayload, SIGNATURE_HEADER } from '../api/webhook-signature.js';
import type { SqliteDatabase } from '../sqlite/database.js';
import { HttpClient, runPool } from './http-client.js';
import type { HttpCall } from './http-client.js';
import { FuzzTarget, Signing } from './http-fuzz-cases.js';
import type { HttpFuzzCase } from './http-fuzz-cases.js';

export interface HttpFuzzTarget {
  readonly url: string;
  /** A key of scope submit, for the payment cases that present a valid key. */
  readonly submitKey: string;
  /** A key of scope read: valid, but not allowed to submit. */
  readonly readKey: string;
  readonly webhookSecret: string;
  /** The server's clock, epoch ms, for signing. @default Date.now */
  readonly now?: () => number;
}

export const HttpFindingKind = {
  /** Answered 5xx. */
  ServerError: 'server-error',
  /** Answered 1xx, 2xx or 3xx: the hostile request was taken. */
  Accepted: 'accepted',
  /** No answer before the deadline. */
  Hang: 'hang',
  /** The connection failed without an answer. */
  Transport: 'transport',
  /** A 4xx that is not `application/problem+json`. */
  NotProblem: 'not-problem-json',
} as const;
export type HttpFindingKind = (typeof HttpFindingKind)[keyof typeof HttpFindingKind];

export interface HttpFuzzFinding {
  readonly kind: HttpFindingKind;
  readonly name: string;
  readonly status?: number;
  /** The start of the answer (or the error), for reproducing. */
  readonly detail: string;
  /** The start of the request body, for reproducing. */
  readonly sample: string;
}

export interface HttpFuzzReport {
  readonly cases: number;
  /** Answers by status (`timeout`, `error` for none). */
  readonly statuses: Readonly<Record<string, number>>;
  readonly findings: readonly HttpFuzzFinding[];
  /** Wall-clock ms of the slowest case (reported, never asserted). */
  readonly slowestMs: number;
  readonly slowestName: string;
}

/** The tables a request could write to: all must be unchanged by refused requests. */
export const STORED_TABLES = [
  'transactions',
  'executions',
  'runs',
  'history',
  'timers',
  'queue_messages',
  'queue_dead_letters',
  'queue_deduplication',
  'webhook_events',
  'idempotency_keys',
  'audit_log',
  'notification_outbox',
  'gateway_sim_ledger',
] as const;

/** Row counts of {@link STORED_TABLES} (tables not yet created count 0). */
export function storeSnapshot(db: SqliteDatabase): Record<string, number> {
  const present = new Set(
    (
      db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]
    ).map((r) => r.name),
  );
  return Object.fromEntries(
    STORED_TABLES.map((table) => [
      table,
      present.has(table)
        ? (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n
        : 0,
    ]),
  );
}

/** The request a case makes, signed now. */
export function toHttpCall(target: HttpFuzzTarget, fuzzCase: HttpFuzzCase): HttpCall {
  const headers: OutgoingHttpHeaders = { ...fuzzCase.headers };
  const body = fuzzCase.body ?? Buffer.alloc(0);
  const nowSeconds = Math.floor((target.now ?? Date.now)() / 1000);
  if (fuzzCase.target === FuzzTarget.Webhook && fuzzCase.signing !== undefined) {
    const { kind, offsetSeconds = 0, header } = fuzzCase.signing;
    const signature =
      kind === Signing.None
        ? undefined
        : kind === Signing.WrongSecret
          ? signPayload('whsec_not_the_servers_secret', body, nowSeconds)
          : kind === Signing.OtherBody
            ? signPayload(target.webhookSecret, Buffer.concat([body, Buffer.from(' ')]), nowSeconds)
            : kind === Signing.Skewed
              ? signPayload(target.webhookSecret, body, Math.max(0, nowSeconds + offsetSeconds))
              : kind === Signing.Literal
                ? (header ?? '')
                : signPayload(target.webhookSecret, body, nowSeconds);
    if (signature !== undefined) headers[SIGNATURE_HEADER] = signature;
  }
  const auth = fuzzCase.auth;
  if (auth === 'submit') headers['authorization'] = `Bearer ${target.submitKey}`;
  else if (auth === 'read') headers['authorization'] = `Bearer ${target.readKey}`;
  else if (typeof auth === 'object') headers['authorization'] = auth.literal;
  return {
    method: fuzzCase.method,
    path: fuzzCase.path,
    headers,
    ...(fuzzCase.body === undefined ? {} : { body: fuzzCase.body }),
  };
}

/**
 * Sends every case, `concurrency` at a time, and reports what was not refused properly.
 * @example const report = await fuzzHttpServer(target, generateHttpFuzzCases(1, 2000));
 */
export async function fuzzHttpServer(
  target: HttpFuzzTarget,
  cases: Iterable<HttpFuzzCase>,
  options: { concurrency?: number; timeoutMs?: number } = {},
): Promise<HttpFuzzReport> {
  const all = [...cases];
  const concurrency = options.concurrency ?? 16;
  const client = new HttpClient({
    url: target.url,
    maxSockets: concurrency,
    timeoutMs: options.timeoutMs ?? 10_000,
  });
  const statuses: Record<string, number> = {};
  const findings: HttpFuzzFinding[] = [];
  let slowestMs = 0;
  let slowestName = '';
  try {
    await runPool(all, concurrency, async (fuzzCase) => {
      const outcome = await client.send(toHttpCall(target, fuzzCase));
      const sample = (fuzzCase.body ?? Buffer.alloc(0)).subarray(0, 200).toString('latin1');
      const label = outcome.kind === 'response' ? String(outcome.status) : outcome.kind;
      statuses[label] = (statuses[label] ?? 0) + 1;
      if (outcome.ms > slowestMs) {
        slowestMs = outcome.ms;
        slowestName = fuzzCase.name;
      }
      const finding = (kind: HttpFindingKind, detail: string, status?: number) =>
        findings.push({
          kind,
          name: fuzzCase.name,
          ...(status === undefined ? {} : { status }),
          detail: detail.slice(0, 300),
          sample,
        });
      if (outcome.kind === 'timeout')
        finding(HttpFindingKind.Hang, `no answer in ${Math.round(outcome.ms)} ms`);
      else if (outcome.kind === 'error')
        finding(HttpFindingKind.Transport, `${outcome.code}: ${outcome.message}`);
      else if (outcome.status >= 500)
        finding(HttpFindingKind.ServerError, outcome.body, outcome.status);
      else if (outcome.status < 400)
        finding(HttpFindingKind.Accepted, outcome.body, outcome.status);
      else if (!String(outcome.headers['content-type']).startsWith('application/problem+json'))
        finding(
          HttpFindingKind.NotProblem,
          `${String(outcome.headers['content-type'])}: ${outcome.body}`,
          outcome.status,
        );
    });
  } finally {
    client.close();
  }
  return { cases: all.length, statuses, findings, slowestMs, slowestName };
}
