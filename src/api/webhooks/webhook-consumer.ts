/**
 * The webhook queue's consumer: long-polls the queue and applies each provider event to its
 * payment's workflow, then records the event id as processed and deletes the message.
 *
 * - `payment.created` starts the payment's workflow (idempotent: the execution is named by the
 *   transaction id). Invalid payments are left to the workflow, which rejects and audits them.
 * - `review.closed` completes the manual-review task of a payment waiting IN_REVIEW. An event
 *   that arrives before the payment is in review is retried later (it is early, not wrong); one
 *   that arrives after the review was decided or the payment moved on is recorded and ignored:
 *   an out-of-order event never moves a transaction backwards.
 *
 * Events of one type for one payment are applied one at a time in arrival order (message groups);
 * failures are retried with backoff and end in the dead-letter queue after maxReceiveCount.
 */
import type { JsonObject } from '../../asl/json.js';
import { TransactionStatus } from '../../payments/lifecycle.js';
import type { AuditLog } from '../../payments/ports/audit-log.js';
import type { MessageQueue, QueueMessage } from '../../payments/ports/queue.js';
import type { TransactionStore } from '../../payments/ports/transaction-store.js';
import type { PaymentOperations } from '../payment-operations.js';
import type { WebhookEvent } from '../schemas/webhook-event.js';
import { WebhookEventType } from '../schemas/webhook-event.js';
import type { ProcessedEvent, WebhookEventLog } from './webhook-event-log.js';

export interface WebhookConsumerDeps {
  queue: MessageQueue;
  events: WebhookEventLog;
  operations: PaymentOperations;
  store: TransactionStore;
  audit: AuditLog;
  clock: { now(): number };
  /** Waits `ms` on the same clock (after a failed receive, so errors never spin). */
  sleep: (ms: number) => Promise<void>;
  log: {
    warn(object: object, message: string): void;
    error(object: object, message: string): void;
  };
  /** Seconds a long poll waits for a message. @default 20 */
  waitTimeSeconds?: number;
}

/** What processing one event did, kept in the event log. */
export type EventOutcome = 'started' | 'already_started' | 'review_applied' | 'ignored_stale';

/** A message processed in this batch: deleted at the end, with its event recorded if applied. */
interface Processed {
  receiptHandle: string;
  record?: ProcessedEvent;
}

/** Statuses a payment has before it can be in review: a review event for it is early. */
const BEFORE_REVIEW: readonly TransactionStatus[] = [
  TransactionStatus.Received,
  TransactionStatus.Validated,
  TransactionStatus.Screened,
];

/** The event is not wrong, only early; processing it later may succeed. */
class RetryLaterError extends Error {
  override readonly name = 'RetryLaterError';
  readonly code = 'Webhook.TooEarly';
}

