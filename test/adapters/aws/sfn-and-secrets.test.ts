import {
  CreateSecretCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { CreateStateMachineCommand, SFNClient } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecretsManagerSigningSecrets } from '../../../src/adapters/aws/secrets-manager-signing-secrets.js';
import { SfnWorkflowControl } from '../../../src/adapters/aws/sfn-workflow-control.js';
import { motoUnavailableReason, startMoto } from './moto-harness.js';
import type { MotoServer } from './moto-harness.js';

const unavailable = motoUnavailableReason();
if (unavailable !== undefined) console.warn(`SKIPPED Step Functions/Secrets tests: ${unavailable}`);

describe('SfnWorkflowControl', () => {
  it('names executions after the state machine ARN, in its partition and region', () => {
    const control = new SfnWorkflowControl({
      client: new SFNClient({ region: 'eu-west-1' }),
      stateMachineArn:
        'arn:aws-cn:states:cn-north-1:123456789012:stateMachine:sfn-payment-workflow-prod',
    });
    expect(control.engine.arn.execution('sfn-payment-workflow-prod', 'pay-1')).toBe(
      'arn:aws-cn:states:cn-north-1:123456789012:execution:sfn-payment-workflow-prod:pay-1',
    );
  });

  it('refuses an ARN that is not a state machine', () => {
    expect(
      () =>
        new SfnWorkflowControl({
          client: new SFNClient({ region: 'us-east-1' }),
          stateMachineArn: 'arn:aws:lambda:us-east-1:123456789012:function:x',
        }),
    ).toThrow('Not a state machine ARN');
  });
});

describe.skipIf(unavailable !== undefined)('against moto', () => {
  let moto: MotoServer;
  let sfn: SFNClient;
  let secrets: SecretsManagerClient;
  let stateMachineArn: string;
  const config = (endpoint: string) => ({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });

  beforeAll(async () => {
    moto = await startMoto();
    sfn = new SFNClient(config(moto.endpoint));
    secrets = new SecretsManagerClient(config(moto.endpoint));
    const machine = await sfn.send(
      new CreateStateMachineCommand({
        name: 'sfn-payment-workflow-test',
        definition: JSON.stringify({ StartAt: 'A', States: { A: { Type: 'Pass', End: true } } }),
        roleArn: 'arn:aws:iam::123456789012:role/sfn',
      }),
    );
    stateMachineArn = machine.stateMachineArn ?? '';
  });
  afterAll(async () => {
    sfn?.destroy();
    secrets?.destroy();
    await moto?.close();
  });

  it('starts an execution named by the payment and reports it as created once', async () => {
    let now = Date.now();
    const control = new SfnWorkflowControl({ client: sfn, stateMachineArn, now: () => now });
    const request = { stateMachineArn, name: 'pay-1', input: '{"a":1}' };
    const first = await control.engine.startExecution(request);
    expect(first).toEqual({
      executionArn: control.engine.arn.execution('sfn-payment-workflow-test', 'pay-1'),
      created: true,
    });
    now += 60_000; // a retry a minute later finds the running execution
    expect(await control.engine.startExecution(request)).toEqual({ ...first, created: false });
  });

  it('throws Step Functions errors with their AWS name as code', async () => {
    const control = new SfnWorkflowControl({ client: sfn, stateMachineArn });
    await control.engine.startExecution({ stateMachineArn, name: 'pay-2', input: '{"a":1}' });
    await expect(
      control.engine.startExecution({ stateMachineArn, name: 'pay-2', input: '{"a":2}' }),
    ).rejects.toMatchObject({ code: 'ExecutionAlreadyExists' });
    await expect(
      control.describeExecution(control.engine.arn.execution('sfn-payment-workflow-test', 'none')),
    ).rejects.toMatchObject({ code: 'ExecutionDoesNotExist' });
  });

  it('describes an execution in the local engine shape', async () => {
    const control = new SfnWorkflowControl({ client: sfn, stateMachineArn });
    const { executionArn } = await control.engine.startExecution({
      stateMachineArn,
      name: 'pay-3',
      input: '{"b":2}',
    });
    const described = await control.describeExecution(executionArn);
    expect(described).toMatchObject({ executionArn, name: 'pay-3', input: '{"b":2}' });
    expect(typeof described.startDate).toBe('number');
    expect(Array.isArray(await control.history(executionArn))).toBe(true);
  });

  it('reads the current secret once per TTL, and the new one after it', async () => {
    const created = await secrets.send(
      new CreateSecretCommand({ Name: 'secret-webhook-signing-ttl', SecretString: 'one' }),
    );
    let now = 0;
    const signing = new SecretsManagerSigningSecrets({
      client: secrets,
      secretId: created.ARN ?? '',
      now: () => now,
      ttlMs: 300_000,
    });
    expect(await signing.current()).toEqual(['one']);
    await secrets.send(
      new PutSecretValueCommand({ SecretId: created.ARN ?? '', SecretString: 'two' }),
    );
    now = 299_000;
    expect(await signing.current()).toEqual(['one']);
    now = 300_000;
    expect(await signing.current()).toEqual(['two', 'one']);
  });

  it('re-reads on demand no more often than the refresh floor', async () => {
    const created = await secrets.send(
      new CreateSecretCommand({ Name: 'secret-webhook-signing-floor', SecretString: 'one' }),
    );
    let now = 0;
    const signing = new SecretsManagerSigningSecrets({
      client: secrets,
      secretId: created.ARN ?? '',
      now: () => now,
      minRefreshMs: 30_000,
    });
    await signing.current();
    await secrets.send(
      new PutSecretValueCommand({ SecretId: created.ARN ?? '', SecretString: 'two' }),
    );
    now = 10_000;
    expect(await signing.current({ fresh: true })).toEqual(['one']);
    now = 30_000;
    expect(await signing.current({ fresh: true })).toEqual(['two', 'one']);
  });
});
