/**
 * Ajv's errors as the local API words them: one ValidationFailed problem naming each field, so a
 * client sees the same 400 from API Gateway's Lambdas as from `paystep start`.
 */
import type { ValidateFunction } from 'ajv';
import { ApiError } from '../../../api/problem.js';

/** The problem for a failed validation; `prefix` names where the fields are (e.g. `body`). */
export function validationError(prefix: string, validate: ValidateFunction): ApiError {
  const errors = (validate.errors ?? []).map((e) => ({
    field: `${prefix}${e.instancePath.replace(/\//g, '.')}`,
    // Ajv's messages name keywords and properties, never the offending value.
    message: e.message ?? 'is not valid',
    ...('additionalProperty' in e.params
      ? { property: String(e.params['additionalProperty']) }
      : {}),
  }));
  return new ApiError('ValidationFailed', errors.map((e) => `${e.field} ${e.message}`).join('; '), {
    errors,
  });
}
