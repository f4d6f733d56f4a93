/**
 * CloudWatch for the stack: the alarms of src/ops/alarm-definitions.ts turned one-to-one into
 * CloudWatch alarms (one source of truth with the local engine), the metric filter that publishes
 * payment processing duration, a dashboard, and every alarm's actions sent to the alert topic.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { AlarmDefinition } from '../../src/ops/alarm-definitions.js';
import { Namespace, PaystepMetric } from '../../src/ops/alarm-definitions.js';
import { DURATION_LOG_FIELD } from '../../src/adapters/aws/log-fields.js';
import type { Namer } from '../naming.js';

const OPERATORS: Readonly<
  Record<AlarmDefinition['comparisonOperator'], cloudwatch.ComparisonOperator>
> = {
  GreaterThanOrEqualToThreshold: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
  GreaterThanThreshold: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
  LessThanThreshold: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
  LessThanOrEqualToThreshold: cloudwatch.ComparisonOperator.LESS_THAN_OR_EQUAL_TO_THRESHOLD,
};

const MISSING: Readonly<Record<AlarmDefinition['treatMissingData'], cloudwatch.TreatMissingData>> =
  {
    missing: cloudwatch.TreatMissingData.MISSING,
    notBreaching: cloudwatch.TreatMissingData.NOT_BREACHING,
    breaching: cloudwatch.TreatMissingData.BREACHING,
    ignore: cloudwatch.TreatMissingData.IGNORE,
  };

/** The CloudWatch metric an alarm definition watches. */
export function metricOf(definition: AlarmDefinition): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: definition.namespace,
    metricName: definition.metricName,
    dimensionsMap: { ...definition.dimensions },
    statistic: definition.statistic,
    period: Duration.seconds(definition.periodSeconds),
  });
}

export interface MonitoringProps {
  readonly name: Namer;
  readonly alarms: readonly AlarmDefinition[];
  readonly alertTopic: sns.ITopic;
  /** Log groups where a finished payment logs its {@link DURATION_LOG_FIELD}. */
  readonly durationLogGroups: readonly logs.ILogGroup[];
  readonly stateMachineArn: string;
  readonly functionNames: readonly string[];
  readonly apiName: string;
  readonly apiStage: string;
  readonly deadLetterQueues: readonly sqs.IQueue[];
}

export class Monitoring extends Construct {
  readonly alarms: cloudwatch.Alarm[] = [];
  readonly metricFilters: logs.MetricFilter[] = [];
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const alarmAction = new actions.SnsAction(props.alertTopic);

    // AWS: Step Functions' own log events carry no duration (an execution's output is logged as a
    // JSON *string*, which a metric filter cannot look into), so the duration is logged as a number
    // by the task that finishes a payment, and a metric filter turns that field into the metric.
    props.durationLogGroups.forEach((logGroup, i) => {
      this.metricFilters.push(
        new logs.MetricFilter(this, `DurationFilter${i}`, {
          logGroup,
          filterName: props.name('metricfilter', `payment-duration-${i}`),
          // A numeric comparison: `= "*"` would match string values only.
          filterPattern: logs.FilterPattern.numberValue(`$.${DURATION_LOG_FIELD}`, '>=', 0),
          metricNamespace: Namespace.Paystep,
          metricName: PaystepMetric.PaymentProcessingDuration,
          metricValue: `$.${DURATION_LOG_FIELD}`,
          unit: cloudwatch.Unit.MILLISECONDS,
        }),
      );
    });

    for (const definition of props.alarms) {
      const alarm = new cloudwatch.Alarm(this, `Alarm-${definition.name}`, {
        alarmName: definition.name,
        alarmDescription: definition.description,
        metric: metricOf(definition),
        evaluationPeriods: definition.evaluationPeriods,
        datapointsToAlarm: definition.datapointsToAlarm,
        threshold: definition.threshold,
        comparisonOperator: OPERATORS[definition.comparisonOperator],
        treatMissingData: MISSING[definition.treatMissingData],
      });
      alarm.addAlarmAction(alarmAction);
      alarm.addOkAction(alarmAction);
      this.alarms.push(alarm);
    }

    const states = (metricName: string, statistic = 'Sum'): cloudwatch.Metric =>
      new cloudwatch.Metric({
        namespace: Namespace.States,
        metricName,
        dimensionsMap: { StateMachineArn: props.stateMachineArn },
        statistic,
        period: Duration.minutes(5),
      });
    const lambdaMetric = (metricName: string, statistic: string): cloudwatch.IMetric[] =>
      props.functionNames.map(
        (functionName) =>
          new cloudwatch.Metric({
            namespace: Namespace.Lambda,
            metricName,
            dimensionsMap: { FunctionName: functionName },
            statistic,
            period: Duration.minutes(5),
            label: functionName,
          }),
      );
    const api = (metricName: string, statistic: string): cloudwatch.Metric =>
      new cloudwatch.Metric({
        namespace: 'AWS/ApiGateway',
        metricName,
        dimensionsMap: { ApiName: props.apiName, Stage: props.apiStage },
        statistic,
        period: Duration.minutes(5),
      });

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: props.name('dashboard', 'payments'),
      defaultInterval: Duration.hours(24),
    });
    this.dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24 }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Payment workflow executions',
        left: [
          'ExecutionsStarted',
          'ExecutionsSucceeded',
          'ExecutionsFailed',
          'ExecutionsTimedOut',
        ].map((m) => states(m)),
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Payment processing duration (ms)',
        left: [
          states('ExecutionTime', 'Average'),
          new cloudwatch.Metric({
            namespace: Namespace.Paystep,
            metricName: PaystepMetric.PaymentProcessingDuration,
            statistic: 'Average',
            period: Duration.minutes(5),
          }),
        ],
        width: 12,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Lambda errors',
        left: lambdaMetric('Errors', 'Sum'),
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Lambda throttles',
        left: lambdaMetric('Throttles', 'Sum'),
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Lambda duration p99 (ms)',
        left: lambdaMetric('Duration', 'p99'),
        width: 8,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'API requests and errors',
        left: [api('Count', 'Sum'), api('4XXError', 'Sum'), api('5XXError', 'Sum')],
        right: [api('Latency', 'p99')],
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Dead-letter queue depth',
        left: props.deadLetterQueues.map((q) =>
          q.metricApproximateNumberOfMessagesVisible({
            period: Duration.minutes(5),
            statistic: 'Maximum',
          }),
        ),
        width: 12,
      }),
    );
  }
}
