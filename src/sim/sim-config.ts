/**
 * What a simulated day is made of: how many payments over how long, the mix of methods,
 * currencies, amounts and customers, the gateway's faults (declines, transient errors, timeouts,
 * latency, an outage window) and the simulated operator who answers manual reviews. Every default
 * is documented where it is declared; `resolveSimulationConfig` fills them in and checks ranges.
 */

/** Every knob of a simulation. Rates are shares between 0 and 1. */
export interface SimulationConfig {
  /** Payments submitted over the day. @default 2000 */
  readonly payments: number;
  /** Length of the simulated span, ms. @default 24 h */
  readonly overMs: number;
  /** Fixes every random choice: the same seed gives the same day. @default 1 */
  readonly seed: number;
  /** Virtual time the day starts at, epoch ms. @default 2026-01-01T00:00:00Z */
  readonly startMs: number;
  /** Bursts of arrivals on top of the daily curve. @default 4 */
  readonly bursts: number;
  /** Share of new charges the gateway declines. @default 0.04 */
  readonly declineRate: number;
  /** Share of gateway calls failing `Gateway.Transient`. @default 0.05 */
  readonly transientErrorRate: number;
  /** Share of gateway calls timing out (half after applying: the unknown outcome). @default 0.01 */
  readonly timeoutRate: number;
  /** Median gateway latency, ms. @default 180 */
  readonly latencyMedianMs: number;
  /** 99th percentile gateway latency, ms. @default 1500 */
  readonly latencyP99Ms: number;
  /** How long a timed-out gateway call hangs, ms. @default 10000 */
  readonly gatewayTimeoutMs: number;
  /** Offset of the outage from the day's start, ms. @default half the span (noon of a day) */
  readonly outageAtMs: number;
  /** Length of the gateway outage, ms; 0 for none. @default 10 min */
  readonly outageMs: number;
  /** Share of requests that are invalid (rejected by ValidatePayment). @default 0.01 */
  readonly invalidRate: number;
  /** Share of payments with amounts high enough for fraud review. @default 0.015 */
  readonly highAmountRate: number;
  /** Distinct customers; a few "hot" ones trip the velocity rules. @default payments / 5 */
  readonly customers: number;
  /** Share of manual reviews the simulated operator approves. @default 0.85 */
  readonly reviewApproveRate: number;
  /** Shortest and longest time the operator takes to decide, ms. @default 2 min to 45 min */
  readonly reviewDelayMinMs: number;
  readonly reviewDelayMaxMs: number;
}

export const MinuteMs = 60_000;
export const HourMs = 3_600_000;

/** The defaults for `payments` payments (2,000 unless given): the day of issue 8. */
export function resolveSimulationConfig(
  partial: Partial<SimulationConfig> = {},
): Readonly<SimulationConfig> {
  const payments = partial.payments ?? 2000;
  const overMs = partial.overMs ?? 24 * HourMs;
  const config: SimulationConfig = {
    payments,
    overMs,
    seed: 1,
    startMs: Date.UTC(2026, 0, 1),
    bursts: 4,
    declineRate: 0.04,
    transientErrorRate: 0.05,
    timeoutRate: 0.01,
    latencyMedianMs: 180,
    latencyP99Ms: 1500,
    gatewayTimeoutMs: 10_000,
    outageAtMs: Math.floor(overMs / 2),
    outageMs: 10 * MinuteMs,
    invalidRate: 0.01,
    highAmountRate: 0.015,
    customers: Math.max(1, Math.floor(payments / 5)),
    reviewApproveRate: 0.85,
    reviewDelayMinMs: 2 * MinuteMs,
    reviewDelayMaxMs: 45 * MinuteMs,
    ...stripUndefined(partial),
  };
  const problems = configProblems(config);
  if (problems.length > 0) throw new RangeError(problems.join('; '));
  return Object.freeze(config);
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Every range problem of a configuration, in words. */
export function configProblems(config: SimulationConfig): string[] {
  const problems: string[] = [];
  const whole = (name: keyof SimulationConfig, min: number, max = Number.MAX_SAFE_INTEGER) => {
    const value = config[name];
    if (!Number.isInteger(value) || value < min || value > max)
      problems.push(`${name} must be a whole number from ${min} to ${max}`);
  };
  const share = (name: keyof SimulationConfig) => {
    const value = config[name];
    if (!(value >= 0 && value <= 1)) problems.push(`${name} must be between 0 and 1`);
  };
  whole('payments', 1, 1_000_000);
  whole('overMs', MinuteMs, 30 * 24 * HourMs);
  whole('seed', 0, 2 ** 32 - 1);
  whole('startMs', 0);
  whole('bursts', 0, 100);
  whole('latencyMedianMs', 1, 600_000);
  whole('latencyP99Ms', config.latencyMedianMs, 600_000);
  whole('gatewayTimeoutMs', 0, 600_000);
  whole('outageAtMs', 0, config.overMs);
  whole('outageMs', 0, config.overMs);
  whole('customers', 1);
  whole('reviewDelayMinMs', 0);
  whole('reviewDelayMaxMs', config.reviewDelayMinMs);
  for (const name of [
    'declineRate',
    'transientErrorRate',
    'timeoutRate',
    'invalidRate',
    'highAmountRate',
    'reviewApproveRate',
  ] as const)
    share(name);
  return problems;
}

const durationPattern = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/;
const unitMs = { ms: 1, s: 1000, m: MinuteMs, h: HourMs, d: 24 * HourMs } as const;

/**
 * Parses a duration such as `24h`, `90m`, `30s`, `1.5h` or `500ms` (a bare number is seconds).
 * Returns undefined for anything else.
 * @example parseDuration('10m') // 600000
 */
export function parseDuration(text: string): number | undefined {
  const match = durationPattern.exec(text.trim());
  if (!match) return undefined;
  const unit = (match[2] ?? 's') as keyof typeof unitMs;
  return Math.round(Number(match[1]) * unitMs[unit]);
}

/** A duration in words for people: `24h`, `10m`, `1h30m`, `45s`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < MinuteMs) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)}s`;
  const hours = Math.floor(ms / HourMs);
  const minutes = Math.round((ms % HourMs) / MinuteMs);
  if (hours === 0) return `${minutes}m`;
  return minutes === 0 ? `${hours}h` : `${hours}h${minutes}m`;
}
