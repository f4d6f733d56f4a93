/**
 * paystep's configuration: read once at start-up from environment variables and an optional JSON
 * config file, validated with a clear message per bad setting, and handed around as one typed,
 * frozen object. Nothing else in paystep reads `process.env`. Precedence, highest first:
 * explicit overrides (CLI flags, tests) > environment > config file > defaults.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';

export interface PaystepConfig {
  /**
   * Where the SQLite file and the webhook secrets live. Env `PAYSTEP_DATA_DIR`, file `dataDir`.
   * @default './data' (resolved against the working directory)
   */
  readonly dataDir: string;
  /** The SQLite file. Env `PAYSTEP_DB`, file `db`. @default '<dataDir>/paystep.db' */
  readonly dbFile: string;
  /** Address the HTTP API listens on. Env `PAYSTEP_HOST`, file `host`. @default '127.0.0.1' (loopback only) */
  readonly host: string;
  /** HTTP API port; 0 picks a free one. Env `PAYSTEP_PORT`, file `port`. @default 8080 */
  readonly port: number;
  /**
   * Port of the Step Functions API (AWS JSON 1.0) on the same host; -1 turns it off.
   * Env `PAYSTEP_SFN_PORT`, file `sfnPort`. @default 8083
   */
  readonly sfnPort: number;
  /** Largest request body accepted, in bytes (HTTP 413 above). Env `PAYSTEP_BODY_LIMIT_BYTES`. @default 65536 */
  readonly bodyLimitBytes: number;
  /**
   * Requests per second each API key (and the webhook endpoint, as one caller) may make; HTTP 429
   * above. Env `PAYSTEP_RATE_LIMIT_RPS`. @default 10000 (the API Gateway throttle of the AWS stack)
   */
  readonly rateLimitPerSecond: number;
  /** Requests a caller may burst above its rate. Env `PAYSTEP_RATE_LIMIT_BURST`. @default rateLimitPerSecond */
  readonly rateLimitBurst: number;
  /**
   * Webhook secrets accepted, newest first (several while rotating). Env `PAYSTEP_WEBHOOK_SECRETS`
   * (comma-separated). When none is configured, the secrets file in the data directory is used,
   * and generated on first start. @default []
   */
  readonly webhookSecrets: readonly string[];
  /** Largest accepted age of a webhook signature, seconds. Env `PAYSTEP_WEBHOOK_TOLERANCE_SECONDS`. @default 300 */
  readonly webhookToleranceSeconds: number;
  /** Seconds a received webhook message stays hidden. Env `PAYSTEP_QUEUE_VISIBILITY_SECONDS`. @default 300 */
  readonly queueVisibilitySeconds: number;
  /** Receipts after which a webhook message goes to the dead-letter queue. Env `PAYSTEP_QUEUE_MAX_RECEIVES`. @default 5 */
  readonly queueMaxReceiveCount: number;
  /**
   * How hard each commit waits for the disk: FULL (fsync on every commit), NORMAL or OFF.
   * Env `PAYSTEP_SYNCHRONOUS`. @default 'FULL'
   */
  readonly synchronous: 'FULL' | 'NORMAL' | 'OFF';
  /** Log level (pino). Env `PAYSTEP_LOG_LEVEL`. @default 'info' */
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Share of new charges the simulated gateway declines, 0 to 1. Env `PAYSTEP_GATEWAY_DECLINE_RATE`. @default 0 */
  readonly gatewayDeclineRate: number;
  /**
   * Where alerts (alarm transitions and the workflow's own alerts) are delivered: `log`, `webhook`,
   * `email`. Env `PAYSTEP_ALERT_SINKS` (comma-separated), file `alertSinks` (an array or that text).
   * @default ['log'], plus 'webhook' when alertWebhookUrl is set and 'email' when alertSmtpHost is set
   */
  readonly alertSinks: readonly AlertSinkName[];
  /**
   * A Slack-compatible incoming-webhook URL (http or https) the webhook sink posts to. Treated as a
   * secret: Slack's URLs embed a token. Env `PAYSTEP_ALERT_WEBHOOK_URL`. @default none
   */
  readonly alertWebhookUrl: string | undefined;
  /** SMTP server of the email sink. Env `PAYSTEP_ALERT_SMTP_HOST`. @default none */
  readonly alertSmtpHost: string | undefined;
  /** SMTP port. Env `PAYSTEP_ALERT_SMTP_PORT`. @default 587 */
  readonly alertSmtpPort: number;
  /**
   * TLS from the first byte (usually port 465); otherwise STARTTLS when the server offers it.
   * Env `PAYSTEP_ALERT_SMTP_SECURE` (true or false). @default false
   */
  readonly alertSmtpSecure: boolean;
  /** SMTP user name. Env `PAYSTEP_ALERT_SMTP_USER`. @default none (no authentication) */
  readonly alertSmtpUser: string | undefined;
  /** SMTP password; never logged or echoed. Env `PAYSTEP_ALERT_SMTP_PASSWORD`. @default none */
  readonly alertSmtpPassword: string | undefined;
  /** Sender address of alert emails. Env `PAYSTEP_ALERT_EMAIL_FROM`. @default none */
  readonly alertEmailFrom: string | undefined;
  /** Recipients of alert emails. Env `PAYSTEP_ALERT_EMAIL_TO` (comma-separated). @default [] */
  readonly alertEmailTo: readonly string[];
  /**
   * Attempts per alert delivery to each sink, the first included, with exponential backoff
   * between them (1 s doubling, at most 60 s). Env `PAYSTEP_ALERT_MAX_ATTEMPTS`. @default 5
   */
  readonly alertMaxAttempts: number;
}

