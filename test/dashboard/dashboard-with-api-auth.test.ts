/**
 * The dashboard behind the HTTP API's own authentication: real API keys and the API's onRequest
 * hook, which reads each dashboard route's `config.access`, and an `authorize` hook that names
 * the caller from the key the API authenticated. This is how the API registers the plugin.
 */
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteApiKeys } from '../../src/adapters/sqlite/sqlite-api-keys.js';
import { ApiKeys } from '../../src/api/api-keys.js';
import { callerOf, installAuth } from '../../src/api/auth.js';
import { dashboardPlugin } from '../../src/api/dashboard/dashboard-plugin.js';
import { sendProblem } from '../../src/api/problem.js';
import { RateLimiter } from '../../src/api/rate-limiter.js';
import { createTestEngine } from '../engine/harness.js';
import type { TestEngine } from '../engine/harness.js';

describe('dashboard behind the API authentication', () => {
  let engine: TestEngine;
  let app: FastifyInstance;
  let readKey: string;
  let operateKey: string;
  const audited: string[] = [];

  beforeAll(async () => {
    engine = createTestEngine({ handlers: { park: () => ({}) } });
    const apiKeys = new ApiKeys({ store: new SqliteApiKeys(engine.db), clock: engine.clock });
    readKey = (await apiKeys.create({ name: 'support desk', scope: 'read' })).key;
    operateKey = (await apiKeys.create({ name: 'ops on call', scope: 'operate' })).key;
    app = Fastify();
    app.setErrorHandler((error, request, reply) => sendProblem(error, request, reply));
    installAuth(app, {
      apiKeys,
      rateLimiter: new RateLimiter({ perSecond: 1000, now: () => engine.clock.now() }),
    });
    await app.register(dashboardPlugin, {
      control: engine.control,
      engine: engine.engine,
      // The API hook has already checked the key's scope against the route's access.
      authorize: (request) => `key:${callerOf(request).name}`,
      audit: (action, details) => {
        audited.push(
          `${action} by ${JSON.stringify(details.actor)}: ${JSON.stringify(details.outcome)}`,
        );
      },
    });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await engine.close();
  });

  const call = (method: 'GET' | 'POST', url: string, key?: string) =>
    app.inject({
      method,
      url,
      headers: key === undefined ? {} : { authorization: `Bearer ${key}` },
      ...(method === 'POST' ? { payload: { confirm: true } } : {}),
    });

  it.each([
    { name: 'the page, without a key', method: 'GET' as const, url: '/', key: 'none', status: 200 },
    {
      name: 'the overview, without a key',
      method: 'GET' as const,
      url: '/dashboard/api/overview',
      key: 'none',
      status: 401,
    },
    {
      name: 'the overview, with a read key',
      method: 'GET' as const,
      url: '/dashboard/api/overview',
      key: 'read',
      status: 200,
    },
    {
      name: 'replaying dead letters, which is not offered without a queue',
      method: 'POST' as const,
      url: '/dashboard/api/dead-letters/replay',
      key: 'operate',
      status: 404,
    },
  ])('answers $name with $status', async ({ method, url, key, status }) => {
    const presented = key === 'read' ? readKey : key === 'operate' ? operateKey : undefined;
    expect((await call(method, url, presented)).statusCode).toBe(status);
  });

  it('refuses a stop to a read key before the plugin runs, and lets an operate key stop', async () => {
    const { stateMachineArn } = engine.control.createStateMachine({
      name: 'WaitsForCallback',
      definition: JSON.stringify({
        StartAt: 'WaitForCallback',
        States: {
          // No timeout: it waits until someone answers or stops it, whatever the virtual clock does.
          WaitForCallback: {
            Type: 'Task',
            Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
            Parameters: { FunctionName: 'park', Payload: { 'token.$': '$$.Task.Token' } },
            End: true,
          },
        },
      }),
    });
    const { executionArn } = await engine.control.startExecution({ stateMachineArn });
    const url = `/dashboard/api/execution/stop?arn=${encodeURIComponent(executionArn)}`;
    const refused = await call('POST', url, readKey);
    expect(refused.statusCode).toBe(403);
    expect(audited).toEqual([]);
    expect((await call('POST', url, operateKey)).statusCode).toBe(200);
    expect(engine.control.describeExecution(executionArn).status).toBe('ABORTED');
    expect(audited).toEqual(['dashboard.execution.stop by "key:ops on call": "succeeded"']);
  });
});
