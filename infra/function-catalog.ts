/**
 * The Lambda functions of the stack as data: which entry point each runs, what it is named, and
 * which resources it may touch. Task functions are found by the `${<Key>FunctionArn}` placeholders
 * of the workflow definition, so a task added to the ASL file without an entry here fails synth
 * with a message naming it, rather than deploying a state machine that cannot run.
 */

/** What a function may do; each maps to IAM statements on specific ARNs in the stack. */
export const Access = {
  TransactionsRead: 'transactions-read',
  TransactionsQuery: 'transactions-query',
  TransactionsWrite: 'transactions-write',
  AuditRead: 'audit-read',
  AuditWrite: 'audit-write',
  ArchiveWrite: 'archive-write',
  CustomerTopicPublish: 'customer-topic-publish',
  AlertTopicPublish: 'alert-topic-publish',
  WebhookQueueSend: 'webhook-queue-send',
  WebhookDeadLetterSend: 'webhook-dead-letter-send',
  IdempotencyKeys: 'idempotency-keys',
  WebhookEventLog: 'webhook-event-log',
  WebhookEventRead: 'webhook-event-read',
  WebhookSecretRead: 'webhook-secret-read',
  StartExecution: 'start-execution',
  DescribeExecution: 'describe-execution',
  /** Completes a workflow's waiting task (a manual review decision): SendTaskSuccess/Failure. */
  TaskResponse: 'task-response',
} as const;
export type Access = (typeof Access)[keyof typeof Access];

/** One Lambda function of the stack. */
export interface FunctionSpec {
  /** Stable id, PascalCase: the construct id, and for a task the `${<key>FunctionArn}` name. */
  readonly key: string;
  /** The `{purpose}` in `lambda-{purpose}-{environment}`. */
  readonly purpose: string;
  /** File name (without `.ts`) under src/adapters/aws/lambda/. */
  readonly entry: string;
  readonly description: string;
  readonly access: readonly Access[];
}

const A = Access;

/** Functions the state machine invokes, keyed by their definition placeholder. */
export const taskFunctions: readonly FunctionSpec[] = [
  {
    key: 'ValidatePayment',
    purpose: 'payment-validation',
    entry: 'validate-payment',
    description: 'Validates a payment request and records it as received',
    access: [A.TransactionsRead, A.TransactionsWrite, A.AuditWrite],
  },
  {
    key: 'ScreenFraud',
    purpose: 'fraud-screening',
    entry: 'screen-fraud',
    description: 'Scores a payment against the fraud rules',
    // Query: the customer's recent payments (velocity rules) through the by-customer index.
    access: [A.TransactionsRead, A.TransactionsQuery, A.TransactionsWrite, A.AuditWrite],
  },
  {
    key: 'ChargePayment',
    // The primary brief names the charging function "payment-processing".
    purpose: 'payment-processing',
    entry: 'charge-payment',
    description: 'Charges the payment at the gateway under the payment id as idempotency key',
    access: [A.TransactionsRead, A.TransactionsWrite, A.AuditWrite],
  },
  {
    key: 'RecordTransaction',
    purpose: 'transaction-recording',
    entry: 'record-transaction',
    description: 'Records the final transaction state and archives it',
    access: [A.TransactionsRead, A.TransactionsWrite, A.AuditWrite, A.ArchiveWrite],
  },
  {
    key: 'NotifyCustomer',
    purpose: 'customer-notification',
    entry: 'notify-customer',
    description: 'Tells the customer the outcome of their payment',
    access: [A.TransactionsRead, A.AuditWrite, A.CustomerTopicPublish],
  },
  {
    key: 'RecordFailure',
    purpose: 'failure-recording',
    entry: 'record-failure',
    description: 'Records a payment that failed after its retries',
    access: [A.TransactionsRead, A.TransactionsWrite, A.AuditWrite],
  },
  {
    key: 'RequestManualReview',
    purpose: 'manual-review',
    entry: 'request-manual-review',
    description: 'Puts a payment on hold for an operator, keeping the task token',
    access: [A.TransactionsRead, A.TransactionsWrite, A.AuditWrite],
  },
  {
    key: 'ResolveManualReview',
    purpose: 'review-resolution',
    entry: 'resolve-manual-review',
    description: "Applies an operator's review decision",
    access: [A.TransactionsRead, A.TransactionsWrite, A.AuditWrite],
  },
];

/** Functions behind API Gateway and the webhook queue. */
export const edgeFunctions: readonly FunctionSpec[] = [
  {
    key: 'PaymentApi',
    purpose: 'payment-api',
    entry: 'payment-api',
    description:
      'POST /payments, GET /transactions/{id}, POST /transactions/{id}/notify and /review',
    access: [
      A.TransactionsRead,
      A.TransactionsQuery,
      // A resend runs the NotifyCustomer step, which confirms COMPLETED (a conditional no-op).
      A.TransactionsWrite,
      A.AuditRead,
      A.AuditWrite,
      A.CustomerTopicPublish,
      A.StartExecution,
      A.DescribeExecution,
      A.IdempotencyKeys,
      // POST /transactions/{id}/review: an operator's decision completes the review task.
      A.TaskResponse,
    ],
  },
  {
    key: 'WebhookReceiver',
    purpose: 'webhook-receiver',
    entry: 'webhook-receiver',
    description: 'POST /webhooks/payment: verifies the HMAC signature and queues the event',
    // Event read: a provider's retry of a processed event is answered `duplicate`, not queued.
    access: [A.WebhookSecretRead, A.WebhookQueueSend, A.WebhookEventRead],
  },
  {
    key: 'WebhookProcessor',
    purpose: 'webhook-processor',
    entry: 'webhook-processor',
    description: 'Starts or advances the payment workflow for each queued webhook event',
    access: [
      A.TransactionsRead,
      A.AuditWrite,
      A.StartExecution,
      // A start that finds the execution compares inputs (same payment, or a conflict).
      A.DescribeExecution,
      // review.closed events complete the workflow's waiting manual-review task.
      A.TaskResponse,
      A.WebhookEventLog,
      A.WebhookDeadLetterSend,
    ],
  },
];

const FUNCTION_ARN = /^(.+)FunctionArn$/;

/**
 * Matches the definition's placeholders to functions and to the other resources the stack knows.
 *
 * @param substitutions - the `${Name}` placeholders of the definition
 * @param others - placeholder names the stack fills with something other than a function
 * @returns the task functions the definition uses, in catalog order
 * @throws Error naming every placeholder the stack cannot fill
 */
export function tasksForDefinition(
  substitutions: readonly string[],
  others: readonly string[],
): FunctionSpec[] {
  const unknown: string[] = [];
  const keys = new Set<string>();
  for (const name of substitutions) {
    const key = FUNCTION_ARN.exec(name)?.[1];
    if (key !== undefined && taskFunctions.some((t) => t.key === key)) keys.add(key);
    else if (!others.includes(name)) unknown.push(name);
  }
  if (unknown.length > 0) {
    throw new Error(
      `the workflow definition uses placeholders the stack cannot fill: ${unknown.join(', ')}; ` +
        'add them to infra/function-catalog.ts',
    );
  }
  return taskFunctions.filter((t) => keys.has(t.key));
}
