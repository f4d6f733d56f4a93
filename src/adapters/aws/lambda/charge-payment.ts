/**
 * Lambda entry point of the ChargePayment task: the shared handler with AWS ports. Thin on purpose: the
 * behaviour lives in src/payments/handlers/charge-payment.ts and is tested there.
 */
import { chargePayment } from '../../../payments/handlers/charge-payment.js';
import { readLambdaConfig } from '../lambda-config.js';
import { awsPorts } from './aws-ports.js';
import { createObservability, taskLambda } from './task-lambda.js';

const obs = createObservability();
const ports = awsPorts(readLambdaConfig(process.env), obs.tracer);

export const handler = taskLambda(
  'ChargePayment',
  chargePayment({
    store: ports.store(),
    audit: ports.audit(),
    clock: ports.clock,
    gateway: ports.gateway(),
  }),
  obs,
);
