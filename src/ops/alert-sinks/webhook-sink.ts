/**
 * Alert sink that POSTs a Slack-compatible incoming-webhook message (`{"text", "blocks"}`), which
 * Slack, Mattermost, Rocket.Chat and most chat tools accept. The URL is treated as a secret (Slack
 * webhook URLs embed a token): errors name the status, never the URL.
 */
import type { AlertSink, OutgoingAlert } from '../alerts.js';
import { alertText, alertTitle, isWorkflowAlert, workflowAlertLines } from '../alerts.js';

export interface WebhookAlertSinkOptions {
  url: string;
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
  /** Per-request timeout. @default 10000 */
  timeoutMs?: number;
  /** Sink name in counters and logs. @default 'webhook' */
  name?: string;
}

/** Slack incoming-webhook payload. */
export interface SlackMessage {
  text: string;
  blocks?: unknown[];
}

/** Builds the Slack message for an alert: `text` is the fallback, blocks the rich form. */
export function slackMessage(alert: OutgoingAlert): SlackMessage {
  if (isWorkflowAlert(alert)) {
    return {
      text: alertText(alert),
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: alertTitle(alert).slice(0, 150) } },
        {
          type: 'section',
          text: { type: 'plain_text', text: workflowAlertLines(alert).join('\n') || '-' },
        },
        {
          type: 'context',
          elements: [{ type: 'mrkdwn', text: `at ${new Date(alert.timestamp).toISOString()}` }],
        },
      ],
    };
  }
  const dimensions = Object.entries(alert.dimensions)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
  return {
    text: alertText(alert),
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: alertTitle(alert).slice(0, 150) } },
      { type: 'section', text: { type: 'mrkdwn', text: alert.reason } },
      { type: 'section', text: { type: 'plain_text', text: alert.description } },
      {
        type: 'context',
        elements: [
          {
            type: 'mrkdwn',
            text: `${alert.namespace} ${alert.metricName}${dimensions ? ` (${dimensions})` : ''} at ${new Date(alert.timestamp).toISOString()}`,
          },
        ],
      },
    ],
  };
}

export class WebhookAlertSink implements AlertSink {
  readonly name: string;
  private readonly fetch: typeof fetch;
  private readonly timeoutMs: number;

  constructor(private readonly options: WebhookAlertSinkOptions) {
    this.name = options.name ?? 'webhook';
    this.fetch = options.fetch ?? globalThis.fetch;
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  async deliver(alert: OutgoingAlert): Promise<void> {
    const response = await this.fetch(this.options.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(slackMessage(alert)),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    // Read the body so the connection is released, whatever the status.
    await response.text().catch(() => '');
    if (!response.ok) {
      throw new Error(`Alert webhook answered HTTP ${response.status}`);
    }
  }
}
