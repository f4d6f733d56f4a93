/**
 * Test fixture for the payment handlers: real SQLite adapters on an in-memory database, a fixed
 * clock, an in-memory archive, and a scripted gateway that implements the gateway port.
 */
import type { Json, JsonObject } from '../../../src/asl/json.js';
import { chargePayment } from '../../../src/payments/handlers/charge-payment.js';
import { screenFraud } from '../../../src/payments/handlers/screen-fraud.js';
import { validatePayment } from '../../../src/payments/handlers/validate-payment.js';
import { SqliteAuditLog } from '../../../src/adapters/sqlite/sqlite-audit-log.js';
import { SqliteOutboxNotifier } from '../../../src/adapters/sqlite/sqlite-outbox-notifier.js';
import { SqliteTransactionStore } from '../../../src/adapters/sqlite/sqlite-transaction-store.js';
import type { PaymentPorts } from '../../../src/payments/handlers/task-handler.js';
import type {
  ChargeRequest,
  ChargeResult,
  PaymentGateway,
  RefundRequest,
  RefundResult,
} from '../../../src/payments/ports/gateway.js';
import {
  GatewayTimeoutError,
  GatewayTransientError,
  GatewayUnavailableError,
} from '../../../src/payments/ports/gateway.js';
import type {
  ArchivedTransaction,
  TransactionArchive,
} from '../../../src/payments/ports/transaction-archive.js';
import { archiveDay } from '../../../src/payments/ports/transaction-archive.js';
import { openDatabase } from '../../../src/sqlite/database.js';

/** What the scripted gateway does with the next charge call. */
export type GatewayStep =
  | 'succeed'
  | 'decline'
  /** Applies the charge, then times out: getCharge finds it. */
  | 'timeout-applied'
  /** Times out without applying: getCharge finds nothing. */
  | 'timeout-not-applied'
  /** Times out, and getCharge fails too: the outcome stays unknown. */
  | 'timeout-lookup-fails'
  | 'transient';

export class ScriptedGateway implements PaymentGateway {
  readonly charges = new Map<string, ChargeResult>();
  readonly requests: ChargeRequest[] = [];
  readonly script: GatewayStep[] = [];
  #lookupFails = false;

  charge(request: ChargeRequest): Promise<ChargeResult> {
    this.requests.push(request);
    const existing = this.charges.get(request.idempotencyKey);
    if (existing !== undefined) return Promise.resolve(existing);
    const step = this.script.shift() ?? 'succeed';
    this.#lookupFails = step === 'timeout-lookup-fails';
    switch (step) {
      case 'succeed':
        return Promise.resolve(this.#decide(request, false));
      case 'decline':
        return Promise.resolve(this.#decide(request, true));
      case 'timeout-applied':
        this.#decide(request, false);
        return Promise.reject(new GatewayTimeoutError('no answer in time'));
      case 'timeout-not-applied':
      case 'timeout-lookup-fails':
        return Promise.reject(new GatewayTimeoutError('no answer in time'));
      case 'transient':
        return Promise.reject(new GatewayTransientError('503'));
    }
  }

  getCharge(idempotencyKey: string): Promise<ChargeResult | undefined> {
    if (this.#lookupFails) return Promise.reject(new GatewayUnavailableError('down'));
    return Promise.resolve(this.charges.get(idempotencyKey));
  }

  refund(_request: RefundRequest): Promise<RefundResult> {
    return Promise.reject(new Error('not used'));
  }

  #decide(request: ChargeRequest, declined: boolean): ChargeResult {
    const fields = {
      chargeId: `ch_${request.idempotencyKey}`,
      idempotencyKey: request.idempotencyKey,
      amount: request.amount,
      createdAt: '2026-01-01T00:00:00.000Z',
    };
    const result: ChargeResult = declined
      ? {
          ...fields,
          status: 'declined',
          declineCode: 'insufficient_funds',
          declineMessage: 'Insufficient funds',
        }
      : { ...fields, status: 'succeeded' };
    this.charges.set(request.idempotencyKey, result);
    return result;
  }
}

export class MemoryArchive implements TransactionArchive {
  readonly lines: ArchivedTransaction[] = [];
  failing = false;

  append(record: ArchivedTransaction): Promise<void> {
    if (this.failing) return Promise.reject(new Error('archive disk full'));
    this.lines.push(record);
    return Promise.resolve();
  }

  readDay(day: string): Promise<readonly ArchivedTransaction[]> {
    return Promise.resolve(this.lines.filter((r) => archiveDay(r.archived_at) === day));
  }
}

export function fixture() {
  const db = openDatabase(':memory:');
  let now = Date.UTC(2026, 0, 1, 12);
  const store = new SqliteTransactionStore(db);
  const audit = new SqliteAuditLog(db);
  const outbox = new SqliteOutboxNotifier(db);
  const gateway = new ScriptedGateway();
  const archive = new MemoryArchive();
  const clock = { now: () => now };
  const ports: PaymentPorts = { store, audit, gateway, notifier: outbox, archive, clock };
  return {
    db,
    store,
    audit,
    outbox,
    gateway,
    archive,
    ports,
    advance(ms: number) {
      now += ms;
    },
  };
}

export const request: JsonObject = {
  transaction_id: 'TXN-001',
  payment_amount: 100.5,
  payment_method: 'debit_card',
  customer_id: 'CUST-123',
  merchant_id: 'M-1',
  customer_email: 'buyer@example.com',
  payment_details: { token: 'tok_debit', last4: '4242' },
};

/** Runs a handler expecting it to throw; returns the error. */
export async function thrown(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await promise;
  } catch (error) {
    return error as Error & Record<string, unknown>;
  }
  throw new Error('expected the handler to throw');
}

/** A fixture with TXN-001 validated, screened and charged (or as `step` makes the gateway). */
export async function charged(step: GatewayStep = 'succeed') {
  const f = fixture();
  f.gateway.script.push(step);
  const payment = await validatePayment(f.ports)(request);
  const fraud = await screenFraud(f.ports)({ payment });
  const charge = await chargePayment(f.ports)({ payment, fraud });
  return {
    f,
    state: { transaction_id: 'TXN-001', payment, fraud, charge } as Record<string, Json>,
  };
}
