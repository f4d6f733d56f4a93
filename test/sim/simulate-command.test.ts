/**
 * `paystep simulate` as the CLI module runs it: flags to configuration, the summary and the
 * invariants on stdout, the HTML report on disk, bad flags as usage errors.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseArgs, UsageError } from '../../src/cli/args.js';
import { simulateCommand, simulationConfigFrom } from '../../src/cli/simulate-command.js';
import { HourMs, MinuteMs } from '../../src/sim/sim-config.js';

const dir = mkdtempSync(join(tmpdir(), 'paystep-simulate-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: { stdout: (l: string) => out.push(l), stderr: (l: string) => err.push(l) },
    out,
    err,
  };
}

describe('paystep simulate', () => {
  it('reads the flags into a configuration', () => {
    const config = simulationConfigFrom(
      parseArgs([
        '--payments',
        '300',
        '--over',
        '2h',
        '--seed',
        '9',
        '--outage',
        '5m',
        '--outage-at',
        '1h',
      ]),
    );
    expect(config).toMatchObject({
      payments: 300,
      overMs: 2 * HourMs,
      seed: 9,
      outageMs: 5 * MinuteMs,
      outageAtMs: HourMs,
    });
  });

  it.each([
    [['--payments', '0']],
    [['--over', 'soon']],
    [['--decline-rate', '2']],
    [['--crash-every', '0']],
  ])('refuses %j as a usage error', async (argv) => {
    const { io } = capture();
    await expect(simulateCommand(parseArgs(argv), io)).rejects.toBeInstanceOf(UsageError);
  });

  it('prints the summary and invariants and writes the report', async () => {
    const report = join(dir, 'day.html');
    const { io, out } = capture();
    const code = await simulateCommand(
      parseArgs(
        ['--payments', '50', '--over', '1h', '--report', report, '--no-progress'],
        ['no-progress'],
      ),
      io,
    );
    expect(code).toBe(0);
    const text = out.join('\n');
    expect(text).toMatch(/simulated 50 payments over 1h \(seed 1\)/);
    expect(text).toMatch(/latency \(simulated\) p50 .* p95 .* p99/);
    expect(text).not.toMatch(/VIOLATED/);
    expect(readFileSync(report, 'utf8')).toMatch(/<svg /);
  });
});
