/**
 * Workflow executions for operators: list the payment workflow's executions (read), describe one
 * and read its history (read), stop one or redrive a failed one (operate). Shapes are Step
 * Functions' (camelCase, as DescribeExecution and GetExecutionHistory return them) with epoch
 * dates as ISO strings.
 */
import type { FastifyInstance } from 'fastify';
import type { StepFunctionsControl } from '../../engine/control.js';
import type { ExecutionStatus } from '../../engine/store.js';
import { problemSchema } from '../problem.js';
import { emptyBodyIfAbsent, LIMIT_SCHEMA, pageLimit, refuseBody } from './query.js';

export interface ExecutionRouteDeps {
  control: StepFunctionsControl;
  stateMachineArn: string;
}

const STATUSES = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE'];
const arnParams = {
  type: 'object',
  required: ['arn'],
  properties: { arn: { type: 'string', pattern: '^arn:aws[\\w-]*:states:', maxLength: 2048 } },
} as const;
const errors = { '4xx': problemSchema } as const;

/** Epoch-ms date fields as ISO strings, everything else as is. */
function isoDates<T extends object>(value: T): T {
  const out: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  for (const key of ['startDate', 'stopDate', 'redriveDate', 'timestamp']) {
    if (typeof out[key] === 'number') out[key] = new Date(out[key]).toISOString();
  }
  return out as T;
}

export function executionRoutes(deps: ExecutionRouteDeps) {
  return function register(app: FastifyInstance, _options: unknown, done: () => void): void {
    app.get<{ Querystring: { status?: ExecutionStatus; limit?: string; cursor?: string } }>(
      '/executions',
      {
        config: { access: 'read' },
        schema: {
          summary: "List the payment workflow's executions, newest first",
          tags: ['executions'],
          querystring: {
            type: 'object',
            additionalProperties: false,
            properties: {
              status: { type: 'string', enum: STATUSES },
              limit: LIMIT_SCHEMA,
              cursor: { type: 'string', maxLength: 1024 },
            },
          },
          response: errors,
        },
      },
      (request) => {
        const page = deps.control.listExecutions({
          stateMachineArn: deps.stateMachineArn,
          maxResults: pageLimit(request.query.limit),
          ...(request.query.status === undefined ? {} : { statusFilter: request.query.status }),
          ...(request.query.cursor === undefined ? {} : { nextToken: request.query.cursor }),
        });
        return {
          items: page.executions.map(isoDates),
          ...(page.nextToken === undefined ? {} : { next_cursor: page.nextToken }),
        };
      },
    );

    app.get<{ Params: { arn: string } }>(
      '/executions/:arn',
      {
        config: { access: 'read' },
        schema: {
          summary: 'Describe an execution',
          tags: ['executions'],
          params: arnParams,
          response: errors,
        },
      },
      (request) => isoDates(deps.control.describeExecution(request.params.arn)),
    );

    app.get<{
      Params: { arn: string };
      Querystring: { limit?: string; cursor?: string; reverse?: 'true' | 'false' };
    }>(
      '/executions/:arn/history',
      {
        config: { access: 'read' },
        schema: {
          summary: "An execution's history events (Step Functions' names and fields)",
          tags: ['executions'],
          params: arnParams,
          querystring: {
            type: 'object',
            additionalProperties: false,
            properties: {
              limit: LIMIT_SCHEMA,
              cursor: { type: 'string', maxLength: 256 },
              reverse: { type: 'string', enum: ['true', 'false'] },
            },
          },
          response: errors,
        },
      },
      (request) => {
        const page = deps.control.getExecutionHistory({
          executionArn: request.params.arn,
          maxResults: pageLimit(request.query.limit),
          reverseOrder: request.query.reverse === 'true',
          ...(request.query.cursor === undefined ? {} : { nextToken: request.query.cursor }),
        });
        return {
          events: page.events.map(isoDates),
          ...(page.nextToken === undefined ? {} : { next_cursor: page.nextToken }),
        };
      },
    );

    app.post<{ Params: { arn: string }; Body: { error?: string; cause?: string } | undefined }>(
      '/executions/:arn/stop',
      {
        config: { access: 'operate' },
        preValidation: emptyBodyIfAbsent,
        schema: {
          summary: 'Stop a running execution (ABORTED)',
          tags: ['operations'],
          params: arnParams,
          body: {
            type: 'object',
            additionalProperties: false,
            properties: {
              error: { type: 'string', maxLength: 256 },
              cause: { type: 'string', maxLength: 32768 },
            },
          },
          response: errors,
        },
      },
      async (request) => {
        const stopped = await deps.control.stopExecution({
          executionArn: request.params.arn,
          ...(request.body?.error === undefined ? {} : { error: request.body.error }),
          ...(request.body?.cause === undefined ? {} : { cause: request.body.cause }),
        });
        return { stopDate: new Date(stopped.stopDate).toISOString() };
      },
    );

    app.post<{ Params: { arn: string } }>(
      '/executions/:arn/redrive',
      {
        config: { access: 'operate' },
        preValidation: refuseBody,
        schema: {
          summary: 'Redrive a failed, timed-out or aborted execution from where it stopped',
          tags: ['operations'],
          params: arnParams,
          response: errors,
        },
      },
      async (request) => {
        const redriven = await deps.control.redriveExecution(request.params.arn);
        return { redriveDate: new Date(redriven.redriveDate).toISOString() };
      },
    );
    done();
  };
}
