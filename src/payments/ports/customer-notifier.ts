/**
 * The customer notifier port: telling a customer what happened to their payment. The default
 * adapter is a local outbox (a table a relay or a person reads); others send email over SMTP or
 * publish to SNS on AWS. A notification has a deterministic id, so sending it twice sends once
 * where the adapter can tell.
 */

export const NotificationKind = {
  PaymentCompleted: 'payment_completed',
  PaymentDeclined: 'payment_declined',
} as const;
export type NotificationKind = (typeof NotificationKind)[keyof typeof NotificationKind];

export interface CustomerNotification {
  /** Deterministic: `<transaction id>:<kind>`. */
  readonly id: string;
  readonly transaction_id: string;
  readonly customer_id: string;
  /** Where to write, if the customer gave an address. */
  readonly email?: string;
  readonly kind: NotificationKind;
  readonly subject: string;
  /** Plain text; amounts and last four digits only, never card data. */
  readonly body: string;
  /** Epoch milliseconds. */
  readonly created_at: number;
}

/** What happened to a notification: queued for a relay, or handed to a mail server. */
export interface NotificationReceipt {
  readonly id: string;
  readonly channel: string;
  readonly status: 'queued' | 'sent';
}

export interface CustomerNotifier {
  /** Delivers or queues the notification. Throws if it could do neither. */
  notify(notification: CustomerNotification): Promise<NotificationReceipt>;
}
