/**
 * Test harnesses for the PaymentGateway contract: one gives the SimulatedGateway directly, the
 * other an HttpGateway talking to a real gateway-sim server on loopback in front of it. Both
 * expose the simulator so a test can read its ledger, and run on virtual time.
 */
import { HttpGateway } from '../../../src/adapters/gateway/http-gateway.js';
import { startGatewaySimServer } from '../../../src/adapters/gateway/gateway-sim-server.js';
import { SimulatedGateway } from '../../../src/adapters/gateway/simulated-gateway.js';
import type { SimulatedGatewayOptions } from '../../../src/adapters/gateway/simulated-gateway.js';
import type { ChargeRequest, PaymentGateway } from '../../../src/payments/ports/gateway.js';

/** Time that moves only when a test or a simulated delay moves it. */
export class VirtualTime {
  current: number;
  readonly delays: number[] = [];

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.current = start;
  }

  readonly now = (): number => this.current;

  /** A simulated wait: records it, moves time by `ms`, resolves at once. */
  readonly delay = (ms: number): Promise<void> => {
    this.delays.push(ms);
    this.current += ms;
    return Promise.resolve();
  };
}

export interface GatewayHarness {
  /** The adapter under test. */
  readonly gateway: PaymentGateway;
  /** The simulator behind it, for its ledger. */
  readonly sim: SimulatedGateway;
  readonly time: VirtualTime;
  close(): Promise<void>;
}

export type SimOptions = Omit<SimulatedGatewayOptions, 'now' | 'delay'>;

export type HarnessFactory = (options?: SimOptions) => Promise<GatewayHarness>;

/** The simulator itself as the adapter. */
export const directHarness: HarnessFactory = (options = {}) => {
  const time = new VirtualTime();
  const sim = new SimulatedGateway({ ...options, now: time.now, delay: time.delay });
  return Promise.resolve({ gateway: sim, sim, time, close: () => Promise.resolve() });
};

/** HttpGateway -> gateway-sim server on 127.0.0.1 (a free port) -> simulator. */
export const httpHarness: HarnessFactory = async (options = {}) => {
  const time = new VirtualTime();
  const sim = new SimulatedGateway({ ...options, now: time.now, delay: time.delay });
  const apiKey = 'sk_test_contract';
  const server = await startGatewaySimServer({ gateway: sim, host: '127.0.0.1', port: 0, apiKey });
  const gateway = new HttpGateway({ baseUrl: server.url, apiKey, timeoutMs: 30_000 });
  return { gateway, sim, time, close: () => server.close() };
};

/** A valid charge request; `overrides` change what a test is about. */
export function chargeRequest(overrides: Partial<ChargeRequest> = {}): ChargeRequest {
  return {
    idempotencyKey: 'txn-0001',
    amount: { amount_minor: 12_550, currency: 'USD' },
    paymentMethodToken: 'tok_visa',
    customerId: 'cus_1',
    merchantId: 'mer_1',
    ...overrides,
  };
}

/** What a call came to: the result, or the gateway error code it threw. */
export async function outcomeOf(call: Promise<unknown>): Promise<unknown> {
  try {
    return { ok: await call };
  } catch (error) {
    return { error: (error as { code?: unknown }).code ?? String(error) };
  }
}
