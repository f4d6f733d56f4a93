/**
 * A monthly cost estimate of the AWS deployment, from the payment workflow's own definition (the
 * states each outcome path enters, i.e. its billed state transitions) and one price table. The
 * figures are list prices for us-east-1 on the date below, without free tier; they are a planning
 * aid, not a bill. The figures are estimates in USD rounded to cents, never payment amounts
 * (those are integer minor units, see src/payments/money.ts).
 */
import { readFileSync } from 'node:fs';

/** List prices, us-east-1, in USD. One table: change a price here and every estimate follows. */
export const PRICE_TABLE = Object.freeze({
  /** The date these prices were read from the AWS pricing pages. */
  asOf: '2025-06-01',
  region: 'us-east-1',
  stepFunctionsPer1000Transitions: 0.025,
  lambdaPerMillionRequests: 0.2,
  /** arm64 (Graviton), the stack's architecture. */
  lambdaPerGbSecond: 0.0000133334,
  dynamoDbPerMillionWrites: 0.625,
  dynamoDbPerMillionReads: 0.125,
  dynamoDbStoragePerGbMonth: 0.25,
  /** PITR, per GB-month of table size. */
  dynamoDbPitrPerGbMonth: 0.2,
  snsPerMillionPublishes: 0.5,
  sqsPerMillionRequests: 0.4,
  apiGatewayPerMillionRequests: 3.5,
  kmsPerKeyMonth: 1,
  kmsPer10000Requests: 0.03,
  cloudWatchPerAlarmMonth: 0.1,
  cloudWatchLogsIngestPerGb: 0.5,
  cloudWatchLogsStoragePerGbMonth: 0.03,
  cloudWatchPerDashboardMonth: 3,
  secretsManagerPerSecretMonth: 0.4,
});

/** The outcome paths of the payment workflow, as the states each enters in order. */
export const OUTCOME_PATHS = Object.freeze({
  completed: [
    'ValidatePayment',
    'ScreenFraud',
    'FraudDecision',
    'ChargePayment',
    'ChargeOutcome',
    'RecordTransaction',
    'NotifyCustomer',
    'NotifyOutcome',
    'PaymentCompleted',
  ],
  declined: [
    'ValidatePayment',
    'ScreenFraud',
    'FraudDecision',
    'ChargePayment',
    'ChargeOutcome',
    'NotifyCustomer',
    'NotifyOutcome',
    'PaymentDeclined',
  ],
  rejected: ['ValidatePayment', 'PaymentRejected'],
  failed: [
    'ValidatePayment',
    'ScreenFraud',
    'FraudDecision',
    'ChargePayment',
    'RecordFailure',
    'AlertOperations',
    'PaymentFailed',
  ],
} as const);
export type Outcome = keyof typeof OUTCOME_PATHS;

export interface CostInputs {
  readonly paymentsPerDay: number;
  /** Share of payments per outcome; the rest count as completed. @default declined 0.05, rejected 0.01, failed 0.005 */
  readonly outcomeShares?: Partial<Record<Exclude<Outcome, 'completed'>, number>>;
  /** Retried task attempts per payment (each is one more transition and invocation). @default 0.1 */
  readonly retriesPerPayment?: number;
  /** Average Lambda duration, ms. @default 300 */
  readonly avgLambdaMs?: number;
  /** Lambda memory, MB. @default 256 */
  readonly lambdaMemoryMb?: number;
  /** Log volume per payment, KB (Step Functions ALL with data, Lambda, API). @default 20 */
  readonly logKbPerPayment?: number;
  /** CloudWatch alarms. @default 16 */
  readonly alarms?: number;
  /** Customer-managed KMS keys. @default 3 */
  readonly kmsKeys?: number;
  /** Days in the month. @default 30 */
  readonly daysPerMonth?: number;
}

export interface CostLine {
  readonly service: string;
  readonly usd: number;
}

export interface CostEstimate {
  readonly pricesAsOf: string;
  readonly region: string;
  readonly paymentsPerMonth: number;
  readonly transitionsPerMonth: number;
  readonly lines: readonly CostLine[];
  readonly totalUsd: number;
}

const TASK_TYPES = new Set(['Task']);

/** Checks every path names states of the definition, and counts the Task states on it. */
export function checkPaths(
  definitionText: string,
): Record<Outcome, { transitions: number; tasks: number }> {
  const states = (JSON.parse(definitionText) as { States: Record<string, { Type: string }> })
    .States;
  const result = {} as Record<Outcome, { transitions: number; tasks: number }>;
  for (const [outcome, path] of Object.entries(OUTCOME_PATHS) as [Outcome, readonly string[]][]) {
    const missing = path.filter((s) => states[s] === undefined);
    if (missing.length > 0)
      throw new Error(`path ${outcome} names unknown states: ${missing.join(', ')}`);
    result[outcome] = {
      transitions: path.length,
      tasks: path.filter((s) => TASK_TYPES.has(states[s]?.Type ?? '')).length,
    };
  }
  return result;
}

