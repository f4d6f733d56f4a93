/**
 * Lambda events for the entry point tests, in the shapes AWS documents: API Gateway's REST proxy
 * integration input ("Input format of a Lambda function for proxy integration") and the SQS
 * event source's batch ("Using Lambda with Amazon SQS"), and the Powertools utilities made quiet.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import type { APIGatewayProxyEvent, Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { createHash } from 'node:crypto';
import type { Observability } from '../../../../src/adapters/aws/lambda/task-lambda.js';

export const ACCOUNT = '123456789012';

/** Powertools that log nothing and publish no metrics. */
export function quietObservability(): Observability {
  // Powertools reads this when the Metrics object is made: no EMF lines on the test output.
  process.env['POWERTOOLS_METRICS_DISABLED'] = 'true';
  return {
    logger: new Logger({ serviceName: 'test', logLevel: 'SILENT' }),
    metrics: new Metrics({ serviceName: 'test', namespace: 'Test', singleMetric: false }),
    tracer: new Tracer({ serviceName: 'test', enabled: false }),
  };
}

export const lambdaContext = (functionName: string): Context => ({
  callbackWaitsForEmptyEventLoop: true,
  functionName,
  functionVersion: '$LATEST',
  invokedFunctionArn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${functionName}`,
  memoryLimitInMB: '256',
  awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
  logGroupName: `/aws/lambda/${functionName}`,
  logStreamName: '2026/01/01/[$LATEST]abcdef',
  getRemainingTimeInMillis: () => 300_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
});

export interface ProxyRequest {
  method: string;
  /** The resource as API Gateway defines it, e.g. `/transactions/{id}`. */
  resource: string;
  path: string;
  pathParameters?: Record<string, string>;
  headers?: Record<string, string | string[]>;
  body?: string | null;
  isBase64Encoded?: boolean;
  /** The IAM caller (SigV4-signed request); none on the webhook route. */
  userArn?: string | null;
}

/** A REST API proxy integration event. */
export function proxyEvent(request: ProxyRequest): APIGatewayProxyEvent {
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (const [name, value] of Object.entries({
    Host: 'abc123.execute-api.us-east-1.amazonaws.com',
    'X-Forwarded-Proto': 'https',
    ...request.headers,
  })) {
    const values = Array.isArray(value) ? value : [value];
    // AWS: `headers` holds the last value of a repeated header, `multiValueHeaders` all.
    headers[name] = values[values.length - 1] as string;
    multiValueHeaders[name] = values;
  }
  const userArn =
    request.userArn === undefined ? `arn:aws:iam::${ACCOUNT}:user/ops` : request.userArn;
  return {
    resource: request.resource,
    path: request.path,
    httpMethod: request.method,
    headers,
    multiValueHeaders,
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: request.pathParameters ?? null,
    stageVariables: null,
    requestContext: {
      accountId: ACCOUNT,
      apiId: 'abc123',
      authorizer: null,
      domainName: 'abc123.execute-api.us-east-1.amazonaws.com',
      domainPrefix: 'abc123',
      extendedRequestId: 'eXtEnDeD=',
      httpMethod: request.method,
      identity: {
        accessKey: userArn === null ? null : 'AKIAEXAMPLE',
        accountId: userArn === null ? null : ACCOUNT,
        apiKey: 'api-key-value',
        apiKeyId: 'k1y2z3',
        caller: userArn === null ? null : 'AIDAEXAMPLE',
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: '203.0.113.7',
        user: userArn === null ? null : 'AIDAEXAMPLE',
        userAgent: 'test',
        userArn,
      },
      path: `/dev${request.path}`,
      protocol: 'HTTP/1.1',
      requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
      requestTime: '01/Jan/2026:12:00:00 +0000',
      requestTimeEpoch: Date.UTC(2026, 0, 1, 12),
      resourceId: 'r3s0urc3',
      resourcePath: request.resource,
      stage: 'dev',
    },
    body: request.body ?? null,
    isBase64Encoded: request.isBase64Encoded ?? false,
  };
}

/** An SQS event source batch of these message bodies. */
export function sqsEvent(
  queueArn: string,
  messages: readonly { body: string; messageId?: string; receiveCount?: number }[],
): SQSEvent {
  return {
    Records: messages.map((m, i): SQSRecord => ({
      messageId: m.messageId ?? `059f36b4-87a3-44ab-83d2-66${String(i).padStart(10, '0')}`,
      receiptHandle: `AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a${i}`,
      body: m.body,
      attributes: {
        ApproximateReceiveCount: String(m.receiveCount ?? 1),
        SentTimestamp: '1767268800000',
        SenderId: 'AIDAIENQZJOLO23YVJ4VO',
        ApproximateFirstReceiveTimestamp: '1767268800001',
      },
      messageAttributes: {},
      md5OfBody: createHash('md5').update(m.body).digest('hex'),
      eventSource: 'aws:sqs',
      eventSourceARN: queueArn,
      awsRegion: 'us-east-1',
    })),
  };
}
