/**
 * History events as the pure core produces them, named and shaped as AWS Step Functions names
 * them (`aws stepfunctions get-execution-history`), so people who know Step Functions read them
 * without a dictionary. The executor adds `id`, `previousEventId` and `timestamp` when it commits.
 *
 * One deliberate difference in storage: `input`, `output`, `parameters` and `result` are kept as
 * JSON values here; the Step Functions-compatible API turns them into the JSON strings AWS returns.
 */
import type { Json, JsonObject } from './json.js';

export interface HistoryEventDraft {
  type: string;
  /** The `<kind>EventDetails` object, keyed as AWS keys it (e.g. `stateEnteredEventDetails`). */
  [detailsKey: string]: Json;
}

/** How a Task's Resource appears in history: AWS splits integration ARNs into type and name. */
export interface ResourceDescription {
  /** True for a plain Lambda function ARN (AWS then records LambdaFunction* events). */
  lambdaFunction: boolean;
  resourceType: string;
  resource: string;
  /** `.waitForTaskToken`: the task waits for SendTaskSuccess/Failure. */
  waitForTaskToken: boolean;
  /** `.sync`: the task waits for the job it started (not supported locally). */
  sync: boolean;
}

/** Splits a Task Resource the way AWS does in history events. */
export function describeResource(resource: string): ResourceDescription {
  const integration = /^arn:aws[\w-]*:states:[^:]*:[^:]*:([^:]+):(.+)$/.exec(resource);
  if (integration) {
    const service = integration[1] as string;
    const action = integration[2] as string;
    return {
      lambdaFunction: false,
      resourceType: service,
      resource: action,
      waitForTaskToken: action.endsWith('.waitForTaskToken'),
      sync: /\.sync(:2)?$/.test(action),
    };
  }
  return {
    lambdaFunction: /^arn:aws[\w-]*:lambda:/.test(resource) || !resource.startsWith('arn:'),
    resourceType: 'lambda',
    resource,
    waitForTaskToken: false,
    sync: false,
  };
}

export function stateEntered(type: string, name: string, input: Json): HistoryEventDraft {
  return {
    type: `${type}StateEntered`,
    stateEnteredEventDetails: { name, input, inputDetails: { truncated: false } },
  };
}

export function stateExited(
  type: string,
  name: string,
  output: Json,
  assignedVariables?: JsonObject,
): HistoryEventDraft {
  const details: JsonObject = { name, output, outputDetails: { truncated: false } };
  if (assignedVariables && Object.keys(assignedVariables).length > 0) {
    details.assignedVariables = assignedVariables;
  }
  return { type: `${type}StateExited`, stateExitedEventDetails: details };
}
