/**
 * Resource names for the paystep stack: `{resource-type}-{purpose}-{environment}`, plus an optional
 * suffix for side-by-side deployments (a pull request, a developer). Names are deterministic, never
 * random, so integration tests and operators can find a resource by its name alone.
 */

/** What every name is built from. */
export interface NameParts {
  /** Deployment environment, e.g. `dev`, `staging`, `prod`. */
  readonly environment: string;
  /** Optional isolation suffix appended after the environment, e.g. `pr42`. */
  readonly suffix?: string | undefined;
}

/**
 * Builds a resource name.
 *
 * @example
 * resourceName('lambda', 'payment-validation', { environment: 'dev' }) // 'lambda-payment-validation-dev'
 * resourceName('sfn', 'payment-workflow', { environment: 'dev', suffix: 'pr7' }) // 'sfn-payment-workflow-dev-pr7'
 */
export function resourceName(type: string, purpose: string, parts: NameParts): string {
  const tail = parts.suffix ? `${parts.environment}-${parts.suffix}` : parts.environment;
  return `${type}-${purpose}-${tail}`;
}

/** A naming function bound to one environment and suffix. */
export type Namer = (type: string, purpose: string) => string;

/** Returns a {@link Namer} bound to the given environment and suffix. */
export function namer(parts: NameParts): Namer {
  return (type, purpose) => resourceName(type, purpose, parts);
}
