/**
 * The REST API on API Gateway: POST /payments, GET /transactions/{id},
 * POST /transactions/{id}/notify, POST /transactions/{id}/review (IAM-signed, API key, usage
 * plan) and POST /webhooks/payment.
 * Bodies are validated by models built from the shared JSON Schemas; access logs at INFO, X-Ray.
 *
 * The webhook route is the one without IAM: a payment provider cannot sign with SigV4. It proves
 * itself instead with an HMAC-SHA256 signature of the raw body under a shared secret (header
 * `Paystep-Signature: t=<unix seconds>,v1=<hex>`), which the webhook-receiver Lambda verifies in
 * constant time against the secret in Secrets Manager, rejecting stale timestamps (replays) before
 * anything is queued. Throttling on that route comes from the stage's method settings.
 */
import { Stack } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type { RemovalPolicy } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { toApiGatewaySchema } from '../api-models.js';
import { apiModelSchemas } from '../api-schemas.js';
import type { Namer } from '../naming.js';

export interface PaymentApiProps {
  readonly name: Namer;
  readonly stageName: string;
  readonly apiFunction: lambda.IFunction;
  readonly webhookFunction: lambda.IFunction;
  readonly logsKey: kms.IKey;
  readonly logRetentionDays: number;
  readonly removalPolicy: RemovalPolicy;
  readonly rateLimit: number;
  readonly burstLimit: number;
  readonly dailyQuota: number;
}

export class PaymentApi extends Construct {
  readonly api: apigateway.RestApi;
  readonly accessLogGroup: logs.LogGroup;
  readonly apiKey: apigateway.IApiKey;
  readonly usagePlan: apigateway.UsagePlan;
  readonly apiName: string;
  readonly cloudWatchRole: iam.Role;

