import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { readStackConfig } from '../../infra/config.js';
import { synthesize } from './synth.js';
import type { Synthesized } from './synth.js';

type Resource = { Type: string; Properties: Record<string, unknown> };
type Statement = { Sid?: string; Action: unknown; Resource: unknown };

let dev: Synthesized;
beforeAll(() => {
  dev = synthesize({ paymentGatewayUrl: 'https://gateway.example.com/v1' });
});

const resources = (type: string): Resource[] =>
  Object.values(dev.template.findResources(type)) as Resource[];

/** The statements of the role of the function `key` (e.g. `WebhookProcessor`). */
function statementsOf(key: string): Statement[] {
  return resources('AWS::IAM::Policy')
    .filter((p) => JSON.stringify(p.Properties['Roles']).includes(`"${key}Role`))
    .flatMap((p) => (p.Properties['PolicyDocument'] as { Statement: Statement[] }).Statement);
}

/** Function keys whose role may call `action`. */
function rolesAllowed(action: string): string[] {
  return resources('AWS::IAM::Policy')
    .filter((p) => JSON.stringify(p.Properties['PolicyDocument']).includes(`"${action}"`))
    .map((p) => /"(\w+?)Role[A-F0-9]{8}"/.exec(JSON.stringify(p.Properties['Roles']))?.[1] ?? '?');
}

function envOf(purpose: string): Record<string, unknown> {
  const fn = resources('AWS::Lambda::Function').find(
    (f) => f.Properties['FunctionName'] === `lambda-${purpose}-dev`,
  );
  return (fn?.Properties['Environment'] as { Variables: Record<string, unknown> }).Variables;
}

describe('manual review completion', () => {
  it('lets only the API and the webhook processor complete review tasks', () => {
    expect(rolesAllowed('states:SendTaskSuccess').sort()).toEqual([
      'PaymentApi',
      'WebhookProcessor',
    ]);
  });

  it.each(['PaymentApi', 'WebhookProcessor'])(
    'lets %s complete tasks of the payment state machine only',
    (key) => {
      const statement = statementsOf(key).find((s) => s.Sid === 'CompleteReviewTask');
      expect(statement?.Action).toEqual(['states:SendTaskSuccess', 'states:SendTaskFailure']);
      expect(JSON.stringify(statement?.Resource)).toMatch(
        /:stateMachine:sfn-payment-workflow-dev"/,
      );
      expect(JSON.stringify(statement?.Resource)).not.toContain('*');
    },
  );
});

describe('webhook signing secret', () => {
  it('is encrypted with the stack data key and named by the naming scheme', () => {
    dev.template.hasResourceProperties('AWS::SecretsManager::Secret', {
      Name: 'secret-webhook-signing-dev',
      KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^KeysDataKey'), 'Arn'] },
      GenerateSecretString: Match.objectLike({ PasswordLength: 64 }),
    });
  });

  it('is readable by the webhook receiver only, by its ARN', () => {
    expect(rolesAllowed('secretsmanager:GetSecretValue')).toEqual(['WebhookReceiver']);
    const statement = statementsOf('WebhookReceiver').find((s) => s.Sid === 'ReadWebhookSecret');
    expect(statement?.Resource).toEqual({
      Ref: expect.stringMatching(/^WebhookSecret/) as unknown,
    });
    expect(envOf('webhook-receiver')['WEBHOOK_SECRET_ARN']).toEqual({
      Ref: expect.stringMatching(/^WebhookSecret/) as unknown,
    });
  });
});

