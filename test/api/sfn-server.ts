/**
 * A local engine behind the Step Functions endpoint on loopback, and an official AWS SDK client
 * pointed at it: what a test needs to drive paystep exactly as an AWS user would.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SFNClient } from '@aws-sdk/client-sfn';
import { createSfnListener } from '../../src/api/sfn-endpoint.js';
import type { TaskResources } from '../../src/engine/resources.js';
import { createTestEngine } from '../engine/harness.js';
import type { TestEngine } from '../engine/harness.js';

export interface SfnServer {
  t: TestEngine;
  client: SFNClient;
  endpoint: string;
  close(): Promise<void>;
}

/** Starts an engine on a temporary SQLite file and the endpoint on 127.0.0.1, port 0. */
export async function startSfnServer(resources: Partial<TaskResources> = {}): Promise<SfnServer> {
  const t = createTestEngine(resources);
  const server = createServer(createSfnListener(t.control));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new SFNClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
    maxAttempts: 1,
  });
  return {
    t,
    client,
    endpoint,
    async close() {
      client.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
      await t.close();
    },
  };
}
