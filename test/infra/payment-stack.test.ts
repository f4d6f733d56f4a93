import { readFileSync } from 'node:fs';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultAlarms } from '../../src/ops/alarm-definitions.js';
import { edgeFunctions, taskFunctions } from '../../infra/function-catalog.js';
import { findSubstitutions } from '../../infra/workflow-definition.js';
import { DEFINITION_PATH, synthesize } from './synth.js';
import type { Synthesized } from './synth.js';

type Resource = { Type: string; Properties: Record<string, unknown> };

let dev: Synthesized;
beforeAll(() => {
  dev = synthesize();
});

const resources = (type: string): Resource[] =>
  Object.values(dev.template.findResources(type)) as Resource[];
const taskPurposes = (): string[] => {
  const names = findSubstitutions(readFileSync(DEFINITION_PATH, 'utf8'));
  return taskFunctions.filter((t) => names.includes(`${t.key}FunctionArn`)).map((t) => t.purpose);
};

describe('payment state machine', () => {
  it('is a Standard state machine named by the naming scheme', () => {
    dev.template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineName: 'sfn-payment-workflow-dev',
      StateMachineType: 'STANDARD',
    });
  });

  it('embeds the shared ASL file as a string, not an S3 asset', () => {
    const [sm] = resources('AWS::StepFunctions::StateMachine');
    const text = sm?.Properties['DefinitionString'];
    expect(typeof text).toBe('string');
    const fromFile = JSON.parse(readFileSync(DEFINITION_PATH, 'utf8')) as Record<string, unknown>;
    const embedded = JSON.parse(text as string) as Record<string, unknown>;
    expect(embedded['States']).toEqual(fromFile['States']);
    expect(embedded['StartAt']).toEqual(fromFile['StartAt']);
    expect(sm?.Properties['DefinitionS3Location']).toBeUndefined();
  });

  it('substitutes every placeholder of the definition, and nothing else', () => {
    const [sm] = resources('AWS::StepFunctions::StateMachine');
    const substitutions = sm?.Properties['DefinitionSubstitutions'] as Record<string, unknown>;
    expect(Object.keys(substitutions).sort()).toEqual(
      findSubstitutions(readFileSync(DEFINITION_PATH, 'utf8')),
    );
  });

  it('has an execution timeout in the definition', () => {
    const [sm] = resources('AWS::StepFunctions::StateMachine');
    const embedded = JSON.parse(sm?.Properties['DefinitionString'] as string) as {
      TimeoutSeconds?: number;
    };
    expect(embedded.TimeoutSeconds).toBeGreaterThan(0);
  });

  it('logs ALL events with execution data and traces with X-Ray', () => {
    dev.template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      LoggingConfiguration: {
        Level: 'ALL',
        IncludeExecutionData: true,
        Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: Match.anyValue() } }],
      },
      TracingConfiguration: { Enabled: true },
    });
  });

  it('lets its role invoke exactly the task functions, by ARN', () => {
    const policies = resources('AWS::IAM::Policy').filter((p) =>
      JSON.stringify(p.Properties['Roles']).includes('WorkflowRole'),
    );
    const statements = policies.flatMap(
      (p) => (p.Properties['PolicyDocument'] as { Statement: Record<string, unknown>[] }).Statement,
    );
    const invoke = statements.find((s) => s['Action'] === 'lambda:InvokeFunction');
    expect(invoke).toBeDefined();
    const arns = invoke?.['Resource'] as unknown[];
    expect(arns).toHaveLength(taskPurposes().length);
    for (const arn of arns)
      expect(arn).toMatchObject({ 'Fn::GetAtt': [expect.any(String), 'Arn'] });
  });
});

