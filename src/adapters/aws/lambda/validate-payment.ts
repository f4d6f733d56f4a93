/**
 * Lambda entry point of the ValidatePayment task: the shared handler with AWS ports. Thin on purpose: the
 * behaviour lives in src/payments/handlers/validate-payment.ts and is tested there.
 */
import { validatePayment } from '../../../payments/handlers/validate-payment.js';
import { readLambdaConfig } from '../lambda-config.js';
import { awsPorts } from './aws-ports.js';
import { createObservability, taskLambda } from './task-lambda.js';

const obs = createObservability();
const ports = awsPorts(readLambdaConfig(process.env), obs.tracer);

export const handler = taskLambda(
  'ValidatePayment',
  validatePayment({ store: ports.store(), audit: ports.audit(), clock: ports.clock }),
  obs,
);
