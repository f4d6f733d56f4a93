/**
 * `paystep start` and `paystep sfn-server`: the local engine on a SQLite file in a data
 * directory, served on loopback with the Step Functions API (AWS JSON 1.0) so the AWS SDK and CLI
 * drive it. `start` also registers the payment workflow with its task handlers.
 * Stops gracefully on SIGINT/SIGTERM: stops taking work and closes the store cleanly; what was in
 * flight resumes from its last commit on the next start.
 */
import { createServer } from 'node:http';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { openDatabase } from '../sqlite/database.js';
import { Engine } from '../engine/engine.js';
import { RealClock } from '../engine/clock.js';
import { StepFunctionsControl } from '../engine/control.js';
import { createSfnListener } from '../api/sfn-endpoint.js';
import type { Io } from './asl-commands.js';
import { loadTasks } from './asl-commands.js';
import type { ParsedArgs } from './args.js';
import { numberOption, stringOption } from './args.js';

/**
 * Settings, read once from flags and the environment.
 * - `--data <dir>` / PAYSTEP_DATA_DIR: where the SQLite file lives. @default ./data
 * - `--db <file>`: the SQLite file itself. @default <data dir>/paystep.db
 * - `--port <n>` / PAYSTEP_SFN_PORT: the Step Functions API port. @default 8083
 * - `--host <addr>` / PAYSTEP_HOST: the address to listen on. @default 127.0.0.1 (loopback only)
 * - `--tasks <module>`: task handlers by Resource or function name (sfn-server).
 */
function settings(args: ParsedArgs) {
  const dataDir = resolve(stringOption(args, 'data') ?? process.env.PAYSTEP_DATA_DIR ?? 'data');
  return Object.freeze({
    dataDir,
    db: stringOption(args, 'db') ?? join(dataDir, 'paystep.db'),
    port: numberOption(args, 'port', Number(process.env.PAYSTEP_SFN_PORT ?? 8083)),
    host: stringOption(args, 'host') ?? process.env.PAYSTEP_HOST ?? '127.0.0.1',
    tasks: stringOption(args, 'tasks'),
  });
}

export async function start(
  args: ParsedArgs,
  io: Io,
  mode: 'start' | 'sfn-server' = 'start',
): Promise<number> {
  const config = settings(args);
  mkdirSync(config.dataDir, { recursive: true });
  const db = openDatabase(config.db);
  const handlers = await loadTasks(config.tasks);
  const engine = new Engine({
    db,
    clock: new RealClock(),
    resources: { handlers },
    onError: (error) => io.stderr(`engine: ${String(error)}`),
  });
  const control = new StepFunctionsControl(engine);
  engine.start();
  const server = createServer(createSfnListener(control));
  await new Promise<void>((listening, failed) => {
    server.once('error', failed);
    server.listen(config.port, config.host, () => listening());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  io.stderr(
    `paystep ${mode}: Step Functions API on http://${config.host}:${port} (data: ${config.db})`,
  );
  io.stderr(
    `  try: aws stepfunctions list-state-machines --endpoint-url http://${config.host}:${port}`,
  );
  await new Promise<void>((done) => {
    const shutdown = () => {
      io.stderr('paystep: shutting down');
      server.close(() => done());
      server.closeAllConnections();
    };
    process.once('SIGINT', shutdown);
    process.once('SIGTERM', shutdown);
  });
  await engine.stop();
  db.close();
  return 0;
}
