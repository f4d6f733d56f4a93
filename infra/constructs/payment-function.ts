/**
 * One Lambda function of the stack, built the same way for every task and edge function: its own
 * role, its own log group (retention, KMS), its own dead-letter queue, X-Ray active, reserved
 * concurrency, environment encrypted with the data key, no VPC (DynamoDB, SNS, SQS and Step
 * Functions are reached on their public endpoints), TypeScript bundled by the local esbuild.
 */
import type { RemovalPolicy } from 'aws-cdk-lib';
import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { fileURLToPath } from 'node:url';
import type { FunctionSpec } from '../function-catalog.js';
import type { Namer } from '../naming.js';
import { secureQueue } from './messaging.js';

/** The repository root: the project root for bundling, where package-lock.json lives. */
const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Where a function's entry point lives. */
export function entryPath(entry: string): string {
  return fileURLToPath(new URL(`../../src/adapters/aws/lambda/${entry}.ts`, import.meta.url));
}

export interface PaymentFunctionProps {
  readonly spec: FunctionSpec;
  readonly name: Namer;
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  readonly reservedConcurrency: number;
  readonly logRetentionDays: number;
  readonly removalPolicy: RemovalPolicy;
  readonly dataKey: kms.IKey;
  readonly messagingKey: kms.IKey;
  readonly logsKey: kms.IKey;
  readonly environment: Readonly<Record<string, string>>;
}

export class PaymentFunction extends Construct {
  readonly fn: nodejs.NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  readonly deadLetterQueue: sqs.Queue;
  readonly functionName: string;

  constructor(scope: Construct, id: string, props: PaymentFunctionProps) {
    super(scope, id);
    const { spec } = props;
    this.functionName = props.name('lambda', spec.purpose);
    this.role = new iam.Role(this, 'Role', {
      roleName: props.name('role', spec.purpose),
      description: `Execution role of ${this.functionName}`,
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      managedPolicies: [
        // The one managed policy the primary brief asks for: CreateLogGroup/Stream, PutLogEvents.
        iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaBasicExecutionRole'),
      ],
    });
    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      logGroupName: `/aws/lambda/${this.functionName}`,
      retention: props.logRetentionDays as logs.RetentionDays,
      encryptionKey: props.logsKey,
      removalPolicy: props.removalPolicy,
    });
    // AWS: the DLQ receives failed *asynchronous* invocations only. Step Functions and API Gateway
    // invoke synchronously (their failures come back to the caller); the webhook processor's
    // failures go to the webhook queue's own redrive DLQ. The DLQ is a backstop for replays and
    // manual `invoke --invocation-type Event`.
    this.deadLetterQueue = secureQueue(
      this,
      'DeadLetterQueue',
      props.name('sqs', `${spec.purpose}-dlq`),
      props.messagingKey,
    );

    this.fn = new nodejs.NodejsFunction(this, 'Function', {
      functionName: this.functionName,
      description: spec.description,
      entry: entryPath(spec.entry),
      handler: 'handler',
      projectRoot: REPO_ROOT,
      depsLockFilePath: `${REPO_ROOT}package-lock.json`,
      // Chosen explicitly, not left to the CDK default, so an upgrade of aws-cdk-lib cannot move it.
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memoryMb,
      timeout: Duration.seconds(props.timeoutSeconds),
      reservedConcurrentExecutions: props.reservedConcurrency,
      tracing: lambda.Tracing.ACTIVE,
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      deadLetterQueueEnabled: true,
      deadLetterQueue: this.deadLetterQueue,
      environmentEncryption: props.dataKey,
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: spec.purpose,
        POWERTOOLS_METRICS_NAMESPACE: 'Paystep',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        ...props.environment,
      },
      bundling: {
        // Local esbuild only: no Docker on build machines.
        forceDockerBundling: false,
        format: nodejs.OutputFormat.ESM,
        target: 'node22',
        mainFields: ['module', 'main'],
        // ESM bundles still meet CommonJS dependencies that call require().
        banner:
          "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
        minify: true,
        sourceMap: true,
        // Bundle our pinned AWS SDK rather than the runtime's, so what was tested is what runs.
        externalModules: [],
      },
    });
    // Lambda decrypts the environment with the function's role (AWS: Lambda env encryption docs).
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'DecryptEnvironment',
        actions: ['kms:Decrypt'],
        resources: [props.dataKey.keyArn],
      }),
    );
    // The DLQ is KMS-encrypted: sending to it needs a data key from the messaging key.
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'EncryptDeadLetters',
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: [props.messagingKey.keyArn],
      }),
    );
  }
}
