/**
 * Builds the paystep stack for tests: Lambda bundling skipped through the
 * `aws:cdk:bundling-stacks` context (one test elsewhere bundles for real), cdk-nag's AwsSolutions
 * checks applied, and the shared workflow definition (or, until it exists, a fixture with the same
 * placeholders).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { App, Aspects } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readStackConfig } from '../../infra/config.js';
import { PaymentStack } from '../../infra/payment-stack.js';
import { loadWorkflowDefinition, PAYMENT_WORKFLOW_PATH } from '../../infra/workflow-definition.js';

/** The fixture used while the shared definition has not landed. */
export const FIXTURE_PATH = fileURLToPath(
  new URL('./fixtures/payment-workflow.asl.json', import.meta.url),
);

/** The definition file the stack tests use. */
export const DEFINITION_PATH = existsSync(PAYMENT_WORKFLOW_PATH)
  ? PAYMENT_WORKFLOW_PATH
  : FIXTURE_PATH;

export interface Synthesized {
  readonly app: App;
  readonly stack: PaymentStack;
  readonly template: Template;
}

/** Synthesizes the stack with the given context (as `-c key=value` would set it). */
export function synthesize(context: Record<string, unknown> = {}): Synthesized {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const config = readStackConfig((key) => context[key]);
  const stack = new PaymentStack(app, 'PaystepTest', {
    config,
    env: { region: config.region, account: '123456789012' },
    definition: loadWorkflowDefinition(DEFINITION_PATH),
  });
  Aspects.of(app).add(new AwsSolutionsChecks());
  const template = Template.fromStack(stack);
  return { app, stack, template };
}
