/**
 * The plan of a simulated day, drawn from the seed before anything runs: when each payment
 * arrives (a daily curve — quiet at night, a late-morning and an evening peak — with short
 * bursts on top) and what it is (method, currency, amount, customer, a few invalid requests and a
 * few high amounts for fraud review). The plan is pure data, so a crashed simulation that is
 * restarted draws exactly the same day again.
 */
import type { JsonObject } from '../asl/json.js';
import { mulberry32 } from '../adapters/gateway/seeded-random.js';
import type { RandomSource } from '../adapters/gateway/seeded-random.js';
import type { CurrencyCode } from '../payments/money.js';
import { formatMoney } from '../payments/money.js';
import type { PaymentMethod } from '../payments/payment.js';
import type { SimulationConfig } from './sim-config.js';
import { MinuteMs } from './sim-config.js';

/** One payment of the day: when it arrives and the request submitted then. */
export interface PlannedPayment {
  readonly index: number;
  /** Arrival, epoch ms of virtual time. */
  readonly at: number;
  readonly transactionId: string;
  readonly request: JsonObject;
}

/** A burst of arrivals: a window in which the arrival rate is multiplied. */
export interface Burst {
  readonly startMs: number;
  readonly endMs: number;
  readonly factor: number;
}

export interface DayPlan {
  readonly payments: readonly PlannedPayment[];
  readonly bursts: readonly Burst[];
}

const methods: readonly (readonly [PaymentMethod, number])[] = [
  ['credit_card', 0.55],
  ['debit_card', 0.25],
  ['digital_wallet', 0.12],
  ['bank_transfer', 0.08],
];
const currencies: readonly (readonly [CurrencyCode, number])[] = [
  ['USD', 0.8],
  ['EUR', 0.12],
  ['GBP', 0.08],
];

/**
 * The relative arrival rate at an hour of the day (0 to 24): a night floor, a peak near 11:00
 * and a larger one near 19:00, the shape of consumer card traffic.
 */
export function dailyCurve(hourOfDay: number): number {
  const bump = (centre: number, width: number) =>
    Math.exp(-((hourOfDay - centre) ** 2) / (2 * width ** 2));
  return 0.08 + 0.9 * bump(11, 2.2) + 1.1 * bump(19, 2.6);
}

/** Draws the day from `config.seed`. The same configuration always gives the same plan. */
export function planDay(config: SimulationConfig): DayPlan {
  const random = mulberry32(config.seed ^ 0x5eed);
  const bursts = drawBursts(config, random);
  const arrivals = drawArrivals(config, bursts, random);
  const hotCustomers = Math.max(1, Math.round(config.customers * 0.01));
  const payments = arrivals.map((at, index) =>
    planPayment(config, index, at, random, hotCustomers, bursts),
  );
  return { payments, bursts };
}

function drawBursts(config: SimulationConfig, random: RandomSource): Burst[] {
  const bursts: Burst[] = [];
  for (let i = 0; i < config.bursts; i++) {
    const lengthMs = Math.round((2 + random() * 6) * MinuteMs);
    const startMs = config.startMs + Math.floor(random() * Math.max(1, config.overMs - lengthMs));
    bursts.push({ startMs, endMs: startMs + lengthMs, factor: 6 + Math.floor(random() * 10) });
  }
  return bursts.sort((a, b) => a.startMs - b.startMs);
}

/** Arrival times by inverse sampling of the per-minute rate, sorted. */
function drawArrivals(config: SimulationConfig, bursts: readonly Burst[], random: RandomSource) {
  const buckets = Math.max(1, Math.ceil(config.overMs / MinuteMs));
  const bucketMs = config.overMs / buckets;
  const cumulative: number[] = [];
  let total = 0;
  for (let b = 0; b < buckets; b++) {
    const mid = config.startMs + (b + 0.5) * bucketMs;
    // The curve is laid over the span, whatever its length: a 1 h run still has its peaks.
    const hourOfDay = ((mid - config.startMs) / config.overMs) * 24;
    let rate = dailyCurve(hourOfDay);
    for (const burst of bursts) if (mid >= burst.startMs && mid < burst.endMs) rate *= burst.factor;
    total += rate;
    cumulative.push(total);
  }
  const times: number[] = [];
  for (let i = 0; i < config.payments; i++) {
    const target = random() * total;
    let lo = 0;
    let hi = buckets - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cumulative[mid] as number) < target) lo = mid + 1;
      else hi = mid;
    }
    times.push(Math.floor(config.startMs + (lo + random()) * bucketMs));
  }
  return times.sort((a, b) => a - b);
}

function pick<T>(table: readonly (readonly [T, number])[], random: RandomSource): T {
  let u = random();
  for (const [value, weight] of table) {
    if (u < weight) return value;
    u -= weight;
  }
  return (table[table.length - 1] as readonly [T, number])[0];
}

function planPayment(
  config: SimulationConfig,
  index: number,
  at: number,
  random: RandomSource,
  hotCustomers: number,
  bursts: readonly Burst[],
): PlannedPayment {
  const transactionId = `SIM-${config.seed}-${String(index + 1).padStart(6, '0')}`;
  const method = pick(methods, random);
  const currency = pick(currencies, random);
  // Amounts are drawn in whole minor units (log-normal around 45.00), never as floats of money.
  const normal = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  let minor = Math.round(Math.exp(Math.log(4500) + 0.9 * normal));
  minor = Math.min(Math.max(minor, 100), 150_000);
  if (random() < config.highAmountRate) minor = 200_000 + Math.floor(random() * 700_000);
  const invalid = random() < config.invalidRate;
  if (invalid) minor = 10 + Math.floor(random() * 30); // below the 0.50 minimum: REJECTED
  // In a burst, a hot customer does much of the buying: the velocity rules notice.
  const inBurst = bursts.some((burst) => at >= burst.startMs && at < burst.endMs);
  const customer =
    inBurst && random() < 0.5
      ? Math.floor(random() * hotCustomers)
      : Math.floor(config.customers * random() ** 1.6);
  const request: JsonObject = {
    transaction_id: transactionId,
    payment_amount: formatMoney({ amount_minor: minor, currency }),
    currency,
    payment_method: method,
    customer_id: `CUST-${String(customer + 1).padStart(5, '0')}`,
    merchant_id: `MERCHANT-${1 + (index % 7)}`,
    payment_details: {
      token: `tok_sim_${config.seed}_${index + 1}`,
      last4: String(1000 + ((index * 7919) % 9000)),
    },
    metadata: { channel: index % 3 === 0 ? 'mobile' : 'web' },
  };
  return { index, at, transactionId, request };
}
