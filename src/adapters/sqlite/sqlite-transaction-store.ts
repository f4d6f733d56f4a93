/**
 * SqliteTransactionStore: the {@link TransactionStore} port on the local SQLite file. A status
 * change is one conditional UPDATE (`WHERE status IN (allowed predecessors)`), which is how the
 * lifecycle is enforced under concurrency: of two racing moves only one can match. Transaction
 * rows never expire.
 */
import type { Statement } from 'better-sqlite3';
import { migrate, type SqliteDatabase } from '../../sqlite/database.js';
import type { JsonObject } from '../../asl/json.js';
import type { CustomerActivity } from '../../payments/fraud.js';
import type { TransactionStatus } from '../../payments/lifecycle.js';
import { isTransactionStatus, predecessorsOf } from '../../payments/lifecycle.js';
import type { Payment, PaymentMethod } from '../../payments/payment.js';
import type {
  CreateResult,
  TransactionStore,
  TransitionResult,
} from '../../payments/ports/transaction-store.js';
import type { Transaction, TransactionFacts } from '../../payments/transaction.js';
import { guard } from './sqlite-guard.js';

const COMPONENT = 'transactions';

const MIGRATIONS = [
  `CREATE TABLE transactions (
     transaction_id TEXT PRIMARY KEY,
     status TEXT NOT NULL,
     previous_status TEXT,
     amount_minor INTEGER NOT NULL,
     currency TEXT NOT NULL,
     payment_method TEXT NOT NULL,
     customer_id TEXT NOT NULL,
     merchant_id TEXT NOT NULL,
     customer_email TEXT,
     payment_token TEXT,
     last4 TEXT,
     metadata TEXT NOT NULL,
     facts TEXT NOT NULL DEFAULT '{}',
     created_at INTEGER NOT NULL,
     updated_at INTEGER NOT NULL
   ) WITHOUT ROWID;
   CREATE INDEX transactions_customer_created ON transactions (customer_id, created_at);
   CREATE INDEX transactions_status_updated ON transactions (status, updated_at);`,
];

interface Row {
  transaction_id: string;
  status: string;
  previous_status: string | null;
  amount_minor: number;
  currency: string;
  payment_method: string;
  customer_id: string;
  merchant_id: string;
  customer_email: string | null;
  payment_token: string | null;
  last4: string | null;
  metadata: string;
  facts: string;
  created_at: number;
  updated_at: number;
}

