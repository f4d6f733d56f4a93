/**
 * SmtpNotifier: a {@link CustomerNotifier} that emails the customer through an SMTP server with
 * nodemailer. The transport is passed in (created at the edge with `nodemailer.createTransport`),
 * so tests use nodemailer's JSON or stream transports and nothing here reads configuration.
 */
import type {
  CustomerNotification,
  CustomerNotifier,
  NotificationReceipt,
} from '../../payments/ports/customer-notifier.js';

/** The part of a nodemailer transporter this adapter uses. */
export interface MailTransport {
  sendMail(message: {
    from: string;
    to: string;
    subject: string;
    text: string;
    messageId?: string;
    headers?: Record<string, string>;
  }): Promise<unknown>;
}

export interface SmtpNotifierOptions {
  readonly transport: MailTransport;
  /** The sender address, e.g. `"Payments" <payments@example.com>`. */
  readonly from: string;
  /** The domain in generated Message-IDs. @default 'paystep.local' */
  readonly messageIdDomain?: string;
}

/** Thrown when a notification has no address to send to. */
export class NoRecipientError extends Error {
  override readonly name = 'Notification.NoRecipient';
}

export class SmtpNotifier implements CustomerNotifier {
  readonly #options: SmtpNotifierOptions;

  constructor(options: SmtpNotifierOptions) {
    this.#options = options;
  }

  async notify(notification: CustomerNotification): Promise<NotificationReceipt> {
    if (notification.email === undefined) {
      throw new NoRecipientError(`Customer ${notification.customer_id} has no email address`);
    }
    const domain = this.#options.messageIdDomain ?? 'paystep.local';
    await this.#options.transport.sendMail({
      from: this.#options.from,
      to: notification.email,
      subject: notification.subject,
      text: notification.body,
      // A stable Message-ID lets mail systems drop a duplicate if a retry resends it.
      messageId: `<${encodeURIComponent(notification.id)}@${domain}>`,
      headers: { 'X-Paystep-Transaction': notification.transaction_id },
    });
    return { id: notification.id, channel: 'smtp', status: 'sent' };
  }
}
