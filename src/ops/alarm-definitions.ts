/**
 * Alarm definitions as data: the one source of truth for what operations watches. The local
 * `AlarmMonitor` evaluates these definitions against the SQLite metric store, and the CDK stack
 * turns the same objects into CloudWatch alarms, so a threshold is changed in one place only.
 *
 * Field names and values are CloudWatch's (`PutMetricAlarm`), in camelCase, so the mapping to
 * `cloudwatch.Alarm` is one-to-one.
 */

/** CloudWatch namespaces paystep alarms on. */
export const Namespace = {
  States: 'AWS/States',
  Lambda: 'AWS/Lambda',
  Paystep: 'Paystep',
} as const;
export type Namespace = (typeof Namespace)[keyof typeof Namespace];

/** CloudWatch's basic statistics; percentiles are written `p99`, `p99.9`... */
export const BasicStatistic = {
  SampleCount: 'SampleCount',
  Average: 'Average',
  Sum: 'Sum',
  Minimum: 'Minimum',
  Maximum: 'Maximum',
} as const;
export type BasicStatistic = (typeof BasicStatistic)[keyof typeof BasicStatistic];
/** A basic statistic or a percentile such as `p99` (CloudWatch's extended statistic syntax). */
export type Statistic = BasicStatistic | `p${number}`;

/** CloudWatch's comparison operators for static thresholds (anomaly bands are not supported). */
export const ComparisonOperator = {
  GreaterThanOrEqualToThreshold: 'GreaterThanOrEqualToThreshold',
  GreaterThanThreshold: 'GreaterThanThreshold',
  LessThanThreshold: 'LessThanThreshold',
  LessThanOrEqualToThreshold: 'LessThanOrEqualToThreshold',
} as const;
export type ComparisonOperator = (typeof ComparisonOperator)[keyof typeof ComparisonOperator];

/** How missing datapoints count (CloudWatch's `TreatMissingData`; its default is `missing`). */
export const TreatMissingData = {
  Missing: 'missing',
  NotBreaching: 'notBreaching',
  Breaching: 'breaching',
  Ignore: 'ignore',
} as const;
export type TreatMissingData = (typeof TreatMissingData)[keyof typeof TreatMissingData];

/** Metric dimensions: name to value, as CloudWatch's `Dimensions` list is keyed. */
export type Dimensions = Readonly<Record<string, string>>;

/** One alarm on one metric, in CloudWatch's terms. */
export interface AlarmDefinition {
  /** Unique alarm name (ASCII, as CloudWatch requires). */
  readonly name: string;
  /** What the alarm means and what to do about it; sent with every alert. */
  readonly description: string;
  readonly namespace: Namespace;
  readonly metricName: string;
  /** Exact dimension set of the metric; `{}` for a metric published without dimensions. */
  readonly dimensions: Dimensions;
  readonly statistic: Statistic;
  /** Length of one datapoint in seconds; a multiple of 60 (the store keeps minute aggregates). */
  readonly periodSeconds: number;
  /** N: how many recent periods are looked at. */
  readonly evaluationPeriods: number;
  /** M: how many of the N must breach for ALARM (1..N). */
  readonly datapointsToAlarm: number;
  readonly threshold: number;
  readonly comparisonOperator: ComparisonOperator;
  readonly treatMissingData: TreatMissingData;
}

/** Thrown when an alarm definition would be rejected by CloudWatch or cannot be evaluated. */
export class AlarmDefinitionError extends Error {
  readonly code = 'Ops.InvalidAlarmDefinition';
  readonly retryable = false;
  constructor(
    message: string,
    readonly problems: readonly string[],
  ) {
    super(message);
    this.name = 'AlarmDefinitionError';
  }
}

const percentilePattern = /^p(\d{1,2}(\.\d{1,10})?|100)$/;

/** The percentile (0..100) a statistic names, or undefined for a basic statistic. */
export function percentileOf(statistic: Statistic): number | undefined {
  if (!percentilePattern.test(statistic)) return undefined;
  return Number(statistic.slice(1));
}

/** True if `value` is a statistic CloudWatch accepts for alarms. */
export function isStatistic(value: string): value is Statistic {
  return (
    (Object.values(BasicStatistic) as string[]).includes(value) || percentilePattern.test(value)
  );
}

