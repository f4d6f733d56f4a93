/**
 * The simulated gateway's books: every charge and refund it applied, once per idempotency key,
 * in the order applied. Kept in memory, or in SQLite when given a database, so that a test can
 * read it after the process that charged was killed and prove no payment was charged twice.
 */
import type { Transaction } from 'better-sqlite3';
import { migrate } from '../../sqlite/database.js';
import type { SqliteDatabase } from '../../sqlite/database.js';
import type { ChargeResult, RefundResult } from '../../payments/ports/gateway.js';

export const LedgerKind = { Charge: 'charge', Refund: 'refund' } as const;
export type LedgerKind = (typeof LedgerKind)[keyof typeof LedgerKind];

interface EntryFields {
  /** Position in the ledger, from 1, in the order applied. */
  readonly seq: number;
  readonly idempotencyKey: string;
  /**
   * The request's parameters as canonical JSON: a repeat of the key with other parameters is an
   * idempotency conflict, not a replay.
   */
  readonly fingerprint: string;
}

export interface ChargeLedgerEntry extends EntryFields {
  readonly kind: 'charge';
  readonly result: ChargeResult;
}

export interface RefundLedgerEntry extends EntryFields {
  readonly kind: 'refund';
  readonly result: RefundResult;
}

/** One applied operation. Declined charges are entries too: the decision is what was applied. */
export type LedgerEntry = ChargeLedgerEntry | RefundLedgerEntry;

/** A ledger entry before it is given its place. */
export type NewLedgerEntry = Omit<ChargeLedgerEntry, 'seq'> | Omit<RefundLedgerEntry, 'seq'>;

/** Where the entries live. Reads and writes are synchronous so check-then-insert is atomic. */
export interface GatewayLedger {
  /** Runs `work` atomically (one immediate SQLite transaction, or just a call in memory). */
  atomically<T>(work: () => T): T;
  findCharge(idempotencyKey: string): ChargeLedgerEntry | undefined;
  findChargeById(chargeId: string): ChargeLedgerEntry | undefined;
  findRefund(idempotencyKey: string): RefundLedgerEntry | undefined;
  refundsOf(chargeId: string): readonly RefundLedgerEntry[];
  append(entry: NewLedgerEntry): LedgerEntry;
  entries(): readonly LedgerEntry[];
}

/** A ledger in this process's memory; gone when it exits. */
export class MemoryGatewayLedger implements GatewayLedger {
  readonly #entries: LedgerEntry[] = [];
  readonly #byKey = new Map<string, LedgerEntry>();

  atomically<T>(work: () => T): T {
    return work();
  }

  findCharge(idempotencyKey: string): ChargeLedgerEntry | undefined {
    const entry = this.#byKey.get(`charge:${idempotencyKey}`);
    return entry?.kind === 'charge' ? entry : undefined;
  }

