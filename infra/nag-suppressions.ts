/**
 * The cdk-nag AwsSolutions findings this stack accepts, each with the reason it is right here.
 * Suppressions are scoped to the resource paths and, for IAM findings, to the exact wildcard
 * (`appliesTo`), so a new resource or a new wildcard is still reported.
 */
import type { Stack } from 'aws-cdk-lib';
import { NagSuppressions } from 'cdk-nag';
import type { NagPackSuppression } from 'cdk-nag';

const XRAY_AND_LOG_DELIVERY =
  'X-Ray (xray:PutTraceSegments, PutTelemetryRecords, GetSampling*) and CloudWatch Logs vended ' +
  'delivery (logs:CreateLogDelivery, PutResourcePolicy, ...) do not support resource-level ' +
  'permissions; AWS documents Resource "*" for them.';

/** Adds the stack's accepted findings; paths are relative to the stack. */
export function addNagSuppressions(stack: Stack, stageName: string): void {
  const at = (path: string, suppressions: NagPackSuppression[]): void => {
    if (stack.node.tryFindChild(path.split('/')[0] as string) === undefined) return;
    NagSuppressions.addResourceSuppressionsByPath(
      stack,
      `/${stack.node.path}/${path}`,
      suppressions,
      true,
    );
  };
  const functions = stack.node.children
    .map((c) => c.node.id)
    .filter((id) => stack.node.tryFindChild(id)?.node.tryFindChild('Function') !== undefined);

  for (const fn of functions) {
    at(`${fn}/Role`, [
      {
        id: 'AwsSolutions-IAM4',
        reason:
          'AWSLambdaBasicExecutionRole is the one managed policy the requirements ask for: it grants ' +
          'only logs:CreateLogGroup, CreateLogStream and PutLogEvents.',
        appliesTo: [
          'Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
        ],
      },
      { id: 'AwsSolutions-IAM5', reason: XRAY_AND_LOG_DELIVERY, appliesTo: ['Resource::*'] },
    ]);
    at(`${fn}/Function`, [
      {
        id: 'AwsSolutions-L1',
        reason:
          'Node.js 22 is chosen explicitly (an LTS the handlers are tested on); moving to a newer ' +
          'runtime is a deliberate, tested change rather than an automatic one.',
      },
    ]);
  }
  at('RecordTransaction/Role', [
    {
      id: 'AwsSolutions-IAM5',
      reason:
        'Archived objects are keyed by transaction id, unknown at deploy time; the grant is PutObject ' +
        'only, under the transactions/ prefix of the one archive bucket.',
      appliesTo: [{ regex: '/^Resource::<Archive.*\\.Arn>\\/transactions\\/\\*$/g' }],
    },
  ]);
  // The API looks payments up; the webhook processor compares a re-sent payment with the one
  // its execution started with.
  for (const fn of ['PaymentApi', 'WebhookProcessor']) {
    at(`${fn}/Role`, [
      {
        id: 'AwsSolutions-IAM5',
        reason:
          'Executions are named by payment id, unknown at deploy time; the grant is ' +
          'DescribeExecution and GetExecutionHistory on executions of the one payment state ' +
          'machine only.',
        appliesTo: [
          {
            regex:
              '/^Resource::arn:<AWS::Partition>:states:.*:execution:sfn-payment-workflow-.*:\\*$/g',
          },
        ],
      },
    ]);
  }
  at('Workflow/Role', [
    { id: 'AwsSolutions-IAM5', reason: XRAY_AND_LOG_DELIVERY, appliesTo: ['Resource::*'] },
  ]);
  at('Api/CloudWatchRole', [
    {
      id: 'AwsSolutions-IAM5',
      reason:
        'API Gateway names its execution log groups API-Gateway-Execution-Logs_<api id>/<stage> ' +
        'itself; the role is limited to that prefix in this account and region.',
      appliesTo: [
        {
          regex:
            '/^Resource::arn:<AWS::Partition>:logs:.*:log-group:API-Gateway-Execution-Logs_\\*$/g',
        },
      ],
    },
  ]);
  at('WebhookSecret', [
    {
      id: 'AwsSolutions-SMG4',
      reason:
        'The webhook signing key is shared with the payment provider; rotating it needs the provider ' +
        'to switch keys at the same time, so it is rotated by a runbook, not by a rotation Lambda.',
    },
  ]);
  at(`Api/Api/DeploymentStage.${stageName}`, [
    {
      id: 'AwsSolutions-APIG3',
      reason:
        'No WAF web ACL: the signed routes need SigV4 and an API key, the webhook route an HMAC ' +
        'signature, and the stage and usage plan throttle; a WAF ($5+/month) is an option for ' +
        'internet-scale traffic, documented in infra/README.md.',
    },
  ]);
  for (const route of [
    'payments/POST',
    'transactions/{id}/GET',
    'transactions/{id}/notify/POST',
    'transactions/{id}/review/POST',
  ]) {
    at(`Api/Api/Default/${route}`, [
      {
        id: 'AwsSolutions-COG4',
        reason:
          'Callers are services and operators, authorized by IAM (SigV4), not end users of a ' +
          'Cognito pool.',
      },
    ]);
  }
  at('Api/Api/Default/webhooks/payment/POST', [
    {
      id: 'AwsSolutions-APIG4',
      reason:
        'Payment providers cannot sign with SigV4; the webhook receiver verifies an HMAC-SHA256 ' +
        'signature of the body with a timestamp against the shared secret before queueing anything.',
    },
    {
      id: 'AwsSolutions-COG4',
      reason:
        'Webhooks come from a payment provider, authenticated by HMAC signature, not Cognito.',
    },
  ]);
}
