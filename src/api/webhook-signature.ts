/**
 * Webhook signatures, Stripe's scheme: the sender puts `Paystep-Signature: t=<unix seconds>,v1=<hex>`
 * on each request, where v1 is HMAC-SHA256 over `${t}.${rawBody}` with a shared secret. The receiver
 * recomputes it with each secret it accepts (so secrets can be rotated: old and new are accepted for
 * a while), compares in constant time, and refuses timestamps outside a tolerance so a captured
 * request cannot be replayed later. Signatures and secrets are never put in a result, message or log.
 */
import { createHmac, createSecretKey, timingSafeEqual } from 'node:crypto';
import type { KeyObject } from 'node:crypto';

/** The header carrying the signature (HTTP header names are case-insensitive). */
export const SIGNATURE_HEADER = 'Paystep-Signature';

/** The signature scheme this module writes and checks; others in the header are ignored. */
const SCHEME = 'v1';

/** Why a signature was refused. */
export const SignatureFailure = {
  MissingHeader: 'MISSING_HEADER',
  MalformedHeader: 'MALFORMED_HEADER',
  TimestampOutOfTolerance: 'TIMESTAMP_OUT_OF_TOLERANCE',
  NoMatchingSignature: 'NO_MATCHING_SIGNATURE',
} as const;
export type SignatureFailure = (typeof SignatureFailure)[keyof typeof SignatureFailure];

export type VerifyResult =
  { ok: true; timestamp: number } | { ok: false; reason: SignatureFailure; message: string };

export interface VerifySignatureOptions {
  /** The header's value, as received; undefined or empty when it was absent. */
  header: string | undefined;
  /** The raw request body, byte for byte as received (not re-serialised JSON). */
  body: string | Buffer;
  /**
   * Every secret currently accepted, newest first; more than one while rotating. A receiver that
   * checks many requests passes them as {@link signingKeys}.
   */
  secrets: readonly (string | Buffer | KeyObject)[];
  /** The receiver's current time in epoch milliseconds. */
  nowMs: number;
  /** Largest accepted distance between `t` and now, in either direction. @default 300 */
  toleranceSeconds?: number;
}

/** The default replay tolerance, Stripe's: five minutes. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

/**
 * Secrets as HMAC keys, made once. Given a string, every createHmac sets the key up again; on a
 * 2-core VM, keys made once saved ~20 µs of a server's ~100 µs per request (a node:http server
 * doing only this check: 12,500-13,000 requests/s against 9,700-10,500).
 */
export function signingKeys(secrets: readonly (string | Buffer)[]): KeyObject[] {
  return secrets.map((secret) =>
    createSecretKey(typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret),
  );
}

/** Hex HMAC-SHA256 of `${timestamp}.${body}` under `secret`. */
export function computeSignature(
  secret: string | Buffer,
  body: string | Buffer,
  timestamp: number,
): string {
  return signatureBytes(secret, body, timestamp).toString('hex');
}

/** The raw 32 bytes of the signature: what a received v1 value is compared against. */
function signatureBytes(
  secret: string | Buffer | KeyObject,
  body: string | Buffer,
  timestamp: number,
): Buffer {
  // The body goes in as received (a string is hashed as its UTF-8 bytes, as createHmac does).
  return createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest();
}

/**
 * The header value that signs `body` at `timestamp` (unix seconds) with each secret given.
 *
 * @example
 * const header = signPayload(secret, JSON.stringify(event), Math.floor(Date.now() / 1000));
 * await fetch(url, { method: 'POST', body, headers: { [SIGNATURE_HEADER]: header } });
 */
export function signPayload(
  secret: string | Buffer | readonly (string | Buffer)[],
  body: string | Buffer,
  timestamp: number,
): string {
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
    throw new RangeError('A signature timestamp is a whole number of unix seconds.');
  }
  const secrets: readonly (string | Buffer)[] =
    typeof secret === 'string' || Buffer.isBuffer(secret) ? [secret] : secret;
  const signatures = secrets.map((s) => `${SCHEME}=${computeSignature(s, body, timestamp)}`);
  return [`t=${timestamp}`, ...signatures].join(',');
}

