/**
 * The errors a workflow can see. Each carries its ASL error name as `code`, so Retry and Catch
 * matching is a string comparison, and an ASL "cause" as its message.
 */

/** The predefined error names of the States Language, plus the ones AWS Step Functions adds. */
export const StatesErrorName = {
  All: 'States.ALL',
  HeartbeatTimeout: 'States.HeartbeatTimeout',
  Timeout: 'States.Timeout',
  TaskFailed: 'States.TaskFailed',
  Permissions: 'States.Permissions',
  ResultPathMatchFailure: 'States.ResultPathMatchFailure',
  ParameterPathFailure: 'States.ParameterPathFailure',
  BranchFailed: 'States.BranchFailed',
  NoChoiceMatched: 'States.NoChoiceMatched',
  IntrinsicFailure: 'States.IntrinsicFailure',
  ExceedToleratedFailureThreshold: 'States.ExceedToleratedFailureThreshold',
  ItemReaderFailed: 'States.ItemReaderFailed',
  ResultWriterFailed: 'States.ResultWriterFailed',
  QueryEvaluationError: 'States.QueryEvaluationError',
  Runtime: 'States.Runtime',
  DataLimitExceeded: 'States.DataLimitExceeded',
} as const;
export type StatesErrorName = (typeof StatesErrorName)[keyof typeof StatesErrorName];

/** An error raised while a state runs; `code` is the ASL error name, `message` the cause. */
export class StatesError extends Error {
  override readonly name = 'StatesError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** A definition that is not valid ASL; `errors` name the state and field of each problem. */
export class DefinitionError extends Error {
  override readonly name = 'DefinitionError';
  constructor(readonly errors: readonly string[]) {
    super(errors.join('\n'));
  }
}
