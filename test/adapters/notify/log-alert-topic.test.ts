import { describe, expect, it } from 'vitest';
import { LogAlertTopic } from '../../../src/adapters/notify/log-alert-topic.js';

function recorder() {
  const lines: { level: string; object: Record<string, unknown>; message: string }[] = [];
  return {
    lines,
    logger: {
      warn: (object: Record<string, unknown>, message: string) => {
        lines.push({ level: 'warn', object, message });
      },
      error: (object: Record<string, unknown>, message: string) => {
        lines.push({ level: 'error', object, message });
      },
    },
  };
}

describe('LogAlertTopic', () => {
  it.each([
    { severity: 'critical', level: 'error' },
    { severity: 'warning', level: 'warn' },
  ] as const)('logs a $severity alert at $level with its details', async ({ severity, level }) => {
    const { lines, logger } = recorder();
    await new LogAlertTopic(logger).publish({
      subject: 'payment failed',
      severity,
      details: { transaction_id: 'T1', error: 'Gateway.Transient' },
      at: Date.UTC(2026, 0, 1),
    });
    expect(lines).toEqual([
      {
        level,
        message: 'payment failed',
        object: {
          alert: {
            severity,
            at: '2026-01-01T00:00:00.000Z',
            transaction_id: 'T1',
            error: 'Gateway.Transient',
          },
        },
      },
    ]);
  });
});
