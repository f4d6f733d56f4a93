/**
 * The plan of a simulated day: drawn from the seed alone, inside the span, with the mix asked
 * for; and the duration syntax of the simulate flags.
 */
import { describe, expect, it } from 'vitest';
import { dailyCurve, planDay } from '../../src/sim/day-plan.js';
import {
  HourMs,
  MinuteMs,
  parseDuration,
  resolveSimulationConfig,
} from '../../src/sim/sim-config.js';
import { validatePaymentRequest } from '../../src/payments/validation.js';

describe('planDay', () => {
  const config = resolveSimulationConfig({ payments: 500, seed: 7 });

  it('draws the same day for the same seed and another for another seed', () => {
    expect(planDay(config)).toEqual(planDay(config));
    expect(planDay({ ...config, seed: 8 }).payments).not.toEqual(planDay(config).payments);
  });

  it('plans every payment once, in arrival order, inside the span', () => {
    const { payments } = planDay(config);
    expect(payments).toHaveLength(500);
    expect(new Set(payments.map((p) => p.transactionId)).size).toBe(500);
    for (let i = 1; i < payments.length; i++)
      expect(payments[i]!.at).toBeGreaterThanOrEqual(payments[i - 1]!.at);
    expect(payments[0]!.at).toBeGreaterThanOrEqual(config.startMs);
    expect(payments[499]!.at).toBeLessThan(config.startMs + config.overMs);
  });

  it('follows the daily curve: the evening peak is busier than the small hours', () => {
    const { payments } = planDay(resolveSimulationConfig({ payments: 4000, bursts: 0 }));
    const inHour = (hour: number) =>
      payments.filter((p) => Math.floor((p.at - config.startMs) / HourMs) === hour).length;
    expect(inHour(19)).toBeGreaterThan(5 * inHour(3));
    expect(dailyCurve(19)).toBeGreaterThan(dailyCurve(3));
  });

  it('makes valid requests except the invalid share, with amounts as decimal strings', () => {
    const { payments } = planDay(resolveSimulationConfig({ payments: 1000, invalidRate: 0.05 }));
    const invalid = payments.filter((p) => !validatePaymentRequest(p.request).ok).length;
    expect(invalid).toBeGreaterThan(20);
    expect(invalid).toBeLessThan(90);
    for (const p of payments) expect(typeof p.request['payment_amount']).toBe('string');
  });
});

describe('parseDuration', () => {
  it.each([
    ['24h', 24 * HourMs],
    ['10m', 10 * MinuteMs],
    ['30s', 30_000],
    ['45', 45_000],
    ['1.5h', 90 * MinuteMs],
    ['250ms', 250],
    ['2d', 48 * HourMs],
  ])('reads %s', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', 'h', '-1h', '1w', '1 h 2', 'ten minutes'])('refuses %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});

describe('resolveSimulationConfig', () => {
  it.each([
    [{ payments: 0 }, /payments/],
    [{ declineRate: 1.5 }, /declineRate/],
    [{ overMs: 10 }, /overMs/],
    [{ outageAtMs: 48 * HourMs }, /outageAtMs/],
  ])('refuses %j', (partial, message) => {
    expect(() => resolveSimulationConfig(partial)).toThrow(message);
  });
});