describe('Lambda functions', () => {
  it('creates one function per task of the definition and per edge function', () => {
    const names = resources('AWS::Lambda::Function').map((f) => f.Properties['FunctionName']);
    const expected = [...taskPurposes(), ...edgeFunctions.map((e) => e.purpose)].map(
      (p) => `lambda-${p}-dev`,
    );
    expect(names.sort()).toEqual(expected.sort());
    expect(names).toContain('lambda-payment-validation-dev');
    expect(names).toContain('lambda-payment-processing-dev');
  });

  it.each([
    ['Runtime', 'nodejs22.x'],
    ['MemorySize', 256],
    ['Timeout', 300],
    ['ReservedConcurrentExecutions', 5],
  ])('sets %s to %s on every function', (property, value) => {
    for (const fn of resources('AWS::Lambda::Function'))
      expect(fn.Properties[property]).toEqual(value);
  });

  it('traces with X-Ray, has a DLQ and a KMS key for its environment, and no VPC', () => {
    for (const fn of resources('AWS::Lambda::Function')) {
      expect(fn.Properties['TracingConfig']).toEqual({ Mode: 'Active' });
      expect(fn.Properties['DeadLetterConfig']).toHaveProperty('TargetArn');
      expect(fn.Properties['KmsKeyArn']).toMatchObject({
        'Fn::GetAtt': [expect.stringMatching(/^KeysDataKey/), 'Arn'],
      });
      expect(fn.Properties['VpcConfig']).toBeUndefined();
    }
  });

  it('gives every function its own role', () => {
    const roles = resources('AWS::Lambda::Function').map((f) =>
      JSON.stringify(f.Properties['Role']),
    );
    expect(new Set(roles).size).toBe(roles.length);
  });
});

describe('DynamoDB', () => {
  it('keys transactions by transaction_id, on demand, with PITR and the customer-managed key', () => {
    dev.template.hasResourceProperties('AWS::DynamoDB::Table', {
      TableName: 'dynamodb-transactions-dev',
      KeySchema: [{ AttributeName: 'transaction_id', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: Match.anyValue() },
      DeletionProtectionEnabled: false,
      GlobalSecondaryIndexes: Match.arrayWith([
        Match.objectLike({ IndexName: 'by-customer' }),
        Match.objectLike({ IndexName: 'by-merchant' }),
      ]),
    });
  });

  it('expires audit records through the TTL attribute', () => {
    dev.template.hasResourceProperties('AWS::DynamoDB::Table', {
      TableName: 'dynamodb-audit-dev',
      TimeToLiveSpecification: { AttributeName: 'expires_at', Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
  });
});

describe('SNS and SQS', () => {
  it('encrypts both topics with the messaging key', () => {
    const topics = resources('AWS::SNS::Topic');
    expect(topics.map((t) => t.Properties['TopicName']).sort()).toEqual([
      'sns-customer-notifications-dev',
      'sns-payment-alerts-dev',
    ]);
    for (const t of topics) {
      expect(t.Properties['KmsMasterKeyId']).toMatchObject({
        'Fn::GetAtt': [expect.stringMatching(/^KeysMessagingKey/), 'Arn'],
      });
    }
  });

  it('lets the state machine role publish to the alert topic by topic policy', () => {
    dev.template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'AllowStateMachineRole',
            Action: 'sns:Publish',
            Principal: { AWS: { 'Fn::GetAtt': [Match.stringLikeRegexp('^WorkflowRole'), 'Arn'] } },
          }),
        ]),
      },
    });
  });

  it('creates no email subscription unless asked', () => {
    dev.template.resourceCountIs('AWS::SNS::Subscription', 0);
  });

  it('gives the webhook queue a 300 s visibility timeout, a DLQ, KMS and TLS only', () => {
    dev.template.hasResourceProperties('AWS::SQS::Queue', {
      QueueName: 'sqs-payment-webhooks-dev',
      VisibilityTimeout: 300,
      KmsMasterKeyId: Match.anyValue(),
      RedrivePolicy: { deadLetterTargetArn: Match.anyValue(), maxReceiveCount: 5 },
    });
    for (const q of resources('AWS::SQS::Queue'))
      expect(q.Properties['KmsMasterKeyId']).toBeDefined();
    const policies = resources('AWS::SQS::QueuePolicy');
    expect(policies.length).toBe(resources('AWS::SQS::Queue').length);
    for (const p of policies) {
      expect(JSON.stringify(p.Properties['PolicyDocument'])).toContain(
        '"aws:SecureTransport":"false"',
      );
    }
  });
});

