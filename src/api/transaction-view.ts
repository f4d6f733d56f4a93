/**
 * The transaction as `GET /transactions/{id}` shows it: the stored transaction (minus the review
 * task token, which would let its holder decide the review), its lifecycle (the status path from
 * the audit log), the workflow step it is in now, and links to its execution, history and audit
 * trail. A payment whose workflow has started but not yet stored the transaction (or rejected it,
 * which stores nothing) is shown from its execution alone.
 */
import type { JsonObject } from '../asl/json.js';
import type { DescribeExecutionOutput, HistoryEvent } from '../engine/control.js';
import { TerminalStatuses } from '../payments/lifecycle.js';
import type { TransactionStatus } from '../payments/lifecycle.js';
import { formatMoney } from '../payments/money.js';
import type { AuditEntry } from '../payments/ports/audit-log.js';
import type { Transaction } from '../payments/transaction.js';
import { transactionToJson } from '../payments/transaction.js';

export interface CurrentStep {
  state: string;
  entered_at: string;
}

/** The state the execution is in now: the last one entered and not yet exited, if running. */
export function currentStep(
  execution: DescribeExecutionOutput | undefined,
  history: readonly HistoryEvent[],
): CurrentStep | null {
  if (execution?.status !== 'RUNNING') return null;
  let current: CurrentStep | null = null;
  for (const event of history) {
    if (event.type.endsWith('StateEntered')) {
      const details = event['stateEnteredEventDetails'] as { name?: string } | undefined;
      if (details?.name !== undefined) {
        current = { state: details.name, entered_at: new Date(event.timestamp).toISOString() };
      }
    } else if (event.type.endsWith('StateExited')) {
      const details = event['stateExitedEventDetails'] as { name?: string } | undefined;
      if (details?.name === current?.state) current = null;
    }
  }
  return current;
}

/** Links a client follows from a transaction, relative to the API root. */
export function transactionLinks(transactionId: string, executionArn: string) {
  const id = encodeURIComponent(transactionId);
  const arn = encodeURIComponent(executionArn);
  return {
    self: { href: `/transactions/${id}` },
    audit: { href: `/transactions/${id}/audit` },
    notify: { href: `/transactions/${id}/notify`, method: 'POST' },
    execution: { href: `/executions/${arn}` },
    history: { href: `/executions/${arn}/history` },
  };
}

/** The status (or, before a transaction exists, the execution's state) a client sees. */
function derivedStatus(
  transaction: Transaction | undefined,
  execution: DescribeExecutionOutput | undefined,
): string {
  if (transaction) return transaction.status;
  if (!execution || execution.status === 'RUNNING') return 'PENDING';
  // The workflow rejected the request before storing it; its output says so.
  try {
    const output = JSON.parse(execution.output ?? '{}') as { status?: unknown };
    if (typeof output.status === 'string') return output.status;
  } catch {
    // fall through
  }
  return execution.status === 'SUCCEEDED' ? 'UNKNOWN' : 'FAILED';
}

export function transactionView(input: {
  transactionId: string;
  executionArn: string;
  transaction: Transaction | undefined;
  execution: DescribeExecutionOutput | undefined;
  history: readonly HistoryEvent[];
  audit: readonly AuditEntry[];
}): JsonObject {
  const { transaction, execution } = input;
  const status = derivedStatus(transaction, execution);
  const stored: JsonObject = transaction ? transactionToJson(transaction) : {};
  delete stored['review_task_token'];
  const path = input.audit
    .filter((entry) => entry.action === 'status_changed' && entry.to_status !== undefined)
    .map((entry) => ({
      status: entry.to_status as string,
      at: new Date(entry.at).toISOString(),
      actor: entry.actor,
    }));
  return {
    ...stored,
    transaction_id: input.transactionId,
    status,
    ...(transaction
      ? {
          amount_display: `${formatMoney(transaction.amount)} ${transaction.amount.currency}`,
          created_at: new Date(transaction.created_at).toISOString(),
          updated_at: new Date(transaction.updated_at).toISOString(),
        }
      : {}),
    lifecycle: {
      status,
      terminal: TerminalStatuses.includes(status as TransactionStatus),
      path,
    },
    current_step: currentStep(execution, input.history) as JsonObject | null,
    execution: execution
      ? {
          arn: execution.executionArn,
          status: execution.status,
          start_date: new Date(execution.startDate).toISOString(),
          ...(execution.stopDate === undefined
            ? {}
            : { stop_date: new Date(execution.stopDate).toISOString() }),
          ...(execution.error === undefined ? {} : { error: execution.error }),
        }
      : null,
    _links: transactionLinks(input.transactionId, input.executionArn),
  };
}