  constructor(scope: Construct, id: string, props: PaymentApiProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.apiName = props.name('apigw', 'payment-api');
    this.accessLogGroup = new logs.LogGroup(this, 'AccessLogs', {
      logGroupName: `/aws/apigateway/${this.apiName}/access`,
      retention: props.logRetentionDays as logs.RetentionDays,
      encryptionKey: props.logsKey,
      removalPolicy: props.removalPolicy,
    });

    // Execution logging (INFO) needs the account-level API Gateway CloudWatch role. CDK's
    // `cloudWatchRole: true` would attach the AmazonAPIGatewayPushToCloudWatchLogs managed policy;
    // this role carries the same rights as an inline policy limited to this account and region.
    this.cloudWatchRole = new iam.Role(this, 'CloudWatchRole', {
      roleName: props.name('role', 'apigw-cloudwatch'),
      assumedBy: new iam.ServicePrincipal('apigateway.amazonaws.com'),
      inlinePolicies: {
        PushExecutionLogs: new iam.PolicyDocument({
          statements: [
            new iam.PolicyStatement({
              actions: [
                'logs:CreateLogGroup',
                'logs:CreateLogStream',
                'logs:DescribeLogGroups',
                'logs:DescribeLogStreams',
                'logs:PutLogEvents',
                'logs:GetLogEvents',
                'logs:FilterLogEvents',
              ],
              resources: [
                `arn:${stack.partition}:logs:${stack.region}:${stack.account}:log-group:API-Gateway-Execution-Logs_*`,
              ],
            }),
          ],
        }),
      },
    });
    // AWS: this setting is per account and region, shared by every REST API there.
    const account = new apigateway.CfnAccount(this, 'Account', {
      cloudWatchRoleArn: this.cloudWatchRole.roleArn,
    });

    this.api = new apigateway.RestApi(this, 'Api', {
      restApiName: this.apiName,
      description: 'paystep payment API',
      cloudWatchRole: false,
      endpointTypes: [apigateway.EndpointType.REGIONAL],
      deployOptions: {
        stageName: props.stageName,
        tracingEnabled: true,
        loggingLevel: apigateway.MethodLoggingLevel.INFO,
        // Full request/response logging would write payment bodies into logs; INFO logs without.
        dataTraceEnabled: false,
        metricsEnabled: true,
        accessLogDestination: new apigateway.LogGroupLogDestination(this.accessLogGroup),
        accessLogFormat: apigateway.AccessLogFormat.jsonWithStandardFields({
          caller: true,
          httpMethod: true,
          ip: true,
          protocol: true,
          requestTime: true,
          resourcePath: true,
          responseLength: true,
          status: true,
          user: true,
        }),
        throttlingRateLimit: props.rateLimit,
        throttlingBurstLimit: props.burstLimit,
      },
    });
    this.api.deploymentStage.node.addDependency(account);

    const validator = this.api.addRequestValidator('BodyValidator', {
      requestValidatorName: props.name('validator', 'payment-body'),
      validateRequestBody: true,
      validateRequestParameters: true,
    });
    const paramValidator = this.api.addRequestValidator('ParamValidator', {
      requestValidatorName: props.name('validator', 'payment-params'),
      validateRequestBody: false,
      validateRequestParameters: true,
    });
    const model = (modelId: keyof typeof apiModelSchemas): apigateway.Model =>
      this.api.addModel(modelId, {
        modelName: modelId,
        contentType: 'application/json',
        schema: toApiGatewaySchema(apiModelSchemas[modelId]),
      });

    const apiIntegration = new apigateway.LambdaIntegration(props.apiFunction);
    const signed: apigateway.MethodOptions = {
      authorizationType: apigateway.AuthorizationType.IAM,
      apiKeyRequired: true,
    };

    const payments = this.api.root.addResource('payments');
    payments.addMethod('POST', apiIntegration, {
      ...signed,
      requestValidator: validator,
      requestModels: { 'application/json': model('CreatePayment') },
    });

    const transactions = this.api.root.addResource('transactions');
    const transaction = transactions.addResource('{id}');
    transaction.addMethod('GET', apiIntegration, {
      ...signed,
      requestValidator: paramValidator,
      requestParameters: { 'method.request.path.id': true },
    });
    // No body model: the route takes no body, and the function refuses one as the local API does.
    transaction.addResource('notify').addMethod('POST', apiIntegration, {
      ...signed,
      requestValidator: paramValidator,
      requestParameters: { 'method.request.path.id': true },
    });

    transaction.addResource('review').addMethod('POST', apiIntegration, {
      ...signed,
      requestValidator: validator,
      requestParameters: { 'method.request.path.id': true },
      requestModels: { 'application/json': model('ReviewDecision') },
    });

    const webhooks = this.api.root.addResource('webhooks');
    webhooks
      .addResource('payment')
      .addMethod('POST', new apigateway.LambdaIntegration(props.webhookFunction), {
        // No IAM: providers cannot SigV4-sign. The HMAC signature is verified by the Lambda (above).
        authorizationType: apigateway.AuthorizationType.NONE,
        requestValidator: validator,
        requestParameters: { 'method.request.header.Paystep-Signature': true },
        requestModels: {
          'application/json': model('PaymentWebhook'),
        },
      });

    this.apiKey = this.api.addApiKey('ApiKey', { apiKeyName: props.name('apikey', 'payment-api') });
    this.usagePlan = this.api.addUsagePlan('UsagePlan', {
      name: props.name('usageplan', 'payment-api'),
      throttle: { rateLimit: props.rateLimit, burstLimit: props.burstLimit },
      quota: { limit: props.dailyQuota, period: apigateway.Period.DAY },
      // The cast: with exactOptionalPropertyTypes, CDK's RestApi does not type-check as IRestApi.
      apiStages: [
        { api: this.api as unknown as apigateway.IRestApi, stage: this.api.deploymentStage },
      ],
    });
    this.usagePlan.addApiKey(this.apiKey);
  }
}
