/**
 * Task resources: what a Task state's `Resource` runs on the local engine.
 *
 * - A Lambda function ARN (`arn:aws:lambda:<region>:<account>:function:<name>[:<version|alias>]`)
 *   or a plain name runs the local handler registered under `<name>`, and returns its result.
 * - `arn:aws:states:::lambda:invoke` runs the handler named by `Parameters.FunctionName` with
 *   `Parameters.Payload` and returns AWS's wrapper (`Payload`, `StatusCode`, `ExecutedVersion`...).
 * - `arn:aws:states:::sns:publish` and `arn:aws:states:::sqs:sendMessage` call the local ports.
 * - `.waitForTaskToken` variants invoke the same way, then wait for SendTaskSuccess/Failure.
 *
 * A handler fails the task by throwing: error `.name` becomes the ASL error name and the cause
 * is AWS's Lambda error format, the JSON string `{"errorMessage","errorType","trace"}`.
 */
import type { Json, JsonObject } from '../asl/json.js';
import { isJsonObject } from '../asl/json.js';
import { StatesError, StatesErrorName } from '../asl/errors.js';

/** What a handler learns about the task it runs (beyond its input). */
export interface TaskContext {
  readonly executionArn: string;
  readonly executionName: string;
  readonly stateName: string;
  /** Stable across re-invocation after a crash: use it to deduplicate side effects. */
  readonly taskToken: string;
  readonly idempotencyKey: string;
}

export type TaskHandler = (input: Json, context: TaskContext) => Promise<Json> | Json;

/** Local stand-ins for the AWS services a workflow may call directly. */
export interface SnsPublisher {
  publish(request: {
    TopicArn: string;
    Message: string;
    Subject?: string;
    MessageAttributes?: JsonObject;
  }): Promise<{ MessageId: string }>;
}

export interface SqsSender {
  sendMessage(request: {
    QueueUrl: string;
    MessageBody: string;
    DelaySeconds?: number;
    MessageGroupId?: string;
    MessageDeduplicationId?: string;
  }): Promise<{ MessageId: string; MD5OfMessageBody?: string }>;
}

export interface TaskResources {
  /**
   * Handlers by key: the Task's Resource string exactly, or a Lambda function name (for function
   * ARNs and `lambda:invoke`).
   */
  handlers: Readonly<Record<string, TaskHandler>>;
  sns?: SnsPublisher;
  sqs?: SqsSender;
}

export type Invoker = (parameters: Json, context: TaskContext) => Promise<Json>;

const lambdaInvoke = /^arn:aws[\w-]*:states:::lambda:invoke(\.waitForTaskToken)?$/;
const snsPublish = /^arn:aws[\w-]*:states:::sns:publish(\.waitForTaskToken)?$/;
const sqsSend = /^arn:aws[\w-]*:states:::sqs:sendMessage(\.waitForTaskToken)?$/;
const functionArn = /^arn:aws[\w-]*:lambda:[^:]*:[^:]*:function:([^:]+)(:[^:]+)?$/;

/** The function name in a Lambda ARN, partial ARN or plain name, without version or alias. */
export function functionNameOf(nameOrArn: string): string {
  const arn = functionArn.exec(nameOrArn);
  if (arn) return arn[1] as string;
  const partial = /^(?:\d{12}:)?function:([^:]+)/.exec(nameOrArn);
  if (partial) return partial[1] as string;
  return nameOrArn.split(':')[0] as string;
}

/**
 * Resolves a Resource to an invoker, or undefined when this engine cannot run it (validation
 * reports that before anything runs).
 */
