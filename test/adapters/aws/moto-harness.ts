/**
 * Starts moto's server (AWS service mocks, a Python tool) on 127.0.0.1 for the SNS and SQS
 * adapter tests, and says why when it cannot: the tests then skip with that reason shown.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

/** Why moto cannot run here, or undefined when it can. */
export function motoUnavailableReason(): string | undefined {
  const probe = spawnSync('python3', ['-c', 'import moto.server, flask, flask_cors'], {
    encoding: 'utf8',
  });
  if (probe.error) return `python3 not found (${probe.error.message})`;
  if (probe.status !== 0)
    return `moto server not importable: ${probe.stderr.trim().split('\n').pop() ?? ''}`;
  return undefined;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface MotoServer {
  readonly endpoint: string;
  close(): Promise<void>;
}

/** Starts moto and resolves once it reports that it is serving. */
export async function startMoto(): Promise<MotoServer> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    'python3',
    ['-c', 'from moto.server import main; main()', '-H', '127.0.0.1', '-p', String(port)],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  await new Promise<void>((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (output.includes('Running on')) resolve();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`moto exited with ${code}: ${output}`)));
  });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
