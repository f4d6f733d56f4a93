/**
 * The paystep stack: everything the payment workflow needs on AWS, composed from one construct per
 * concern (keys, tables, messaging, archive, functions, workflow, API, monitoring). It reads no
 * context itself: it is given a {@link StackConfig}, so tests build it with any configuration.
 */
import { ArnFormat, CfnOutput, RemovalPolicy, Stack, Tags } from 'aws-cdk-lib';
import type { StackProps } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as lambdaEvents from 'aws-cdk-lib/aws-lambda-event-sources';
import type { Construct } from 'constructs';
import { defaultAlarms } from '../src/ops/alarm-definitions.js';
import type { StackConfig } from './config.js';
import { edgeFunctions, tasksForDefinition } from './function-catalog.js';
import type { FunctionSpec } from './function-catalog.js';
import { namer } from './naming.js';
import type { Namer } from './naming.js';
import { loadWorkflowDefinition } from './workflow-definition.js';
import type { WorkflowDefinition } from './workflow-definition.js';
import { policyFor } from './constructs/access-policies.js';
import type { AccessTargets } from './constructs/access-policies.js';
import { ArchiveBucket } from './constructs/archive-bucket.js';
import { EncryptionKeys } from './constructs/encryption-keys.js';
import { Messaging } from './constructs/messaging.js';
import { Monitoring } from './constructs/monitoring.js';
import { PaymentApi } from './constructs/payment-api.js';
import { PaymentFunction } from './constructs/payment-function.js';
import { PaymentTables } from './constructs/payment-tables.js';
import { PaymentWorkflow } from './constructs/payment-workflow.js';
import { addNagSuppressions } from './nag-suppressions.js';

/** Placeholders of the definition filled with something other than a task function. */
const NON_FUNCTION_SUBSTITUTIONS = ['AlertTopicArn'] as const;

/** The task whose log line carries the payment's processing duration (see monitoring). */
const FINISHING_TASKS = ['RecordTransaction', 'RecordFailure'];

export interface PaymentStackProps extends StackProps {
  readonly config: StackConfig;
  /** The workflow definition. @default the shared payment workflow file */
  readonly definition?: WorkflowDefinition;
}

export class PaymentStack extends Stack {
  readonly config: StackConfig;
  readonly name: Namer;
  readonly keys: EncryptionKeys;
  readonly tables: PaymentTables;
  readonly messaging: Messaging;
  readonly archive: ArchiveBucket;
  readonly webhookSecret: secretsmanager.Secret;
  readonly functions = new Map<string, PaymentFunction>();
  readonly workflow: PaymentWorkflow;
  readonly api: PaymentApi;
  readonly monitoring: Monitoring;

