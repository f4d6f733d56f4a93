/**
 * The Step Functions control plane over the local engine: state machines, executions, history,
 * callbacks, stop and redrive, with AWS's request and response shapes (camelCase fields, epoch
 * dates, JSON strings for input and output). The HTTP endpoint speaking AWS's wire protocol and the
 * CLI are thin clients of this class.
 */
import { randomUUID } from 'node:crypto';
import type { Json, JsonObject } from '../asl/json.js';
import { validateDefinition } from '../asl/validate.js';
import type { ValidationDiagnostic } from '../asl/validate.js';
import type { Engine } from './engine.js';
import { validateName } from './engine.js';
import { EngineError, EngineErrorCode } from './errors.js';
import type { ExecutionRow, ExecutionStatus, StateMachineRow } from './store.js';
import { parseExecutionArn, parseStateMachineArn } from './arns.js';

const defaultRoleArn = (account: string) => `arn:aws:iam::${account}:role/paystep-local`;

export interface HistoryEvent {
  id: number;
  previousEventId: number;
  timestamp: number;
  type: string;
  [details: string]: Json;
}

export interface DescribeExecutionOutput {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  startDate: number;
  stopDate?: number;
  input: string;
  output?: string;
  error?: string;
  cause?: string;
  redriveCount: number;
  redriveDate?: number;
  redriveStatus: 'REDRIVABLE' | 'NOT_REDRIVABLE';
}

/** Fields of history details that AWS returns as JSON strings, not objects. */
const stringifiedFields = new Set(['input', 'output', 'parameters', 'result']);

export class StepFunctionsControl {
  constructor(readonly engine: Engine) {}

  private get store() {
    return this.engine.store;
  }

  validate(definition: string): ValidationDiagnostic[] {
    const result = validateDefinition(definition, {
      isResourceSupported: this.engine.isResourceSupported,
    });
    return result.ok ? [] : result.diagnostics;
  }

  createStateMachine(request: {
    name: string;
    definition: string;
    roleArn?: string;
    type?: string;
  }): {
    stateMachineArn: string;
    creationDate: number;
  } {
    validateName(request.name);
    if (request.type !== undefined && request.type !== 'STANDARD') {
      throw new EngineError(
        EngineErrorCode.ValidationException,
        `Only STANDARD state machines run on the local engine (got ${request.type})`,
      );
    }
    this.requireValid(request.definition);
    const arn = this.engine.arn.stateMachine(request.name);
    const existing = this.store.stateMachine(arn);
    const hash = this.store.saveDefinition(request.definition);
    const roleArn = request.roleArn ?? defaultRoleArn(this.engine.accountId);
    if (existing) {
      // AWS: creating an identical state machine again is idempotent; a different one conflicts.
      if (existing.definition_hash === hash && existing.role_arn === roleArn) {
        return { stateMachineArn: arn, creationDate: existing.created_at };
      }
      throw new EngineError(
        EngineErrorCode.StateMachineAlreadyExists,
        `State Machine Already Exists: '${arn}'`,
      );
    }
    const now = this.engine.clock.now();
    this.store.createStateMachine({
      arn,
      name: request.name,
      definition_hash: hash,
      role_arn: roleArn,
      type: 'STANDARD',
      status: 'ACTIVE',
      revision_id: randomUUID(),
      created_at: now,
      updated_at: now,
      description: '',
    });
    return { stateMachineArn: arn, creationDate: now };
  }

  updateStateMachine(request: { stateMachineArn: string; definition?: string; roleArn?: string }): {
    updateDate: number;
    revisionId: string;
  } {
    const machine = this.requireStateMachine(request.stateMachineArn);
    if (request.definition !== undefined) this.requireValid(request.definition);
    const now = this.engine.clock.now();
    const revisionId = randomUUID();
    this.store.changeStateMachine({
      arn: machine.arn,
      definition_hash:
        request.definition !== undefined
          ? this.store.saveDefinition(request.definition)
          : machine.definition_hash,
      role_arn: request.roleArn ?? machine.role_arn,
      revision_id: revisionId,
      updated_at: now,
      description: machine.description,
    });
    return { updateDate: now, revisionId };
  }

  describeStateMachine(stateMachineArn: string) {
    const machine = this.requireStateMachine(stateMachineArn);
    return this.describeMachineRow(machine);
  }

  describeStateMachineForExecution(executionArn: string) {
    const execution = this.requireExecution(executionArn);
    const machine = this.requireStateMachine(execution.state_machine_arn);
    return {
      stateMachineArn: machine.arn,
      name: machine.name,
      definition: this.definitionBody(execution.definition_hash),
      roleArn: machine.role_arn,
      updateDate: machine.updated_at,
      revisionId: machine.revision_id,
    };
  }

