import { connect } from 'amqplib';
import type { MikroORM } from '@mikro-orm/postgresql';
import { MyNotificationsDocument, SignUpDocument, type NotificationFieldsFragment } from '@jobgraph/client';
import { makeEnvelope, newId, type EventEnvelope } from '@jobgraph/kit';
import { waitFor } from '@jobgraph/kit/testing';
import { newAccount, type TestStack } from './support.js';
import type { TestMailbox } from './mail.js';

export const amqpUrl = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

export interface Member {
  id: string;
  username: string;
  email: string;
  token: string;
}

/**
 * A new account that notifications already knows (its verification email has arrived, so the `user.registered`
 * that feeds notifications' address book was processed): order, chat and review emails can reach it.
 */
export async function newMember(t: TestStack, mail: TestMailbox, prefix = 'member'): Promise<Member> {
  const input = newAccount(prefix);
  const { signUp } = await t.client.expect(SignUpDocument, { input });
  await mail.next(input.email, /Confirm your email address/);
  return { id: signUp.user.id, username: signUp.user.username, email: input.email, token: signUp.accessToken };
}

/** Publishes events as their producer would: on `<namespace>.<exchange>`, routing key = type (each as many times as listed). */
export async function publish(t: TestStack, exchange: string, events: EventEnvelope[]): Promise<void> {
  const connection = await connect(amqpUrl);
  try {
    const channel = await connection.createConfirmChannel();
    for (const event of events) {
      const fanout = exchange === event.type;
      channel.publish(`${t.stack.env.EVENTS_NAMESPACE}.${exchange}`, fanout ? '' : event.type, Buffer.from(JSON.stringify(event)), {
        persistent: true,
        contentType: 'application/json',
      });
    }
    await channel.waitForConfirms();
  } finally {
    await connection.close();
  }
}

/** An `order.placed` as orders will announce it. */
export function orderPlaced(buyer: Member, seller: Member, data: Record<string, unknown> = {}): EventEnvelope {
  return makeEnvelope(
    'orders',
    'order.placed',
    {
      orderId: newId(),
      buyerId: buyer.id,
      sellerId: seller.id,
      gigTitle: 'I will build your GraphQL API',
      price: { amount: 5_000, currency: 'USD' },
      dueAt: new Date(Date.now() + 7 * 86_400_000).toISOString(),
      ...data,
    },
    { correlationId: `test-order-${newId()}` },
  );
}

/** The member's notifications, newest first (first page of 100). */
export async function notificationsOf(t: TestStack, member: Member, unreadOnly = false): Promise<NotificationFieldsFragment[]> {
  const { me } = await t.client.expect(MyNotificationsDocument, { unreadOnly, first: 100 }, { token: member.token });
  return me?.notifications?.edges.map((e) => e.node) ?? [];
}

/** Waits for the member's notification whose link is `link` (e.g. `/orders/<id>`). */
export function notificationAbout(t: TestStack, member: Member, link: string): Promise<NotificationFieldsFragment> {
  return waitFor(async () => (await notificationsOf(t, member)).find((n) => n.link === link), 10_000, `${member.username}'s notification about ${link}`);
}

/** Rows of notifications' email log for one event, straight from its database. */
export async function emailLog(t: TestStack, eventId: string): Promise<Array<{ recipient_id: string; status: string; attempts: number; error: string | null }>> {
  const orm = t.stack.subgraphs.notifications.orm as MikroORM;
  return orm.em.fork().execute('select recipient_id, status, attempts, error from email_log where event_id = ? order by recipient_id', [eventId]);
}

/** Messages waiting in one of notifications' queues (e.g. `order-events.dlq`). */
export async function queueDepth(t: TestStack, queue: string): Promise<number> {
  const connection = await connect(amqpUrl);
  try {
    const channel = await connection.createChannel();
    return (await channel.checkQueue(`${t.stack.env.EVENTS_NAMESPACE}.notifications.${queue}`)).messageCount;
  } finally {
    await connection.close();
  }
}

/** How many `type` events a subgraph's consumers finished (processed or skipped as already seen), from /metrics. */
export async function processedCount(t: TestStack, type: string, subgraph = 'notifications'): Promise<number> {
  const text = await (await fetch(t.stack.subgraphs[subgraph].url.replace(/\/graphql$/, '/metrics'))).text();
  const line = text.split('\n').find((l) => l.startsWith('jobgraph_events_consumed_total{') && l.includes(`type="${type}"`) && l.includes('outcome="processed"'));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

/** The token in an email's link to `path` (e.g. `/verify-email`), from its text part. */
export function tokenFrom(text: string, publicUrl: string, path: string): string {
  const escaped = `${publicUrl}${path}`.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  const match = new RegExp(`${escaped}\\?token=([^\\s]+)`).exec(text);
  if (!match) throw new Error(`no ${path} link in:\n${text}`);
  return decodeURIComponent(match[1]);
}

export const PUBLIC_URL = 'https://app.jobgraph.test';
