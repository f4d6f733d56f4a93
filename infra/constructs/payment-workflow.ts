/**
 * The payment state machine on AWS Step Functions: Standard type (exactly-once steps, a year of
 * history, named executions for idempotent starts), the shared ASL file embedded as a string with
 * definition substitutions for the ARNs, logging ALL with execution data, X-Ray, and a timeout.
 * Its role may invoke exactly the task functions and publish to exactly the alert topic.
 */
import type { RemovalPolicy } from 'aws-cdk-lib';
import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { Namer } from '../naming.js';
import { withExecutionTimeout } from '../workflow-definition.js';
import type { WorkflowDefinition } from '../workflow-definition.js';

export interface PaymentWorkflowProps {
  readonly name: Namer;
  readonly definition: WorkflowDefinition;
  /** Task functions by placeholder name, e.g. `ValidatePaymentFunctionArn`. */
  readonly functions: ReadonlyMap<string, lambda.IFunction>;
  readonly alertTopic: sns.ITopic;
  readonly messagingKey: kms.IKey;
  readonly logsKey: kms.IKey;
  readonly logRetentionDays: number;
  readonly removalPolicy: RemovalPolicy;
  readonly timeoutSeconds: number;
}

export class PaymentWorkflow extends Construct {
  readonly stateMachine: sfn.StateMachine;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  readonly stateMachineName: string;

  constructor(scope: Construct, id: string, props: PaymentWorkflowProps) {
    super(scope, id);
    this.stateMachineName = props.name('sfn', 'payment-workflow');
    this.role = new iam.Role(this, 'Role', {
      roleName: props.name('role', 'payment-workflow'),
      description: `Execution role of ${this.stateMachineName}`,
      assumedBy: new iam.ServicePrincipal('states.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    });
    // AWS: Step Functions log groups go under /aws/vendedlogs/ so the account's CloudWatch Logs
    // resource policy does not grow past its size limit with one entry per log group.
    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      logGroupName: `/aws/vendedlogs/states/${this.stateMachineName}`,
      retention: props.logRetentionDays as logs.RetentionDays,
      encryptionKey: props.logsKey,
      removalPolicy: props.removalPolicy,
    });

    const substitutions: Record<string, string> = { AlertTopicArn: props.alertTopic.topicArn };
    for (const [name, fn] of props.functions) substitutions[name] = fn.functionArn;

    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineName: this.stateMachineName,
      stateMachineType: sfn.StateMachineType.STANDARD,
      // fromString, not fromFile: the definition is embedded in the template (fromFile would upload
      // it as an S3 asset), so the template alone says what runs.
      definitionBody: sfn.DefinitionBody.fromString(
        withExecutionTimeout(props.definition, props.timeoutSeconds).text,
      ),
      definitionSubstitutions: Object.fromEntries(
        props.definition.substitutions.map((name) => [name, substitutions[name] as string]),
      ),
      role: this.role,
      tracingEnabled: true,
      logs: { destination: this.logGroup, level: sfn.LogLevel.ALL, includeExecutionData: true },
      removalPolicy: props.removalPolicy,
    });

    // A definition given as a string is opaque to CDK, so it grants nothing by itself: list the
    // exact function ARNs. The definition names unqualified ARNs, so no `:*` for versions.
    const functionArns = [...props.functions.values()].map((fn) => fn.functionArn);
    if (functionArns.length > 0) {
      this.role.addToPolicy(
        new iam.PolicyStatement({
          sid: 'InvokeTaskFunctions',
          actions: ['lambda:InvokeFunction'],
          resources: functionArns,
        }),
      );
    }
    if (props.definition.substitutions.includes('AlertTopicArn')) {
      this.role.addToPolicy(
        new iam.PolicyStatement({
          sid: 'PublishAlerts',
          actions: ['sns:Publish'],
          resources: [props.alertTopic.topicArn],
        }),
      );
      this.role.addToPolicy(
        new iam.PolicyStatement({
          sid: 'EncryptAlerts',
          actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
          resources: [props.messagingKey.keyArn],
        }),
      );
    }
  }
}