  findChargeById(chargeId: string): ChargeLedgerEntry | undefined {
    return this.#entries.find(
      (entry): entry is ChargeLedgerEntry =>
        entry.kind === 'charge' && entry.result.chargeId === chargeId,
    );
  }

  findRefund(idempotencyKey: string): RefundLedgerEntry | undefined {
    const entry = this.#byKey.get(`refund:${idempotencyKey}`);
    return entry?.kind === 'refund' ? entry : undefined;
  }

  refundsOf(chargeId: string): readonly RefundLedgerEntry[] {
    return this.#entries.filter(
      (entry): entry is RefundLedgerEntry =>
        entry.kind === 'refund' && entry.result.chargeId === chargeId,
    );
  }

  append(entry: NewLedgerEntry): LedgerEntry {
    const key = `${entry.kind}:${entry.idempotencyKey}`;
    if (this.#byKey.has(key)) {
      throw new Error(`The ledger already has a ${entry.kind} for this idempotency key`);
    }
    const placed: LedgerEntry = { ...entry, seq: this.#entries.length + 1 };
    this.#entries.push(placed);
    this.#byKey.set(key, placed);
    return placed;
  }

  entries(): readonly LedgerEntry[] {
    return [...this.#entries];
  }
}

const MIGRATIONS = [
  `CREATE TABLE gateway_sim_ledger (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     kind TEXT NOT NULL CHECK (kind IN ('charge', 'refund')),
     idempotency_key TEXT NOT NULL,
     charge_id TEXT NOT NULL,
     status TEXT NOT NULL,
     amount_minor INTEGER NOT NULL,
     currency TEXT NOT NULL,
     fingerprint TEXT NOT NULL,
     result TEXT NOT NULL,
     UNIQUE (kind, idempotency_key)
   );
   CREATE INDEX gateway_sim_ledger_charge ON gateway_sim_ledger (charge_id, kind);`,
] as const;

interface LedgerRow {
  seq: number;
  kind: LedgerKind;
  idempotency_key: string;
  fingerprint: string;
  result: string;
}

/**
 * A ledger in the `gateway_sim_ledger` table of a paystep SQLite file. The UNIQUE constraint on
 * (kind, idempotency_key) makes a second charge for a key impossible even across processes, and
 * the plain columns (charge_id, status, amount_minor) let a test count charges with SQL.
 */
export class SqliteGatewayLedger implements GatewayLedger {
  // Prepared once: every gateway call reads the ledger and most write it.
  readonly #statements: ReturnType<typeof prepareStatements>;
  readonly #transaction: Transaction<(work: () => unknown) => unknown>;

  constructor(db: SqliteDatabase) {
    migrate(db, 'gateway-sim', MIGRATIONS);
    this.#statements = prepareStatements(db);
    this.#transaction = db.transaction((work: () => unknown) => work());
  }

  atomically<T>(work: () => T): T {
    // IMMEDIATE takes the write lock up front, so another process cannot insert the same key
    // between this one's check and its insert.
    return this.#transaction.immediate(work) as T;
  }

  findCharge(idempotencyKey: string): ChargeLedgerEntry | undefined {
    const row = this.#statements.chargeByKey.get(idempotencyKey);
    return row === undefined ? undefined : (toEntry(row) as ChargeLedgerEntry);
  }

  findChargeById(chargeId: string): ChargeLedgerEntry | undefined {
    const row = this.#statements.chargeById.get(chargeId);
    return row === undefined ? undefined : (toEntry(row) as ChargeLedgerEntry);
  }

  findRefund(idempotencyKey: string): RefundLedgerEntry | undefined {
    const row = this.#statements.refundByKey.get(idempotencyKey);
    return row === undefined ? undefined : (toEntry(row) as RefundLedgerEntry);
  }

  refundsOf(chargeId: string): readonly RefundLedgerEntry[] {
    return this.#statements.refundsOf.all(chargeId).map((row) => toEntry(row) as RefundLedgerEntry);
  }

  append(entry: NewLedgerEntry): LedgerEntry {
    const { result } = entry;
    const info = this.#statements.append.run(
      entry.kind,
      entry.idempotencyKey,
      result.chargeId,
      result.status,
      result.amount.amount_minor,
      result.amount.currency,
      entry.fingerprint,
      JSON.stringify(result),
    );
    return { ...entry, seq: Number(info.lastInsertRowid) };
  }

  entries(): readonly LedgerEntry[] {
    return this.#statements.entries.all().map(toEntry);
  }
}

function prepareStatements(db: SqliteDatabase) {
  return {
    chargeByKey: db.prepare<[string], LedgerRow>(
      "SELECT * FROM gateway_sim_ledger WHERE kind = 'charge' AND idempotency_key = ?",
    ),
    chargeById: db.prepare<[string], LedgerRow>(
      "SELECT * FROM gateway_sim_ledger WHERE kind = 'charge' AND charge_id = ?",
    ),
    refundByKey: db.prepare<[string], LedgerRow>(
      "SELECT * FROM gateway_sim_ledger WHERE kind = 'refund' AND idempotency_key = ?",
    ),
    refundsOf: db.prepare<[string], LedgerRow>(
      "SELECT * FROM gateway_sim_ledger WHERE kind = 'refund' AND charge_id = ? ORDER BY seq",
    ),
    append: db.prepare(
      `INSERT INTO gateway_sim_ledger
         (kind, idempotency_key, charge_id, status, amount_minor, currency, fingerprint, result)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    entries: db.prepare<[], LedgerRow>('SELECT * FROM gateway_sim_ledger ORDER BY seq'),
  };
}

function toEntry(row: LedgerRow): LedgerEntry {
  const fields = {
    seq: row.seq,
    idempotencyKey: row.idempotency_key,
    fingerprint: row.fingerprint,
  };
  return row.kind === 'charge'
    ? { ...fields, kind: 'charge', result: JSON.parse(row.result) as ChargeResult }
    : { ...fields, kind: 'refund', result: JSON.parse(row.result) as RefundResult };
}
