/**
 * Listing and filtering transactions for operators. The transaction store port answers by id
 * only (what the workflow needs); operators need lists, so this read-only query port, and its
 * SQLite adapter over the transaction store's table, live with the API that uses them.
 */
import type { SqliteDatabase } from '../sqlite/database.js';
import type { TransactionStatus } from '../payments/lifecycle.js';

export interface TransactionFilter {
  status?: TransactionStatus;
  customerId?: string;
  merchantId?: string;
  /** Epoch ms, inclusive. */
  createdFrom?: number;
  /** Epoch ms, exclusive. */
  createdTo?: number;
  /** 1 to 1000. */
  limit: number;
  /** From a previous page's `next_cursor`. */
  cursor?: string;
}

export interface TransactionSummary {
  transaction_id: string;
  status: string;
  amount_minor: number;
  currency: string;
  payment_method: string;
  customer_id: string;
  merchant_id: string;
  created_at: number;
  updated_at: number;
}

export interface TransactionQueries {
  /** Newest first; `next_cursor` is set when there may be more. */
  list(filter: TransactionFilter): { items: TransactionSummary[]; next_cursor?: string };
  /** How many transactions are in each status. */
  countByStatus(): Record<string, number>;
}

/**
 * Thrown for a page cursor this server did not write (here or by the dashboard's queries); the
 * API's error mapper answers 400.
 */
export class InvalidCursorError extends Error {
  override readonly name = 'InvalidCursorError';
  readonly code = 'InvalidCursor';
}

export class SqliteTransactionQueries implements TransactionQueries {
  constructor(private readonly db: SqliteDatabase) {}

  list(filter: TransactionFilter): { items: TransactionSummary[]; next_cursor?: string } {
    const where: string[] = [];
    const params: (string | number)[] = [];
    const add = (sql: string, value: string | number | undefined) => {
      if (value === undefined) return;
      where.push(sql);
      params.push(value);
    };
    add('status = ?', filter.status);
    add('customer_id = ?', filter.customerId);
    add('merchant_id = ?', filter.merchantId);
    add('created_at >= ?', filter.createdFrom);
    add('created_at < ?', filter.createdTo);
    if (filter.cursor !== undefined) {
      const [at, id] = decodeCursor(filter.cursor);
      where.push('(created_at < ? OR (created_at = ? AND transaction_id > ?))');
      params.push(at, at, id);
    }
    const rows = this.db
      .prepare<(string | number)[], TransactionSummary>(
        `SELECT transaction_id, status, amount_minor, currency, payment_method, customer_id,
                merchant_id, created_at, updated_at
         FROM transactions ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY created_at DESC, transaction_id LIMIT ?`,
      )
      .all(...params, filter.limit + 1);
    const items = rows.slice(0, filter.limit);
    const last = items[items.length - 1];
    return rows.length > filter.limit && last
      ? { items, next_cursor: encodeCursor(last.created_at, last.transaction_id) }
      : { items };
  }

  countByStatus(): Record<string, number> {
    const rows = this.db
      .prepare<[], { status: string; n: number }>(
        'SELECT status, COUNT(*) AS n FROM transactions GROUP BY status',
      )
      .all();
    return Object.fromEntries(rows.map((r) => [r.status, r.n]));
  }
}

function encodeCursor(at: number, id: string): string {
  return Buffer.from(JSON.stringify([at, id]), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): [number, string] {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      typeof value[0] === 'number' &&
      typeof value[1] === 'string'
    ) {
      return [value[0], value[1]];
    }
  } catch {
    // fall through
  }
  throw new InvalidCursorError('The cursor is not one this API returned.');
}
