import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import nodemailer from 'nodemailer';
import { afterEach, describe, expect, it } from 'vitest';
import type { Alert, AlertSink, OutgoingAlert, WorkflowAlert } from '../../src/ops/alerts.js';
import { AlertPublisher, alertText, alertTitle, isWorkflowAlert } from '../../src/ops/alerts.js';
import { WebhookAlertSink, slackMessage } from '../../src/ops/alert-sinks/webhook-sink.js';
import { EmailAlertSink } from '../../src/ops/alert-sinks/email-sink.js';
import { LogAlertSink } from '../../src/ops/alert-sinks/log-sink.js';

const alert: Alert = {
  alarmName: 'PaymentWorkflow-ExecutionsFailed',
  description: 'More than 2 payment workflow executions failed in 5 minutes.',
  previousState: 'OK',
  state: 'ALARM',
  reason:
    'Threshold Crossed: 1 out of the last 1 datapoint [3.0 (02/01/25 10:05:00)] was greater than the threshold (2.0) (minimum 1 datapoint for OK -> ALARM transition).',
  timestamp: Date.UTC(2025, 0, 2, 10, 6),
  namespace: 'AWS/States',
  metricName: 'ExecutionsFailed',
  dimensions: { StateMachineArn: 'arn:aws:states:local:000000000000:stateMachine:PaymentWorkflow' },
};

/** A delay that records the waits and returns at once. */
function recordingDelay() {
  const waits: number[] = [];
  return { waits, delay: (ms: number) => (waits.push(ms), Promise.resolve()) };
}

/** A sink that fails its first `failures` deliveries. */
function flakySink(name: string, failures: number) {
  const delivered: OutgoingAlert[] = [];
  let attempts = 0;
  const sink: AlertSink = {
    name,
    deliver: (a) => {
      attempts++;
      if (attempts <= failures) return Promise.reject(new Error(`${name} down`));
      delivered.push(a);
      return Promise.resolve();
    },
  };
  return { sink, delivered, attempts: () => attempts };
}

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

describe('WebhookAlertSink', () => {
  it('posts Slack-compatible JSON to a real server and retries after a 500', async () => {
    const requests: { method: string | undefined; type: string | undefined; body: string }[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        requests.push({ method: req.method, type: req.headers['content-type'], body });
        res.statusCode = requests.length === 1 ? 500 : 200;
        res.end(requests.length === 1 ? 'boom' : 'ok');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise((resolve) => server.close(() => resolve())));
    const { port } = server.address() as AddressInfo;
    const { waits, delay } = recordingDelay();
    const publisher = new AlertPublisher({
      sinks: [new WebhookAlertSink({ url: `http://127.0.0.1:${port}/hooks/T000/B000/secret` })],
      delay,
    });

    publisher.publish(alert);
    await publisher.drain();

    expect(requests).toHaveLength(2);
    expect(requests[1]?.method).toBe('POST');
    expect(requests[1]?.type).toBe('application/json');
    const message = JSON.parse(requests[1]?.body ?? '{}') as { text: string; blocks: unknown[] };
    expect(message.text).toBe(alertText(alert));
    expect(message.blocks.length).toBeGreaterThan(0);
    expect(waits).toEqual([1000]);
    expect(publisher.stats()['webhook']).toMatchObject({ delivered: 1, retries: 1, failed: 0 });
  });

  it('names the status but not the secret URL when the webhook fails', async () => {
    const sink = new WebhookAlertSink({
      url: 'https://hooks.example/T0/B0/very-secret-token',
      fetch: () => Promise.resolve(new Response('no', { status: 403 })),
    });
    const error = await sink.deliver(alert).catch((e: unknown) => e);
    expect(String(error)).toContain('403');
    expect(String(error)).not.toContain('very-secret-token');
  });
});

