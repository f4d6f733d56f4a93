import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { backup, cost } from '../../src/cli/tool-commands.js';
import { parseArgs } from '../../src/cli/args.js';
import { migrate, openDatabase } from '../../src/sqlite/database.js';
import { HttpGateway } from '../../src/adapters/gateway/http-gateway.js';

const dir = mkdtempSync(join(tmpdir(), 'paystep-tools-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    io: { stdout: (l: string) => out.push(l), stderr: (l: string) => err.push(l) },
  };
}

describe('operational commands', () => {
  it('backs up a live store to a new file and refuses to overwrite one', async () => {
    const store = join(dir, 'paystep.db');
    const db = openDatabase(store);
    migrate(db, 'notes', ['CREATE TABLE notes (text TEXT)']);
    db.prepare('INSERT INTO notes VALUES (?)').run('kept');
    const copy = join(dir, 'backup.db');
    const { io: streams } = io();
    expect(await backup(parseArgs([copy, '--db', store]), streams)).toBe(0);
    db.close();
    const restored = openDatabase(copy);
    expect(restored.prepare('SELECT text FROM notes').all()).toEqual([{ text: 'kept' }]);
    restored.close();
    await expect(backup(parseArgs([copy, '--db', store]), streams)).rejects.toThrow(
      /refusing to overwrite/,
    );
  });

  it('estimates the monthly AWS cost and prints it as JSON last', () => {
    const { out, io: streams } = io();
    expect(cost(parseArgs(['--payments-per-day', '2000']), streams)).toBe(0);
    const estimate = JSON.parse(out[out.length - 1] as string) as {
      totalUsd: number;
      paymentsPerMonth: number;
    };
    expect(estimate.paymentsPerMonth).toBe(60_000);
    expect(estimate.totalUsd).toBeGreaterThan(0);
    expect(() => cost(parseArgs(['--payments-per-day', '-1']), streams)).toThrow(
      /positive integer/,
    );
  });

  it('serves the simulated gateway over HTTP for the HTTP client', async () => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '-e',
        "import('./src/cli/tool-commands.ts').then(m => m.gatewaySim({ positionals: [], options: new Map([['port', '0']]) }, { stdout: console.log, stderr: console.error }))",
      ],
      { cwd: join(import.meta.dirname, '..', '..'), stdio: ['ignore', 'ignore', 'pipe'] },
    );
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let text = '';
        child.stderr.on('data', (chunk: Buffer) => {
          text += chunk.toString();
          const match = /on (http:\/\/\S+)/.exec(text);
          if (match) resolve(match[1] as string);
        });
        child.once('exit', () => reject(new Error(`gateway-sim exited: ${text}`)));
      });
      const gateway = new HttpGateway({ baseUrl: url });
      const request = {
        idempotencyKey: 'TXN-CLI-1',
        amount: { amount_minor: 1050, currency: 'USD' },
        paymentMethodToken: 'tok_visa',
        customerId: 'CUST-1',
        merchantId: 'MERCH-1',
      };
      const first = await gateway.charge(request);
      const again = await gateway.charge(request);
      expect(first.status).toBe('succeeded');
      expect(again).toEqual(first);
    } finally {
      child.kill('SIGTERM');
    }
  });
});
