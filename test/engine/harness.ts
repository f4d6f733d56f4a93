/**
 * A local engine for tests: a real SQLite file in a temporary directory, the virtual clock, and
 * task handlers given by the test.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../src/sqlite/database.js';
import type { SqliteDatabase } from '../../src/sqlite/database.js';
import { Engine } from '../../src/engine/engine.js';
import type { EngineOptions } from '../../src/engine/engine.js';
import { VirtualClock } from '../../src/engine/clock.js';
import { StepFunctionsControl } from '../../src/engine/control.js';
import type { TaskResources } from '../../src/engine/resources.js';

export interface TestEngine {
  engine: Engine;
  control: StepFunctionsControl;
  clock: VirtualClock;
  db: SqliteDatabase;
  file: string;
  /** Creates a state machine from a definition object and runs one execution to its end. */
  run(definition: object, input?: unknown, name?: string): Promise<RunOutcome>;
  close(): Promise<void>;
}

export interface RunOutcome {
  executionArn: string;
  status: string;
  output: unknown;
  error: string | null;
  cause: string | null;
  history: { type: string; [key: string]: unknown }[];
}

let machines = 0;

export function createTestEngine(
  resources: Partial<TaskResources> = {},
  file?: string,
  options: Partial<Omit<EngineOptions, 'db' | 'clock' | 'resources'>> = {},
): TestEngine {
  const dir = file ? undefined : mkdtempSync(join(tmpdir(), 'paystep-test-'));
  const path = file ?? join(dir as string, 'paystep.db');
  const db = openDatabase(path, { synchronous: 'OFF' });
  const clock = new VirtualClock();
  const engine = new Engine({ db, clock, resources: { handlers: {}, ...resources }, ...options });
  const control = new StepFunctionsControl(engine);
  engine.start();
  return {
    engine,
    control,
    clock,
    db,
    file: path,
    async run(definition, input = {}, name) {
      const { stateMachineArn } = control.createStateMachine({
        name: `test-machine-${++machines}`,
        definition: JSON.stringify(definition),
      });
      const { executionArn } = await control.startExecution({
        stateMachineArn,
        input: JSON.stringify(input),
        ...(name ? { name } : {}),
      });
      const row = await engine.waitForExecution(executionArn);
      return {
        executionArn,
        status: row.status,
        output: row.output === null ? null : (JSON.parse(row.output) as unknown),
        error: row.error,
        cause: row.cause,
        history: control.history(executionArn),
      };
    },
    async close() {
      await engine.stop();
      db.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
