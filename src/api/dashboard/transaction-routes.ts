/**
 * The dashboard's transaction pages: search by transaction id or customer (a page at a time,
 * through the API's transaction queries), and one transaction with its lifecycle, its audit
 * trail, the notifications sent to the customer and a link to its workflow execution. Registered
 * by the dashboard plugin when it is given the transaction ports.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { StepFunctionsControl } from '../../engine/control.js';
import { formatMoney } from '../../payments/money.js';
import type { TransactionStatus } from '../../payments/lifecycle.js';
import type { AuditLog } from '../../payments/ports/audit-log.js';
import type { TransactionStore } from '../../payments/ports/transaction-store.js';
import type { Transaction } from '../../payments/transaction.js';
import { ApiError } from '../problem.js';
import type { TransactionQueries, TransactionSummary } from '../transaction-queries.js';
import { transactionView } from '../transaction-view.js';
import type { DashboardQueries } from './dashboard-queries.js';

export interface DashboardTransactionPorts {
  queries: TransactionQueries;
  store: TransactionStore;
  audit: AuditLog;
}

/** Audit actions that record a message to the customer. */
const notificationActions = new Set(['customer_notified', 'notification_failed']);

function summaryOf(transaction: Transaction): TransactionSummary {
  return {
    transaction_id: transaction.transaction_id,
    status: transaction.status,
    amount_minor: transaction.amount.amount_minor,
    currency: transaction.amount.currency,
    payment_method: transaction.payment_method,
    customer_id: transaction.customer_id,
    merchant_id: transaction.merchant_id,
    created_at: transaction.created_at,
    updated_at: transaction.updated_at,
  };
}

/** Adds the amount as people read it (exact, from minor units: never a float). */
function withDisplay(summary: TransactionSummary) {
  return {
    ...summary,
    amount_display: `${formatMoney({ amount_minor: summary.amount_minor, currency: summary.currency })} ${summary.currency}`,
  };
}

export function registerTransactionRoutes(
  app: FastifyInstance,
  deps: {
    ports: DashboardTransactionPorts;
    control: StepFunctionsControl;
    queries: DashboardQueries;
    authorizeRead: (request: FastifyRequest) => Promise<unknown>;
  },
): void {
  const { ports } = deps;

  app.get<{
    Querystring: {
      id?: string;
      customer?: string;
      status?: TransactionStatus;
      limit?: string;
      cursor?: string;
    };
  }>(
    '/dashboard/api/transactions',
    {
      config: { access: 'read' },
      schema: {
        hide: true,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            id: { type: 'string', minLength: 1, maxLength: 80 },
            customer: { type: 'string', minLength: 1, maxLength: 128 },
            status: { type: 'string', pattern: '^[A-Z_]{1,32}$' },
            limit: { type: 'string', pattern: '^[1-9][0-9]{0,2}$' },
            cursor: { type: 'string', maxLength: 512 },
          },
        },
      },
    },
    async (request) => {
      await deps.authorizeRead(request);
      const query = request.query;
      if (query.id !== undefined) {
        const transaction = await ports.store.get(query.id.trim());
        return { items: transaction ? [withDisplay(summaryOf(transaction))] : [] };
      }
      const limit = Math.min(Number(query.limit ?? '50'), 200);
      // A foreign cursor throws an error the API's error mapper answers with 400.
      const page = ports.queries.list({
        limit,
        ...(query.customer === undefined ? {} : { customerId: query.customer.trim() }),
        ...(query.status === undefined ? {} : { status: query.status }),
        ...(query.cursor === undefined ? {} : { cursor: query.cursor }),
      });
      return {
        items: page.items.map(withDisplay),
        ...(page.next_cursor === undefined ? {} : { nextCursor: page.next_cursor }),
      };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/dashboard/api/transactions/:id',
    {
      config: { access: 'read' },
      schema: {
        hide: true,
        params: {
          type: 'object',
          required: ['id'],
          properties: { id: { type: 'string', minLength: 1, maxLength: 80 } },
        },
      },
    },
    async (request) => {
      await deps.authorizeRead(request);
      const id = request.params.id;
      const [transaction, audit] = await Promise.all([ports.store.get(id), ports.audit.list(id)]);
      // The payment's execution is named by its transaction id (start is idempotent by name).
      const executionArn = deps.queries.findExecution(id);
      if (!transaction && !executionArn) {
        throw new ApiError('NotFound', 'No transaction or execution has this id.');
      }
      const execution = executionArn ? deps.control.describeExecution(executionArn) : undefined;
      const history = executionArn ? deps.control.history(executionArn, false) : [];
      return {
        transaction: transactionView({
          transactionId: id,
          executionArn: executionArn ?? '',
          transaction,
          execution,
          history,
          audit,
        }),
        executionArn: executionArn ?? null,
        audit,
        notifications: audit.filter((entry) => notificationActions.has(entry.action)),
      };
    },
  );
}
