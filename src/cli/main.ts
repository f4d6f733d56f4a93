/**
 * The `paystep` command: a thin client of paystep's modules. Exit codes: 0 success, 1 failure,
 * 2 bad usage or invalid input.
 */
import { parseArgs, UsageError } from './args.js';
import { aslRun, aslValidate } from './asl-commands.js';
import type { Io } from './asl-commands.js';

const usage = `Usage: paystep <command> [options]

Commands:
  start [--port <n>] [--data <dir>]
                                 run paystep on the embedded default: the durable engine on a SQLite
                                 file, with the Step Functions API on loopback
  sfn-server --port <n> --db <file> --tasks <module>
                                 only a local Step Functions: Task resources resolve to the module
  asl validate <definition.json> validate an Amazon States Language definition (exit 2 if invalid)
  asl run <definition.json> --input '<json>' --tasks <module> [--virtual-time] [--db <file>]
                                 run one execution and print {"status","output","error","cause"}
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
      case undefined:
      case 'help':
      case '--help':
        io.stdout(usage);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command '${command}'`);
    }
  } catch (error) {
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
