import { z } from 'zod';
import { subgraphEnv, loadConfig, port } from '@jobgraph/kit';

/** The notifications subgraph's environment (on top of the kit's). */
export const notificationsEnv = {
  ...subgraphEnv,
  NOTIFICATIONS_PORT: port(4004),
  NOTIFICATIONS_DATABASE_URL: z.url().optional(),
  /** Where email goes: `smtp://[user:pass@]host:port` (or `smtps://`); the default is a local MailHog/Mailpit. */
  SMTP_URL: z
    .url()
    .refine((v) => /^smtps?:$/.test(new URL(v).protocol), 'must be an smtp:// or smtps:// URL')
    .default('smtp://127.0.0.1:1025'),
  /**
   * `smtp` sends through SMTP_URL; `log` sends nothing and logs each email's recipient and subject (a development
   * machine without a mail catcher, and test stacks that do not look at mail).
   */
  MAIL_TRANSPORT: z.enum(['smtp', 'log']).default('smtp'),
  /** The From header of every email. */
  MAIL_FROM: z.string().min(3).default('JobGraph <no-reply@jobgraph.localhost>'),
  /** The web app the links in emails open, e.g. `${PUBLIC_URL}/verify-email?token=…`. */
  PUBLIC_URL: z
    .url()
    .refine((v) => /^https?:$/.test(new URL(v).protocol), 'must be an http:// or https:// URL')
    .default('http://localhost:3000')
    .transform((v) => v.replace(/\/+$/, '')),
  /**
   * Longest wait for the SMTP server to connect, greet or answer, in ms. An event handler holds its database
   * transaction while it sends, so an unresponsive server must fail (and be retried) rather than hang.
   */
  SMTP_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
};

export type NotificationsConfig = ReturnType<typeof loadNotificationsConfig>;
export const loadNotificationsConfig = (env: Record<string, string | undefined> = process.env) => loadConfig(notificationsEnv, env);
