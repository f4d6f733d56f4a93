/**
 * Errors of the engine's control operations, named after the AWS Step Functions API exceptions
 * so the Step Functions-compatible endpoint returns them unchanged. They cross process
 * boundaries as data (`{ code, message }`): match on `code`, never on the class.
 */
export const EngineErrorCode = {
  ExecutionAlreadyExists: 'ExecutionAlreadyExists',
  ExecutionDoesNotExist: 'ExecutionDoesNotExist',
  ExecutionLimitExceeded: 'ExecutionLimitExceeded',
  ExecutionNotRedrivable: 'ExecutionNotRedrivable',
  InvalidArn: 'InvalidArn',
  InvalidDefinition: 'InvalidDefinition',
  InvalidExecutionInput: 'InvalidExecutionInput',
  InvalidName: 'InvalidName',
  InvalidOutput: 'InvalidOutput',
  InvalidToken: 'InvalidToken',
  StateMachineAlreadyExists: 'StateMachineAlreadyExists',
  StateMachineDeleting: 'StateMachineDeleting',
  StateMachineDoesNotExist: 'StateMachineDoesNotExist',
  TaskDoesNotExist: 'TaskDoesNotExist',
  TaskTimedOut: 'TaskTimedOut',
  ValidationException: 'ValidationException',
} as const;
export type EngineErrorCode = (typeof EngineErrorCode)[keyof typeof EngineErrorCode];

export class EngineError extends Error {
  override readonly name = 'EngineError';
  constructor(
    readonly code: EngineErrorCode,
    message: string,
  ) {
    super(message);
  }

  toJSON(): { code: string; message: string } {
    return { code: this.code, message: this.message };
  }
}
