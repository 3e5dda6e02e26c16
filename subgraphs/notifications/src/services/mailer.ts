import nodemailer, { type Transporter } from 'nodemailer';
import type { Logger } from '@jobgraph/kit';
import type { Email } from '../domain/templates.js';
import type { NotificationsConfig } from '../config.js';

export interface Mailer {
  /** Resolves once the server accepted the message for delivery; rejects otherwise (the caller retries). */
  send(to: string, email: Email): Promise<void>;
  close(): void;
}

/**
 * nodemailer over SMTP_URL. One connection per message (no pool): a server that restarts between two events never
 * leaves a dead pooled connection to fail on. Timeouts are added to the URL's own options unless it sets them.
 */
export function smtpMailer(config: NotificationsConfig): Mailer {
  const url = new URL(config.SMTP_URL);
  for (const option of ['connectionTimeout', 'greetingTimeout', 'socketTimeout']) {
    if (!url.searchParams.has(option)) url.searchParams.set(option, String(config.SMTP_TIMEOUT_MS));
  }
  const transport: Transporter = nodemailer.createTransport(url.toString());
  return {
    async send(to, email) {
      await transport.sendMail({ from: config.MAIL_FROM, to, subject: email.subject, text: email.text, html: email.html });
    },
    close() {
      transport.close();
    },
  };
}

/** MAIL_TRANSPORT=log: sends nothing; logs who would have received what (never the body, which may hold a token). */
export function logMailer(log: Logger): Mailer {
  return {
    async send(to, email) {
      log.info({ to, subject: email.subject }, 'email not sent (MAIL_TRANSPORT=log)');
    },
    close() {},
  };
}