describe('AlertPublisher', () => {
  it('returns from publish while a delivery is still hanging', () => {
    const hanging: AlertSink = { name: 'hanging', deliver: () => new Promise(() => undefined) };
    const publisher = new AlertPublisher({ sinks: [hanging], delay: () => Promise.resolve() });
    publisher.publish(alert);
    publisher.publish(alert);
    expect(publisher.stats()['hanging']).toMatchObject({ delivered: 0, queued: 1 });
  });

  it('backs off exponentially and gives up after maxAttempts, reporting it', async () => {
    const { sink, attempts } = flakySink('down', 100);
    const { waits, delay } = recordingDelay();
    const gaveUp: string[] = [];
    const publisher = new AlertPublisher({
      sinks: [sink],
      delay,
      maxAttempts: 5,
      baseDelayMs: 100,
      maxDelayMs: 500,
      onGiveUp: (name, a, error) => gaveUp.push(`${name}:${alertTitle(a)}:${String(error)}`),
    });
    publisher.publish(alert);
    await publisher.drain();
    expect(attempts()).toBe(5);
    expect(waits).toEqual([100, 200, 400, 500]);
    expect(gaveUp).toEqual([
      'down:[ALARM] PaymentWorkflow-ExecutionsFailed (OK -> ALARM):Error: down down',
    ]);
    expect(publisher.stats()['down']).toMatchObject({ delivered: 0, retries: 4, failed: 1 });
  });

  it('delivers to the other sinks when one fails', async () => {
    const broken = flakySink('broken', 100);
    const healthy = flakySink('healthy', 0);
    const publisher = new AlertPublisher({
      sinks: [broken.sink, healthy.sink],
      delay: () => Promise.resolve(),
      maxAttempts: 2,
    });
    publisher.publish(alert);
    publisher.publish({ ...alert, state: 'OK', previousState: 'ALARM' });
    await publisher.drain();
    expect(healthy.delivered.map(alertTitle)).toEqual([
      '[ALARM] PaymentWorkflow-ExecutionsFailed (OK -> ALARM)',
      '[OK] PaymentWorkflow-ExecutionsFailed (ALARM -> OK)',
    ]);
    expect(publisher.stats()['broken']?.failed).toBe(2);
  });

  it('drops and counts alerts beyond its queue bound', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const delivered: string[] = [];
    const slow: AlertSink = {
      name: 'slow',
      deliver: async (a) => {
        await gate;
        delivered.push(isWorkflowAlert(a) ? a.subject : a.alarmName);
      },
    };
    const publisher = new AlertPublisher({
      sinks: [slow],
      delay: () => Promise.resolve(),
      maxQueued: 2,
    });
    for (const name of ['a', 'b', 'c', 'd']) publisher.publish({ ...alert, alarmName: name });
    // 'a' is in flight, 'b' and 'c' wait, 'd' finds the queue full.
    expect(publisher.stats()['slow']).toMatchObject({ queued: 2, dropped: 1 });
    release();
    await publisher.drain();
    expect(delivered).toEqual(['a', 'b', 'c']);
  });

  it('never throws into the caller, even when a sink throws synchronously', async () => {
    const throwing: AlertSink = {
      name: 'throwing',
      deliver: () => {
        throw new Error('sync');
      },
    };
    const publisher = new AlertPublisher({
      sinks: [throwing],
      delay: () => Promise.resolve(),
      maxAttempts: 1,
    });
    expect(() => publisher.publish(alert)).not.toThrow();
    await publisher.drain();
    expect(publisher.stats()['throwing']?.failed).toBe(1);
  });
});

describe('EmailAlertSink', () => {
  it('sends a plain-text email through a nodemailer transport', async () => {
    const sent: { message: string }[] = [];
    const transport = nodemailer.createTransport({ jsonTransport: true });
    const sink = new EmailAlertSink({
      transport: {
        sendMail: async (mail) => {
          const info = (await transport.sendMail(mail)) as { message: string };
          sent.push(info);
          return info;
        },
      },
      from: 'paystep@example.com',
      to: 'ops@example.com',
    });
    await sink.deliver(alert);
    const mail = JSON.parse(sent[0]?.message ?? '{}') as { subject: string; text: string };
    expect(mail.subject).toBe('[paystep] [ALARM] PaymentWorkflow-ExecutionsFailed (OK -> ALARM)');
    expect(mail.text).toBe(alertText(alert));
  });
});

describe('LogAlertSink', () => {
  it('logs the alert as structured fields with a title', async () => {
    const lines: [Record<string, unknown>, string][] = [];
    await new LogAlertSink((fields, message) => lines.push([fields, message])).deliver(alert);
    expect(lines).toEqual([
      [
        expect.objectContaining({
          alarmName: alert.alarmName,
          state: 'ALARM',
          previousState: 'OK',
        }),
        '[ALARM] PaymentWorkflow-ExecutionsFailed (OK -> ALARM)',
      ],
    ]);
  });
});

describe('workflow alerts', () => {
  const workflowAlert: WorkflowAlert = {
    kind: 'workflow',
    subject: 'paystep: payment workflow failed',
    severity: 'critical',
    details: { transaction_id: 'TXN-1', error: 'Gateway.Transient', cause: 'gateway busy' },
    timestamp: Date.UTC(2026, 0, 1, 0, 1),
  };

  it('reads as a title and one line per fact', () => {
    expect(alertText(workflowAlert)).toBe(
      [
        '[CRITICAL] paystep: payment workflow failed',
        'transaction_id: TXN-1',
        'error: Gateway.Transient',
        'cause: gateway busy',
        'At: 2026-01-01T00:01:00.000Z',
      ].join('\n'),
    );
  });

  it('goes to a webhook as a Slack message with the facts', () => {
    const message = slackMessage(workflowAlert);
    expect(message.text).toBe(alertText(workflowAlert));
    expect(message.blocks?.[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: '[CRITICAL] paystep: payment workflow failed' },
    });
  });

  it('is logged with its facts', async () => {
    const lines: [Record<string, unknown>, string][] = [];
    await new LogAlertSink((fields, message) => lines.push([fields, message])).deliver(
      workflowAlert,
    );
    expect(lines).toEqual([
      [
        {
          alert: {
            severity: 'critical',
            transaction_id: 'TXN-1',
            error: 'Gateway.Transient',
            cause: 'gateway busy',
            timestamp: '2026-01-01T00:01:00.000Z',
          },
        },
        '[CRITICAL] paystep: payment workflow failed',
      ],
    ]);
  });
});