/**
 * Lists what is wrong with one definition (empty when it is valid). Limits follow CloudWatch's
 * `PutMetricAlarm`: period x evaluation periods at most one day, M between 1 and N.
 */
export function alarmDefinitionProblems(alarm: AlarmDefinition): string[] {
  const problems: string[] = [];
  const where = `alarm "${alarm.name}"`;
  if (!/^[\x20-\x7e]{1,255}$/.test(alarm.name))
    problems.push(`${where}: name must be 1-255 printable ASCII characters`);
  if (alarm.metricName.length === 0 || alarm.metricName.length > 255)
    problems.push(`${where}: metricName must be 1-255 characters`);
  if (!(Object.values(Namespace) as string[]).includes(alarm.namespace))
    problems.push(
      `${where}: namespace "${alarm.namespace}" is not one of ${Object.values(Namespace).join(', ')}`,
    );
  const statistic: string = alarm.statistic;
  if (!isStatistic(statistic))
    problems.push(
      `${where}: statistic "${statistic}" is not SampleCount, Average, Sum, Minimum, Maximum or a percentile like p99`,
    );
  if (
    !Number.isInteger(alarm.periodSeconds) ||
    alarm.periodSeconds < 60 ||
    alarm.periodSeconds % 60 !== 0
  )
    problems.push(
      `${where}: periodSeconds must be a positive multiple of 60, got ${alarm.periodSeconds}`,
    );
  if (!Number.isInteger(alarm.evaluationPeriods) || alarm.evaluationPeriods < 1)
    problems.push(`${where}: evaluationPeriods must be a positive integer`);
  if (
    !Number.isInteger(alarm.datapointsToAlarm) ||
    alarm.datapointsToAlarm < 1 ||
    alarm.datapointsToAlarm > alarm.evaluationPeriods
  )
    problems.push(
      `${where}: datapointsToAlarm must be an integer from 1 to evaluationPeriods (${alarm.evaluationPeriods})`,
    );
  // AWS: the evaluation interval (period x evaluation periods) cannot exceed one day.
  if (alarm.periodSeconds * alarm.evaluationPeriods > 86_400)
    problems.push(`${where}: periodSeconds x evaluationPeriods must not exceed 86400 (one day)`);
  if (!Number.isFinite(alarm.threshold))
    problems.push(`${where}: threshold must be a finite number`);
  if (!(Object.values(ComparisonOperator) as string[]).includes(alarm.comparisonOperator))
    problems.push(`${where}: comparisonOperator "${alarm.comparisonOperator}" is not supported`);
  if (!(Object.values(TreatMissingData) as string[]).includes(alarm.treatMissingData))
    problems.push(
      `${where}: treatMissingData must be one of ${Object.values(TreatMissingData).join(', ')}`,
    );
  for (const [key, value] of Object.entries(alarm.dimensions)) {
    if (key.length === 0 || value.length === 0)
      problems.push(`${where}: dimension names and values must not be empty`);
  }
  if (Object.keys(alarm.dimensions).length > 30)
    problems.push(`${where}: at most 30 dimensions are allowed`);
  return problems;
}

/**
 * Checks a set of definitions (each valid, names unique) and returns it frozen.
 * @throws AlarmDefinitionError listing every problem found, not only the first.
 */
export function validateAlarmDefinitions(
  alarms: readonly AlarmDefinition[],
): readonly AlarmDefinition[] {
  const problems = alarms.flatMap(alarmDefinitionProblems);
  const seen = new Set<string>();
  for (const alarm of alarms) {
    if (seen.has(alarm.name)) problems.push(`alarm name "${alarm.name}" is used more than once`);
    seen.add(alarm.name);
  }
  if (problems.length > 0) {
    throw new AlarmDefinitionError(`Invalid alarm definitions: ${problems.join('; ')}`, problems);
  }
  return Object.freeze(alarms.map((alarm) => Object.freeze({ ...alarm })));
}

/** The task functions of the payment workflow, as deployed (Lambda function names). */
export const DefaultFunctionNames = [
  'ValidatePayment',
  'ScreenFraud',
  'ChargePayment',
  'RecordTransaction',
  'NotifyCustomer',
] as const;

