/**
 * SecretsManagerSigningSecrets: the webhook signing secrets from AWS Secrets Manager, cached for a
 * while so a busy receiver does not call Secrets Manager per request, and re-read when the cache
 * expires so a rotation takes effect without a redeploy. Both the current version (AWSCURRENT)
 * and, while one exists, the previous one (AWSPREVIOUS) are accepted, newest first: during a
 * rotation the provider may still sign with the old secret for a while. Secret values are never
 * logged or put in an error message.
 */
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';

export interface SigningSecretsOptions {
  readonly client: SecretsManagerClient;
  /** ARN or name of the secret. */
  readonly secretId: string;
  /** Epoch ms. */
  readonly now: () => number;
  /** How long a read is reused. @default 300_000 (five minutes) */
  readonly ttlMs?: number;
  /**
   * The shortest time between two reads when a caller asks for fresh secrets (a signature that
   * matched none): bounds what unsigned requests can cost in Secrets Manager calls.
   * @default 30_000
   */
  readonly minRefreshMs?: number;
}

/** AWS: the staging labels Secrets Manager gives the current and the previous version. */
const STAGES = ['AWSCURRENT', 'AWSPREVIOUS'] as const;

export class SecretsManagerSigningSecrets {
  readonly #options: SigningSecretsOptions;
  #cached: { secrets: readonly string[]; readAt: number } | undefined;
  #reading: Promise<readonly string[]> | undefined;

  constructor(options: SigningSecretsOptions) {
    this.#options = options;
  }

  /**
   * The secrets accepted now, newest first.
   *
   * @param fresh - read again unless the cache is younger than `minRefreshMs` (after a
   *   signature matched none of the cached secrets: the secret may just have rotated)
   */
  async current(options: { fresh?: boolean } = {}): Promise<readonly string[]> {
    const now = this.#options.now();
    const cached = this.#cached;
    const age = cached === undefined ? Infinity : now - cached.readAt;
    const maxAge =
      options.fresh === true
        ? (this.#options.minRefreshMs ?? 30_000)
        : (this.#options.ttlMs ?? 300_000);
    if (cached !== undefined && age < maxAge) return cached.secrets;
    // Concurrent callers share one read.
    this.#reading ??= this.#read(now).finally(() => {
      this.#reading = undefined;
    });
    return this.#reading;
  }

  async #read(now: number): Promise<readonly string[]> {
    const secrets: string[] = [];
    for (const stage of STAGES) {
      try {
        const out = await this.#options.client.send(
          new GetSecretValueCommand({ SecretId: this.#options.secretId, VersionStage: stage }),
        );
        if (out.SecretString !== undefined && out.SecretString !== '') {
          if (!secrets.includes(out.SecretString)) secrets.push(out.SecretString);
        }
      } catch (error) {
        // AWS: a secret never rotated has no AWSPREVIOUS version: ResourceNotFoundException.
        const absent = (error as { name?: unknown }).name === 'ResourceNotFoundException';
        if (!(stage === 'AWSPREVIOUS' && absent)) throw error;
      }
    }
    if (secrets.length === 0) throw new Error('The webhook signing secret has no value');
    this.#cached = { secrets, readAt: now };
    return secrets;
  }
}
