/**
 * The stack's configuration, read once from CDK context (`-c key=value` or cdk.json) into a typed,
 * frozen object. Every default is documented where it is declared; defaults follow the primary
 * requirement (us-east-1, 256 MB, 300 s, environment `dev`) and the rest is configuration.
 */

/** Log retention per environment, in days: short where teardown matters, long where audits do. */
export const defaultLogRetentionDays: Readonly<Record<string, number>> = Object.freeze({
  dev: 1,
  test: 7,
  staging: 30,
  prod: 365,
});

/** Everything the stack can be told. */
export interface StackConfig {
  /** Deployment environment. @default 'dev' */
  readonly environment: string;
  /** Optional name suffix for isolated deployments. @default undefined */
  readonly suffix: string | undefined;
  /** AWS region. @default 'us-east-1' */
  readonly region: string;
  /** AWS account, when known at synth time. @default CDK_DEFAULT_ACCOUNT, else environment-agnostic */
  readonly account: string | undefined;
  /** Default tags on every resource. */
  readonly tags: Readonly<{
    Environment: string;
    /** @default 'payments-team' */
    Owner: string;
    /** @default 'payments' */
    CostCenter: string;
    /** @default 'confidential' */
    DataClassification: string;
  }>;
  /** Lambda memory in MB. @default 256 */
  readonly lambdaMemoryMb: number;
  /** Lambda timeout in seconds. @default 300 (payment gateways can be slow) */
  readonly lambdaTimeoutSeconds: number;
  /** Reserved concurrency of each function. @default 5 (2,000 payments a day need far fewer) */
  readonly reservedConcurrency: number;
  /** State machine execution timeout in seconds. @default 3600 */
  readonly executionTimeoutSeconds: number;
  /** CloudWatch log retention in days. @default per environment, see {@link defaultLogRetentionDays} */
  readonly logRetentionDays: number;
  /** DynamoDB deletion protection. @default true in `prod`, false elsewhere (clean teardown) */
  readonly deletionProtection: boolean;
  /** Optional email for the ops alert topic. @default undefined (no subscription) */
  readonly alertEmail: string | undefined;
  /** Email domains an alert subscription may use. @default [] */
  readonly approvedEmailDomains: readonly string[];
  /** API steady-state rate limit, requests per second. @default 50 */
  readonly apiRateLimit: number;
  /** API burst limit. @default 100 */
  readonly apiBurstLimit: number;
  /** API requests per day per key. @default 100000 */
  readonly apiDailyQuota: number;
  /** Days until audit records of operational kind expire (TTL). @default 90 */
  readonly auditTtlDays: number;
  /**
   * Base URL of the HTTP payment gateway the ChargePayment function calls (context
   * `paymentGatewayUrl`, https only). @default undefined: the function fails each charge with a
   * clear error until it is set
   */
  readonly paymentGatewayUrl: string | undefined;
}

/** Reads context values; `app.node.tryGetContext` fits this shape. */
export type ContextReader = (key: string) => unknown;

/** A configuration value that cannot be used. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly code = 'Config.Invalid';
}

function text(read: ContextReader, key: string): string | undefined {
  const value = read(key);
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
    throw new ConfigError(`context ${key} must be a string, got ${typeof value}`);
  }
  return String(value);
}

function integer(read: ContextReader, key: string, fallback: number, min: number): number {
  const raw = text(read, key);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) {
    throw new ConfigError(`context ${key} must be an integer >= ${min}, got ${raw}`);
  }
  return n;
}

function flag(read: ContextReader, key: string, fallback: boolean): boolean {
  const raw = text(read, key);
  if (raw === undefined) return fallback;
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  throw new ConfigError(`context ${key} must be true or false, got ${raw}`);
}

function list(read: ContextReader, key: string): string[] {
  const value = read(key);
  if (Array.isArray(value)) return value.map(String);
  const raw = text(read, key);
  return raw === undefined
    ? []
    : raw
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s.length > 0);
}

const NAME_PART = /^[a-z0-9]+$/;

/** The retention periods CloudWatch Logs accepts, in days. */
const RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288,
  3653,
];

