/**
 * A child process for the crash tests: runs a set of executions of a workflow that uses every
 * kind of commit (Task with retry, Catch, Map, Parallel, Wait) on a real SQLite file, and kills
 * itself with SIGKILL at the Nth occurrence of a named crash point. Run again on the same file
 * without a crash point, it recovers and prints each execution's status, output and event types.
 *
 * argv: <db file> [<crash point> <occurrence>]
 */
import { openDatabase } from '../../src/sqlite/database.js';
import { Engine } from '../../src/engine/engine.js';
import { VirtualClock } from '../../src/engine/clock.js';
import { StepFunctionsControl } from '../../src/engine/control.js';
import { EngineError } from '../../src/engine/errors.js';

const [file, crashAt, occurrenceText] = process.argv.slice(2);
if (!file) throw new Error('usage: crash-worker <db> [<crash point> <n>]');
let seen = 0;
const occurrence = Number(occurrenceText ?? 0);
const maybeCrash = (name: string) => {
  if (name === crashAt && ++seen === occurrence) process.kill(process.pid, 'SIGKILL');
};

export const definition = {
  StartAt: 'Prepare',
  States: {
    Prepare: { Type: 'Pass', Parameters: { 'id.$': '$.id', 'items.$': '$.items' }, Next: 'Fanout' },
    Fanout: {
      Type: 'Parallel',
      Branches: [
        {
          StartAt: 'Each',
          States: {
            Each: {
              Type: 'Map',
              ItemsPath: '$.items',
              MaxConcurrency: 2,
              ItemProcessor: {
                StartAt: 'Work',
                States: {
                  Work: {
                    Type: 'Task',
                    Resource: 'arn:aws:states:::lambda:invoke',
                    Parameters: {
                      FunctionName: 'work',
                      Payload: { 'item.$': '$', 'retry.$': '$$.State.RetryCount' },
                    },
                    ResultSelector: { 'value.$': '$.Payload' },
                    Retry: [
                      { ErrorEquals: ['Work.Transient'], IntervalSeconds: 1, MaxAttempts: 2 },
                    ],
                    End: true,
                  },
                },
              },
              End: true,
            },
          },
        },
        {
          StartAt: 'Nap',
          States: {
            Nap: { Type: 'Wait', Seconds: 5, Next: 'Done' },
            Done: { Type: 'Pass', Result: 'rested', End: true },
          },
        },
      ],
      ResultPath: '$.results',
      Next: 'Risky',
    },
    Risky: {
      Type: 'Task',
      Resource: 'arn:aws:lambda:us-east-1:000000000000:function:risky',
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.caught', Next: 'Finish' }],
      ResultPath: '$.risky',
      Next: 'Finish',
    },
    Finish: { Type: 'Pass', End: true },
  },
};

const db = openDatabase(file);
const clock = new VirtualClock(Date.UTC(2026, 0, 1));
const engine = new Engine({
  db,
  clock,
  crashPoint: maybeCrash,
  resources: {
    handlers: {
      work: (input) => {
        maybeCrash('mid-task');
        const { item, retry } = input as { item: number; retry: number };
        // Deterministic transient failure: odd items fail their first attempt.
        if (item % 2 === 1 && retry === 0) {
          const error = new Error(`item ${item} not ready`);
          error.name = 'Work.Transient';
          throw error;
        }
        return item * 10;
      },
      risky: (input) => {
        if ((input as { id: number }).id % 2 === 0) throw new Error('even ids are risky');
        return 'fine';
      },
    },
  },
});
const control = new StepFunctionsControl(engine);
engine.start();
const { stateMachineArn } = control.createStateMachine({
  name: 'crashy',
  definition: JSON.stringify(definition),
});
const results: Record<string, unknown> = {};
await Promise.all(
  [1, 2, 3, 4].map(async (id) => {
    const input = JSON.stringify({ id, items: [id, id + 1, id + 2] });
    let executionArn: string;
    try {
      executionArn = (await control.startExecution({ stateMachineArn, name: `e${id}`, input }))
        .executionArn;
    } catch (error) {
      if (!(error instanceof EngineError) || error.code !== 'ExecutionAlreadyExists') throw error;
      executionArn = engine.arn.execution('crashy', `e${id}`);
    }
    const row = await engine.waitForExecution(executionArn);
    results[`e${id}`] = {
      status: row.status,
      output: row.output === null ? null : (JSON.parse(row.output) as unknown),
      // Concurrent Map iterations and Parallel branches may interleave differently from run to
      // run (as on AWS), so compare which events happened, and that ids have no gap or repeat.
      events: control
        .history(executionArn)
        .map((event) => event.type)
        .sort(),
      contiguousIds: control.history(executionArn).every((event, index) => event.id === index + 1),
    };
  }),
);
await engine.stop();
db.close();
process.stdout.write(`${JSON.stringify(results)}\n`);
