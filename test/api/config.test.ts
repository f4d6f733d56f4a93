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
      alertSinks: ['log'],
      alertWebhookUrl: undefined,
      alertSmtpHost: undefined,
      alertSmtpPort: 587,
      alertSmtpSecure: false,
      alertSmtpUser: undefined,
      alertSmtpPassword: undefined,
      alertEmailFrom: undefined,
      alertEmailTo: [],
      alertMaxAttempts: 5,
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

  describe('alert sinks', () => {
    const webhookUrl = 'https://hooks.slack.example/services/T000/B000/XXXXSECRETXXXX';

    it.each([
      { name: 'nothing configured', env: {}, sinks: ['log'] },
      {
        name: 'a webhook URL',
        env: { PAYSTEP_ALERT_WEBHOOK_URL: webhookUrl },
        sinks: ['log', 'webhook'],
      },
      {
        name: 'an SMTP server with sender and recipients',
        env: {
          PAYSTEP_ALERT_SMTP_HOST: 'smtp.example.com',
          PAYSTEP_ALERT_EMAIL_FROM: 'paystep@example.com',
          PAYSTEP_ALERT_EMAIL_TO: 'ops@example.com, oncall@example.com',
        },
        sinks: ['log', 'email'],
      },
      {
        name: 'an explicit list, which wins over what is configured',
        env: { PAYSTEP_ALERT_SINKS: 'webhook', PAYSTEP_ALERT_WEBHOOK_URL: webhookUrl },
        sinks: ['webhook'],
      },
    ])('chooses the sinks from $name', ({ env, sinks }) => {
      expect(loadConfig({ env, cwd: dir }).alertSinks).toEqual(sinks);
    });

    it('reads the email settings from the config file', () => {
      const file = join(dir, 'paystep.json');
      writeFileSync(
        file,
        JSON.stringify({
          alertSinks: ['email'],
          alertSmtpHost: 'smtp.example.com',
          alertSmtpPort: 465,
          alertSmtpSecure: true,
          alertSmtpUser: 'paystep',
          alertSmtpPassword: 'smtp-password-1',
          alertEmailFrom: 'paystep@example.com',
          alertEmailTo: ['ops@example.com'],
          alertMaxAttempts: 8,
        }),
      );
      expect(loadConfig({ cwd: dir, env: { PAYSTEP_CONFIG: file } })).toMatchObject({
        alertSinks: ['email'],
        alertSmtpHost: 'smtp.example.com',
        alertSmtpPort: 465,
        alertSmtpSecure: true,
        alertSmtpUser: 'paystep',
        alertSmtpPassword: 'smtp-password-1',
        alertEmailFrom: 'paystep@example.com',
        alertEmailTo: ['ops@example.com'],
        alertMaxAttempts: 8,
      });
    });

    it.each([
      {
        env: { PAYSTEP_ALERT_SINKS: 'log,pager' },
        problem:
          'PAYSTEP_ALERT_SINKS must be a comma-separated list of sink names (log, webhook, email)',
      },
      {
        env: { PAYSTEP_ALERT_SINKS: 'webhook' },
        problem: 'the webhook alert sink needs PAYSTEP_ALERT_WEBHOOK_URL',
      },
      {
        env: { PAYSTEP_ALERT_SINKS: 'email', PAYSTEP_ALERT_SMTP_HOST: 'smtp.example.com' },
        problem: 'the email alert sink needs PAYSTEP_ALERT_EMAIL_FROM, PAYSTEP_ALERT_EMAIL_TO',
      },
      {
        env: { PAYSTEP_ALERT_WEBHOOK_URL: 'ftp://files.example.com/hook' },
        problem: 'PAYSTEP_ALERT_WEBHOOK_URL must be an http or https URL',
      },
      {
        env: { PAYSTEP_ALERT_EMAIL_TO: 'ops@example.com, not an address' },
        problem: 'PAYSTEP_ALERT_EMAIL_TO must be a comma-separated list of email addresses',
      },
      {
        env: { PAYSTEP_ALERT_EMAIL_FROM: 'paystep' },
        problem: 'PAYSTEP_ALERT_EMAIL_FROM must be an email address',
      },
      {
        env: { PAYSTEP_ALERT_SMTP_PORT: '0' },
        problem: 'PAYSTEP_ALERT_SMTP_PORT must be a whole number from 1 to 65535',
      },
      {
        env: { PAYSTEP_ALERT_SMTP_SECURE: 'yes' },
        problem: 'PAYSTEP_ALERT_SMTP_SECURE must be true or false',
      },
      {
        env: { PAYSTEP_ALERT_SMTP_PASSWORD: 'smtp-password-1' },
        problem: 'PAYSTEP_ALERT_SMTP_PASSWORD is set but PAYSTEP_ALERT_SMTP_USER is not',
      },
      {
        env: { PAYSTEP_ALERT_MAX_ATTEMPTS: '0' },
        problem: 'PAYSTEP_ALERT_MAX_ATTEMPTS must be a whole number from 1 to 20',
      },
    ])('refuses $env with a message naming the setting', ({ env, problem }) => {
      const problems = problemsOf(() => loadConfig({ env, cwd: dir }));
      expect(problems).toContain(problem);
    });

    it('never repeats the webhook URL or the SMTP password in its error', () => {
      const secretUrl = 'hooks.slack.example/services/T000/B000/XXXXSECRETXXXX';
      const password = 'smtp-password-1';
      const problems = problemsOf(() =>
        loadConfig({
          cwd: dir,
          env: { PAYSTEP_ALERT_WEBHOOK_URL: secretUrl, PAYSTEP_ALERT_SMTP_PASSWORD: password },
        }),
      ).join('\n');
      expect(problems).toContain('PAYSTEP_ALERT_WEBHOOK_URL');
      expect(problems).not.toContain('XXXXSECRETXXXX');
      expect(problems).not.toContain(password);
    });
  });
});
