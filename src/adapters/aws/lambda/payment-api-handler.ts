/**
 * The payment API behind API Gateway, as a factory of its Lambda handler so tests give it real
 * peers: `POST /payments` (Idempotency-Key as Stripe), `GET /transactions/{id}`,
 * `POST /transactions/{id}/notify` and `POST /transactions/{id}/review` (an operator's decision
 * on a payment held for manual review). API Gateway has authenticated the caller (IAM SigV4) and
 * validated the body against a model built from the same schema; the handler checks again with
 * the local API's schemas (a direct invoke skips API Gateway) and then does what the local
 * routes do through the same code: PaymentOperations for submit and notify, transactionView for
 * the lookup, problem+json through the one error mapper.
 */
import { createHash } from 'node:crypto';
import { Ajv } from 'ajv';
import type { ValidateFunction } from 'ajv';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { JsonObject } from '../../../asl/json.js';
import type { DescribeExecutionOutput, HistoryEvent } from '../../../engine/control.js';
import type { PaymentOperations } from '../../../api/payment-operations.js';
import { ApiError } from '../../../api/problem.js';
import { decodeStrictUtf8, parseStrictJsonText } from '../../../api/strict-json.js';
import { validationError } from './validation-error.js';
import {
  paymentRequestSchema,
  TRANSACTION_ID_SCHEMA,
} from '../../../api/schemas/payment-request.js';
import { reviewDecisionSchema } from '../../../api/schemas/review-decision.js';
import { transactionLinks, transactionView } from '../../../api/transaction-view.js';
import type { AuditLog } from '../../../payments/ports/audit-log.js';
import type { TransactionStore } from '../../../payments/ports/transaction-store.js';
import type { IdempotencyStore } from '../../sqlite/sqlite-idempotency.js';
import { headerCount, headerOf, jsonResponse, problemResponse, rawBody } from './api-gateway.js';
import type { Observability } from './task-lambda.js';

export interface PaymentApiDeps {
  readonly operations: PaymentOperations;
  /** Execution details for the transaction view (SfnWorkflowControl on AWS). */
  readonly executions: {
    describeExecution(arn: string): Promise<DescribeExecutionOutput>;
    history(arn: string): Promise<HistoryEvent[]>;
  };
  readonly store: TransactionStore;
  readonly audit: AuditLog;
  readonly idempotency: IdempotencyStore;
  readonly obs: Observability;
}

const IDEMPOTENCY_HEADER = 'Idempotency-Key';

interface Reply {
  status: number;
  body: unknown;
}

/** Who called: the IAM principal API Gateway authenticated (or the API key, failing that). */
function callerOf(event: APIGatewayProxyEvent): string {
  const identity = event.requestContext.identity;
  return identity.userArn ?? identity.apiKeyId ?? identity.caller ?? 'anonymous';
}

/** The request fingerprint the local store uses: method, path and the body as JSON. */
function fingerprint(event: APIGatewayProxyEvent, body: unknown): string {
  return createHash('sha256')
    .update(`${event.httpMethod.toUpperCase()} ${event.path}\n`)
    .update(JSON.stringify(body ?? null))
    .digest('hex');
}