/** The alert sinks paystep can deliver to. */
export const AlertSinkName = { Log: 'log', Webhook: 'webhook', Email: 'email' } as const;
export type AlertSinkName = (typeof AlertSinkName)[keyof typeof AlertSinkName];

/** A configuration problem, naming the setting and what was wrong with it. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly code = 'Config.Invalid';
  readonly retryable = false;
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

/** The settings by name, as they may be given in the config file or as overrides. */
export type ConfigInput = { readonly [K in keyof PaystepConfig]?: unknown };

const ENV: Readonly<Record<keyof PaystepConfig, string>> = {
  dataDir: 'PAYSTEP_DATA_DIR',
  dbFile: 'PAYSTEP_DB',
  host: 'PAYSTEP_HOST',
  port: 'PAYSTEP_PORT',
  sfnPort: 'PAYSTEP_SFN_PORT',
  bodyLimitBytes: 'PAYSTEP_BODY_LIMIT_BYTES',
  rateLimitPerSecond: 'PAYSTEP_RATE_LIMIT_RPS',
  rateLimitBurst: 'PAYSTEP_RATE_LIMIT_BURST',
  webhookSecrets: 'PAYSTEP_WEBHOOK_SECRETS',
  webhookToleranceSeconds: 'PAYSTEP_WEBHOOK_TOLERANCE_SECONDS',
  queueVisibilitySeconds: 'PAYSTEP_QUEUE_VISIBILITY_SECONDS',
  queueMaxReceiveCount: 'PAYSTEP_QUEUE_MAX_RECEIVES',
  synchronous: 'PAYSTEP_SYNCHRONOUS',
  logLevel: 'PAYSTEP_LOG_LEVEL',
  gatewayDeclineRate: 'PAYSTEP_GATEWAY_DECLINE_RATE',
  alertSinks: 'PAYSTEP_ALERT_SINKS',
  alertWebhookUrl: 'PAYSTEP_ALERT_WEBHOOK_URL',
  alertSmtpHost: 'PAYSTEP_ALERT_SMTP_HOST',
  alertSmtpPort: 'PAYSTEP_ALERT_SMTP_PORT',
  alertSmtpSecure: 'PAYSTEP_ALERT_SMTP_SECURE',
  alertSmtpUser: 'PAYSTEP_ALERT_SMTP_USER',
  alertSmtpPassword: 'PAYSTEP_ALERT_SMTP_PASSWORD',
  alertEmailFrom: 'PAYSTEP_ALERT_EMAIL_FROM',
  alertEmailTo: 'PAYSTEP_ALERT_EMAIL_TO',
  alertMaxAttempts: 'PAYSTEP_ALERT_MAX_ATTEMPTS',
};

/** The environment variable naming the optional JSON config file. */
export const CONFIG_FILE_ENV = 'PAYSTEP_CONFIG';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const SYNCHRONOUS = ['FULL', 'NORMAL', 'OFF'] as const;

export interface LoadConfigOptions {
  /** The environment to read. @default process.env */
  env?: Readonly<Record<string, string | undefined>>;
  /** Settings that win over everything else (CLI flags, tests). */
  overrides?: ConfigInput;
  /** Resolves relative paths. @default process.cwd() */
  cwd?: string;
}

/**
 * Reads and validates the configuration. Throws {@link ConfigError} listing every bad setting.
 * @example const config = loadConfig({ overrides: { port: 0 } });
 */
