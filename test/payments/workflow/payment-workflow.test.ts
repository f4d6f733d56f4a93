import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../../src/asl/json.js';
import {
  createPaymentHandlers,
  loadPaymentWorkflow,
  localSubstitutions,
  PaymentFunctionName,
} from '../../../src/payments/workflow/index.js';

// asl-validator is CommonJS without types: a function of the definition.
type AslValidator = (definition: unknown) => { isValid: boolean; errorsText: () => string };
const aslValidator = createRequire(import.meta.url)('asl-validator') as AslValidator;

const definition = JSON.parse(
  loadPaymentWorkflow(localSubstitutions('us-east-1', '000000000000')),
) as JsonObject;
const states = definition['States'] as Record<string, JsonObject>;
const lambdaTasks = Object.entries(states).filter(([, s]) =>
  (typeof s['Resource'] === 'string' ? s['Resource'] : '').startsWith(
    'arn:aws:states:::lambda:invoke',
  ),
);

describe('loadPaymentWorkflow', () => {
  it('substitutes every ARN, leaving no placeholder', () => {
    const text = loadPaymentWorkflow(localSubstitutions('eu-west-1', '123456789012'));
    expect(text).not.toMatch(/\$\{/);
    expect(text).toContain('arn:aws:lambda:eu-west-1:123456789012:function:charge-payment');
    expect(text).toContain('arn:aws:sns:eu-west-1:123456789012:payment-alerts');
  });

  it('refuses to load without a value for a substitution it uses', () => {
    const { AlertTopicArn: _omitted, ...partial } = localSubstitutions('us-east-1', '0');
    expect(() => loadPaymentWorkflow(partial as never)).toThrow(/AlertTopicArn/);
  });

  it('names a handler for every function the definition calls', () => {
    const names = Object.keys(createPaymentHandlers({} as never)).sort();
    expect(names).toEqual(Object.values(PaymentFunctionName).sort());
  });
});

describe('the payment workflow definition', () => {
  it('is valid Amazon States Language', () => {
    const result = aslValidator(definition);
    expect(result.errorsText()).toBe('');
    expect(result.isValid).toBe(true);
  });

  it('is a JSONPath workflow with an execution timeout', () => {
    expect(definition['QueryLanguage']).toBe('JSONPath');
    expect(definition['TimeoutSeconds']).toBeGreaterThan(86400);
  });

  it.each(lambdaTasks)(
    '%s retries transient errors with 2 s, 3 attempts, rate 2',
    (_name, state) => {
      const retry = state['Retry'] as JsonObject[];
      expect(retry).toHaveLength(1);
      expect(retry[0]).toMatchObject({ IntervalSeconds: 2, MaxAttempts: 3, BackoffRate: 2 });
      const errors = retry[0]?.['ErrorEquals'] as string[];
      expect(errors).toEqual(
        expect.arrayContaining([
          'Lambda.ServiceException',
          'Lambda.TooManyRequestsException',
          'Store.Unavailable',
        ]),
      );
      for (const never of [
        'States.ALL',
        'States.TaskFailed',
        'Payment.ValidationFailed',
        'Payment.InvalidState',
      ]) {
        expect(errors).not.toContain(never);
      }
    },
  );

  it.each(lambdaTasks.filter(([name]) => name !== 'RecordFailure'))(
    '%s catches what retries cannot fix into RecordFailure',
    (_name, state) => {
      const catchers = state['Catch'] as JsonObject[];
      expect(catchers.at(-1)).toEqual({
        ErrorEquals: ['States.ALL'],
        ResultPath: '$.error',
        Next: 'RecordFailure',
      });
    },
  );

  it('waits for a reviewer with the task token, a heartbeat and a timeout', () => {
    const review = states['RequestManualReview'] as JsonObject;
    expect(review['Resource']).toBe('arn:aws:states:::lambda:invoke.waitForTaskToken');
    expect((review['Parameters'] as JsonObject)['Payload']).toMatchObject({
      'TaskToken.$': '$$.Task.Token',
    });
    expect(review['HeartbeatSeconds']).toBeLessThan(review['TimeoutSeconds'] as number);
  });

  it('alerts operations through SNS with the transaction, error, cause, time and execution', () => {
    const alert = states['AlertOperations'] as JsonObject;
    expect(alert['Resource']).toBe('arn:aws:states:::sns:publish');
    expect(alert['Next']).toBe('PaymentFailed');
    expect(
      Object.keys((alert['Parameters'] as JsonObject)['Message'] as JsonObject).sort(),
    ).toEqual(['cause.$', 'error.$', 'execution_arn.$', 'time.$', 'transaction_id.$']);
    expect(states['PaymentFailed']?.['Type']).toBe('Fail');
  });
});