export class SqliteTransactionStore implements TransactionStore {
  readonly #db: SqliteDatabase;
  // Prepared once: preparing a statement costs more than running it, and a day of payments
  // runs these tens of thousands of times.
  readonly #statements: ReturnType<typeof prepareStatements>;
  /** The conditional UPDATE of each target status, whose predecessor list fixes its SQL. */
  readonly #moves = new Map<TransactionStatus, Statement>();
  readonly #transition: (
    transactionId: string,
    to: TransactionStatus,
    at: number,
    facts: TransactionFacts,
  ) => TransitionResult;

  constructor(db: SqliteDatabase) {
    this.#db = db;
    migrate(db, COMPONENT, MIGRATIONS);
    this.#statements = prepareStatements(db);
    this.#transition = db.transaction(
      (
        transactionId: string,
        to: TransactionStatus,
        at: number,
        facts: TransactionFacts,
      ): TransitionResult => {
        const predecessors = predecessorsOf(to);
        if (predecessors.length > 0) {
          // The conditional write: only a row in an allowed predecessor status moves. It
          // returns the moved row, so an applied move needs no second read.
          const moved = this.#move(to, predecessors).get(
            to,
            JSON.stringify(facts),
            at,
            transactionId,
            ...predecessors,
          ) as Row | undefined;
          if (moved !== undefined) {
            const transaction = fromRow(moved);
            return {
              outcome: 'applied',
              from: transaction.previous_status as TransactionStatus,
              transaction,
            };
          }
        }
        const transaction = this.#read(transactionId);
        if (transaction === undefined) return { outcome: 'not_found' };
        return { outcome: transaction.status === to ? 'unchanged' : 'conflict', transaction };
      },
    );
  }

  create(payment: Payment, status: TransactionStatus, at: number): Promise<CreateResult> {
    return guard(() => {
      const inserted = this.#statements.insert.get({
        transaction_id: payment.transaction_id,
        status,
        amount_minor: payment.amount.amount_minor,
        currency: payment.amount.currency,
        payment_method: payment.payment_method,
        customer_id: payment.customer_id,
        merchant_id: payment.merchant_id,
        customer_email: payment.customer_email ?? null,
        payment_token: payment.payment_token ?? null,
        last4: payment.last4 ?? null,
        metadata: JSON.stringify(payment.metadata),
        at,
      });
      // The insert returns the row it made; a conflict returns nothing, and the row is read.
      if (inserted !== undefined) return { created: true, transaction: fromRow(inserted) };
      return { created: false, transaction: this.#read(payment.transaction_id) as Transaction };
    });
  }

  get(transactionId: string): Promise<Transaction | undefined> {
    return guard(() => this.#read(transactionId));
  }

  transition(
    transactionId: string,
    to: TransactionStatus,
    at: number,
    facts: TransactionFacts = {},
  ): Promise<TransitionResult> {
    return guard(() => this.#transition(transactionId, to, at, facts));
  }

  annotate(
    transactionId: string,
    status: TransactionStatus,
    at: number,
    facts: TransactionFacts,
  ): Promise<boolean> {
    return guard(
      () =>
        this.#statements.annotate.run(JSON.stringify(facts), at, transactionId, status).changes ===
        1,
    );
  }

  customerActivity(
    customerId: string,
    since: number,
    currency: string,
    excludeId: string,
  ): Promise<CustomerActivity> {
    return guard(() => {
      const row = this.#statements.activity.get(
        currency,
        customerId,
        since,
        excludeId,
      ) as CustomerActivity;
      return { count: row.count, amount_minor: row.amount_minor };
    });
  }

  #move(to: TransactionStatus, predecessors: readonly TransactionStatus[]): Statement {
    let statement = this.#moves.get(to);
    if (statement === undefined) {
      statement = this.#db.prepare(
        `UPDATE transactions
           SET previous_status = status, status = ?, facts = json_patch(facts, ?), updated_at = ?
         WHERE transaction_id = ? AND status IN (${predecessors.map(() => '?').join(', ')})
         RETURNING *`,
      );
      this.#moves.set(to, statement);
    }
    return statement;
  }

  #read(transactionId: string): Transaction | undefined {
    const row = this.#statements.read.get(transactionId);
    return row === undefined ? undefined : fromRow(row);
  }
}

function prepareStatements(db: SqliteDatabase) {
  return {
    insert: db.prepare<[Record<string, unknown>], Row>(
      `INSERT INTO transactions (transaction_id, status, amount_minor, currency, payment_method,
         customer_id, merchant_id, customer_email, payment_token, last4, metadata, created_at, updated_at)
       VALUES (@transaction_id, @status, @amount_minor, @currency, @payment_method, @customer_id,
         @merchant_id, @customer_email, @payment_token, @last4, @metadata, @at, @at)
       ON CONFLICT (transaction_id) DO NOTHING
       RETURNING *`,
    ),
    read: db.prepare<[string], Row>('SELECT * FROM transactions WHERE transaction_id = ?'),
    annotate: db.prepare(
      `UPDATE transactions SET facts = json_patch(facts, ?), updated_at = ?
        WHERE transaction_id = ? AND status = ?`,
    ),
    activity: db.prepare<[string, string, number, string], CustomerActivity>(
      `SELECT COUNT(*) AS count,
              COALESCE(SUM(CASE WHEN currency = ? THEN amount_minor ELSE 0 END), 0) AS amount_minor
         FROM transactions
        WHERE customer_id = ? AND created_at >= ? AND transaction_id <> ?`,
    ),
  };
}

function fromRow(row: Row): Transaction {
  if (!isTransactionStatus(row.status)) {
    throw new Error(`Transaction ${row.transaction_id} has unknown status ${row.status}`);
  }
  const facts = JSON.parse(row.facts) as TransactionFacts & JsonObject;
  return {
    ...facts,
    transaction_id: row.transaction_id,
    amount: { amount_minor: row.amount_minor, currency: row.currency },
    payment_method: row.payment_method as PaymentMethod,
    customer_id: row.customer_id,
    merchant_id: row.merchant_id,
    ...(row.customer_email === null ? {} : { customer_email: row.customer_email }),
    ...(row.payment_token === null ? {} : { payment_token: row.payment_token }),
    ...(row.last4 === null ? {} : { last4: row.last4 }),
    metadata: JSON.parse(row.metadata) as Record<string, string>,
    status: row.status,
    ...(row.previous_status !== null && isTransactionStatus(row.previous_status)
      ? { previous_status: row.previous_status }
      : {}),
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}