describe('idempotency table', () => {
  it('keys items by pk, on demand, with PITR, the data key and a TTL', () => {
    dev.template.hasResourceProperties('AWS::DynamoDB::Table', {
      TableName: 'dynamodb-idempotency-dev',
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: Match.anyValue() },
      TimeToLiveSpecification: { AttributeName: 'expires_at', Enabled: true },
    });
  });

  it.each([
    [
      'PaymentApi',
      'UseIdempotencyKeys',
      ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
    ],
    ['WebhookProcessor', 'RecordWebhookEvents', ['dynamodb:GetItem', 'dynamodb:PutItem']],
  ])('lets %s use it with %s only', (key, sid, actions) => {
    const statement = statementsOf(key).find((s) => s.Sid === sid);
    expect(statement?.Action).toEqual(actions);
    expect(statement?.Resource).toEqual({
      'Fn::GetAtt': [expect.stringMatching(/^TablesIdempotency/) as unknown, 'Arn'],
    });
  });
});

describe('edge function permissions', () => {
  it.each([
    ['PaymentApi', 'DescribePayment', ['states:DescribeExecution', 'states:GetExecutionHistory']],
    ['PaymentApi', 'ReadAudit', 'dynamodb:Query'],
    ['PaymentApi', 'StartPayment', 'states:StartExecution'],
    ['WebhookProcessor', 'StartPayment', 'states:StartExecution'],
    ['WebhookProcessor', 'ReadTransactions', 'dynamodb:GetItem'],
    ['WebhookProcessor', 'SendWebhookDeadLetter', 'sqs:SendMessage'],
    ['WebhookReceiver', 'SendWebhook', 'sqs:SendMessage'],
    ['WebhookReceiver', 'ReadWebhookEvents', 'dynamodb:GetItem'],
  ])('grants %s the %s statement', (key, sid, actions) => {
    const statement = statementsOf(key).find((s) => s.Sid === sid);
    expect(statement?.Action).toEqual(actions);
    expect(JSON.stringify(statement?.Resource)).not.toBe('"*"');
  });

  it('lets the webhook processor send only to the webhook dead-letter queue', () => {
    const statement = statementsOf('WebhookProcessor').find(
      (s) => s.Sid === 'SendWebhookDeadLetter',
    );
    expect(statement?.Resource).toEqual({
      'Fn::GetAtt': [expect.stringMatching(/^MessagingWebhookDeadLetterQueue/) as unknown, 'Arn'],
    });
  });

  it('gives the edge functions the queue, dead-letter queue and idempotency table they use', () => {
    for (const purpose of ['payment-api', 'webhook-receiver', 'webhook-processor']) {
      const env = envOf(purpose);
      for (const name of [
        'WEBHOOK_QUEUE_URL',
        'WEBHOOK_DLQ_URL',
        'IDEMPOTENCY_TABLE',
        'STATE_MACHINE_ARN',
      ]) {
        expect(env, `${purpose} ${name}`).toHaveProperty(name);
      }
    }
  });
});

describe('transaction archive', () => {
  it('gives the recording function the bucket and PutObject under transactions/ only', () => {
    expect(envOf('transaction-recording')['ARCHIVE_BUCKET']).toEqual({
      Ref: expect.stringMatching(/^Archive[0-9A-F]{8}$/) as unknown,
    });
    expect(rolesAllowed('s3:PutObject')).toEqual(['RecordTransaction']);
    const statement = statementsOf('RecordTransaction').find((s) => s.Sid === 'WriteArchive');
    expect(JSON.stringify(statement?.Resource)).toMatch(/\/transactions\/\*"/);
  });
});

describe('payment gateway URL', () => {
  it('is passed to the functions from the paymentGatewayUrl context key', () => {
    expect(envOf('payment-processing')['PAYMENT_GATEWAY_URL']).toBe(
      'https://gateway.example.com/v1',
    );
  });

  it.each([
    ['plain HTTP', 'http://gateway.example.com'],
    ['not a URL', 'gateway'],
  ])('refuses %s', (_name, value) => {
    expect(() =>
      readStackConfig((key) => (key === 'paymentGatewayUrl' ? value : undefined)),
    ).toThrow(/paymentGatewayUrl must be an https:\/\/ URL/);
  });

  it('leaves it unset by default', () => {
    expect(readStackConfig(() => undefined).paymentGatewayUrl).toBeUndefined();
  });
});