export interface DefaultAlarmsOptions {
  /** Name of the payment state machine; used in alarm names. */
  stateMachineName: string;
  /**
   * Value of the `StateMachineArn` dimension that AWS/States metrics carry. The CDK stack passes
   * the real ARN; locally the engine publishes the same pseudo-ARN.
   * @default localStateMachineArn(stateMachineName)
   */
  stateMachineArn?: string;
  /** Lambda function names of the task handlers (the `FunctionName` dimension). */
  functionNames: readonly string[];
}

/** The pseudo-ARN the local engine uses as `StateMachineArn` dimension. */
export function localStateMachineArn(stateMachineName: string): string {
  return `arn:aws:states:local:000000000000:stateMachine:${stateMachineName}`;
}

/** Metric names paystep publishes in its own namespace. */
export const PaystepMetric = {
  PaymentProcessingDuration: 'PaymentProcessingDuration',
  PaymentAmount: 'PaymentAmount',
  PaymentCount: 'PaymentCount',
  PaymentRetries: 'PaymentRetries',
  GatewayLatency: 'GatewayLatency',
} as const;
export type PaystepMetric = (typeof PaystepMetric)[keyof typeof PaystepMetric];

/**
 * The alarms the requirements ask for: failed executions of the payment state machine, errors
 * and throttles of each task function, and slow payments.
 *
 * Error-style metrics are only published when something happens, so their missing data is
 * `notBreaching` (CloudWatch's advice for such metrics); otherwise a quiet night would read as
 * INSUFFICIENT_DATA.
 *
 * @example
 * const alarms = defaultAlarms({ stateMachineName: 'PaymentWorkflow', functionNames: DefaultFunctionNames });
 */
export function defaultAlarms(options: DefaultAlarmsOptions): readonly AlarmDefinition[] {
  const arn = options.stateMachineArn ?? localStateMachineArn(options.stateMachineName);
  const alarms: AlarmDefinition[] = [
    {
      name: `${options.stateMachineName}-ExecutionsFailed`,
      description:
        'More than 2 payment workflow executions failed in 5 minutes. Failed executions are payments whose retries were exhausted; check the execution history of the failed runs.',
      namespace: Namespace.States,
      metricName: 'ExecutionsFailed',
      dimensions: { StateMachineArn: arn },
      statistic: BasicStatistic.Sum,
      periodSeconds: 300,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      threshold: 2,
      comparisonOperator: ComparisonOperator.GreaterThanThreshold,
      treatMissingData: TreatMissingData.NotBreaching,
    },
  ];
  for (const functionName of options.functionNames) {
    for (const metricName of ['Errors', 'Throttles'] as const) {
      alarms.push({
        name: `${functionName}-${metricName}`,
        description:
          metricName === 'Errors'
            ? `The ${functionName} task function reported errors in the last 5 minutes (unhandled exceptions or timeouts, not payment declines).`
            : `The ${functionName} task function was throttled in the last 5 minutes; it is running at its concurrency limit.`,
        namespace: Namespace.Lambda,
        metricName,
        dimensions: { FunctionName: functionName },
        statistic: BasicStatistic.Sum,
        periodSeconds: 300,
        evaluationPeriods: 1,
        datapointsToAlarm: 1,
        threshold: 0,
        comparisonOperator: ComparisonOperator.GreaterThanThreshold,
        treatMissingData: TreatMissingData.NotBreaching,
      });
    }
  }
  alarms.push({
    name: `${options.stateMachineName}-PaymentProcessingDuration`,
    description:
      'Payments took more than 120 seconds on average over 5 minutes, from request to final status. Check gateway latency and retries.',
    namespace: Namespace.Paystep,
    metricName: PaystepMetric.PaymentProcessingDuration,
    dimensions: {},
    statistic: BasicStatistic.Average,
    periodSeconds: 300,
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
    // Published in milliseconds, like AWS/States ExecutionTime and AWS/Lambda Duration.
    threshold: 120_000,
    comparisonOperator: ComparisonOperator.GreaterThanThreshold,
    treatMissingData: TreatMissingData.NotBreaching,
  });
  return validateAlarmDefinitions(alarms);
}
