/**
 * Alert sink that sends a plain-text email through an injected nodemailer transport (SMTP in
 * production, a stream or JSON transport in tests). `smtpAlertTransport` builds the SMTP one from
 * typed configuration at the edge.
 */
import nodemailer from 'nodemailer';
import type { AlertSink, OutgoingAlert } from '../alerts.js';
import { alertText, alertTitle } from '../alerts.js';

/** The part of a nodemailer transporter the sink uses. */
export interface MailTransport {
  sendMail(mail: { from: string; to: string; subject: string; text: string }): Promise<unknown>;
}

export interface EmailAlertSinkOptions {
  transport: MailTransport;
  from: string;
  /** One address or a comma-separated list. */
  to: string;
  /** Prepended to the subject. @default '[paystep]' */
  subjectPrefix?: string;
}

export class EmailAlertSink implements AlertSink {
  readonly name = 'email';

  constructor(private readonly options: EmailAlertSinkOptions) {}

  async deliver(alert: OutgoingAlert): Promise<void> {
    await this.options.transport.sendMail({
      from: this.options.from,
      to: this.options.to,
      subject: `${this.options.subjectPrefix ?? '[paystep]'} ${alertTitle(alert)}`,
      text: alertText(alert),
    });
  }
}

export interface SmtpConfig {
  host: string;
  /** @default 587 */
  port?: number;
  /** TLS from the first byte (port 465); otherwise STARTTLS when offered. @default false */
  secure?: boolean;
  user?: string;
  password?: string;
  /** Connection and greeting timeout. @default 10000 */
  timeoutMs?: number;
}

/** A nodemailer SMTP transport from typed configuration. */
export function smtpAlertTransport(config: SmtpConfig): MailTransport {
  const timeout = config.timeoutMs ?? 10_000;
  return nodemailer.createTransport({
    host: config.host,
    port: config.port ?? 587,
    secure: config.secure ?? false,
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    ...(config.user !== undefined
      ? { auth: { user: config.user, pass: config.password ?? '' } }
      : {}),
  });
}
