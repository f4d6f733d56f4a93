/**
 * Transactions: list and filter them (read), look one up with its lifecycle, current step and
 * links (read), read its audit trail (read), notify its customer again (operate, idempotent), and
 * decide a manual review (operate).
 */
import type { FastifyInstance } from 'fastify';
import type { StepFunctionsControl } from '../../engine/control.js';
import type { IdempotencyStore } from '../../adapters/sqlite/sqlite-idempotency.js';
import type { TransactionStatus } from '../../payments/lifecycle.js';
import { AllowedPredecessors } from '../../payments/lifecycle.js';
import type { AuditLog } from '../../payments/ports/audit-log.js';
import type { TransactionStore } from '../../payments/ports/transaction-store.js';
import { callerOf } from '../auth.js';
import { idempotencyKeyOf, withIdempotency } from '../idempotency.js';
import type { PaymentOperations } from '../payment-operations.js';
import { ApiError, problemSchema } from '../problem.js';
import { ID_SCHEMA, TRANSACTION_ID_SCHEMA } from '../schemas/payment-request.js';
import { reviewDecisionSchema } from '../schemas/review-decision.js';
import type { TransactionQueries } from '../transaction-queries.js';
import { transactionView } from '../transaction-view.js';
import { LIMIT_SCHEMA, pageLimit, refuseBody, parseInstant } from './query.js';

export interface TransactionRouteDeps {
  operations: PaymentOperations;
  control: StepFunctionsControl;
  store: TransactionStore;
  audit: AuditLog;
  queries: TransactionQueries;
  idempotency: IdempotencyStore;
}

const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: TRANSACTION_ID_SCHEMA },
} as const;

const errors = { '4xx': problemSchema } as const;

export function transactionRoutes(deps: TransactionRouteDeps) {
  return function register(app: FastifyInstance, _options: unknown, done: () => void): void {
    app.get<{
      Querystring: {
        status?: TransactionStatus;
        customer_id?: string;
        merchant_id?: string;
        created_from?: string;
        created_to?: string;
        limit?: string;
        cursor?: string;
      };
    }>(
      '/transactions',
      {
        config: { access: 'read' },
        schema: {
          summary: 'List transactions, newest first',
          tags: ['transactions'],
          querystring: {
            type: 'object',
            additionalProperties: false,
            properties: {
              status: { type: 'string', enum: Object.keys(AllowedPredecessors) },
              customer_id: ID_SCHEMA,
              merchant_id: ID_SCHEMA,
              created_from: { type: 'string', format: 'date-time' },
              created_to: { type: 'string', format: 'date-time' },
              limit: LIMIT_SCHEMA,
              cursor: { type: 'string', maxLength: 512 },
            },
          },
          response: errors,
        },
      },
      (request) => {
        const q = request.query;
        const createdFrom = parseInstant(q.created_from, 'created_from');
        const createdTo = parseInstant(q.created_to, 'created_to');
        // A foreign cursor throws InvalidCursorError, which the error mapper answers with 400.
        return deps.queries.list({
          limit: pageLimit(q.limit),
          ...(q.status === undefined ? {} : { status: q.status }),
          ...(q.customer_id === undefined ? {} : { customerId: q.customer_id }),
          ...(q.merchant_id === undefined ? {} : { merchantId: q.merchant_id }),
          ...(createdFrom === undefined ? {} : { createdFrom }),
          ...(createdTo === undefined ? {} : { createdTo }),
          ...(q.cursor === undefined ? {} : { cursor: q.cursor }),
        });
      },
    );

    app.get<{ Params: { id: string } }>(
      '/transactions/:id',
      {
        config: { access: 'read' },
        schema: {
          summary: 'A transaction with its lifecycle, current step and links',
          tags: ['transactions'],
          params: idParams,
          response: errors,
        },
      },
      async (request) => {
        const id = request.params.id;
        const executionArn = deps.operations.executionArnOf(id);
        const transaction = await deps.store.get(id);
        const execution = describeOrUndefined(deps.control, executionArn);
        if (!transaction && !execution) throw new ApiError('NotFound', `No transaction ${id}.`);
        return transactionView({
          transactionId: id,
          executionArn,
          transaction,
          execution,
          history: execution?.status === 'RUNNING' ? deps.control.history(executionArn, false) : [],
          audit: await deps.audit.list(id),
        });
      },
    );

    app.get<{ Params: { id: string } }>(
      '/transactions/:id/audit',
      {
        config: { access: 'read' },
        schema: {
          summary: "A transaction's audit trail, oldest first",
          tags: ['transactions'],
          params: idParams,
          response: errors,
        },
      },
      async (request) => {
        const entries = await deps.audit.list(request.params.id);
        if (entries.length === 0 && !(await deps.store.get(request.params.id))) {
          throw new ApiError('NotFound', `No transaction ${request.params.id}.`);
        }
        return {
          transaction_id: request.params.id,
          entries: entries.map((e) => ({ ...e, at: new Date(e.at).toISOString() })),
        };
      },
    );

    app.post<{ Params: { id: string } }>(
      '/transactions/:id/notify',
      {
        config: { access: 'operate' },
        preValidation: refuseBody,
        schema: {
          summary: 'Send the customer notification again (idempotent per Idempotency-Key)',
          tags: ['transactions'],
          params: idParams,
          response: errors,
        },
      },
      (request, reply) =>
        withIdempotency(deps.idempotency, request, reply, async () => ({
          status: 200,
          body: await deps.operations.notifyAgain(
            request.params.id,
            `operator:${callerOf(request).name}`,
            idempotencyKeyOf(request),
          ),
        })),
    );

    app.post<{ Params: { id: string }; Body: { decision: 'approve' | 'reject'; note?: string } }>(
      '/transactions/:id/review',
      {
        config: { access: 'operate' },
        schema: {
          summary: 'Approve or reject a payment held for manual review',
          tags: ['operations'],
          params: idParams,
          body: reviewDecisionSchema,
          response: errors,
        },
      },
      async (request) =>
        deps.operations.decideReview(
          request.params.id,
          request.body.decision,
          callerOf(request).name,
          request.body.note,
        ),
    );
    done();
  };
}

function describeOrUndefined(control: StepFunctionsControl, arn: string) {
  try {
    return control.describeExecution(arn);
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ExecutionDoesNotExist') return undefined;
    throw error;
  }
}