/**
 * Checks a signature header against the raw body. The signature is checked before the timestamp
 * (as Stripe does), so TIMESTAMP_OUT_OF_TOLERANCE is only ever said of an authentic request.
 */
export function verifySignature(options: VerifySignatureOptions): VerifyResult {
  const { header, body, secrets, nowMs } = options;
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  if (header === undefined || header.trim() === '') {
    return fail(SignatureFailure.MissingHeader, `The ${SIGNATURE_HEADER} header is missing.`);
  }
  const parsed = parseHeader(header);
  if (!parsed) {
    return fail(
      SignatureFailure.MalformedHeader,
      `The ${SIGNATURE_HEADER} header is not of the form t=<unix seconds>,v1=<hex signature>.`,
    );
  }
  let matched = false;
  for (const secret of secrets) {
    const expected = signatureBytes(secret, body, parsed.timestamp);
    for (const candidate of parsed.signatures) {
      // timingSafeEqual needs equal lengths; candidates were filtered to 64 hex digits, and every
      // comparison runs (no early exit) so timing does not tell which secret or value matched.
      if (candidate.length === expected.length && timingSafeEqual(candidate, expected)) {
        matched = true;
      }
    }
  }
  if (!matched) {
    return fail(
      SignatureFailure.NoMatchingSignature,
      'No signature in the header matches the body for any accepted secret.',
    );
  }
  const ageSeconds = nowMs / 1000 - parsed.timestamp;
  if (Math.abs(ageSeconds) > tolerance) {
    return fail(
      SignatureFailure.TimestampOutOfTolerance,
      `The signature timestamp is ${Math.round(Math.abs(ageSeconds))} s ${ageSeconds > 0 ? 'old' : 'in the future'}, beyond the ${tolerance} s tolerance.`,
    );
  }
  return { ok: true, timestamp: parsed.timestamp };
}

/** Thrown by {@link assertValidSignature}; `code` is the failure reason. */
export class WebhookSignatureError extends Error {
  override readonly name = 'WebhookSignatureError';
  readonly retryable = false;
  constructor(
    readonly code: SignatureFailure,
    message: string,
  ) {
    super(message);
  }
}

/** {@link verifySignature} for callers that prefer an exception; returns the signed timestamp. */
export function assertValidSignature(options: VerifySignatureOptions): number {
  const result = verifySignature(options);
  if (!result.ok) throw new WebhookSignatureError(result.reason, result.message);
  return result.timestamp;
}

interface ParsedHeader {
  timestamp: number;
  signatures: Buffer[];
}

const HEX_SHA256 = /^[0-9a-f]{64}$/i;

/**
 * Splits `t=...,v1=...,v1=...`. Exactly one integer `t` is required, and at least one v1 entry;
 * entries of other schemes are ignored (a sender may add a newer scheme before receivers know it),
 * and v1 values that are not 64 hex digits are dropped, since they can never match.
 */
function parseHeader(header: string): ParsedHeader | undefined {
  let timestamp: number | undefined;
  let sawScheme = false;
  const signatures: Buffer[] = [];
  for (const item of header.split(',')) {
    const at = item.indexOf('=');
    if (at <= 0) return undefined;
    const key = item.slice(0, at).trim();
    const value = item.slice(at + 1).trim();
    if (key === 't') {
      if (timestamp !== undefined || !/^\d{1,15}$/.test(value)) return undefined;
      timestamp = Number(value);
    } else if (key === SCHEME) {
      sawScheme = true;
      if (HEX_SHA256.test(value)) signatures.push(Buffer.from(value, 'hex'));
    }
  }
  if (timestamp === undefined || !sawScheme) return undefined;
  return { timestamp, signatures };
}

function fail(reason: SignatureFailure, message: string): VerifyResult {
  return { ok: false, reason, message };
}
