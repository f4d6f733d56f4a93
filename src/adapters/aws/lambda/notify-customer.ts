/**
 * Lambda entry point of the NotifyCustomer task: the shared handler with AWS ports. Thin on purpose: the
 * behaviour lives in src/payments/handlers/notify-customer.ts and is tested there.
 */
import { notifyCustomer } from '../../../payments/handlers/notify-customer.js';
import { readLambdaConfig } from '../lambda-config.js';
import { awsPorts } from './aws-ports.js';
import { createObservability, taskLambda } from './task-lambda.js';

const obs = createObservability();
const ports = awsPorts(readLambdaConfig(process.env), obs.tracer);

export const handler = taskLambda(
  'NotifyCustomer',
  notifyCustomer({
    store: ports.store(),
    audit: ports.audit(),
    clock: ports.clock,
    notifier: ports.notifier(),
  }),
  obs,
);