export function resolveResource(resources: TaskResources, resource: string): Invoker | undefined {
  const exact = resources.handlers[resource];
  if (exact) return (parameters, context) => callHandler(exact, parameters, context);

  if (lambdaInvoke.test(resource)) {
    return async (parameters, context) => {
      if (!isJsonObject(parameters) || typeof parameters.FunctionName !== 'string') {
        throw new StatesError(StatesErrorName.Runtime, `${resource} needs Parameters.FunctionName`);
      }
      const name = functionNameOf(parameters.FunctionName);
      const handler = resources.handlers[name];
      if (!handler) {
        // AWS: invoking a function that does not exist fails the task with Lambda's error name.
        throw new StatesError(
          'Lambda.ResourceNotFoundException',
          `Function not found: ${parameters.FunctionName}`,
        );
      }
      const payload = parameters.Payload ?? {};
      const result = await callHandler(handler, payload, context);
      return {
        ExecutedVersion: '$LATEST',
        Payload: result,
        SdkHttpMetadata: { HttpStatusCode: 200 },
        SdkResponseMetadata: { RequestId: context.idempotencyKey },
        StatusCode: 200,
      };
    };
  }

  const fn = functionArn.exec(resource);
  if (fn || !resource.startsWith('arn:')) {
    const handler = resources.handlers[functionNameOf(resource)];
    if (!handler) return undefined;
    return (parameters, context) => callHandler(handler, parameters, context);
  }

  if (snsPublish.test(resource) && resources.sns) {
    const sns = resources.sns;
    return async (parameters) => {
      if (!isJsonObject(parameters) || typeof parameters.TopicArn !== 'string') {
        throw new StatesError(StatesErrorName.Runtime, 'sns:publish needs Parameters.TopicArn');
      }
      const message = parameters.Message;
      const result = await sns.publish({
        TopicArn: parameters.TopicArn,
        // AWS: a JSON Message is serialised to a string before publishing.
        Message: typeof message === 'string' ? message : JSON.stringify(message ?? null),
        ...(typeof parameters.Subject === 'string' ? { Subject: parameters.Subject } : {}),
        ...(isJsonObject(parameters.MessageAttributes)
          ? { MessageAttributes: parameters.MessageAttributes }
          : {}),
      });
      return { MessageId: result.MessageId, SdkHttpMetadata: { HttpStatusCode: 200 } };
    };
  }

  if (sqsSend.test(resource) && resources.sqs) {
    const sqs = resources.sqs;
    return async (parameters) => {
      if (!isJsonObject(parameters) || typeof parameters.QueueUrl !== 'string') {
        throw new StatesError(StatesErrorName.Runtime, 'sqs:sendMessage needs Parameters.QueueUrl');
      }
      const body = parameters.MessageBody;
      const result = await sqs.sendMessage({
        QueueUrl: parameters.QueueUrl,
        MessageBody: typeof body === 'string' ? body : JSON.stringify(body ?? null),
        ...(typeof parameters.DelaySeconds === 'number'
          ? { DelaySeconds: parameters.DelaySeconds }
          : {}),
        ...(typeof parameters.MessageGroupId === 'string'
          ? { MessageGroupId: parameters.MessageGroupId }
          : {}),
        ...(typeof parameters.MessageDeduplicationId === 'string'
          ? { MessageDeduplicationId: parameters.MessageDeduplicationId }
          : {}),
      });
      return { ...result, SdkHttpMetadata: { HttpStatusCode: 200 } };
    };
  }
  return undefined;
}

async function callHandler(handler: TaskHandler, input: Json, context: TaskContext): Promise<Json> {
  try {
    const result = await handler(input, context);
    // A handler returning undefined behaves like a Lambda returning nothing: null.
    return result === undefined ? null : result;
  } catch (error) {
    throw toTaskError(error);
  }
}

/**
 * Turns whatever a handler threw into a task failure: the error's `name` (or `code` for
 * StatesError) is the ASL error; the cause follows Lambda's error format.
 */
export function toTaskError(error: unknown): StatesError {
  if (error instanceof StatesError) return error;
  if (error instanceof Error) {
    const name = error.name && error.name !== 'Error' ? error.name : 'Error';
    const cause = JSON.stringify({
      errorMessage: error.message,
      errorType: name,
      trace: (error.stack ?? '')
        .split('\n')
        .slice(1, 6)
        .map((line) => line.trim()),
    });
    return new StatesError(name, cause);
  }
  return new StatesError(
    'Error',
    JSON.stringify({ errorMessage: String(error), errorType: 'Error', trace: [] }),
  );
}
