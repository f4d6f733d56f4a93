/**
 * NotifyCustomer: tells the customer how their payment ended (completed or declined) and, for a
 * completed one, marks the transaction COMPLETED (RECORDED -> COMPLETED). A notification that
 * cannot be delivered is audited and reported in the result, never thrown: the money has moved
 * (or been refused) either way, and failing the workflow now would misreport the payment.
 */
import type { Json } from '../../asl/json.js';
import { isJsonObject } from '../../asl/json.js';
import { errorName } from '../errors.js';
import { TransactionStatus } from '../lifecycle.js';
import { formatMoney } from '../money.js';
import type { Payment } from '../payment.js';
import { paymentFromJson } from '../payment.js';
import type { CustomerNotification, NotificationReceipt } from '../ports/customer-notifier.js';
import { NotificationKind } from '../ports/customer-notifier.js';
import { moveStatus, unexpectedStatus } from './status-step.js';
import type { PaymentPorts, PaymentTaskHandler } from './task-handler.js';

const ACTOR = 'step:NotifyCustomer';

/**
 * Builds the handler. Input: `{ payment, charge? }`; the payment completed if
 * `charge.outcome` is `charged`, else it was declined. Result: `{ outcome, notified, status }`.
 */
export function notifyCustomer(
  ports: Pick<PaymentPorts, 'store' | 'audit' | 'clock' | 'notifier'>,
): PaymentTaskHandler {
  return async (input: Json): Promise<Json> => {
    const object = isJsonObject(input) ? input : {};
    const payment = paymentFromJson(object['payment']);
    const charge = object['charge'];
    const completed = isJsonObject(charge) && charge['outcome'] === 'charged';
    const id = payment.transaction_id;
    const at = ports.clock.now();

    const notification = compose(payment, completed, at);
    let receipt: NotificationReceipt | undefined;
    let failure: string | undefined;
    try {
      receipt = await ports.notifier.notify(notification);
    } catch (error) {
      failure = errorName(error);
    }
    await ports.audit.append({
      id: `${id}:notify:${notification.kind}`,
      transaction_id: id,
      at,
      actor: ACTOR,
      action: receipt === undefined ? 'notification_failed' : 'customer_notified',
      details:
        receipt === undefined
          ? { kind: notification.kind, error: failure ?? 'Error' }
          : { kind: notification.kind, channel: receipt.channel, delivery: receipt.status },
    });

    let status: TransactionStatus = TransactionStatus.Declined;
    if (completed) {
      const moved = await moveStatus(ports, {
        transactionId: id,
        to: TransactionStatus.Completed,
        at,
        actor: ACTOR,
      });
      if (moved.outcome !== 'applied' && moved.outcome !== 'unchanged') {
        throw unexpectedStatus('NotifyCustomer', moved);
      }
      status = TransactionStatus.Completed;
    }
    return {
      transaction_id: id,
      outcome: completed ? 'completed' : 'declined',
      notified: receipt !== undefined,
      ...(receipt === undefined ? {} : { channel: receipt.channel }),
      status,
    };
  };
}

function compose(payment: Payment, completed: boolean, at: number): CustomerNotification {
  const amount = `${formatMoney(payment.amount)} ${payment.amount.currency}`;
  const method =
    payment.last4 === undefined
      ? payment.payment_method.replace('_', ' ')
      : `${payment.payment_method.replace('_', ' ')} ending ${payment.last4}`;
  const kind = completed ? NotificationKind.PaymentCompleted : NotificationKind.PaymentDeclined;
  return {
    id: `${payment.transaction_id}:${kind}`,
    transaction_id: payment.transaction_id,
    customer_id: payment.customer_id,
    ...(payment.customer_email === undefined ? {} : { email: payment.customer_email }),
    kind,
    subject: completed
      ? `Payment ${payment.transaction_id} received`
      : `Payment ${payment.transaction_id} declined`,
    body: completed
      ? `Your payment of ${amount} by ${method} was successful.`
      : `Your payment of ${amount} by ${method} could not be completed. No money was taken.`,
    created_at: at,
  };
}