describe('API Gateway', () => {
  const method = (path: string, verb: string): Resource | undefined =>
    resources('AWS::ApiGateway::Method').find(
      (m) =>
        m.Properties['HttpMethod'] === verb &&
        JSON.stringify(m.Properties['ResourceId']).includes(path),
    );

  it.each([
    ['paymentsPOST', 'payments', 'POST'],
    ['transactionsid', 'transactions/{id}', 'GET'],
    ['notify', 'transactions/{id}/notify', 'POST'],
    ['review', 'transactions/{id}/review', 'POST'],
  ])('requires IAM and an API key on %s', (_id, path, verb) => {
    const logical = path.replace(/[^A-Za-z]/g, '');
    const m = resources('AWS::ApiGateway::Method').find(
      (r) =>
        r.Properties['HttpMethod'] === verb &&
        JSON.stringify(r.Properties['ResourceId'])
          .replace(/[^A-Za-z]/g, '')
          .includes(logical),
    );
    expect(m?.Properties['AuthorizationType']).toBe('AWS_IAM');
    expect(m?.Properties['ApiKeyRequired']).toBe(true);
  });

  it('leaves the webhook route to the HMAC check and requires its signature header', () => {
    const m = method('webhookspayment', 'POST');
    expect(m?.Properties['AuthorizationType']).toBe('NONE');
    expect(m?.Properties['RequestParameters']).toEqual({
      'method.request.header.Paystep-Signature': true,
    });
  });

  it('validates POST bodies against draft-4 models', () => {
    const models = resources('AWS::ApiGateway::Model');
    expect(models.map((m) => m.Properties['Name']).sort()).toEqual([
      'CreatePayment',
      'PaymentWebhook',
      'ReviewDecision',
    ]);
    for (const m of models) {
      expect(m.Properties['Schema']).toMatchObject({
        $schema: 'http://json-schema.org/draft-04/schema#',
      });
    }
    dev.template.hasResourceProperties('AWS::ApiGateway::RequestValidator', {
      ValidateRequestBody: true,
    });
  });

  it('logs access and execution at INFO, traces, and throttles', () => {
    dev.template.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'dev',
      TracingEnabled: true,
      AccessLogSetting: { DestinationArn: Match.anyValue(), Format: Match.anyValue() },
      MethodSettings: Match.arrayWith([
        Match.objectLike({
          LoggingLevel: 'INFO',
          DataTraceEnabled: false,
          ThrottlingRateLimit: 50,
          ThrottlingBurstLimit: 100,
        }),
      ]),
    });
    dev.template.hasResourceProperties('AWS::ApiGateway::UsagePlan', {
      Throttle: { RateLimit: 50, BurstLimit: 100 },
      Quota: { Limit: 100000, Period: 'DAY' },
    });
    dev.template.resourceCountIs('AWS::ApiGateway::UsagePlanKey', 1);
  });
});

describe('S3 archive', () => {
  it('encrypts with KMS, blocks public access, enforces TLS and moves to Glacier after 30 days', () => {
    dev.template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          Match.objectLike({
            ServerSideEncryptionByDefault: Match.objectLike({ SSEAlgorithm: 'aws:kms' }),
          }),
        ],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          Match.objectLike({
            Transitions: [{ StorageClass: 'GLACIER', TransitionInDays: 30 }],
          }),
        ]),
      },
    });
    for (const p of resources('AWS::S3::BucketPolicy')) {
      expect(JSON.stringify(p.Properties['PolicyDocument'])).toContain(
        '"aws:SecureTransport":"false"',
      );
    }
  });
});

describe('KMS', () => {
  it('rotates every key and waits 7 days before deleting one', () => {
    const keys = resources('AWS::KMS::Key');
    expect(keys).toHaveLength(3);
    for (const k of keys) {
      expect(k.Properties['EnableKeyRotation']).toBe(true);
      expect(k.Properties['PendingWindowInDays']).toBe(7);
    }
  });

  it.each([
    ['dynamodb', 'kms:ViaService'],
    ['logs.us-east-1.amazonaws.com', 'kms:EncryptionContext:aws:logs:arn'],
    ['cloudwatch.amazonaws.com', 'aws:SourceAccount'],
  ])('lets %s use its key only under %s', (service, condition) => {
    const policies = resources('AWS::KMS::Key').map((k) =>
      JSON.stringify(k.Properties['KeyPolicy']),
    );
    expect(policies.some((p) => p.includes(service) && p.includes(condition))).toBe(true);
  });
});

