/**
 * Delivers queued outbox notifications through another notifier (SMTP, for instance), marking
 * each sent or recording why it failed. Called periodically by whoever runs the process.
 */
import type { CustomerNotifier } from '../../payments/ports/customer-notifier.js';
import type { Clock } from '../../payments/ports/clock.js';
import type { SqliteOutboxNotifier } from '../sqlite/sqlite-outbox-notifier.js';

export interface RelayResult {
  readonly sent: number;
  readonly failed: number;
}

/** Sends up to `limit` pending notifications once each. */
export async function relayOutbox(
  outbox: SqliteOutboxNotifier,
  delivery: CustomerNotifier,
  clock: Clock,
  limit = 100,
): Promise<RelayResult> {
  let sent = 0;
  let failed = 0;
  for (const entry of await outbox.pending(limit)) {
    try {
      await delivery.notify(entry);
      await outbox.markSent(entry.id, clock.now());
      sent++;
    } catch (error) {
      await outbox.markFailed(entry.id, error instanceof Error ? error.name : 'Error');
      failed++;
    }
  }
  return { sent, failed };
}
