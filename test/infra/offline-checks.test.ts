import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { App, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PaymentFunction } from '../../infra/constructs/payment-function.js';
import { edgeFunctions, taskFunctions } from '../../infra/function-catalog.js';
import { namer } from '../../infra/naming.js';
import {
  substitute,
  withExecutionTimeout,
  loadWorkflowDefinition,
} from '../../infra/workflow-definition.js';
import { DEFINITION_PATH, synthesize } from './synth.js';
import type { Synthesized } from './synth.js';

type AslValidator = (definition: unknown) => {
  isValid: boolean;
  errorsText: (sep?: string) => string;
};
const validator = createRequire(import.meta.url)('asl-validator') as
  AslValidator | { default: AslValidator };
const validate: AslValidator = typeof validator === 'function' ? validator : validator.default;

let dev: Synthesized;
let outDir: string;
beforeAll(() => {
  dev = synthesize();
  outDir = mkdtempSync(join(tmpdir(), 'paystep-synth-'));
});
afterAll(() => {
  rmSync(outDir, { recursive: true, force: true });
});

describe('the definition the stack deploys', () => {
  it('passes asl-validator once every placeholder is substituted', () => {
    const definition = withExecutionTimeout(loadWorkflowDefinition(DEFINITION_PATH), 3600);
    const values = Object.fromEntries(
      definition.substitutions.map((name) => [
        name,
        name.endsWith('FunctionArn')
          ? `arn:aws:lambda:us-east-1:123456789012:function:lambda-${name}-dev`
          : 'arn:aws:sns:us-east-1:123456789012:sns-payment-alerts-dev',
      ]),
    );
    const result = validate(JSON.parse(substitute(definition.text, values)));
    expect(result.errorsText('\n')).toBe('');
    expect(result.isValid).toBe(true);
  });
});

const cfnLint = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8' });
const cfnLintMissing = cfnLint.error !== undefined || cfnLint.status !== 0;
if (cfnLintMissing) console.warn('SKIPPED cfn-lint check: cfn-lint is not installed');

describe.skipIf(cfnLintMissing)('cfn-lint', () => {
  it('finds no error in the synthesized template', () => {
    const file = join(outDir, 'template.json');
    writeFileSync(file, JSON.stringify(dev.template.toJSON()));
    // Errors only (E*): warnings and informational rules are advice, not defects.
    const run = spawnSync(
      'cfn-lint',
      ['--format', 'parseable', '--include-checks', 'E', '--', file],
      {
        encoding: 'utf8',
      },
    );
    const errors = run.stdout
      .split('\n')
      .filter((line) => /:E\d{4}:/.test(line) || /\bE\d{4}\b/.test(line));
    expect(errors).toEqual([]);
  });
});

describe('bundling', () => {
  it.each(['RecordTransaction', 'PaymentApi', 'WebhookReceiver', 'WebhookProcessor'])(
    'bundles the %s entry point with the local esbuild into an ESM file without SQLite',
    (key) => {
      const app = new App({ outdir: join(outDir, `bundle-${key}`) });
      const stack = new Stack(app, 'BundleTest', {
        env: { region: 'us-east-1', account: '123456789012' },
      });
      const keyForEncryption = new kms.Key(stack, 'Key');
      const spec = [...taskFunctions, ...edgeFunctions].find((t) => t.key === key);
      if (spec === undefined) throw new Error(`catalog lacks ${key}`);
      new PaymentFunction(stack, 'Fn', {
        spec,
        name: namer({ environment: 'test' }),
        memoryMb: 256,
        timeoutSeconds: 300,
        reservedConcurrency: 1,
        logRetentionDays: 1,
        removalPolicy: stack.resolve(undefined) as never,
        dataKey: keyForEncryption,
        messagingKey: keyForEncryption,
        logsKey: keyForEncryption,
        environment: {},
      });
      const assembly = app.synth();
      const assets = readdirSync(assembly.directory).filter((d) => d.startsWith('asset.'));
      expect(assets.length).toBeGreaterThan(0);
      const bundle = join(assembly.directory, assets[0] as string, 'index.mjs');
      expect(existsSync(bundle)).toBe(true);
      // The local engine's SQLite is a native module: it must never reach a Lambda bundle.
      expect(readFileSync(bundle, 'utf8')).not.toMatch(/better-sqlite3|better_sqlite3/);
      bundles.set(key, bundle);
    },
  );

  it.each([
    ['PaymentApi', { httpMethod: 'GET', resource: '/nowhere', path: '/nowhere' }, 404],
    [
      'WebhookReceiver',
      {
        httpMethod: 'POST',
        resource: '/webhooks/payment',
        headers: { 'content-type': 'text/plain' },
      },
      415,
    ],
  ])(
    'loads the %s bundle and answers a request that needs no AWS call',
    async (key, event, status) => {
      const bundle = bundles.get(key);
      if (bundle === undefined) throw new Error(`${key} was not bundled`);
      Object.assign(process.env, BUNDLE_ENV);
      const module = (await import(pathToFileURL(bundle).href)) as {
        handler: (event: unknown, context: unknown) => Promise<{ statusCode: number }>;
      };
      const response = await module.handler(
        {
          path: event.resource,
          body: null,
          isBase64Encoded: false,
          requestContext: { identity: {} },
          ...event,
        },
        { functionName: key, awsRequestId: 'r' },
      );
      expect(response.statusCode).toBe(status);
    },
  );

  it('loads the WebhookProcessor bundle and answers an empty batch with no failures', async () => {
    const bundle = bundles.get('WebhookProcessor');
    if (bundle === undefined) throw new Error('WebhookProcessor was not bundled');
    Object.assign(process.env, BUNDLE_ENV);
    const module = (await import(pathToFileURL(bundle).href)) as {
      handler: (event: unknown, context: unknown) => Promise<unknown>;
    };
    expect(await module.handler({ Records: [] }, { functionName: 'p', awsRequestId: 'r' })).toEqual(
      {
        batchItemFailures: [],
      },
    );
  });
});

/** Bundle files by function key, filled by the bundling tests. */
const bundles = new Map<string, string>();

/** What the stack sets, with values that are never called in the load tests. */
const BUNDLE_ENV = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  POWERTOOLS_METRICS_DISABLED: 'true',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  POWERTOOLS_TRACE_ENABLED: 'false',
  TRANSACTIONS_TABLE: 'dynamodb-transactions-test',
  AUDIT_TABLE: 'dynamodb-audit-test',
  IDEMPOTENCY_TABLE: 'dynamodb-idempotency-test',
  CUSTOMER_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:sns-customer-notifications-test',
  WEBHOOK_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/sqs-payment-webhooks-test',
  WEBHOOK_DLQ_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/sqs-payment-webhooks-dlq-test',
  WEBHOOK_SECRET_ARN:
    'arn:aws:secretsmanager:us-east-1:123456789012:secret:secret-webhook-signing-test',
  STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:123456789012:stateMachine:sfn-payment-workflow-test',
  ARCHIVE_BUCKET: 's3-transaction-archive-test',
};
