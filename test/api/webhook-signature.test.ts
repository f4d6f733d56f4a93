import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  assertValidSignature,
  signingKeys,
  signPayload,
  verifySignature,
  type VerifySignatureOptions,
} from '../../src/api/webhook-signature.js';

const SECRET = 'whsec_current';
const OLD_SECRET = 'whsec_previous';
const BODY = '{"id":"evt_1","type":"payment.succeeded","amount":{"minor":1999,"currency":"EUR"}}';
const T = 1_735_689_600; // 2025-01-01T00:00:00Z
const NOW_MS = T * 1000;

function verify(overrides: Partial<VerifySignatureOptions>) {
  return verifySignature({
    header: signPayload(SECRET, BODY, T),
    body: BODY,
    secrets: [SECRET],
    nowMs: NOW_MS,
    ...overrides,
  });
}

describe('signPayload', () => {
  it('signs HMAC-SHA256 over the timestamp, a dot and the raw body', () => {
    const expected = createHmac('sha256', SECRET).update(`${T}.${BODY}`).digest('hex');

    expect(signPayload(SECRET, BODY, T)).toBe(`t=${T},v1=${expected}`);
  });

  it('writes one v1 value per secret while rotating', () => {
    const header = signPayload([SECRET, OLD_SECRET], BODY, T);

    expect(header.match(/v1=/g)).toHaveLength(2);
  });

  it('signs a Buffer body the same as the equal string', () => {
    expect(signPayload(SECRET, Buffer.from(BODY), T)).toBe(signPayload(SECRET, BODY, T));
  });
});

describe('verifySignature', () => {
  it.each([
    ['a valid signature', {}],
    [
      'a signature made with the previous secret during rotation',
      { header: signPayload(OLD_SECRET, BODY, T), secrets: [SECRET, OLD_SECRET] },
    ],
    [
      'one matching value among several v1 values',
      { header: `t=${T},v1=${'0'.repeat(64)},v1=${signPayload(SECRET, BODY, T).split('v1=')[1]}` },
    ],
    [
      'a header with an unknown scheme beside v1',
      { header: `${signPayload(SECRET, BODY, T)},v0=abc` },
    ],
    ['spaces around entries', { header: signPayload(SECRET, BODY, T).replace(',', ' , ') }],
    ['a timestamp exactly at the tolerance in the past', { nowMs: NOW_MS + 300_000 }],
    ['a timestamp exactly at the tolerance in the future', { nowMs: NOW_MS - 300_000 }],
    ['a Buffer body', { body: Buffer.from(BODY) }],
  ] as const)('accepts %s', (_name, overrides) => {
    expect(verify(overrides)).toEqual({ ok: true, timestamp: T });
  });

  it.each([
    ['no header', { header: undefined }, 'MISSING_HEADER'],
    ['an empty header', { header: '  ' }, 'MISSING_HEADER'],
    ['a header without t', { header: `v1=${'a'.repeat(64)}` }, 'MALFORMED_HEADER'],
    ['a header without v1', { header: `t=${T}` }, 'MALFORMED_HEADER'],
    ['a non-numeric timestamp', { header: `t=soon,v1=${'a'.repeat(64)}` }, 'MALFORMED_HEADER'],
    ['two timestamps', { header: `t=${T},t=${T},v1=${'a'.repeat(64)}` }, 'MALFORMED_HEADER'],
    ['an entry without =', { header: `t=${T},v1` }, 'MALFORMED_HEADER'],
    ['a tampered body', { body: BODY.replace('1999', '9999') }, 'NO_MATCHING_SIGNATURE'],
    [
      'a signature by an unknown secret',
      { header: signPayload('whsec_attacker', BODY, T) },
      'NO_MATCHING_SIGNATURE',
    ],
    ['a retired secret', { header: signPayload(OLD_SECRET, BODY, T) }, 'NO_MATCHING_SIGNATURE'],
    [
      'a signature of another timestamp',
      { header: signPayload(SECRET, BODY, T).replace(`t=${T}`, `t=${T + 1}`) },
      'NO_MATCHING_SIGNATURE',
    ],
    [
      'a truncated signature',
      { header: signPayload(SECRET, BODY, T).slice(0, -2) },
      'NO_MATCHING_SIGNATURE',
    ],
    ['a stale timestamp', { nowMs: NOW_MS + 300_001 }, 'TIMESTAMP_OUT_OF_TOLERANCE'],
    ['a timestamp in the future', { nowMs: NOW_MS - 300_001 }, 'TIMESTAMP_OUT_OF_TOLERANCE'],
    [
      'a timestamp outside a tighter tolerance',
      { nowMs: NOW_MS + 61_000, toleranceSeconds: 60 },
      'TIMESTAMP_OUT_OF_TOLERANCE',
    ],
  ] as const)('refuses %s', (_name, overrides, reason) => {
    const result = verify(overrides);

    expect(result).toMatchObject({ ok: false, reason });
  });

  it('never repeats a secret or signature in its failure message', () => {
    const header = signPayload(SECRET, BODY, T);
    const signature = header.split('v1=')[1] ?? '';
    const results = [
      verify({ body: 'tampered' }),
      verify({ nowMs: NOW_MS + 3_600_000 }),
      verify({ header: `t=x,v1=${signature}` }),
    ];

    for (const result of results) {
      const text = JSON.stringify(result);
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain(signature);
    }
  });
});

describe('signingKeys', () => {
  it('checks signatures as the secrets they were made from do, during rotation too', () => {
    const keys = signingKeys([SECRET, Buffer.from(OLD_SECRET)]);
    for (const secret of [SECRET, OLD_SECRET]) {
      expect(verify({ header: signPayload(secret, BODY, T), secrets: keys })).toEqual({
        ok: true,
        timestamp: T,
      });
    }
    expect(verify({ header: signPayload('whsec_other', BODY, T), secrets: keys })).toMatchObject({
      ok: false,
      reason: 'NO_MATCHING_SIGNATURE',
    });
    // A key made from a non-ASCII secret is its UTF-8 bytes, as createHmac takes a string.
    const unicode = 'whsec_ünïcødé';
    expect(
      verify({ header: signPayload(unicode, BODY, T), secrets: signingKeys([unicode]) }).ok,
    ).toBe(true);
  });
});

describe('assertValidSignature', () => {
  it('returns the signed timestamp, or throws with the reason as code', () => {
    expect(
      assertValidSignature({
        header: signPayload(SECRET, BODY, T),
        body: BODY,
        secrets: [SECRET],
        nowMs: NOW_MS,
      }),
    ).toBe(T);
    expect(() =>
      assertValidSignature({ header: undefined, body: BODY, secrets: [SECRET], nowMs: NOW_MS }),
    ).toThrow(expect.objectContaining({ code: 'MISSING_HEADER', retryable: false }));
  });
});
