/**
 * Lambda entry point of payment-api (API Gateway REST proxy: POST /payments,
 * GET /transactions/{id}, POST /transactions/{id}/notify). Thin on purpose: the behaviour is in
 * payment-api-handler.ts and tested there.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { PaymentOperations } from '../../../api/payment-operations.js';
import { DynamoDbIdempotency } from '../dynamodb-idempotency.js';
import { readLambdaConfig, required } from '../lambda-config.js';
import { SfnWorkflowControl } from '../sfn-workflow-control.js';
import { awsPorts } from './aws-ports.js';
import { paymentApi } from './payment-api-handler.js';
import { createObservability } from './task-lambda.js';

const obs = createObservability();
const config = readLambdaConfig(process.env);
const ports = awsPorts(config, obs.tracer);
const stateMachineArn = required(config.stateMachineArn, 'STATE_MACHINE_ARN');
const control = new SfnWorkflowControl({
  client: obs.tracer.captureAWSv3Client(new SFNClient({})),
  stateMachineArn,
});
const store = ports.store();
const audit = ports.audit();

export const handler = paymentApi({
  obs,
  store,
  audit,
  executions: control,
  operations: new PaymentOperations({
    control,
    stateMachineArn,
    store,
    audit,
    notifier: ports.notifier(),
    clock: ports.clock,
  }),
  idempotency: new DynamoDbIdempotency({
    client: DynamoDBDocumentClient.from(obs.tracer.captureAWSv3Client(new DynamoDBClient({}))),
    tableName: required(config.idempotencyTable, 'IDEMPOTENCY_TABLE'),
    clock: ports.clock,
  }),
});
