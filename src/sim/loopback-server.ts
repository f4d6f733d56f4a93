/**
 * A real paystep server for the load and fuzz drivers: `createPaystep` on a fresh temporary data
 * directory (a real SQLite file), listening on 127.0.0.1 on a free port with the real clock, the
 * simulated gateway keeping its ledger in the same file, a known webhook secret, and an API key
 * of each scope. `close()` shuts it down gracefully and removes the directory.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../config.js';
import type { ConfigInput } from '../config.js';
import { createPaystep } from '../main.js';
import type { Paystep } from '../main.js';

export interface LoopbackServer {
  readonly paystep: Paystep;
  readonly url: string;
  readonly webhookSecret: string;
  readonly keys: { readonly submit: string; readonly read: string; readonly operate: string };
  close(): Promise<void>;
}

/**
 * Starts paystep on loopback. `config` overrides any setting (the data directory, port, host and
 * webhook secret are set here).
 * @example const server = await startLoopbackServer({ synchronous: 'NORMAL' });
 */
export async function startLoopbackServer(config: ConfigInput = {}): Promise<LoopbackServer> {
  const dir = mkdtempSync(join(tmpdir(), 'paystep-loopback-'));
  const webhookSecret = `whsec_${randomBytes(24).toString('base64url')}`;
  const announced: string[] = [];
  let paystep: Paystep | undefined;
  try {
    paystep = await createPaystep(
      loadConfig({
        env: {},
        cwd: dir,
        overrides: {
          logLevel: 'silent',
          sfnPort: -1,
          ...config,
          dataDir: dir,
          host: '127.0.0.1',
          port: 0,
          webhookSecrets: [webhookSecret],
        },
      }),
      { announce: (lines) => announced.push(...lines) },
    );
    // The operator key is shown once, on first start; keys of the other scopes are made here.
    const operate = /ps_ops_[A-Za-z0-9_-]{43}/.exec(announced.join('\n'))?.[0];
    if (operate === undefined) throw new Error('paystep announced no operator key');
    const submit = (await paystep.apiKeys.create({ name: 'load-submit', scope: 'submit' })).key;
    const read = (await paystep.apiKeys.create({ name: 'load-read', scope: 'read' })).key;
    const { url } = await paystep.start();
    const running = paystep;
    return {
      paystep: running,
      url,
      webhookSecret,
      keys: { submit, read, operate },
      async close() {
        try {
          await running.close();
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      },
    };
  } catch (error) {
    await paystep?.close();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