  constructor(scope: Construct, id: string, props: PaymentStackProps) {
    super(scope, id, props);
    const config = props.config;
    this.config = config;
    const name = namer(config);
    this.name = name;
    for (const [key, value] of Object.entries(config.tags)) {
      // cfn-lint's resource specification has no Tags on AWS::CloudWatch::Dashboard; CDK adds them.
      Tags.of(this).add(key, value, { excludeResourceTypes: ['AWS::CloudWatch::Dashboard'] });
    }
    const removalPolicy = config.deletionProtection ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const definition = props.definition ?? loadWorkflowDefinition();
    const tasks = tasksForDefinition(definition.substitutions, NON_FUNCTION_SUBSTITUTIONS);

    this.keys = new EncryptionKeys(this, 'Keys', { name });
    this.tables = new PaymentTables(this, 'Tables', {
      name,
      key: this.keys.data,
      deletionProtection: config.deletionProtection,
    });
    this.messaging = new Messaging(this, 'Messaging', {
      name,
      key: this.keys.messaging,
      alertEmail: config.alertEmail,
      approvedEmailDomains: config.approvedEmailDomains,
    });
    this.archive = new ArchiveBucket(this, 'Archive', {
      name,
      key: this.keys.data,
      destroyOnTeardown: !config.deletionProtection,
    });
    this.webhookSecret = new secretsmanager.Secret(this, 'WebhookSecret', {
      secretName: name('secret', 'webhook-signing'),
      description: 'HMAC-SHA256 key shared with the payment provider to sign webhooks',
      encryptionKey: this.keys.data,
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      removalPolicy,
    });

    const stateMachineName = name('sfn', 'payment-workflow');
    const stateMachineArn = this.formatArn({
      service: 'states',
      resource: 'stateMachine',
      resourceName: stateMachineName,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    const targets: AccessTargets = {
      transactions: this.tables.transactions,
      audit: this.tables.audit,
      idempotency: this.tables.idempotency,
      archive: this.archive.bucket,
      customerTopic: this.messaging.customerTopic,
      alertTopic: this.messaging.alertTopic,
      webhookQueue: this.messaging.webhookQueue,
      webhookDeadLetterQueue: this.messaging.webhookDeadLetterQueue,
      webhookSecret: this.webhookSecret,
      dataKey: this.keys.data,
      messagingKey: this.keys.messaging,
      // Built from the deterministic name, so functions can be granted before the state machine
      // exists (the state machine itself depends on the task functions' ARNs).
      stateMachineArn,
      executionArnPattern: `arn:${this.partition}:states:${this.region}:${this.account}:execution:${stateMachineName}:*`,
    };
    const environment: Record<string, string> = {
      PAYSTEP_ENVIRONMENT: config.environment,
      TRANSACTIONS_TABLE: this.tables.transactions.tableName,
      AUDIT_TABLE: this.tables.audit.tableName,
      AUDIT_TTL_DAYS: String(config.auditTtlDays),
      IDEMPOTENCY_TABLE: this.tables.idempotency.tableName,
      ARCHIVE_BUCKET: this.archive.bucket.bucketName,
      CUSTOMER_TOPIC_ARN: this.messaging.customerTopic.topicArn,
      ALERT_TOPIC_ARN: this.messaging.alertTopic.topicArn,
      WEBHOOK_QUEUE_URL: this.messaging.webhookQueue.queueUrl,
      WEBHOOK_DLQ_URL: this.messaging.webhookDeadLetterQueue.queueUrl,
      WEBHOOK_SECRET_ARN: this.webhookSecret.secretArn,
      STATE_MACHINE_ARN: stateMachineArn,
      ...(config.paymentGatewayUrl === undefined
        ? {}
        : { PAYMENT_GATEWAY_URL: config.paymentGatewayUrl }),
    };
    const build = (spec: FunctionSpec): PaymentFunction => {
      const fn = new PaymentFunction(this, spec.key, {
        spec,
        name,
        memoryMb: config.lambdaMemoryMb,
        timeoutSeconds: config.lambdaTimeoutSeconds,
        reservedConcurrency: config.reservedConcurrency,
        logRetentionDays: config.logRetentionDays,
        removalPolicy,
        dataKey: this.keys.data,
        messagingKey: this.keys.messaging,
        logsKey: this.keys.logs,
        environment,
      });
      for (const statement of policyFor(spec.access, targets)) fn.role.addToPolicy(statement);
      this.functions.set(spec.key, fn);
      return fn;
    };
    for (const spec of [...tasks, ...edgeFunctions]) build(spec);

    this.workflow = new PaymentWorkflow(this, 'Workflow', {
      name,
      definition,
      functions: new Map(tasks.map((t) => [`${t.key}FunctionArn`, this.fn(t.key).fn] as const)),
      alertTopic: this.messaging.alertTopic,
      messagingKey: this.keys.messaging,
      logsKey: this.keys.logs,
      logRetentionDays: config.logRetentionDays,
      removalPolicy,
      timeoutSeconds: config.executionTimeoutSeconds,
    });
    this.messaging.allowStateMachineToAlert(this.workflow.role);

    // The webhook queue feeds the processor; failures of a batch item go back to the queue, and
    // after 5 receives to the queue's DLQ (reportBatchItemFailures: one bad event does not
    // redeliver the whole batch).
    this.fn('WebhookProcessor').fn.addEventSource(
      new lambdaEvents.SqsEventSource(this.messaging.webhookQueue, {
        batchSize: 10,
        reportBatchItemFailures: true,
      }),
    );

    this.api = new PaymentApi(this, 'Api', {
      name,
      stageName: config.environment,
      apiFunction: this.fn('PaymentApi').fn,
      webhookFunction: this.fn('WebhookReceiver').fn,
      logsKey: this.keys.logs,
      logRetentionDays: config.logRetentionDays,
      removalPolicy,
      rateLimit: config.apiRateLimit,
      burstLimit: config.apiBurstLimit,
      dailyQuota: config.apiDailyQuota,
    });

    const taskFunctionNames = tasks.map((t) => this.fn(t.key).functionName);
    this.monitoring = new Monitoring(this, 'Monitoring', {
      name,
      alarms: defaultAlarms({
        stateMachineName: stateMachineName,
        stateMachineArn: this.workflow.stateMachine.stateMachineArn,
        functionNames: taskFunctionNames,
      }),
      alertTopic: this.messaging.alertTopic,
      durationLogGroups: tasks
        .filter((t) => FINISHING_TASKS.includes(t.key))
        .map((t) => this.fn(t.key).logGroup),
      stateMachineArn: this.workflow.stateMachine.stateMachineArn,
      functionNames: [...this.functions.values()].map((f) => f.functionName),
      apiName: this.api.apiName,
      apiStage: config.environment,
      deadLetterQueues: [
        this.messaging.webhookDeadLetterQueue,
        ...[...this.functions.values()].map((f) => f.deadLetterQueue),
      ],
    });

    this.addOutputs();
    addNagSuppressions(this, config.environment);
  }

  /** The function built from the catalog entry `key`. */
  fn(key: string): PaymentFunction {
    const fn = this.functions.get(key);
    if (fn === undefined) throw new Error(`no function ${key} in the stack`);
    return fn;
  }

  private addOutputs(): void {
    const out = (id: string, value: string, description: string): void => {
      new CfnOutput(this, id, { value, description });
    };
    const sm = this.workflow;
    out('StateMachineArn', sm.stateMachine.stateMachineArn, 'Payment workflow state machine ARN');
    out(
      'StateMachineName',
      sm.stateMachine.stateMachineName,
      'Payment workflow state machine name',
    );
    out('StateMachineRoleArn', sm.role.roleArn, 'State machine execution role ARN');
    out('StateMachineLogGroupName', sm.logGroup.logGroupName, 'State machine log group');
    for (const [key, f] of this.functions) {
      out(`${key}FunctionName`, f.fn.functionName, `${key} Lambda function name`);
      out(`${key}FunctionArn`, f.fn.functionArn, `${key} Lambda function ARN`);
      out(`${key}RoleArn`, f.role.roleArn, `${key} execution role ARN`);
      out(`${key}LogGroupName`, f.logGroup.logGroupName, `${key} log group`);
      out(`${key}DeadLetterQueueUrl`, f.deadLetterQueue.queueUrl, `${key} dead-letter queue URL`);
    }
    out('TransactionsTableName', this.tables.transactions.tableName, 'Transactions table name');
    out('TransactionsTableArn', this.tables.transactions.tableArn, 'Transactions table ARN');
    out('AuditTableName', this.tables.audit.tableName, 'Audit table name');
    out('AuditTableArn', this.tables.audit.tableArn, 'Audit table ARN');
    out(
      'IdempotencyTableName',
      this.tables.idempotency.tableName,
      'Idempotency keys and processed webhook events',
    );
    out('IdempotencyTableArn', this.tables.idempotency.tableArn, 'Idempotency table ARN');
    out('AlertTopicArn', this.messaging.alertTopic.topicArn, 'Ops alert SNS topic ARN');
    out(
      'CustomerTopicArn',
      this.messaging.customerTopic.topicArn,
      'Customer notification topic ARN',
    );
    out('WebhookQueueUrl', this.messaging.webhookQueue.queueUrl, 'Webhook SQS queue URL');
    out('WebhookQueueArn', this.messaging.webhookQueue.queueArn, 'Webhook SQS queue ARN');
    out(
      'WebhookDeadLetterQueueUrl',
      this.messaging.webhookDeadLetterQueue.queueUrl,
      'Webhook dead-letter queue URL',
    );
    out('WebhookSecretArn', this.webhookSecret.secretArn, 'Webhook signing secret ARN');
    out('ArchiveBucketName', this.archive.bucket.bucketName, 'Transaction archive bucket');
    out('ArchiveBucketArn', this.archive.bucket.bucketArn, 'Transaction archive bucket ARN');
    for (const [key, k] of [
      ['Data', this.keys.data],
      ['Messaging', this.keys.messaging],
      ['Logs', this.keys.logs],
    ] as const) {
      out(`${key}KeyId`, k.keyId, `${key} KMS key id`);
      out(`${key}KeyArn`, k.keyArn, `${key} KMS key ARN`);
    }
    out('ApiUrl', this.api.api.url, 'Payment API base URL (stage)');
    out('ApiId', this.api.api.restApiId, 'Payment REST API id');
    out(
      'ApiKeyId',
      this.api.apiKey.keyId,
      'API key id (value: aws apigateway get-api-key --include-value)',
    );
    out('UsagePlanId', this.api.usagePlan.usagePlanId, 'API usage plan id');
    out('ApiAccessLogGroupName', this.api.accessLogGroup.logGroupName, 'API access log group');
    out('DashboardName', this.name('dashboard', 'payments'), 'CloudWatch dashboard name');
    this.monitoring.alarms.forEach((alarm, i) => {
      out(`Alarm${i}Name`, alarm.alarmName, 'CloudWatch alarm name');
      out(`Alarm${i}Arn`, alarm.alarmArn, 'CloudWatch alarm ARN');
    });
  }
}
