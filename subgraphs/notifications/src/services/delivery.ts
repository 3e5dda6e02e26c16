/**
 * How a notification reaches its user: stored in-app, and emailed unless the user turned that kind off.
 *
 * Sending must neither lose nor duplicate mail, with SMTP down for a while. The design:
 *
 * - The email is sent inside the event handler, before the handler's transaction commits. An SMTP failure throws,
 *   so the transaction rolls back — the in-app notification and the kit's inbox claim with it — and the bus retries
 *   the event after EVENT_RETRY_DELAYS_MS, then parks it in `<queue>.dlq` for `pnpm events dlq replay`. Sending
 *   after commit (`afterCommit`) would lose the email on failure: the inbox would already say "done".
 * - One event can mail two people (an order's buyer and seller). If the second send fails, the retry must not send
 *   the first again, so each outcome is written to `email_log` at once, on a connection of its own, outside the
 *   transaction that is about to roll back: a retry skips every email the log marks SENT and reuses its
 *   notification id, so the in-app row it stores again matches the log. FAILED rows count attempts and keep the
 *   last SMTP error for operators.
 * - The kit's inbox serialises deliveries of one event: a redelivery waits for the first one's transaction and
 *   then skips, so two handlers never send the same event's mail at once.
 *
 * The one duplicate left: the SMTP server accepts a message and the process dies (or the database fails) before the
 * SENT row is written; the retry then sends that email again. SMTP gives no way to ask "did you get it?", so this
 * window — milliseconds — is the price of never losing one.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import { newId, publishSubscriptionEvent, type ConsumerTools, type EventEnvelope } from '@jobgraph/kit';
import { Notification } from '../entities/index.js';
import { wantsEmail } from '../domain/kinds.js';
import type { Message } from '../domain/templates.js';
import { findRecipients } from './recipients.js';
import type { NotificationsServices } from './index.js';

export interface Delivery {
  recipientId: string;
  message: Message;
  /** The address the event itself names (auth's events: the newest there is); otherwise the read model's. */
  to?: string;
}

interface LoggedEmail {
  notificationId: string;
  status: 'SENT' | 'FAILED';
}

interface Outcome {
  eventId: string;
  recipientId: string;
  notificationId: string;
  kind: string;
  to: string;
}

/** `email_log`, on a small pool of its own: every statement commits at once, whatever the caller's transaction does. */
export class DeliveryLog {
  constructor(private readonly orm: MikroORM) {}

  /**
   * An entity manager of the log's own pool. Without `disableContextResolution`, MikroORM resolves `fork()` inside
   * a handler's transaction to that handler's context: the write then needed a second connection of the main pool,
   * and 10+ events in flight starved it (found by bench/src/notifications.ts).
   */
  private em() {
    return this.orm.em.fork({ disableContextResolution: true });
  }

  /** What earlier attempts at this event did, by recipient. */
  async forEvent(eventId: string): Promise<Map<string, LoggedEmail>> {
    const rows: Array<{ recipient_id: string; notification_id: string; status: 'SENT' | 'FAILED' }> = await this.em().execute('select recipient_id, notification_id, status from email_log where event_id = ?', [eventId]);
    return new Map(rows.map((r) => [r.recipient_id, { notificationId: r.notification_id, status: r.status }]));
  }

  async sent(o: Outcome): Promise<void> {
    await this.em().execute(
      `insert into email_log (id, event_id, recipient_id, notification_id, kind, to_address, status, attempts, error, sent_at, created_at, updated_at)
       values (?, ?, ?, ?, ?, ?, 'SENT', 1, null, now(), now(), now())
       on conflict (event_id, recipient_id) do update set status = 'SENT', attempts = email_log.attempts + 1, error = null,
         sent_at = now(), updated_at = now(), notification_id = excluded.notification_id, to_address = excluded.to_address`,
      [newId(), o.eventId, o.recipientId, o.notificationId, o.kind, o.to],
    );
  }

  async failed(o: Outcome, error: string): Promise<void> {
    await this.em().execute(
      `insert into email_log (id, event_id, recipient_id, notification_id, kind, to_address, status, attempts, error, sent_at, created_at, updated_at)
       values (?, ?, ?, ?, ?, ?, 'FAILED', 1, ?, null, now(), now())
       on conflict (event_id, recipient_id) do update set status = 'FAILED', attempts = email_log.attempts + 1, error = excluded.error,
         updated_at = now(), notification_id = excluded.notification_id, to_address = excluded.to_address
       where email_log.status <> 'SENT'`,
      [newId(), o.eventId, o.recipientId, o.notificationId, o.kind, o.to, error.slice(0, 2000)],
    );
  }

  async close(): Promise<void> {
    await this.orm.close();
  }
}

/** Stores each delivery's notification in the handler's transaction and emails it; throws when an email failed. */
export async function deliver(services: NotificationsServices, event: EventEnvelope, tools: ConsumerTools, deliveries: Delivery[]): Promise<void> {
  const { em, log } = tools;
  // One message per user per event (the log's key): should an event ever name one user twice, the first wins.
  const unique = deliveries.filter((d, i) => deliveries.findIndex((o) => o.recipientId === d.recipientId) === i);
  if (unique.length === 0) return;
  const ids = unique.map((d) => d.recipientId);
  const logged = await services.deliveryLog.forEvent(event.id);
  const prefs: Array<{ user_id: string; email_off: string[] }> = await em.execute(
    'select user_id, email_off from notification_preference where user_id in (?)',
    [ids],
  );
  const emailOff = new Map(prefs.map((p) => [p.user_id, p.email_off]));
  const known = await findRecipients(em, ids);

  const emails: Array<Outcome & { delivery: Delivery }> = [];
  for (const d of unique) {
    const earlier = logged.get(d.recipientId);
    const notificationId = earlier?.notificationId ?? newId();
    const { kind, title, body, link } = d.message;
    em.persist(em.create(Notification, { id: notificationId, recipientId: d.recipientId, kind, title, body, link, createdAt: new Date(), readAt: null }));
    // Live: once committed, the router's `notificationAdded` subscribers of this user hear of it.
    tools.afterCommit(() =>
      publishSubscriptionEvent(services.redis, services.config.REDIS_PREFIX, 'notificationAdded', d.recipientId, notificationId).catch((err: unknown) =>
        log.warn({ err: (err as Error).message }, 'could not announce a notification live; it is stored and listed'),
      ),
    );
    if (!wantsEmail(kind, emailOff.get(d.recipientId) ?? [])) continue;
    const to = d.to ?? known.get(d.recipientId)?.email;
    if (!to) {
      // No user.registered seen for this user (e.g. an account older than this service): in-app only.
      log.warn({ recipientId: d.recipientId, kind }, 'no email address known for the user; notified in-app only');
      continue;
    }
    if (earlier?.status === 'SENT') continue;
    emails.push({ eventId: event.id, recipientId: d.recipientId, notificationId, kind, to, delivery: d });
  }
  // Database problems surface before any email leaves.
  await em.flush();

  let failed: string | null = null;
  for (const email of emails) {
    try {
      await services.mailer.send(email.to, email.delivery.message.email);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      log.warn({ recipientId: email.recipientId, kind: email.kind, reason }, 'email not sent; the event will be retried');
      await services.deliveryLog.failed(email, reason);
      failed ??= reason;
      // The others are still tried: one refused address must not hold up the other party's email.
      continue;
    }
    await services.deliveryLog.sent(email);
    log.debug({ recipientId: email.recipientId, kind: email.kind }, 'email sent');
  }
  if (failed !== null) throw new Error(`could not send an email: ${failed}`);
}
