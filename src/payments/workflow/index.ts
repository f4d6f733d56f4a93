/**
 * The payment workflow as both engines take it: the ASL definition (one JSON file, with
 * `${...}` definition substitutions for the ARNs it calls), the local values of those
 * substitutions, and the task handlers under the Lambda function names the ARNs end in.
 */
import { readFileSync } from 'node:fs';
import { chargePayment } from '../handlers/charge-payment.js';
import { notifyCustomer } from '../handlers/notify-customer.js';
import { recordFailure } from '../handlers/record-failure.js';
import { recordTransaction } from '../handlers/record-transaction.js';
import { requestManualReview } from '../handlers/request-manual-review.js';
import { resolveManualReview } from '../handlers/resolve-manual-review.js';
import { screenFraud } from '../handlers/screen-fraud.js';
import type { PaymentPorts, PaymentTaskHandler } from '../handlers/task-handler.js';
import { validatePayment } from '../handlers/validate-payment.js';

/**
 * The Lambda function name of each task, by the substitution variable holding its ARN. The CDK
 * stack creates functions for these and passes their ARNs; locally the engine runs the handler
 * registered under the name.
 */
export const PaymentFunctionName = {
  ValidatePaymentFunctionArn: 'validate-payment',
  ScreenFraudFunctionArn: 'screen-fraud',
  RequestManualReviewFunctionArn: 'request-manual-review',
  ResolveManualReviewFunctionArn: 'resolve-manual-review',
  ChargePaymentFunctionArn: 'charge-payment',
  RecordTransactionFunctionArn: 'record-transaction',
  NotifyCustomerFunctionArn: 'notify-customer',
  RecordFailureFunctionArn: 'record-failure',
} as const;
export type PaymentFunctionName = (typeof PaymentFunctionName)[keyof typeof PaymentFunctionName];

/** The SNS topic name the workflow's ops alerts go to, locally. */
export const ALERT_TOPIC_NAME = 'payment-alerts';

/** Every substitution variable the definition uses. */
export type PaymentWorkflowSubstitutions = Readonly<
  Record<keyof typeof PaymentFunctionName | 'AlertTopicArn', string>
>;

/** The definition file, as shipped next to this module. */
export const PAYMENT_WORKFLOW_FILE = new URL('./payment-workflow.asl.json', import.meta.url);

/**
 * The workflow definition with every `${Name}` replaced from `substitutions`, as the JSON text
 * CreateStateMachine takes. Throws if the file names a variable `substitutions` lacks, so a
 * definition never ships with a placeholder left in it.
 * @example loadPaymentWorkflow(localSubstitutions('us-east-1', '000000000000'))
 */
export function loadPaymentWorkflow(substitutions: PaymentWorkflowSubstitutions): string {
  const template = readFileSync(PAYMENT_WORKFLOW_FILE, 'utf8');
  const values: Readonly<Record<string, string>> = substitutions;
  return template.replace(/\$\{([A-Za-z0-9_]+)\}/g, (_match, name: string) => {
    const value = values[name];
    if (value === undefined) {
      throw new Error(`The payment workflow needs a value for the substitution \${${name}}`);
    }
    // The value lands inside a JSON string: escape it as one.
    return JSON.stringify(value).slice(1, -1);
  });
}

/**
 * The substitutions for the local engine: Lambda ARNs in the given region and account ending in
 * the local handler names, and the local alert topic's ARN.
 * @example localSubstitutions('us-east-1', '000000000000').ChargePaymentFunctionArn
 * // 'arn:aws:lambda:us-east-1:000000000000:function:charge-payment'
 */
export function localSubstitutions(region: string, account: string): PaymentWorkflowSubstitutions {
  const functions = Object.fromEntries(
    Object.entries(PaymentFunctionName).map(([variable, name]) => [
      variable,
      `arn:aws:lambda:${region}:${account}:function:${name}`,
    ]),
  ) as Record<keyof typeof PaymentFunctionName, string>;
  return { ...functions, AlertTopicArn: `arn:aws:sns:${region}:${account}:${ALERT_TOPIC_NAME}` };
}

/**
 * The payment task handlers by Lambda function name, built from the ports. The engine registers
 * them under these names; the Lambda entry points wrap one each.
 */
export function createPaymentHandlers(
  ports: PaymentPorts,
): Readonly<Record<PaymentFunctionName, PaymentTaskHandler>> {
  return {
    'validate-payment': validatePayment(ports),
    'screen-fraud': screenFraud(ports),
    'request-manual-review': requestManualReview(ports),
    'resolve-manual-review': resolveManualReview(ports),
    'charge-payment': chargePayment(ports),
    'record-transaction': recordTransaction(ports),
    'notify-customer': notifyCustomer(ports),
    'record-failure': recordFailure(ports),
  };
}