export function loadConfig(options: LoadConfigOptions = {}): PaystepConfig {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const problems: string[] = [];
  const file = readConfigFile(env[CONFIG_FILE_ENV], cwd, problems);
  const overrides = options.overrides ?? {};

  const raw = (key: keyof PaystepConfig): { value: unknown; source: string } | undefined => {
    if (overrides[key] !== undefined) return { value: overrides[key], source: key };
    const fromEnv = env[ENV[key]];
    if (fromEnv !== undefined && fromEnv !== '') return { value: fromEnv, source: ENV[key] };
    if (file[key] !== undefined) return { value: file[key], source: `config file '${key}'` };
    return undefined;
  };
  const int = (key: keyof PaystepConfig, fallback: number, min: number, max: number): number => {
    const given = raw(key);
    if (given === undefined) return fallback;
    const value = typeof given.value === 'string' ? Number(given.value) : given.value;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      problems.push(`${given.source} must be a whole number from ${min} to ${max}`);
      return fallback;
    }
    return value;
  };
  const text = (key: keyof PaystepConfig, fallback: string): string => {
    const given = raw(key);
    if (given === undefined) return fallback;
    if (typeof given.value !== 'string' || given.value.trim() === '') {
      problems.push(`${given.source} must be a non-empty string`);
      return fallback;
    }
    return given.value;
  };
  const oneOf = <T extends string>(
    key: keyof PaystepConfig,
    allowed: readonly T[],
    fallback: T,
  ) => {
    const value = text(key, fallback);
    if ((allowed as readonly string[]).includes(value)) return value as T;
    problems.push(`${raw(key)?.source ?? key} must be one of ${allowed.join(', ')}`);
    return fallback;
  };

  const dataDir = resolve(cwd, text('dataDir', 'data'));
  const dbFile = text('dbFile', join(dataDir, 'paystep.db'));
  const rate = int('rateLimitPerSecond', 10_000, 1, 10_000_000);
  const decline = raw('gatewayDeclineRate');
  let gatewayDeclineRate = 0;
  if (decline !== undefined) {
    const value = typeof decline.value === 'string' ? Number(decline.value) : decline.value;
    if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
      problems.push(`${decline.source} must be a number from 0 to 1`);
    } else gatewayDeclineRate = value;
  }

  const optionalText = (key: keyof PaystepConfig): string | undefined =>
    raw(key) === undefined ? undefined : text(key, '');
  const alertWebhookUrl = optionalText('alertWebhookUrl');
  if (alertWebhookUrl !== undefined && !isHttpUrl(alertWebhookUrl)) {
    // Never echo the value: a webhook URL can hold a token.
    problems.push(`${raw('alertWebhookUrl')?.source ?? ''} must be an http or https URL`);
  }
  const alertSmtpHost = optionalText('alertSmtpHost');
  const alertSmtpUser = optionalText('alertSmtpUser');
  const alertSmtpPassword = optionalText('alertSmtpPassword');
  if (alertSmtpPassword !== undefined && alertSmtpUser === undefined) {
    problems.push(`${ENV.alertSmtpPassword} is set but ${ENV.alertSmtpUser} is not`);
  }
  const alertEmailFrom = optionalText('alertEmailFrom');
  if (alertEmailFrom !== undefined && !isEmailAddress(alertEmailFrom)) {
    problems.push(`${raw('alertEmailFrom')?.source ?? ''} must be an email address`);
  }
  const alertEmailTo = list(raw('alertEmailTo'), problems, 'email addresses', isEmailAddress);
  const alertSinks = list(
    raw('alertSinks'),
    problems,
    `sink names (${Object.values(AlertSinkName).join(', ')})`,
    (name): name is AlertSinkName => (Object.values(AlertSinkName) as string[]).includes(name),
  ) ?? [
    AlertSinkName.Log,
    ...(alertWebhookUrl === undefined ? [] : [AlertSinkName.Webhook]),
    ...(alertSmtpHost === undefined ? [] : [AlertSinkName.Email]),
  ];
  // A sink that is chosen must be usable: say what it lacks now, not at the first alert.
  if (alertSinks.includes(AlertSinkName.Webhook) && alertWebhookUrl === undefined) {
    problems.push(`the webhook alert sink needs ${ENV.alertWebhookUrl}`);
  }
  if (alertSinks.includes(AlertSinkName.Email)) {
    const missing = [
      alertSmtpHost === undefined ? ENV.alertSmtpHost : undefined,
      alertEmailFrom === undefined ? ENV.alertEmailFrom : undefined,
      alertEmailTo === undefined || alertEmailTo.length === 0 ? ENV.alertEmailTo : undefined,
    ].filter((name) => name !== undefined);
    if (missing.length > 0) problems.push(`the email alert sink needs ${missing.join(', ')}`);
  }

  const config: PaystepConfig = {
    dataDir,
    dbFile: dbFile === ':memory:' || isAbsolute(dbFile) ? dbFile : resolve(cwd, dbFile),
    host: text('host', '127.0.0.1'),
    port: int('port', 8080, 0, 65_535),
    sfnPort: int('sfnPort', 8083, -1, 65_535),
    bodyLimitBytes: int('bodyLimitBytes', 65_536, 1024, 10 * 1024 * 1024),
    rateLimitPerSecond: rate,
    rateLimitBurst: int('rateLimitBurst', rate, 1, 10_000_000),
    webhookSecrets: secrets(raw('webhookSecrets'), problems),
    webhookToleranceSeconds: int('webhookToleranceSeconds', 300, 1, 3600),
    queueVisibilitySeconds: int('queueVisibilitySeconds', 300, 1, 43_200),
    queueMaxReceiveCount: int('queueMaxReceiveCount', 5, 1, 1000),
    synchronous: oneOf('synchronous', SYNCHRONOUS, 'FULL'),
    logLevel: oneOf('logLevel', LOG_LEVELS, 'info'),
    gatewayDeclineRate,
    alertSinks: [...new Set(alertSinks)],
    alertWebhookUrl,
    alertSmtpHost,
    alertSmtpPort: int('alertSmtpPort', 587, 1, 65_535),
    alertSmtpSecure: flag(raw('alertSmtpSecure'), false, problems),
    alertSmtpUser,
    alertSmtpPassword,
    alertEmailFrom,
    alertEmailTo: alertEmailTo ?? [],
    alertMaxAttempts: int('alertMaxAttempts', 5, 1, 20),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze({
    ...config,
    webhookSecrets: Object.freeze([...config.webhookSecrets]),
    alertSinks: Object.freeze([...config.alertSinks]),
    alertEmailTo: Object.freeze([...config.alertEmailTo]),
  });
}

