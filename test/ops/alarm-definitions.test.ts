import { describe, expect, it } from 'vitest';
import type { AlarmDefinition } from '../../src/ops/alarm-definitions.js';
import {
  AlarmDefinitionError,
  DefaultFunctionNames,
  defaultAlarms,
  localStateMachineArn,
  percentileOf,
  validateAlarmDefinitions,
} from '../../src/ops/alarm-definitions.js';

const valid: AlarmDefinition = {
  name: 'Example',
  description: 'example',
  namespace: 'Paystep',
  metricName: 'GatewayLatency',
  dimensions: {},
  statistic: 'p99',
  periodSeconds: 60,
  evaluationPeriods: 5,
  datapointsToAlarm: 3,
  threshold: 2000,
  comparisonOperator: 'GreaterThanThreshold',
  treatMissingData: 'missing',
};

describe('defaultAlarms', () => {
  const alarms = defaultAlarms({
    stateMachineName: 'PaymentWorkflow',
    functionNames: DefaultFunctionNames,
  });

  it('alarms when more than 2 executions fail in 5 minutes', () => {
    expect(alarms.find((a) => a.metricName === 'ExecutionsFailed')).toMatchObject({
      namespace: 'AWS/States',
      dimensions: { StateMachineArn: localStateMachineArn('PaymentWorkflow') },
      statistic: 'Sum',
      periodSeconds: 300,
      threshold: 2,
      comparisonOperator: 'GreaterThanThreshold',
    });
  });

  it('has an Errors and a Throttles alarm for each task function', () => {
    for (const functionName of DefaultFunctionNames) {
      for (const metricName of ['Errors', 'Throttles']) {
        expect(
          alarms.filter(
            (a) =>
              a.namespace === 'AWS/Lambda' &&
              a.metricName === metricName &&
              a.dimensions['FunctionName'] === functionName,
          ),
        ).toHaveLength(1);
      }
    }
  });

  it('alarms on an average payment processing time above 120 seconds', () => {
    expect(alarms.find((a) => a.metricName === 'PaymentProcessingDuration')).toMatchObject({
      namespace: 'Paystep',
      statistic: 'Average',
      threshold: 120_000,
    });
  });

  it('uses the state machine ARN it is given', () => {
    const [first] = defaultAlarms({
      stateMachineName: 'P',
      stateMachineArn: 'arn:aws:states:eu-west-1:1:stateMachine:P',
      functionNames: [],
    });
    expect(first?.dimensions).toEqual({
      StateMachineArn: 'arn:aws:states:eu-west-1:1:stateMachine:P',
    });
  });

  it('returns frozen definitions', () => {
    expect(Object.isFrozen(alarms)).toBe(true);
    expect(Object.isFrozen(alarms[0])).toBe(true);
  });
});

describe('validateAlarmDefinitions', () => {
  it('accepts a valid definition', () => {
    expect(validateAlarmDefinitions([valid])).toEqual([valid]);
  });

  it.each([
    [{ periodSeconds: 90 }, 'periodSeconds must be a positive multiple of 60'],
    [
      { datapointsToAlarm: 6 },
      'datapointsToAlarm must be an integer from 1 to evaluationPeriods (5)',
    ],
    [{ datapointsToAlarm: 0 }, 'datapointsToAlarm must be an integer from 1 to evaluationPeriods'],
    [
      { evaluationPeriods: 0, datapointsToAlarm: 0 },
      'evaluationPeriods must be a positive integer',
    ],
    [{ statistic: 'Median' }, 'statistic "Median" is not SampleCount'],
    [{ statistic: 'p101' }, 'statistic "p101"'],
    [{ threshold: Number.NaN }, 'threshold must be a finite number'],
    [
      { comparisonOperator: 'LessThanLowerThreshold' },
      'comparisonOperator "LessThanLowerThreshold"',
    ],
    [{ treatMissingData: 'zero' }, 'treatMissingData must be one of missing'],
    [{ namespace: 'AWS/EC2' }, 'namespace "AWS/EC2" is not one of'],
    [{ periodSeconds: 3600, evaluationPeriods: 25 }, 'must not exceed 86400'],
    [{ name: 'Zahlung fehlgeschlagen ✗' }, 'printable ASCII'],
  ])('rejects %o with a clear message', (change, message) => {
    const alarm = { ...valid, ...change } as unknown as AlarmDefinition;
    expect(() => validateAlarmDefinitions([alarm])).toThrow(message);
  });

  it('lists every problem, including duplicate names', () => {
    try {
      validateAlarmDefinitions([valid, { ...valid, periodSeconds: 30 }]);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(AlarmDefinitionError);
      const problems = (error as AlarmDefinitionError).problems;
      expect(problems).toHaveLength(2);
      expect(problems[1]).toContain('used more than once');
    }
  });
});

describe('percentileOf', () => {
  it.each([
    ['p99', 99],
    ['p99.9', 99.9],
    ['p50', 50],
    ['Average', undefined],
  ] as const)('reads %s as %s', (statistic, percentile) => {
    expect(percentileOf(statistic)).toBe(percentile);
  });
});