const round = (usd: number): number => Math.round(usd * 100) / 100;

/**
 * Estimates the monthly AWS bill for a payment volume.
 *
 * @param definitionText - the workflow definition (defaults to the shared file)
 * @example estimateMonthlyCost({ paymentsPerDay: 2000 }).totalUsd
 */
export function estimateMonthlyCost(inputs: CostInputs, definitionText?: string): CostEstimate {
  const text =
    definitionText ??
    readFileSync(
      new URL('../../payments/workflow/payment-workflow.asl.json', import.meta.url),
      'utf8',
    );
  const paths = checkPaths(text);
  const p = PRICE_TABLE;
  const days = inputs.daysPerMonth ?? 30;
  const perMonth = inputs.paymentsPerDay * days;
  const shares = { declined: 0.05, rejected: 0.01, failed: 0.005, ...inputs.outcomeShares };
  const completed = 1 - shares.declined - shares.rejected - shares.failed;
  if (completed < 0) throw new RangeError('outcome shares add up to more than 1');
  const weighted = (f: (o: Outcome) => number): number =>
    completed * f('completed') +
    shares.declined * f('declined') +
    shares.rejected * f('rejected') +
    shares.failed * f('failed');
  const retries = inputs.retriesPerPayment ?? 0.1;
  // The execution start is billed as a transition too (AWS: Step Functions pricing).
  const transitionsPerPayment = weighted((o) => paths[o].transitions) + 1 + retries;
  const invocationsPerPayment = weighted((o) => paths[o].tasks) + retries + 1; // +1: the API call
  const transitions = perMonth * transitionsPerPayment;
  const invocations = perMonth * invocationsPerPayment;
  const gbSeconds =
    invocations * ((inputs.avgLambdaMs ?? 300) / 1000) * ((inputs.lambdaMemoryMb ?? 256) / 1024);
  // Each task writes the transaction and an audit entry and reads the transaction once.
  const writes = invocations * 2;
  const reads = invocations;
  const logGb = (perMonth * (inputs.logKbPerPayment ?? 20)) / 1024 / 1024;
  const keys = inputs.kmsKeys ?? 3;
  const lines: CostLine[] = [
    {
      service: 'Step Functions (Standard)',
      usd: (transitions / 1000) * p.stepFunctionsPer1000Transitions,
    },
    {
      service: 'Lambda',
      usd: (invocations / 1e6) * p.lambdaPerMillionRequests + gbSeconds * p.lambdaPerGbSecond,
    },
    {
      service: 'DynamoDB (on-demand, PITR)',
      usd:
        (writes / 1e6) * p.dynamoDbPerMillionWrites +
        (reads / 1e6) * p.dynamoDbPerMillionReads +
        // ~2 KB per transaction and audit entry, a year of data.
        ((perMonth * 12 * 4) / 1024 / 1024) *
          (p.dynamoDbStoragePerGbMonth + p.dynamoDbPitrPerGbMonth),
    },
    { service: 'SNS', usd: ((perMonth * (1 + shares.failed)) / 1e6) * p.snsPerMillionPublishes },
    { service: 'SQS', usd: ((perMonth * 3) / 1e6) * p.sqsPerMillionRequests },
    { service: 'API Gateway (REST)', usd: (perMonth / 1e6) * p.apiGatewayPerMillionRequests },
    {
      service: 'KMS',
      usd: keys * p.kmsPerKeyMonth + ((invocations * 2) / 10_000) * p.kmsPer10000Requests,
    },
    {
      service: 'CloudWatch (alarms, logs, dashboard)',
      usd:
        (inputs.alarms ?? 16) * p.cloudWatchPerAlarmMonth +
        logGb * (p.cloudWatchLogsIngestPerGb + p.cloudWatchLogsStoragePerGbMonth) +
        p.cloudWatchPerDashboardMonth,
    },
    { service: 'Secrets Manager', usd: p.secretsManagerPerSecretMonth },
  ].map((l) => ({ service: l.service, usd: round(l.usd) }));
  return {
    pricesAsOf: p.asOf,
    region: p.region,
    paymentsPerMonth: perMonth,
    transitionsPerMonth: Math.round(transitions),
    lines,
    totalUsd: round(lines.reduce((sum, l) => sum + l.usd, 0)),
  };
}
