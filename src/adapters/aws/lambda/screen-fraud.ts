/**
 * Lambda entry point of the ScreenFraud task: the shared handler with AWS ports. Thin on purpose: the
 * behaviour lives in src/payments/handlers/screen-fraud.ts and is tested there.
 */
import { screenFraud } from '../../../payments/handlers/screen-fraud.js';
import { readLambdaConfig } from '../lambda-config.js';
import { awsPorts } from './aws-ports.js';
import { createObservability, taskLambda } from './task-lambda.js';

const obs = createObservability();
const ports = awsPorts(readLambdaConfig(process.env), obs.tracer);

export const handler = taskLambda(
  'ScreenFraud',
  screenFraud({ store: ports.store(), audit: ports.audit(), clock: ports.clock }),
  obs,
);
