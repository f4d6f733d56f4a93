/**
 * The Step Functions wire protocol (AWS JSON 1.0) over the local engine, so the AWS SDK and CLI
 * drive paystep with nothing changed but the endpoint: `POST /` with
 * `X-Amz-Target: AWSStepFunctions.<Action>` and a JSON body; errors as AWS shapes them
 * (`__type` and `x-amzn-ErrorType`, HTTP 400). Dates cross the wire as epoch seconds, as AWS's
 * JSON protocol sends them.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { StepFunctionsControl } from '../engine/control.js';
import { EngineError, EngineErrorCode } from '../engine/errors.js';
import type { ExecutionStatus } from '../engine/store.js';

type Body = Record<string, unknown>;
type Action = (control: StepFunctionsControl, body: Body) => unknown;

const maxBodyBytes = 1024 * 1024;
const dateFields = new Set([
  'startDate',
  'stopDate',
  'creationDate',
  'updateDate',
  'redriveDate',
  'timestamp',
]);

function str(body: Body, field: string, required = true): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) {
    if (required)
      throw new EngineError(
        EngineErrorCode.ValidationException,
        `1 validation error detected: Value null at '${field}' failed to satisfy constraint: Member must not be null`,
      );
    return undefined;
  }
  if (typeof value !== 'string')
    throw new EngineError(EngineErrorCode.ValidationException, `'${field}' must be a string`);
  return value;
}

function num(body: Body, field: string): number | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number')
    throw new EngineError(EngineErrorCode.ValidationException, `'${field}' must be a number`);
  return value;
}

const executionStatuses: ReadonlySet<string> = new Set<ExecutionStatus>([
  'RUNNING',
  'SUCCEEDED',
  'FAILED',
  'TIMED_OUT',
  'ABORTED',
  'PENDING_REDRIVE',
]);

/** AWS: a statusFilter outside the ExecutionStatus enum is a ValidationException, not an empty list. */
function statusFilter(body: Body): ExecutionStatus | undefined {
  const value = str(body, 'statusFilter', false);
  if (value !== undefined && !executionStatuses.has(value)) {
    throw new EngineError(
      EngineErrorCode.ValidationException,
      `1 validation error detected: Value '${value}' at 'statusFilter' failed to satisfy constraint: Member must satisfy enum value set: [${[...executionStatuses].join(', ')}]`,
    );
  }
  return value as ExecutionStatus | undefined;
}

/** `{ key: value }`, or `{}` when the value is absent (exact optional properties). */
function opt<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