/** Builds the API's Lambda handler. */
export function paymentApi(
  deps: PaymentApiDeps,
): (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult> {
  // The local API's Ajv options (src/api/app.ts): refuse rather than coerce or drop.
  const ajv = new Ajv({
    allErrors: true,
    coerceTypes: false,
    useDefaults: false,
    removeAdditional: false,
    allowUnionTypes: true,
  });
  const validatePayment: ValidateFunction = ajv.compile(paymentRequestSchema);
  const validateId: ValidateFunction = ajv.compile(TRANSACTION_ID_SCHEMA);
  const validateReview: ValidateFunction = ajv.compile(reviewDecisionSchema);
  const { logger } = deps.obs;

  const idempotencyKey = (event: APIGatewayProxyEvent): string | undefined => {
    if (headerCount(event, IDEMPOTENCY_HEADER) > 1) {
      throw new ApiError('ValidationFailed', 'Send one Idempotency-Key.');
    }
    return headerOf(event, IDEMPOTENCY_HEADER);
  };

  /** The local withIdempotency, for proxy events. */
  const withIdempotency = async (
    event: APIGatewayProxyEvent,
    body: unknown,
    run: () => Promise<Reply>,
  ): Promise<APIGatewayProxyResult> => {
    const key = idempotencyKey(event);
    if (key === undefined) {
      const reply = await run();
      return jsonResponse(reply.status, reply.body);
    }
    const scope = { apiKeyId: callerOf(event), key };
    const begun = await deps.idempotency.begin(scope, fingerprint(event, body));
    if (begun.kind === 'replay') {
      return {
        statusCode: begun.response.status,
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'idempotent-replayed': 'true',
        },
        body: begun.response.body,
      };
    }
    let reply: Reply;
    try {
      reply = await run();
    } catch (error) {
      await deps.idempotency.abandon(scope);
      throw error;
    }
    const text = JSON.stringify(reply.body);
    await deps.idempotency.complete(scope, { status: reply.status, body: text });
    return {
      statusCode: reply.status,
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: text,
    };
  };

  const jsonBody = (event: APIGatewayProxyEvent): unknown => {
    const text = decodeStrictUtf8(rawBody(event));
    return text.trim() === '' ? undefined : parseStrictJsonText(text);
  };

  const transactionId = (event: APIGatewayProxyEvent): string => {
    const id = event.pathParameters?.['id'] ?? '';
    if (!validateId(id)) throw validationError('params.id', validateId);
    return id;
  };

  const submit = async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    const body = jsonBody(event);
    if (!validatePayment(body)) throw validationError('body', validatePayment);
    return withIdempotency(event, body, async () => {
      const submitted = await deps.operations.submit(body as JsonObject);
      return {
        status: 202,
        body: {
          ...submitted,
          status: 'PROCESSING',
          _links: transactionLinks(submitted.transaction_id, submitted.execution_arn),
        },
      };
    });
  };

  const lookup = async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    const id = transactionId(event);
    const executionArn = deps.operations.executionArnOf(id);
    const [transaction, execution, audit] = await Promise.all([
      deps.store.get(id),
      deps.executions.describeExecution(executionArn).catch((error: unknown) => {
        if ((error as { code?: unknown }).code === 'ExecutionDoesNotExist') return undefined;
        throw error;
      }),
      deps.audit.list(id),
    ]);
    if (!transaction && !execution) throw new ApiError('NotFound', `No transaction ${id}.`);
    const history =
      execution?.status === 'RUNNING' ? await deps.executions.history(executionArn) : [];
    return jsonResponse(
      200,
      transactionView({ transactionId: id, executionArn, transaction, execution, history, audit }),
    );
  };

  const notify = async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    const id = transactionId(event);
    const body = jsonBody(event);
    const empty =
      body === undefined ||
      body === null ||
      (typeof body === 'object' && !Array.isArray(body) && Object.keys(body).length === 0);
    if (!empty) throw new ApiError('ValidationFailed', 'This route takes no request body.');
    return withIdempotency(event, body, async () => ({
      status: 200,
      body: await deps.operations.notifyAgain(
        id,
        `operator:${callerOf(event)}`,
        idempotencyKey(event),
      ),
    }));
  };

  const review = async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    const id = transactionId(event);
    const body = jsonBody(event);
    if (!validateReview(body)) throw validationError('body', validateReview);
    const { decision, note } = body as { decision: 'approve' | 'reject'; note?: string };
    return jsonResponse(
      200,
      await deps.operations.decideReview(id, decision, callerOf(event), note),
    );
  };

  const routes: Readonly<
    Record<string, (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>>
  > = {
    'POST /payments': submit,
    'GET /transactions/{id}': lookup,
    'POST /transactions/{id}/notify': notify,
    'POST /transactions/{id}/review': review,
  };

  return async (event, context) => {
    logger.addContext(context);
    logger.appendKeys({ route: `${event.httpMethod} ${event.resource}` });
    try {
      const route = routes[`${event.httpMethod} ${event.resource}`];
      if (route === undefined) {
        const known = Object.keys(routes).some((r) => r.endsWith(` ${event.resource}`));
        throw known
          ? new ApiError('MethodNotAllowed', `${event.httpMethod} is not allowed here.`)
          : new ApiError('NotFound', `No route ${event.httpMethod} ${event.resource}.`);
      }
      return await route(event);
    } catch (error) {
      return problemResponse(error, event, (e) => logger.error('request failed', e as Error));
    } finally {
      deps.obs.metrics.publishStoredMetrics();
      logger.resetKeys();
    }
  };
}
