/**
 * Maps DynamoDB SDK failures to the payment errors the handlers expect: a failed condition is an
 * answer (rethrown as is, for the caller to handle), anything else is `Store.Unavailable`, retryable, with the SDK
 * error as its cause.
 */
import { StoreUnavailableError } from '../../payments/errors.js';

/** True for a conditional write that found its condition false. */
export function isConditionFailed(error: unknown): boolean {
  return (
    error instanceof Error &&
    (error.name === 'ConditionalCheckFailedException' ||
      (error as { __type?: string }).__type?.endsWith('ConditionalCheckFailedException') === true)
  );
}

/** Runs a DynamoDB call, turning SDK failures into StoreUnavailableError. */
export async function dynamo<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    // A failed condition is an answer, not an outage: the caller handles it.
    if (error instanceof StoreUnavailableError || isConditionFailed(error)) throw error;
    throw new StoreUnavailableError(`DynamoDB ${what} failed`, { cause: error });
  }
}
