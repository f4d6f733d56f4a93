import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PaymentFunction } from '../../infra/constructs/payment-function.js';
import { taskFunctions } from '../../infra/function-catalog.js';
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
  it('bundles a task entry point with the local esbuild into an ESM file', () => {
    const app = new App({ outdir: join(outDir, 'bundle') });
    const stack = new Stack(app, 'BundleTest', {
      env: { region: 'us-east-1', account: '123456789012' },
    });
    const key = new kms.Key(stack, 'Key');
    const spec = taskFunctions.find((t) => t.key === 'RecordTransaction');
    if (spec === undefined) throw new Error('catalog lacks RecordTransaction');
    new PaymentFunction(stack, 'Fn', {
      spec,
      name: namer({ environment: 'test' }),
      memoryMb: 256,
      timeoutSeconds: 300,
      reservedConcurrency: 1,
      logRetentionDays: 1,
      removalPolicy: stack.resolve(undefined) as never,
      dataKey: key,
      messagingKey: key,
      logsKey: key,
      environment: {},
    });
    const assembly = app.synth();
    const assets = readdirSync(assembly.directory).filter((d) => d.startsWith('asset.'));
    expect(assets.length).toBeGreaterThan(0);
    const bundle = join(assembly.directory, assets[0] as string, 'index.mjs');
    expect(existsSync(bundle)).toBe(true);
  });
});
