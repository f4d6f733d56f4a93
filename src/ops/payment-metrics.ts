/**
 * The payment metrics, read from what the payment workflow already records: a closed execution's
 * input (the payment request: amount and currency) and output (its final status) give
 * PaymentCount, PaymentAmount and PaymentProcessingDuration; a gateway wrapped by `timedGateway`
 * gives GatewayLatency per operation. Amounts are parsed to exact minor units, never through a
 * float of major units.
 */
import type { Json } from '../asl/json.js';
import { DEFAULT_CURRENCY, parseMoney } from '../payments/money.js';
import type { ChargeRequest, PaymentGateway, RefundRequest } from '../payments/ports/gateway.js';
import type { ClosedExecution } from './history-metrics.js';
import type { PaymentFinished } from './ops-metrics.js';
import type { Now } from './schedule.js';

/** Outcome names of executions that did not end in one of the workflow's own statuses. */
const outcomeOfStatus = {
  SUCCEEDED: 'succeeded',
  FAILED: 'failed',
  TIMED_OUT: 'timed_out',
  ABORTED: 'aborted',
} as const;

/**
 * The finished payment a closed payment-workflow execution describes: the outcome is the
 * workflow's final `status` in lower case (`completed`, `declined`, `rejected`) or, for an
 * execution that did not succeed, its status (`failed`, `timed_out`, `aborted`).
 * @returns undefined when the start of the execution is unknown (no duration can be given)
 */
export function paymentFinishedOf(closed: ClosedExecution): PaymentFinished | undefined {
  if (closed.startDate === undefined) return undefined;
  const input = record(closed.input);
  const output = record(closed.output);
  const status = output?.status;
  const outcome =
    closed.status === 'SUCCEEDED' && typeof status === 'string'
      ? status.toLowerCase()
      : outcomeOfStatus[closed.status];
  const given = input?.currency;
  const currency =
    typeof given === 'string' && /^[A-Za-z]{3}$/.test(given)
      ? given.toUpperCase()
      : DEFAULT_CURRENCY;
  const money = parseMoney(input?.payment_amount, currency);
  return {
    outcome,
    currency,
    // A request too malformed to have an amount (a rejected one) counts, with no amount.
    amountMinor: money.ok ? money.money.amount_minor : 0,
    durationMs: Math.max(0, closed.stopDate - closed.startDate),
  };
}

/** Where a gateway call's latency goes; `OpsMetrics` implements it. */
export interface GatewayLatencySink {
  gatewayCalled(operation: string, latencyMs: number): void;
}

/**
 * The gateway with the latency of every call (charge, getCharge, refund) recorded, whatever its
 * outcome; time comes from the injected clock, so simulated latency is measured in virtual time.
 */
export function timedGateway(
  gateway: PaymentGateway,
  metrics: GatewayLatencySink,
  now: Now,
): PaymentGateway {
  const timed =
    <A, R>(operation: string, call: (argument: A) => Promise<R>) =>
    async (argument: A): Promise<R> => {
      const started = now();
      try {
        return await call(argument);
      } finally {
        metrics.gatewayCalled(operation, now() - started);
      }
    };
  return {
    charge: timed('charge', (request: ChargeRequest) => gateway.charge(request)),
    getCharge: timed('getCharge', (key: string) => gateway.getCharge(key)),
    refund: timed('refund', (request: RefundRequest) => gateway.refund(request)),
  };
}

function record(value: Json | undefined): Record<string, Json> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : undefined;
}