describe('CloudWatch', () => {
  it('keeps logs for the environment retention, encrypted', () => {
    const groups = resources('AWS::Logs::LogGroup');
    expect(groups.length).toBeGreaterThanOrEqual(taskPurposes().length + 2);
    for (const g of groups) {
      expect(g.Properties['RetentionInDays']).toBe(1);
      expect(g.Properties['KmsKeyId']).toBeDefined();
    }
  });

  it('creates exactly the shared alarm definitions, with actions to the alert topic', () => {
    const expected = defaultAlarms({
      stateMachineName: 'sfn-payment-workflow-dev',
      functionNames: taskPurposes().map((p) => `lambda-${p}-dev`),
    });
    const alarms = resources('AWS::CloudWatch::Alarm');
    expect(alarms.map((a) => a.Properties['AlarmName']).sort()).toEqual(
      expected.map((a) => a.name).sort(),
    );
    for (const definition of expected) {
      dev.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: definition.name,
        Namespace: definition.namespace,
        MetricName: definition.metricName,
        Statistic: definition.statistic,
        Period: definition.periodSeconds,
        EvaluationPeriods: definition.evaluationPeriods,
        DatapointsToAlarm: definition.datapointsToAlarm,
        Threshold: definition.threshold,
        ComparisonOperator: definition.comparisonOperator,
        TreatMissingData: definition.treatMissingData,
        AlarmActions: [{ Ref: Match.stringLikeRegexp('^MessagingAlertTopic') }],
      });
    }
  });

  it('publishes processing duration through a metric filter', () => {
    dev.template.hasResourceProperties('AWS::Logs::MetricFilter', {
      FilterPattern: '{ $.processing_duration_ms >= 0 }',
      MetricTransformations: [
        Match.objectLike({
          MetricNamespace: 'Paystep',
          MetricName: 'PaymentProcessingDuration',
          MetricValue: '$.processing_duration_ms',
          Unit: 'Milliseconds',
        }),
      ],
    });
  });

  it('creates the dashboard', () => {
    dev.template.hasResourceProperties('AWS::CloudWatch::Dashboard', {
      DashboardName: 'dashboard-payments-dev',
    });
  });
});

describe('IAM', () => {
  it('attaches no managed policy but AWSLambdaBasicExecutionRole', () => {
    for (const role of resources('AWS::IAM::Role')) {
      for (const arn of (role.Properties['ManagedPolicyArns'] as unknown[] | undefined) ?? []) {
        expect(JSON.stringify(arn)).toContain('service-role/AWSLambdaBasicExecutionRole');
      }
    }
  });

  it('grants no action wildcard', () => {
    for (const policy of resources('AWS::IAM::Policy')) {
      const doc = policy.Properties['PolicyDocument'] as { Statement: { Action: unknown }[] };
      for (const s of doc.Statement) {
        for (const action of [s.Action].flat()) expect(String(action)).not.toMatch(/^\*$|:\*$/);
      }
    }
  });

  it('scopes DynamoDB updates to the transactions and idempotency tables themselves', () => {
    const statements = resources('AWS::IAM::Policy').flatMap(
      (p) => (p.Properties['PolicyDocument'] as { Statement: Record<string, unknown>[] }).Statement,
    );
    const writes = statements.filter((s) =>
      JSON.stringify(s['Action']).includes('dynamodb:UpdateItem'),
    );
    expect(writes.length).toBeGreaterThan(0);
    for (const s of writes) {
      expect(s['Resource']).toMatchObject({
        'Fn::GetAtt': [expect.stringMatching(/^Tables(Transactions|Idempotency)/), 'Arn'],
      });
    }
  });
});

describe('naming, tags and outputs', () => {
  it('tags every taggable resource with the default tags', () => {
    const [table] = resources('AWS::DynamoDB::Table');
    expect(table?.Properties['Tags']).toEqual(
      expect.arrayContaining([
        { Key: 'Environment', Value: 'dev' },
        { Key: 'Owner', Value: 'payments-team' },
        { Key: 'CostCenter', Value: 'payments' },
        { Key: 'DataClassification', Value: 'confidential' },
      ]),
    );
  });

  it('deploys to us-east-1 by default', () => {
    expect(dev.stack.region).toBe('us-east-1');
  });

  it('has at least 30 outputs, among them the ones integration tests need', () => {
    const outputs = dev.template.toJSON()['Outputs'] as Record<string, unknown>;
    expect(Object.keys(outputs).length).toBeGreaterThanOrEqual(30);
    for (const id of [
      'StateMachineArn',
      'StateMachineName',
      'TransactionsTableName',
      'AlertTopicArn',
      'WebhookQueueUrl',
      'ApiUrl',
      'ValidatePaymentFunctionArn',
      'DataKeyArn',
    ]) {
      expect(outputs).toHaveProperty(id);
    }
  });
});

describe('cdk-nag AwsSolutions', () => {
  it('reports no unsuppressed finding', () => {
    const findings = [
      ...Annotations.fromStack(dev.stack).findError('*', Match.stringLikeRegexp('AwsSolutions-.*')),
      ...Annotations.fromStack(dev.stack).findWarning(
        '*',
        Match.stringLikeRegexp('AwsSolutions-.*'),
      ),
    ].map((f) => `${f.id}: ${JSON.stringify(f.entry.data).slice(0, 160)}`);
    expect(findings).toEqual([]);
  });
});
