/**
 * Lambda entry point of the RecordTransaction task: the shared handler with AWS ports. Thin on purpose: the
 * behaviour lives in src/payments/handlers/record-transaction.ts and is tested there.
 */
import { recordTransaction } from '../../../payments/handlers/record-transaction.js';
import { readLambdaConfig } from '../lambda-config.js';
import { awsPorts } from './aws-ports.js';
import { createObservability, taskLambda } from './task-lambda.js';

const obs = createObservability();
const ports = awsPorts(readLambdaConfig(process.env), obs.tracer);

export const handler = taskLambda(
  'RecordTransaction',
  recordTransaction({
    store: ports.store(),
    audit: ports.audit(),
    clock: ports.clock,
    archive: ports.archive(),
  }),
  obs,
  { finishesPayment: true },
);