  listStateMachines(request: { maxResults?: number; nextToken?: string } = {}) {
    const limit = pageSize(request.maxResults);
    const after = request.nextToken ? nameCursor(request.nextToken) : '';
    const rows = this.store.listStateMachines.all(after, limit + 1);
    const page = rows.slice(0, limit);
    return {
      stateMachines: page.map((row) => ({
        stateMachineArn: row.arn,
        name: row.name,
        type: row.type,
        creationDate: row.created_at,
      })),
      ...(rows.length > limit
        ? { nextToken: encodeToken((page[page.length - 1] as StateMachineRow).name) }
        : {}),
    };
  }

  deleteStateMachine(stateMachineArn: string): void {
    if (!parseStateMachineArn(stateMachineArn))
      throw new EngineError(EngineErrorCode.InvalidArn, `Invalid Arn: '${stateMachineArn}'`);
    // AWS: deleting a state machine that does not exist succeeds.
    this.store.removeStateMachine(stateMachineArn);
  }

  async startExecution(request: { stateMachineArn: string; name?: string; input?: string }) {
    if (!parseStateMachineArn(request.stateMachineArn)) {
      throw new EngineError(
        EngineErrorCode.InvalidArn,
        `Invalid Arn: '${request.stateMachineArn}'`,
      );
    }
    const started = await this.engine.startExecution(request);
    return { executionArn: started.executionArn, startDate: started.startDate };
  }

  describeExecution(executionArn: string): DescribeExecutionOutput {
    return describeRow(this.requireExecution(executionArn));
  }

  listExecutions(request: {
    stateMachineArn: string;
    statusFilter?: ExecutionStatus;
    maxResults?: number;
    nextToken?: string;
  }) {
    this.requireStateMachine(request.stateMachineArn);
    const limit = pageSize(request.maxResults);
    const cursor = request.nextToken
      ? executionCursor(request.nextToken)
      : [Number.MAX_SAFE_INTEGER, ''];
    const rows = this.store.db
      .prepare<unknown[], ExecutionRow>(
        `SELECT * FROM executions WHERE state_machine_arn = ? ${request.statusFilter ? 'AND status = ?' : ''}
         AND (start_date < ? OR (start_date = ? AND arn > ?)) ORDER BY start_date DESC, arn LIMIT ?`,
      )
      .all(
        ...[
          request.stateMachineArn,
          ...(request.statusFilter ? [request.statusFilter] : []),
          cursor[0],
          cursor[0],
          cursor[1],
          limit + 1,
        ],
      );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      executions: page.map((row) => ({
        executionArn: row.arn,
        stateMachineArn: row.state_machine_arn,
        name: row.name,
        status: row.status,
        startDate: row.start_date,
        ...(row.stop_date !== null ? { stopDate: row.stop_date } : {}),
        redriveCount: row.redrive_count,
      })),
      ...(rows.length > limit && last
        ? { nextToken: encodeToken(JSON.stringify([last.start_date, last.arn])) }
        : {}),
    };
  }

  getExecutionHistory(request: {
    executionArn: string;
    maxResults?: number;
    nextToken?: string;
    reverseOrder?: boolean;
    includeExecutionData?: boolean;
  }) {
    this.requireExecution(request.executionArn);
    const events = this.history(request.executionArn, request.includeExecutionData ?? true);
    if (request.reverseOrder) events.reverse();
    const limit = pageSize(request.maxResults);
    const offset = request.nextToken ? Number(decodeToken(request.nextToken)) : 0;
    if (!Number.isInteger(offset) || offset < 0)
      throw new EngineError(EngineErrorCode.ValidationException, 'Invalid nextToken');
    const page = events.slice(offset, offset + limit);
    return {
      events: page,
      ...(offset + limit < events.length ? { nextToken: encodeToken(String(offset + limit)) } : {}),
    };
  }

  /** The whole history of an execution in AWS's shape (input/output as JSON strings). */
  history(executionArn: string, includeExecutionData = true): HistoryEvent[] {
    const events: HistoryEvent[] = [];
    for (const event of this.store.history(executionArn) as HistoryEvent[])
      events.push(toAwsEvent(event, includeExecutionData));
    return events;
  }

  stopExecution(request: { executionArn: string; error?: string; cause?: string }) {
    this.requireExecution(request.executionArn);
    return this.engine.stopExecution(
      request.executionArn,
      request.error ?? '',
      request.cause ?? '',
    );
  }

  redriveExecution(executionArn: string) {
    this.requireExecution(executionArn);
    return this.engine.redriveExecution(executionArn);
  }

  private requireValid(definition: string): void {
    const diagnostics = this.validate(definition);
    if (diagnostics.length > 0) {
      throw new EngineError(
        EngineErrorCode.InvalidDefinition,
        `Invalid State Machine Definition: '${diagnostics.map((d) => `${d.code}: ${d.message} at ${d.location}`).join(', ')}'`,
      );
    }
  }

  private requireStateMachine(arn: string): StateMachineRow {
    if (!parseStateMachineArn(arn))
      throw new EngineError(EngineErrorCode.InvalidArn, `Invalid Arn: '${arn}'`);
    const row = this.store.stateMachine(arn);
    if (!row)
      throw new EngineError(
        EngineErrorCode.StateMachineDoesNotExist,
        `State Machine Does Not Exist: '${arn}'`,
      );
    return row;
  }

  private requireExecution(arn: string): ExecutionRow {
    if (!parseExecutionArn(arn))
      throw new EngineError(EngineErrorCode.InvalidArn, `Invalid Arn: '${arn}'`);
    const row = this.store.getExecution.get(arn);
    if (!row)
      throw new EngineError(
        EngineErrorCode.ExecutionDoesNotExist,
        `Execution Does Not Exist: '${arn}'`,
      );
    return row;
  }

  private definitionBody(hash: string): string {
    return this.store.getDefinition.get(hash)?.body ?? '';
  }

  private describeMachineRow(machine: StateMachineRow) {
    return {
      stateMachineArn: machine.arn,
      name: machine.name,
      status: machine.status,
      definition: this.definitionBody(machine.definition_hash),
      roleArn: machine.role_arn,
      type: machine.type,
      creationDate: machine.created_at,
      revisionId: machine.revision_id,
    };
  }
}

