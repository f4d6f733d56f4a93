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
}

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
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze({ ...config, webhookSecrets: Object.freeze([...config.webhookSecrets]) });
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