const actions: Record<string, Action> = {
  CreateStateMachine: (c, b) =>
    c.createStateMachine({
      name: str(b, 'name') as string,
      definition: str(b, 'definition') as string,
      ...opt('roleArn', str(b, 'roleArn', false)),
      ...opt('type', str(b, 'type', false)),
    }),
  UpdateStateMachine: (c, b) =>
    c.updateStateMachine({
      stateMachineArn: str(b, 'stateMachineArn') as string,
      ...opt('definition', str(b, 'definition', false)),
      ...opt('roleArn', str(b, 'roleArn', false)),
    }),
  DescribeStateMachine: (c, b) => c.describeStateMachine(str(b, 'stateMachineArn') as string),
  DescribeStateMachineForExecution: (c, b) =>
    c.describeStateMachineForExecution(str(b, 'executionArn') as string),
  ListStateMachines: (c, b) =>
    c.listStateMachines({
      ...opt('maxResults', num(b, 'maxResults')),
      ...opt('nextToken', str(b, 'nextToken', false)),
    }),
  DeleteStateMachine: (c, b) => {
    c.deleteStateMachine(str(b, 'stateMachineArn') as string);
    return {};
  },
  ValidateStateMachineDefinition: (c, b) => {
    const diagnostics = c.validate(str(b, 'definition') as string);
    return {
      result: diagnostics.length === 0 ? 'OK' : 'FAIL',
      diagnostics: diagnostics.map((d) => ({
        severity: 'ERROR',
        code: d.code,
        message: d.message,
        location: d.location,
      })),
      truncated: false,
    };
  },
  StartExecution: (c, b) =>
    c.startExecution({
      stateMachineArn: str(b, 'stateMachineArn') as string,
      ...opt('name', str(b, 'name', false)),
      ...opt('input', str(b, 'input', false)),
    }),
  DescribeExecution: (c, b) => c.describeExecution(str(b, 'executionArn') as string),
  ListExecutions: (c, b) =>
    c.listExecutions({
      stateMachineArn: str(b, 'stateMachineArn') as string,
      ...opt('statusFilter', statusFilter(b)),
      ...opt('maxResults', num(b, 'maxResults')),
      ...opt('nextToken', str(b, 'nextToken', false)),
    }),
  GetExecutionHistory: (c, b) =>
    c.getExecutionHistory({
      executionArn: str(b, 'executionArn') as string,
      ...opt('maxResults', num(b, 'maxResults')),
      ...opt('nextToken', str(b, 'nextToken', false)),
      ...opt('reverseOrder', b.reverseOrder === true ? true : undefined),
      ...opt('includeExecutionData', b.includeExecutionData === false ? false : undefined),
    }),
  StopExecution: (c, b) =>
    c.stopExecution({
      executionArn: str(b, 'executionArn') as string,
      ...opt('error', str(b, 'error', false)),
      ...opt('cause', str(b, 'cause', false)),
    }),
  RedriveExecution: (c, b) => c.redriveExecution(str(b, 'executionArn') as string),
  SendTaskSuccess: async (c, b) => {
    await c.engine.sendTaskSuccess(str(b, 'taskToken') as string, str(b, 'output') as string);
    return {};
  },
  SendTaskFailure: async (c, b) => {
    await c.engine.sendTaskFailure(
      str(b, 'taskToken') as string,
      str(b, 'error', false) ?? '',
      str(b, 'cause', false) ?? '',
    );
    return {};
  },
  SendTaskHeartbeat: async (c, b) => {
    await c.engine.sendTaskHeartbeat(str(b, 'taskToken') as string);
    return {};
  },
};

/** Epoch milliseconds (ours) to epoch seconds (AWS JSON protocol), recursively. */
function toWire(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toWire);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    out[key] = dateFields.has(key) && typeof field === 'number' ? field / 1000 : toWire(field);
  }
  return out;
}

function send(res: ServerResponse, status: number, body: unknown, errorType?: string): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/x-amz-json-1.0',
    'content-length': Buffer.byteLength(text),
    ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
  });
  res.end(text);
}

function sendError(res: ServerResponse, code: string, message: string, status = 400): void {
  send(res, status, { __type: `com.amazonaws.swf.service.v2.model#${code}`, message }, code);
}

/** A node:http request listener answering the Step Functions API. */
export function createSfnListener(control: StepFunctionsControl) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const target = req.headers['x-amz-target'];
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBodyBytes) chunks.push(chunk);
    });
    req.on('end', () => {
      void (async () => {
        if (
          req.method !== 'POST' ||
          typeof target !== 'string' ||
          !target.startsWith('AWSStepFunctions.')
        ) {
          sendError(
            res,
            'UnknownOperationException',
            'Expected POST with X-Amz-Target: AWSStepFunctions.<Action>',
          );
          return;
        }
        const action = actions[target.slice('AWSStepFunctions.'.length)];
        if (!action) {
          sendError(res, 'UnknownOperationException', `Unknown operation ${target}`);
          return;
        }
        if (size > maxBodyBytes) {
          sendError(res, 'ValidationException', `Request body exceeds ${maxBodyBytes} bytes`, 413);
          return;
        }
        let body: unknown;
        try {
          body = chunks.length === 0 ? {} : JSON.parse(Buffer.concat(chunks).toString('utf8'));
        } catch {
          sendError(res, 'SerializationException', 'Malformed JSON body');
          return;
        }
        if (typeof body !== 'object' || body === null || Array.isArray(body)) {
          sendError(res, 'SerializationException', 'The body must be a JSON object');
          return;
        }
        try {
          send(res, 200, toWire(await action(control, body as Body)));
        } catch (error) {
          if (error instanceof EngineError) sendError(res, error.code, error.message);
          else sendError(res, 'InternalFailure', 'Internal error', 500);
        }
      })();
    });
  };
}