export function describeRow(row: ExecutionRow): DescribeExecutionOutput {
  const closed = row.status !== 'RUNNING';
  return {
    executionArn: row.arn,
    stateMachineArn: row.state_machine_arn,
    name: row.name,
    status: row.status,
    startDate: row.start_date,
    ...(row.stop_date !== null ? { stopDate: row.stop_date } : {}),
    input: row.input,
    ...(row.output !== null ? { output: row.output } : {}),
    ...(row.error !== null ? { error: row.error } : {}),
    ...(row.cause !== null ? { cause: row.cause } : {}),
    redriveCount: row.redrive_count,
    ...(row.redrive_date !== null ? { redriveDate: row.redrive_date } : {}),
    redriveStatus: closed && row.status !== 'SUCCEEDED' ? 'REDRIVABLE' : 'NOT_REDRIVABLE',
  };
}

function toAwsEvent(event: HistoryEvent, includeData: boolean): HistoryEvent {
  const out: HistoryEvent = { ...event };
  for (const [key, value] of Object.entries(event)) {
    if (
      !key.endsWith('EventDetails') ||
      typeof value !== 'object' ||
      value === null ||
      Array.isArray(value)
    )
      continue;
    const details: JsonObject = {};
    for (const [field, fieldValue] of Object.entries(value)) {
      if (stringifiedFields.has(field)) {
        if (includeData) details[field] = JSON.stringify(fieldValue);
      } else {
        details[field] = fieldValue;
      }
    }
    out[key] = details;
  }
  return out;
}

function pageSize(maxResults: number | undefined): number {
  if (maxResults === undefined || maxResults === 0) return 100;
  if (!Number.isInteger(maxResults) || maxResults < 0 || maxResults > 1000) {
    throw new EngineError(
      EngineErrorCode.ValidationException,
      'maxResults must be between 0 and 1000',
    );
  }
  return maxResults;
}

/** AWS: a nextToken that this API did not issue is InvalidToken. */
function invalidToken(): EngineError {
  return new EngineError(
    EngineErrorCode.InvalidToken,
    'Invalid Token: the nextToken was not issued by this API',
  );
}

function executionCursor(token: string): [number, string] {
  try {
    const cursor = JSON.parse(decodeToken(token)) as unknown;
    if (Array.isArray(cursor) && typeof cursor[0] === 'number' && typeof cursor[1] === 'string') {
      return [cursor[0], cursor[1]];
    }
  } catch {
    // fall through
  }
  throw invalidToken();
}

function nameCursor(token: string): string {
  const name = decodeToken(token);
  if (name.length === 0 || name.length > 80 || !/^[\w.-]+$/.test(name)) throw invalidToken();
  return name;
}

function encodeToken(value: string): string {
  return Buffer.from(value, 'utf8').toString('base64url');
}

function decodeToken(token: string): string {
  try {
    return Buffer.from(token, 'base64url').toString('utf8');
  } catch {
    throw new EngineError(EngineErrorCode.ValidationException, 'Invalid nextToken');
  }
}
