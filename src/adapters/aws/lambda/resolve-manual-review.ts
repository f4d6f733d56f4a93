/**
 * Lambda entry point of the ResolveManualReview task: the shared handler with AWS ports. Thin on purpose: the
 * behaviour lives in src/payments/handlers/resolve-manual-review.ts and is tested there.
 */
import { resolveManualReview } from '../../../payments/handlers/resolve-manual-review.js';
import { readLambdaConfig } from '../lambda-config.js';
import { awsPorts } from './aws-ports.js';
import { createObservability, taskLambda } from './task-lambda.js';

const obs = createObservability();
const ports = awsPorts(readLambdaConfig(process.env), obs.tracer);

export const handler = taskLambda(
  'ResolveManualReview',
  resolveManualReview({ store: ports.store(), audit: ports.audit(), clock: ports.clock }),
  obs,
);
