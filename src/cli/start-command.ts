/**
 * `paystep start` and `paystep sfn-server`.
 *
 * - `start` runs paystep on the embedded default with no configuration needed: the durable engine
 *   on a SQLite file in a data directory, the payment workflow registered, the HTTP API (payments,
 *   webhooks, transactions, operations, /docs) and the Step Functions API, both on loopback.
 * - `sfn-server` is only a local Step Functions: Task resources resolve to a module's handlers.
 *
 * Both stop gracefully on SIGINT/SIGTERM: stop accepting, finish what is in flight or leave it
 * durably parked, close the store. What was in flight resumes from its last commit on the next start.
 */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { openDatabase } from '../sqlite/database.js';
import { Engine } from '../engine/engine.js';
import { RealClock } from '../engine/clock.js';
import { StepFunctionsControl } from '../engine/control.js';
import { createSfnListener } from '../api/sfn-endpoint.js';
import { loadConfig } from '../config.js';
import type { ConfigInput } from '../config.js';
import { createPaystep } from '../main.js';
import type { Io } from './asl-commands.js';
import { loadTasks } from './asl-commands.js';
import type { ParsedArgs } from './args.js';
import { stringOption } from './args.js';

/** Flags of `start`, as configuration overrides (flags win over environment and config file). */
function startOverrides(args: ParsedArgs): ConfigInput {
  const flags: Record<string, unknown> = {};
  const data = stringOption(args, 'data');
  const db = stringOption(args, 'db');
  const port = stringOption(args, 'port');
  const sfnPort = stringOption(args, 'sfn-port');
  const host = stringOption(args, 'host');
  if (data !== undefined) flags.dataDir = data;
  if (db !== undefined) flags.dbFile = db;
  if (port !== undefined) flags.port = Number(port);
  if (sfnPort !== undefined) flags.sfnPort = Number(sfnPort);
  if (host !== undefined) flags.host = host;
  return flags;
}

export async function start(
  args: ParsedArgs,
  io: Io,
  mode: 'start' | 'sfn-server' = 'start',
): Promise<number> {
  if (mode === 'sfn-server') return sfnServer(args, io);
  const config = loadConfig({ overrides: startOverrides(args) });
  const paystep = await createPaystep(config, { announce: (lines) => io.stderr(lines.join('\n')) });
  const { url } = await paystep.start();
  let sfn: Server | undefined;
  if (config.sfnPort >= 0) {
    sfn = await listen(
      createServer(createSfnListener(paystep.control)),
      config.sfnPort,
      config.host,
    );
  }
  io.stderr(`paystep start: HTTP API on ${url} (docs: ${url}/docs; data: ${config.dbFile})`);
  if (sfn)
    io.stderr(`  Step Functions API on http://${config.host}:${portOf(sfn, config.sfnPort)}`);
  await untilSignal();
  io.stderr('paystep: shutting down');
  if (sfn) await closeServer(sfn);
  await paystep.close();
  return 0;
}

/**
 * Settings of `sfn-server`, from flags and the environment.
 * - `--data <dir>` / PAYSTEP_DATA_DIR: where the SQLite file lives. @default ./data
 * - `--db <file>`: the SQLite file itself. @default <data dir>/paystep.db
 * - `--port <n>` / PAYSTEP_SFN_PORT: the Step Functions API port. @default 8083
 * - `--host <addr>` / PAYSTEP_HOST: the address to listen on. @default 127.0.0.1 (loopback only)
 * - `--tasks <module>`: task handlers by Resource or function name.
 */
async function sfnServer(args: ParsedArgs, io: Io): Promise<number> {
  const config = loadConfig({
    overrides: {
      ...startOverrides(args),
      ...(stringOption(args, 'port') === undefined
        ? {}
        : { sfnPort: Number(stringOption(args, 'port')) }),
    },
  });
  const dataDir = resolve(config.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const dbFile = stringOption(args, 'db') ?? join(dataDir, 'paystep.db');
  const db = openDatabase(dbFile);
  const handlers = await loadTasks(stringOption(args, 'tasks'));
  const engine = new Engine({
    db,
    clock: new RealClock(),
    resources: { handlers },
    onError: (error) => io.stderr(`engine: ${String(error)}`),
  });
  engine.start();
  const server = await listen(
    createServer(createSfnListener(new StepFunctionsControl(engine))),
    Math.max(0, config.sfnPort),
    config.host,
  );
  const endpoint = `http://${config.host}:${portOf(server, config.sfnPort)}`;
  io.stderr(`paystep sfn-server: Step Functions API on ${endpoint} (data: ${dbFile})`);
  io.stderr(`  try: aws stepfunctions list-state-machines --endpoint-url ${endpoint}`);
  await untilSignal();
  io.stderr('paystep: shutting down');
  await closeServer(server);
  await engine.stop();
  db.close();
  return 0;
}

async function listen(server: Server, port: number, host: string): Promise<Server> {
  await new Promise<void>((listening, failed) => {
    server.once('error', failed);
    server.listen(port, host, () => listening());
  });
  return server;
}

function portOf(server: Server, fallback: number): number {
  const address = server.address();
  return typeof address === 'object' && address ? address.port : fallback;
}

function closeServer(server: Server): Promise<void> {
  return new Promise((done) => {
    server.close(() => done());
    server.closeIdleConnections();
  });
}

function untilSignal(): Promise<void> {
  return new Promise((done) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      done();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