/**
 * Reads and checks the stack configuration.
 *
 * @param read - reads one context key (e.g. `(k) => app.node.tryGetContext(k)`)
 * @param env - process environment, for CDK_DEFAULT_ACCOUNT only
 * @throws ConfigError when a value is malformed, or the alert email is not on an approved domain
 */
export function readStackConfig(
  read: ContextReader,
  env: Readonly<Record<string, string | undefined>> = {},
): StackConfig {
  const environment = text(read, 'environment') ?? 'dev';
  const suffix = text(read, 'suffix');
  for (const [key, value] of [
    ['environment', environment],
    ['suffix', suffix],
  ] as const) {
    if (value !== undefined && !NAME_PART.test(value)) {
      throw new ConfigError(`context ${key} must be lower-case letters and digits, got ${value}`);
    }
  }
  const approvedEmailDomains = list(read, 'approvedEmailDomains').map((d) => d.toLowerCase());
  const alertEmail = text(read, 'alertEmail');
  if (alertEmail !== undefined) {
    const domain = alertEmail.split('@')[1]?.toLowerCase();
    if (domain === undefined || !approvedEmailDomains.includes(domain)) {
      throw new ConfigError(
        `alertEmail ${alertEmail} is not on an approved domain (approvedEmailDomains: ${approvedEmailDomains.join(', ') || 'none'})`,
      );
    }
  }
  const logRetentionDays = integer(
    read,
    'logRetentionDays',
    defaultLogRetentionDays[environment] ?? 30,
    1,
  );
  if (!RETENTION_DAYS.includes(logRetentionDays)) {
    throw new ConfigError(
      `logRetentionDays must be one of ${RETENTION_DAYS.join(', ')}, got ${logRetentionDays}`,
    );
  }
  const paymentGatewayUrl = text(read, 'paymentGatewayUrl');
  if (paymentGatewayUrl !== undefined) {
    let url: URL | undefined;
    try {
      url = new URL(paymentGatewayUrl);
    } catch {
      url = undefined;
    }
    // Card payments leave the account only over TLS.
    if (url?.protocol !== 'https:') {
      throw new ConfigError(`paymentGatewayUrl must be an https:// URL, got ${paymentGatewayUrl}`);
    }
  }
  return Object.freeze({
    environment,
    suffix,
    region: text(read, 'region') ?? 'us-east-1',
    account: text(read, 'account') ?? env['CDK_DEFAULT_ACCOUNT'],
    tags: Object.freeze({
      Environment: environment,
      Owner: text(read, 'owner') ?? 'payments-team',
      CostCenter: text(read, 'costCenter') ?? 'payments',
      DataClassification: text(read, 'dataClassification') ?? 'confidential',
    }),
    lambdaMemoryMb: integer(read, 'lambdaMemoryMb', 256, 128),
    lambdaTimeoutSeconds: integer(read, 'lambdaTimeoutSeconds', 300, 1),
    reservedConcurrency: integer(read, 'reservedConcurrency', 5, 1),
    executionTimeoutSeconds: integer(read, 'executionTimeoutSeconds', 3600, 60),
    logRetentionDays,
    deletionProtection: flag(read, 'deletionProtection', environment === 'prod'),
    alertEmail,
    approvedEmailDomains: Object.freeze(approvedEmailDomains),
    apiRateLimit: integer(read, 'apiRateLimit', 50, 1),
    apiBurstLimit: integer(read, 'apiBurstLimit', 100, 1),
    apiDailyQuota: integer(read, 'apiDailyQuota', 100_000, 1),
    auditTtlDays: integer(read, 'auditTtlDays', 90, 1),
    paymentGatewayUrl,
  });
}
