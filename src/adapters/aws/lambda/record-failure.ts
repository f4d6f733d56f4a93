/**
 * Lambda entry point of the RecordFailure task: the shared handler with AWS ports. Thin on purpose: the
 * behaviour lives in src/payments/handlers/record-failure.ts and is tested there.
 */
import { recordFailure } from '../../../payments/handlers/record-failure.js';
import { readLambdaConfig } from '../lambda-config.js';
import { awsPorts } from './aws-ports.js';
import { createObservability, taskLambda } from './task-lambda.js';

const obs = createObservability();
const ports = awsPorts(readLambdaConfig(process.env), obs.tracer);

export const handler = taskLambda(
  'RecordFailure',
  recordFailure({ store: ports.store(), audit: ports.audit(), clock: ports.clock }),
  obs,
  { finishesPayment: true },
);
