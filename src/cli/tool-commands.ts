/**
 * Operational commands: `paystep gateway-sim` (the simulated payment gateway over HTTP, so the
 * HTTP gateway client is exercised for real), `paystep backup` (a consistent online copy of the
 * store while paystep runs) and `paystep cost` (the monthly AWS bill of the CDK stack).
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { openDatabase, backupDatabase } from '../sqlite/database.js';
import { RealClock } from '../engine/clock.js';
import { SimulatedGateway } from '../adapters/gateway/simulated-gateway.js';
import { startGatewaySimServer } from '../adapters/gateway/gateway-sim-server.js';
import { estimateMonthlyCost } from '../adapters/aws/cost-estimate.js';
import type { Io } from './asl-commands.js';
import type { ParsedArgs } from './args.js';
import { numberOption, stringOption, UsageError } from './args.js';

function rate(args: ParsedArgs, name: string): number {
  const value = numberOption(args, name, 0);
  if (value < 0 || value > 1) throw new UsageError(`--${name} must be between 0 and 1`);
  return value;
}

/**
 * `paystep gateway-sim [--port 8090] [--host 127.0.0.1] [--seed 1] [--decline-rate 0]
 * [--transient-rate 0] [--timeout-rate 0] [--ledger <file.db>]`: serves until SIGINT/SIGTERM.
 */
export async function gatewaySim(args: ParsedArgs, io: Io): Promise<number> {
  const clock = new RealClock();
  const ledgerFile = stringOption(args, 'ledger');
  const db = ledgerFile ? openDatabase(ledgerFile) : undefined;
  const gateway = new SimulatedGateway({
    now: () => clock.now(),
    delay: (ms) => clock.sleep(ms),
    seed: numberOption(args, 'seed', 1),
    declineRate: rate(args, 'decline-rate'),
    transientErrorRate: rate(args, 'transient-rate'),
    timeoutRate: rate(args, 'timeout-rate'),
    timeoutMs: numberOption(args, 'timeout-ms', 30_000),
    ...(db ? { db } : {}),
  });
  const server = await startGatewaySimServer({
    gateway,
    port: numberOption(args, 'port', 8090),
    host: stringOption(args, 'host') ?? '127.0.0.1',
    ...(process.env.PAYSTEP_GATEWAY_API_KEY ? { apiKey: process.env.PAYSTEP_GATEWAY_API_KEY } : {}),
  });
  io.stderr(`paystep gateway-sim: simulated payment gateway on ${server.url}`);
  await new Promise<void>((done) => {
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  await server.close();
  db?.close();
  return 0;
}

/** `paystep backup <file> [--db <store>] [--data <dir>]`: an online, consistent copy. */
export async function backup(args: ParsedArgs, io: Io): Promise<number> {
  const destination = args.positionals[0];
  if (!destination) throw new UsageError('backup needs a destination file');
  const dataDir = resolve(stringOption(args, 'data') ?? process.env.PAYSTEP_DATA_DIR ?? 'data');
  const source = stringOption(args, 'db') ?? join(dataDir, 'paystep.db');
  if (!existsSync(source)) throw new UsageError(`no store at ${source}`);
  if (existsSync(destination))
    throw new UsageError(`${destination} exists; refusing to overwrite it`);
  const db = openDatabase(source);
  try {
    await backupDatabase(db, destination);
  } finally {
    db.close();
  }
  io.stderr(`paystep backup: ${source} -> ${destination}`);
  return 0;
}

/** `paystep cost --payments-per-day 2000`: prints the estimate as a table and JSON. */
export function cost(args: ParsedArgs, io: Io): number {
  const paymentsPerDay = numberOption(args, 'payments-per-day', 2000);
  if (!Number.isInteger(paymentsPerDay) || paymentsPerDay <= 0) {
    throw new UsageError('--payments-per-day must be a positive integer');
  }
  const estimate = estimateMonthlyCost({ paymentsPerDay });
  io.stdout(
    `Estimated monthly AWS cost for ${paymentsPerDay} payments/day (${estimate.region}, prices as of ${estimate.pricesAsOf}):`,
  );
  for (const line of estimate.lines)
    io.stdout(`  ${line.service.padEnd(34)} $${line.usd.toFixed(2).padStart(9)}`);
  io.stdout(`  ${'total'.padEnd(34)} $${estimate.totalUsd.toFixed(2).padStart(9)}`);
  io.stdout(JSON.stringify(estimate));
  return 0;
}
