import { describe, expect, it } from 'vitest';
import { ApiError, problemType, toProblem } from '../../src/api/problem.js';
import { EngineError, EngineErrorCode } from '../../src/engine/errors.js';
import {
  IdempotencyError,
  IdempotencyErrorCode,
} from '../../src/adapters/sqlite/sqlite-idempotency.js';
import { WebhookSignatureError } from '../../src/api/webhook-signature.js';

describe('toProblem', () => {
  it.each([
    { error: new ApiError('NotFound', 'No transaction X.'), code: 'NotFound' },
    { error: new EngineError(EngineErrorCode.ExecutionDoesNotExist, 'gone'), code: 'NotFound' },
    { error: new EngineError(EngineErrorCode.ExecutionAlreadyExists, 'twice'), code: 'Conflict' },
    { error: new EngineError(EngineErrorCode.ExecutionNotRedrivable, 'no'), code: 'Conflict' },
    { error: new EngineError(EngineErrorCode.InvalidArn, 'bad'), code: 'ValidationFailed' },
    {
      error: new IdempotencyError(IdempotencyErrorCode.KeyReused, 'reused'),
      code: 'IdempotencyKeyReused',
    },
    {
      error: new IdempotencyError(IdempotencyErrorCode.RequestInProgress, 'busy'),
      code: 'RequestInProgress',
    },
    { error: new WebhookSignatureError('NO_MATCHING_SIGNATURE', 'no match'), code: 'BadSignature' },
    {
      error: Object.assign(new Error('big'), {
        code: 'FST_ERR_CTP_BODY_TOO_LARGE',
        statusCode: 413,
      }),
      code: 'PayloadTooLarge',
    },
    { error: new SyntaxError('Unexpected token'), code: 'MalformedJson' },
    { error: new TypeError('undefined is not a function'), code: 'Internal' },
  ])('maps $error.name $error.message to $code', ({ error, code }) => {
    expect(toProblem(error).code).toBe(code);
  });

  it('says nothing about an unexpected error but that it was logged', () => {
    const problem = toProblem(new Error('SQLITE_CORRUPT at /secret/path'));
    expect(problem.code).toBe('Internal');
    expect(problem.detail).not.toContain('/secret/path');
  });

  it('lists each schema violation by field, without values', () => {
    const error = Object.assign(new Error('body/amount must be number'), {
      validation: [
        {
          instancePath: '/payment_amount',
          message: 'must be number',
          params: {},
          keyword: 'type',
          schemaPath: '',
        },
        {
          instancePath: '',
          message: 'must NOT have additional properties',
          params: { additionalProperty: 'card_number' },
          keyword: 'additionalProperties',
          schemaPath: '',
        },
      ],
      validationContext: 'body',
    });
    const problem = toProblem(error);
    expect(problem.code).toBe('ValidationFailed');
    expect(problem.extensions['errors']).toEqual([
      { field: 'body.payment_amount', message: 'must be number' },
      { field: 'body', message: 'must NOT have additional properties', property: 'card_number' },
    ]);
  });
});

describe('problemType', () => {
  it.each([
    ['ValidationFailed', '/problems/validation-failed'],
    ['NotFound', '/problems/not-found'],
    ['IdempotencyKeyReused', '/problems/idempotency-key-reused'],
  ] as const)('names %s %s', (code, type) => {
    expect(problemType(code)).toBe(type);
  });
});
