/**
 * SfnWorkflowControl: the payment workflow's control plane on AWS Step Functions, in the shape
 * PaymentOperations and the transaction view use locally (StepFunctionsControl's): start an
 * execution named by the transaction id, complete a waiting task, describe an execution and read
 * the end of its history. AWS errors are rethrown with their Step Functions error name as `code`
 * (`ExecutionAlreadyExists`, `TaskDoesNotExist`...), the codes the local engine uses, so callers
 * and the API's error mapper match them the same way on both engines.
 */
import type { HistoryEvent as SfnHistoryEvent, SFNClient } from '@aws-sdk/client-sfn';
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import type { Json } from '../../asl/json.js';
import type { DescribeExecutionOutput, HistoryEvent } from '../../engine/control.js';
import type { WorkflowControl } from '../../api/payment-operations.js';

export interface SfnWorkflowControlOptions {
  readonly client: SFNClient;
  /** The payment state machine; its ARN names the executions' ARNs. */
  readonly stateMachineArn: string;
  /** Epoch ms; tells a new execution from an idempotent restart. @default Date.now */
  readonly now?: () => number;
  /** How many of the latest history events {@link history} reads. @default 100 */
  readonly historyEvents?: number;
}

/** A Step Functions error, by its AWS error name. */
export class StepFunctionsError extends Error {
  override readonly name = 'StepFunctionsError';
  readonly retryable: boolean;
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.retryable = code === 'ThrottlingException' || code === 'ServiceUnavailable';
  }
}

/** Tolerated clock difference between this function and Step Functions, in ms. */
const CLOCK_SKEW_MS = 5_000;

const STATE_MACHINE_ARN = /^arn:([\w-]+):states:([^:]+):(\d{12}):stateMachine:([^:]+)$/;

export class SfnWorkflowControl implements WorkflowControl {
  readonly engine: WorkflowControl['engine'];
  readonly #client: SFNClient;
  readonly #historyEvents: number;

  constructor(options: SfnWorkflowControlOptions) {
    const match = STATE_MACHINE_ARN.exec(options.stateMachineArn);
    if (!match) throw new Error(`Not a state machine ARN: ${options.stateMachineArn}`);
    const [, partition, region, account] = match;
    const prefix = `arn:${partition}:states:${region}:${account}:execution`;
    const client = options.client;
    const now = options.now ?? Date.now;
    this.#client = client;
    this.#historyEvents = options.historyEvents ?? 100;
    this.engine = {
      arn: { execution: (machine, name) => `${prefix}:${machine}:${name}` },
      startExecution: async (request) => {
        const before = now();
        const out = await call(() =>
          client.send(
            new StartExecutionCommand({
              stateMachineArn: request.stateMachineArn,
              name: request.name,
              input: request.input,
            }),
          ),
        );
        // AWS: a StartExecution with the name and input of a running execution succeeds and
        // returns that execution (its own start date) instead of starting another; a start date
        // from before this call therefore means the execution already existed.
        const started = out.startDate?.getTime() ?? before;
        return {
          executionArn: out.executionArn ?? '',
          created: started >= before - CLOCK_SKEW_MS,
        };
      },
      sendTaskSuccess: async (taskToken, output) => {
        await call(() => client.send(new SendTaskSuccessCommand({ taskToken, output })));
      },
    };
  }

  /** Fails a waiting task with an ASL error name (e.g. a rejected review that must not wait). */
  async sendTaskFailure(taskToken: string, error: string, cause: string): Promise<void> {
    await call(() =>
      this.#client.send(new SendTaskFailureCommand({ taskToken, error, cause: cause })),
    );
  }

  async describeExecution(executionArn: string): Promise<DescribeExecutionOutput> {
    const out = await call(() => this.#client.send(new DescribeExecutionCommand({ executionArn })));
    return {
      executionArn: out.executionArn ?? executionArn,
      stateMachineArn: out.stateMachineArn ?? '',
      name: out.name ?? '',
      status: out.status ?? 'RUNNING',
      startDate: out.startDate?.getTime() ?? 0,
      ...(out.stopDate === undefined ? {} : { stopDate: out.stopDate.getTime() }),
      input: out.input ?? '{}',
      ...(out.output === undefined ? {} : { output: out.output }),
      ...(out.error === undefined ? {} : { error: out.error }),
      ...(out.cause === undefined ? {} : { cause: out.cause }),
      redriveCount: out.redriveCount ?? 0,
      ...(out.redriveDate === undefined ? {} : { redriveDate: out.redriveDate.getTime() }),
      redriveStatus: out.redriveStatus === 'REDRIVABLE' ? 'REDRIVABLE' : 'NOT_REDRIVABLE',
    };
  }

  /**
   * The latest events of an execution's history, oldest first: enough to tell the state it is
   * in now. AWS: a history may hold 25,000 events; reading it whole on every GET would be slow
   * and costly, so this reads one page backwards (`reverseOrder`) and turns it round.
   */
  async history(executionArn: string): Promise<HistoryEvent[]> {
    const out = await call(() =>
      this.#client.send(
        new GetExecutionHistoryCommand({
          executionArn,
          reverseOrder: true,
          maxResults: this.#historyEvents,
          includeExecutionData: false,
        }),
      ),
    );
    return (out.events ?? []).map(toHistoryEvent).reverse();
  }
}

/** Step Functions' history event, in the local engine's shape (epoch ms, details by name). */
function toHistoryEvent(event: SfnHistoryEvent): HistoryEvent {
  const { id, previousEventId, timestamp, type, ...details } = event;
  const out: HistoryEvent = {
    id: id ?? 0,
    previousEventId: previousEventId ?? 0,
    timestamp: timestamp?.getTime() ?? 0,
    type: type ?? '',
  };
  for (const [key, value] of Object.entries(details)) {
    if (value !== undefined) out[key] = JSON.parse(JSON.stringify(value)) as Json;
  }
  return out;
}

/** Runs an SDK call, rethrowing AWS errors as {@link StepFunctionsError} named by AWS. */
async function call<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    const name = (error as { name?: unknown }).name;
    if (typeof name === 'string' && (error as { $metadata?: unknown }).$metadata !== undefined) {
      throw new StepFunctionsError(name, (error as Error).message, { cause: error });
    }
    throw error;
  }
}