function readConfigFile(path: string | undefined, cwd: string, problems: string[]): ConfigInput {
  if (path === undefined || path === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(resolve(cwd, path), 'utf8'));
  } catch (error) {
    problems.push(
      `${CONFIG_FILE_ENV}: cannot read '${path}' as JSON (${(error as Error).message})`,
    );
    return {};
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    problems.push(`${CONFIG_FILE_ENV}: '${path}' must hold a JSON object`);
    return {};
  }
  for (const key of Object.keys(parsed)) {
    if (!Object.hasOwn(ENV, key)) problems.push(`config file: unknown setting '${key}'`);
  }
  return parsed;
}

/** Secrets: a comma-separated string or an array of strings, each at least 16 characters. */
function secrets(given: { value: unknown; source: string } | undefined, problems: string[]) {
  if (given === undefined) return [];
  const list =
    typeof given.value === 'string'
      ? given.value.split(',').map((s) => s.trim())
      : Array.isArray(given.value)
        ? (given.value as unknown[])
        : undefined;
  if (!list || list.some((s) => typeof s !== 'string' || s.length < 16)) {
    // Never echo the value: it is a secret.
    problems.push(`${given.source} must be a list of secrets of at least 16 characters each`);
    return [];
  }
  return list as string[];
}

/**
 * A list: a comma-separated string or an array of strings, each passing `valid`. Undefined when
 * not given; problems name the setting, never the values.
 */
function list<T extends string>(
  given: { value: unknown; source: string } | undefined,
  problems: string[],
  what: string,
  valid: (item: string) => item is T,
): T[] | undefined;
function list(
  given: { value: unknown; source: string } | undefined,
  problems: string[],
  what: string,
  valid: (item: string) => boolean,
): string[] | undefined;
function list(
  given: { value: unknown; source: string } | undefined,
  problems: string[],
  what: string,
  valid: (item: string) => boolean,
): string[] | undefined {
  if (given === undefined) return undefined;
  const items =
    typeof given.value === 'string'
      ? given.value.split(',').map((s) => s.trim())
      : Array.isArray(given.value)
        ? (given.value as unknown[])
        : undefined;
  if (
    items === undefined ||
    items.length === 0 ||
    items.some((item) => typeof item !== 'string' || !valid(item))
  ) {
    problems.push(`${given.source} must be a comma-separated list of ${what}`);
    return undefined;
  }
  return items as string[];
}

/** A boolean: true or false, as JSON or as the text "true"/"false". */
function flag(
  given: { value: unknown; source: string } | undefined,
  fallback: boolean,
  problems: string[],
): boolean {
  if (given === undefined) return fallback;
  if (given.value === true || given.value === 'true') return true;
  if (given.value === false || given.value === 'false') return false;
  problems.push(`${given.source} must be true or false`);
  return fallback;
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/** A plain address (`ops@example.com`), as SMTP takes it: no display name, spaces or commas. */
function isEmailAddress(value: string): boolean {
  return /^[^\s@<>,;]+@[^\s@<>,;]+\.[^\s@<>,;]+$/.test(value);
}
