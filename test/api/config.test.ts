/** The configuration loader (src/config.ts), tested beside the API it configures. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'paystep-config-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function problemsOf(action: () => unknown): readonly string[] {
  try {
    action();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('works with no configuration at all: data under ./data, loopback, fsync on commit', () => {
    const config = loadConfig({ env: {}, cwd: dir });
    expect(config).toEqual({
      dataDir: join(dir, 'data'),
      dbFile: join(dir, 'data', 'paystep.db'),
      host: '127.0.0.1',
      port: 8080,
      sfnPort: 8083,
      bodyLimitBytes: 65_536,
      rateLimitPerSecond: 10_000,
      rateLimitBurst: 10_000,
      webhookSecrets: [],
      webhookToleranceSeconds: 300,
      queueVisibilitySeconds: 300,
      queueMaxReceiveCount: 5,
      synchronous: 'FULL',
      logLevel: 'info',
      gatewayDeclineRate: 0,
    });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.webhookSecrets)).toBe(true);
  });

  it('takes overrides over the environment over the config file', () => {
    const file = join(dir, 'paystep.json');
    writeFileSync(file, JSON.stringify({ port: 9000, host: '0.0.0.0', logLevel: 'debug' }));
    const config = loadConfig({
      cwd: dir,
      env: {
        PAYSTEP_CONFIG: file,
        PAYSTEP_PORT: '9100',
        PAYSTEP_WEBHOOK_SECRETS: 'a'.repeat(16) + ',' + 'b'.repeat(16),
      },
      overrides: { port: 9200 },
    });
    expect(config).toMatchObject({
      port: 9200,
      host: '0.0.0.0',
      logLevel: 'debug',
      webhookSecrets: ['a'.repeat(16), 'b'.repeat(16)],
    });
  });

  it.each([
    {
      env: { PAYSTEP_PORT: 'eighty' },
      problem: 'PAYSTEP_PORT must be a whole number from 0 to 65535',
    },
    {
      env: { PAYSTEP_PORT: '70000' },
      problem: 'PAYSTEP_PORT must be a whole number from 0 to 65535',
    },
    {
      env: { PAYSTEP_RATE_LIMIT_RPS: '0' },
      problem: 'PAYSTEP_RATE_LIMIT_RPS must be a whole number from 1 to 10000000',
    },
    {
      env: { PAYSTEP_SYNCHRONOUS: 'SOMETIMES' },
      problem: 'PAYSTEP_SYNCHRONOUS must be one of FULL, NORMAL, OFF',
    },
    {
      env: { PAYSTEP_GATEWAY_DECLINE_RATE: '2' },
      problem: 'PAYSTEP_GATEWAY_DECLINE_RATE must be a number from 0 to 1',
    },
    {
      env: { PAYSTEP_CONFIG: 'missing.json' },
      problem: "PAYSTEP_CONFIG: cannot read 'missing.json' as JSON",
    },
  ])('refuses $env with a message naming the setting', ({ env, problem }) => {
    const problems = problemsOf(() => loadConfig({ env, cwd: dir }));
    expect(problems.join('\n')).toContain(problem);
  });

  it('lists every problem at once, and unknown settings in the file', () => {
    const file = join(dir, 'paystep.json');
    writeFileSync(file, JSON.stringify({ prot: 1, bodyLimitBytes: 10 }));
    const problems = problemsOf(() =>
      loadConfig({ cwd: dir, env: { PAYSTEP_CONFIG: file, PAYSTEP_PORT: '-1' } }),
    );
    expect(problems).toHaveLength(3);
    expect(problems.join('\n')).toContain("unknown setting 'prot'");
  });

  it('never repeats a secret in its error', () => {
    const secret = 'short-secret';
    const error = (() => {
      try {
        loadConfig({ cwd: dir, env: { PAYSTEP_WEBHOOK_SECRETS: secret } });
      } catch (caught) {
        return caught as Error;
      }
      return undefined;
    })();
    expect(error?.message).toContain('PAYSTEP_WEBHOOK_SECRETS');
    expect(error?.message).not.toContain(secret);
  });
});