export class WebhookConsumer {
  private stopping = false;
  private loop: Promise<void> | undefined;
  private inFlight: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: WebhookConsumerDeps) {}

  get running(): boolean {
    return this.loop !== undefined && !this.stopping;
  }

  start(): void {
    if (this.loop) return;
    this.loop = this.run();
  }

  /**
   * Finishes the events being applied, then ends the long poll by closing the queue. Messages
   * not yet received stay durably queued for the next start.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.inFlight;
    await this.deps.queue.close();
    await this.loop;
  }

  /** Receives and processes one batch; for tests that drive the consumer step by step. */
  async pollOnce(waitTimeSeconds = 0): Promise<number> {
    const messages = await this.deps.queue.receive({ maxMessages: 10, waitTimeSeconds });
    const work = this.processBatch(messages);
    this.inFlight = work;
    await work;
    return messages.length;
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      try {
        await this.pollOnce(this.deps.waitTimeSeconds ?? 20);
      } catch (error) {
        if (this.stopping) break;
        this.deps.log.error({ err: error }, 'webhook consumer: receive failed');
        await this.deps.sleep(1000);
      }
    }
  }

  /**
   * Groups run side by side; the events of one group run in order. The processed events of the
   * batch are then recorded in one commit and deleted from the queue in one more, rather than two
   * commits (two fsyncs) per event.
   */
  private async processBatch(messages: readonly QueueMessage[]): Promise<void> {
    const groups = new Map<string, QueueMessage[]>();
    for (const message of messages) {
      const key = message.groupId ?? message.messageId;
      groups.set(key, [...(groups.get(key) ?? []), message]);
    }
    const done: Processed[] = [];
    const seen = new Set<string>();
    await Promise.all(
      [...groups.values()].map(async (group) => {
        for (const message of group) {
          const processed = await this.process(message, seen);
          if (processed) done.push(processed);
        }
      }),
    );
    const records = done.flatMap((d) => (d.record ? [d.record] : []));
    if (records.length > 0) this.deps.events.recordAll(records);
    if (done.length > 0) await this.deps.queue.deleteBatch(done.map((d) => d.receiptHandle));
  }

  /** Applies one event; returns what to record and delete, or nothing if it failed. */
  private async process(message: QueueMessage, seen: Set<string>): Promise<Processed | undefined> {
    const { queue } = this.deps;
    let event: WebhookEvent;
    try {
      event = JSON.parse(message.body) as WebhookEvent;
    } catch {
      await queue.reject(message.receiptHandle, {
        code: 'Webhook.Malformed',
        message: 'The queued event is not JSON.',
      });
      return undefined;
    }
    try {
      if (seen.has(event.id) || this.deps.events.has(event.id)) {
        return { receiptHandle: message.receiptHandle };
      }
      const outcome = await this.apply(event);
      seen.add(event.id);
      return {
        receiptHandle: message.receiptHandle,
        record: {
          eventId: event.id,
          type: event.type,
          transactionId: String(event.data['transaction_id']),
          outcome,
          processedAt: this.deps.clock.now(),
        },
      };
    } catch (error) {
      const raw = (error as { code?: unknown }).code;
      const code = typeof raw === 'string' ? raw : error instanceof Error ? error.name : 'Error';
      const failure = { code, message: (error as Error).message.slice(0, 500) };
      if (code === 'Conflict' || code === 'PaymentInvalid') {
        // Retrying cannot help: another payment holds this transaction id.
        await queue.reject(message.receiptHandle, failure);
        return undefined;
      }
      if (!(error instanceof RetryLaterError)) {
        this.deps.log.warn({ event_id: event.id, code }, 'webhook event failed; will retry');
      }
      // Exponential backoff by receive count: 2, 4, 8... seconds, at most 5 minutes.
      const retryDelaySeconds = Math.min(300, 2 ** message.approximateReceiveCount);
      await queue.fail(message.receiptHandle, failure, { retryDelaySeconds });
      return undefined;
    }
  }

  private async apply(event: WebhookEvent): Promise<EventOutcome> {
    switch (event.type) {
      case WebhookEventType.PaymentCreated: {
        const result = await this.deps.operations.submit(event.data as JsonObject, {
          prevalidate: false,
        });
        return result.created ? 'started' : 'already_started';
      }
      case WebhookEventType.ReviewClosed:
        return this.applyReview(event);
      default:
        throw new Error(`Unknown event type ${String(event.type)}`);
    }
  }

  private async applyReview(event: WebhookEvent): Promise<EventOutcome> {
    const transactionId = String(event.data['transaction_id']);
    const decision = event.data['decision'] === 'approve' ? 'approve' : 'reject';
    const transaction = await this.deps.store.get(transactionId);
    if (!transaction || BEFORE_REVIEW.includes(transaction.status)) {
      throw new RetryLaterError(`Transaction ${transactionId} is not in review yet.`);
    }
    if (
      transaction.status !== TransactionStatus.InReview ||
      transaction.review_task_token === undefined
    ) {
      await this.deps.audit.append({
        id: `${transactionId}:webhook-ignored:${event.id}`,
        transaction_id: transactionId,
        at: this.deps.clock.now(),
        actor: 'webhook:review.closed',
        action: 'webhook_ignored',
        details: { event_id: event.id, status: transaction.status, reason: 'not_in_review' },
      });
      return 'ignored_stale';
    }
    const reviewer =
      typeof event.data['reviewer'] === 'string' ? event.data['reviewer'] : 'provider';
    const note = typeof event.data['note'] === 'string' ? event.data['note'] : undefined;
    try {
      await this.deps.operations.decideReview(transactionId, decision, reviewer, note);
    } catch (error) {
      // The task token was replaced (the review task was retried): apply it to the new one.
      if ((error as { code?: unknown }).code === 'Conflict')
        throw new RetryLaterError('stale token');
      throw error;
    }
    return 'review_applied';
  }
}
