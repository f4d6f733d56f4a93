/**
 * `paystep asl validate` and `paystep asl run`: the engine on one definition, from the shell.
 * `run` prints exactly one JSON line last on stdout — {"status","output","error","cause"} — and
 * exits 0 whatever the execution's status; logs go to stderr.
 */
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { validateDefinition } from '../asl/validate.js';
import { openDatabase } from '../sqlite/database.js';
import { Engine } from '../engine/engine.js';
import { RealClock, VirtualClock } from '../engine/clock.js';
import { StepFunctionsControl } from '../engine/control.js';
import type { TaskHandler, TaskResources } from '../engine/resources.js';
import { EngineError } from '../engine/errors.js';
import type { ParsedArgs } from './args.js';
import { stringOption, UsageError } from './args.js';

export interface Io {
  stdout: (line: string) => void;
  stderr: (line: string) => void;
}

function readDefinition(file: string | undefined): string {
  if (!file) throw new UsageError('a definition file is required');
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as Error).message}`);
  }
}

export function aslValidate(args: ParsedArgs, io: Io): number {
  const text = readDefinition(args.positionals[0]);
  const result = validateDefinition(text);
  if (result.ok) {
    io.stdout('valid');
    return 0;
  }
  for (const diagnostic of result.diagnostics) {
    io.stderr(
      `${diagnostic.code}: ${diagnostic.message}${diagnostic.location ? ` (at ${diagnostic.location})` : ''}`,
    );
  }
  return 2;
}

/** Loads a tasks module: its default export maps Resource strings or function names to handlers. */
export async function loadTasks(
  modulePath: string | undefined,
): Promise<Record<string, TaskHandler>> {
  if (!modulePath) return {};
  const module = (await import(pathToFileURL(resolve(modulePath)).href)) as { default?: unknown };
  const handlers = module.default;
  if (typeof handlers !== 'object' || handlers === null) {
    throw new UsageError(`${modulePath} must export default an object of task handlers`);
  }
  for (const [key, value] of Object.entries(handlers)) {
    if (typeof value !== 'function')
      throw new UsageError(`${modulePath}: handler '${key}' is not a function`);
  }
  return handlers as Record<string, TaskHandler>;
}

export async function aslRun(args: ParsedArgs, io: Io): Promise<number> {
  const text = readDefinition(args.positionals[0]);
  const inputText = stringOption(args, 'input') ?? '{}';
  try {
    JSON.parse(inputText);
  } catch (error) {
    throw new UsageError(`--input is not JSON: ${(error as Error).message}`);
  }
  const handlers = await loadTasks(stringOption(args, 'tasks'));
  const dbOption = stringOption(args, 'db');
  const scratch = dbOption ? undefined : mkdtempSync(join(tmpdir(), 'paystep-run-'));
  const db = openDatabase(dbOption ?? join(scratch as string, 'run.db'));
  const clock = args.options.get('virtual-time') ? new VirtualClock(Date.now()) : new RealClock();
  const resources: TaskResources = {
    handlers,
    sns: {
      publish: (request) => {
        io.stderr(`sns:publish ${request.TopicArn} ${request.Message}`);
        return Promise.resolve({ MessageId: crypto.randomUUID() });
      },
    },
    sqs: {
      sendMessage: (request) => {
        io.stderr(`sqs:sendMessage ${request.QueueUrl} ${request.MessageBody}`);
        return Promise.resolve({ MessageId: crypto.randomUUID() });
      },
    },
  };
  const engine = new Engine({ db, clock, resources, onError: (error) => io.stderr(String(error)) });
  const control = new StepFunctionsControl(engine);
  engine.start();
  try {
    const diagnostics = validateDefinition(text, {
      isResourceSupported: engine.isResourceSupported,
    });
    if (!diagnostics.ok) {
      for (const d of diagnostics.diagnostics)
        io.stderr(`${d.code}: ${d.message}${d.location ? ` (at ${d.location})` : ''}`);
      return 2;
    }
    const name = `asl-run-${Date.now()}`;
    const { stateMachineArn } = control.createStateMachine({ name, definition: text });
    const { executionArn } = await control.startExecution({ stateMachineArn, input: inputText });
    const row = await engine.waitForExecution(executionArn);
    io.stdout(
      JSON.stringify({
        status: row.status,
        output: row.output === null ? null : (JSON.parse(row.output) as unknown),
        error: row.error,
        cause: row.cause,
      }),
    );
    return 0;
  } catch (error) {
    if (error instanceof EngineError) {
      io.stderr(`${error.code}: ${error.message}`);
      return 2;
    }
    throw error;
  } finally {
    await engine.stop();
    db.close();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  }
}
