/**
 * The `paystep` command: a thin client of paystep's modules. Exit codes: 0 success, 1 failure,
 * 2 bad usage or invalid input.
 */
import { parseArgs, UsageError } from './args.js';
import { aslRun, aslValidate } from './asl-commands.js';
import type { Io } from './asl-commands.js';
import { simulateUsage } from './simulate-command.js';

const usage = `Usage: paystep <command> [options]

Commands:
  start [--port <n>] [--data <dir>] [--host <addr>] [--sfn-port <n>]
                                 run paystep on the embedded default: the durable engine on a SQLite
                                 file in the data directory, the payment workflow, the HTTP API
                                 (default http://127.0.0.1:8080, docs at /docs) and the Step Functions
                                 API (port 8083), loopback only. Settings: PAYSTEP_* variables or a
                                 JSON file named by PAYSTEP_CONFIG (see the README)
  sfn-server --port <n> --db <file> --tasks <module>
                                 only a local Step Functions: Task resources resolve to the module
  asl validate <definition.json> validate an Amazon States Language definition (exit 2 if invalid)
  asl run <definition.json> --input '<json>' --tasks <module> [--virtual-time] [--db <file>]
                                 run one execution and print {"status","output","error","cause"}
${simulateUsage}
  gateway-sim [--port 8090] [--seed 1] [--decline-rate 0] [--transient-rate 0] [--timeout-rate 0]
              [--ledger <file.db>]
                                 serve the simulated payment gateway over HTTP
  backup <file> [--data <dir>] [--db <file>]
                                 take a consistent online copy of the store while paystep runs
  cost [--payments-per-day 2000] estimate the monthly AWS bill of the CDK stack
`;

const defaultIo: Io = {
  stdout: (line) => process.stdout.write(`${line}\n`),
  stderr: (line) => process.stderr.write(`${line}\n`),
};

export async function main(argv: readonly string[], io: Io = defaultIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'asl': {
        const [sub, ...args] = rest;
        const parsed = parseArgs(args, ['virtual-time']);
        if (sub === 'validate') return aslValidate(parsed, io);
        if (sub === 'run') return await aslRun(parsed, io);
        throw new UsageError(`unknown asl command '${sub ?? ''}'`);
      }
      case 'start':
      case 'sfn-server': {
        const { start } = await import('./start-command.js');
        return await start(parseArgs(rest), io, command);
      }
      case 'simulate': {
        const { simulateCommand } = await import('./simulate-command.js');
        return await simulateCommand(parseArgs(rest, ['no-progress']), io);
      }
      case 'gateway-sim': {
        const { gatewaySim } = await import('./tool-commands.js');
        return await gatewaySim(parseArgs(rest), io);
      }
      case 'backup': {
        const { backup } = await import('./tool-commands.js');
        return await backup(parseArgs(rest), io);
      }
      case 'cost': {
        const { cost } = await import('./tool-commands.js');
        return cost(parseArgs(rest), io);
      }
      case undefined:
      case 'help':
      case '--help':
        io.stdout(usage);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command '${command}'`);
    }
  } catch (error) {
    if (error instanceof Error && error.name === 'ConfigError') {
      io.stderr(`paystep: ${error.message}`);
      return 2;
    }
    if (error instanceof UsageError) {
      io.stderr(`paystep: ${error.message}\n\n${usage}`);
      return 2;
    }
    io.stderr(
      `paystep: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    return 1;
  }
}
