import { describe, expect, it } from 'vitest';
import type { MikroORM } from '@mikro-orm/postgresql';
import {
  MarkNotificationsReadDocument,
  MyNotificationsDocument,
  UnreadNotificationCountDocument,
  UpdateNotificationPreferencesDocument,
  UserNotificationsDocument,
} from '@jobgraph/client';
import { makeEnvelope, newId } from '@jobgraph/kit';
import { waitFor } from '@jobgraph/kit/testing';
import { useMailbox } from './mail.js';
import {
  PUBLIC_URL,
  newMember,
  notificationAbout,
  notificationsOf,
  orderPlaced,
  processedCount,
  publish,
  queueDepth,
  type Member,
} from './notifications-support.js';
import { codes, useStack } from './support.js';

const mail = useMailbox();
const t = useStack(() => ({ SMTP_URL: mail.url, PUBLIC_URL }));

const orderIdOf = (event: { data: unknown }) => (event.data as { orderId: string }).orderId;
const orderLink = (event: { data: unknown }) => `/orders/${orderIdOf(event)}`;

async function unread(member: Member): Promise<number> {
  return (await t.client.expect(UnreadNotificationCountDocument, {}, { token: member.token })).unreadNotificationCount;
}

async function notificationRows(recipientId: string): Promise<number> {
  const orm = t.stack.subgraphs.notifications.orm as MikroORM;
  const rows: Array<{ n: string }> = await orm.em.fork().execute('select count(*) as n from notification where recipient_id = ?', [recipientId]);
  return Number(rows[0].n);
}

describe('order notifications', () => {
  it('tells both buyer and seller of a new order, in the app and by email', async () => {
    const buyer = await newMember(t, mail, 'buyer');
    const seller = await newMember(t, mail, 'seller');
    const event = orderPlaced(buyer, seller, { price: { amount: 12_550, currency: 'EUR' } });
    await publish(t, 'orders', [event]);

    const toSeller = await mail.next(seller.email, /^New order: I will build your GraphQL API$/);
    expect(toSeller.text).toContain(`${buyer.username} ordered “I will build your GraphQL API” for €125.50.`);
    expect(toSeller.text).toContain(`${PUBLIC_URL}${orderLink(event)}`);
    const toBuyer = await mail.next(buyer.email, /^Order placed: I will build your GraphQL API$/);
    expect(toBuyer.text).toContain(`from ${seller.username}`);

    const sellerNote = await notificationAbout(t, seller, orderLink(event));
    expect(sellerNote).toMatchObject({ kind: 'ORDER_PLACED', title: 'New order: I will build your GraphQL API', readAt: null });
    expect((await notificationAbout(t, buyer, orderLink(event))).kind).toBe('ORDER_PLACED');
  });

  it('keeps order emails off for a user who turned them off, while still listing the order in the app', async () => {
    const buyer = await newMember(t, mail, 'quietbuyer');
    const seller = await newMember(t, mail, 'seller');
    await t.client.expect(UpdateNotificationPreferencesDocument, { input: { orderPlaced: false } }, { token: buyer.token });
    const event = orderPlaced(buyer, seller);
    await publish(t, 'orders', [event]);

    // Both notifications are stored in the transaction that sends the emails: once the buyer's is listed, every
    // email of the event has been sent.
    await notificationAbout(t, buyer, orderLink(event));
    await mail.next(seller.email, /^New order/);
    expect(mail.to(buyer.email).filter((m) => /Order placed/.test(m.subject))).toEqual([]);
  });

  it('escapes HTML in a gig title in the email\'s HTML part, and keeps it as typed in the text part', async () => {
    const buyer = await newMember(t, mail, 'buyer');
    const seller = await newMember(t, mail, 'seller');
    const title = 'Logos <script>alert("x")</script> & <b>more</b>';
    await publish(t, 'orders', [orderPlaced(buyer, seller, { gigTitle: title })]);

    const email = await mail.next(seller.email, /^New order: Logos/);
    expect(email.html).toContain('Logos &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;more&lt;/b&gt;');
    expect(email.html).not.toContain('<script>');
    expect(email.html).not.toContain('<b>more');
    expect(email.text).toContain(`“${title}”`);
  });

  it('parks a malformed order event in the dead-letter queue and notifies nobody', async () => {
    const buyer = await newMember(t, mail, 'buyer');
    const seller = await newMember(t, mail, 'seller');
    const malformed = orderPlaced(buyer, seller, { gigTitle: undefined, price: { amount: 12.5, currency: 'usd' } });
    const before = await queueDepth(t, 'order-events.dlq');
    await publish(t, 'orders', [malformed]);

    await waitFor(async () => (await queueDepth(t, 'order-events.dlq')) === before + 1, 10_000, 'the event in the DLQ');
    expect(mail.to(buyer.email).concat(mail.to(seller.email)).filter((m) => /order/i.test(m.subject))).toEqual([]);
    expect((await notificationsOf(t, buyer)).filter((n) => n.kind === 'ORDER_PLACED')).toEqual([]);
    expect((await notificationsOf(t, seller)).filter((n) => n.kind === 'ORDER_PLACED')).toEqual([]);
  });

  it('stores one notification and sends one email per party when the broker delivers an order event twice', async () => {
    const buyer = await newMember(t, mail, 'buyer');
    const seller = await newMember(t, mail, 'seller');
    const event = orderPlaced(buyer, seller);
    const before = await processedCount(t, 'order.placed');
    await publish(t, 'orders', [event, event]);

    await waitFor(async () => (await processedCount(t, 'order.placed')) >= before + 2, 10_000, 'both deliveries to be handled');
    expect(mail.to(seller.email).filter((m) => /^New order/.test(m.subject))).toHaveLength(1);
    expect(mail.to(buyer.email).filter((m) => /^Order placed/.test(m.subject))).toHaveLength(1);
    expect((await notificationsOf(t, seller)).filter((n) => n.link === orderLink(event))).toHaveLength(1);
    expect((await notificationsOf(t, buyer)).filter((n) => n.link === orderLink(event))).toHaveLength(1);
  });

  it('tells the right party of each later order step', async () => {
    const buyer = await newMember(t, mail, 'buyer');
    const seller = await newMember(t, mail, 'seller');
    const base = { orderId: newId(), buyerId: buyer.id, sellerId: seller.id, gigTitle: 'Landing page copy' };
    const step = (type: string, data: Record<string, unknown> = {}) => makeEnvelope('orders', type, { ...base, ...data }, { correlationId: `test-${type}` });
    await publish(t, 'orders', [
      step('order.delivered', { message: 'Here it is' }),
      step('order.revision-requested', { reason: 'Shorter, please' }),
      step('order.extension-requested', { extraDays: 2, reason: null }),
      step('order.extension-decided', { approved: true, extraDays: 2, dueAt: '2030-01-02T03:04:05.000Z' }),
      step('order.completed'),
      step('order.cancelled', { reason: 'Changed plans', cancelledBy: 'BUYER' }),
      step('order.disputed', { reason: 'Not delivered', openedBy: 'BUYER' }),
    ]);

    const kinds = async (m: Member) => (await notificationsOf(t, m)).filter((n) => n.link === `/orders/${base.orderId}`).map((n) => n.kind).sort();
    await waitFor(async () => (await kinds(buyer)).length === 5 && (await kinds(seller)).length === 5, 10_000, 'every step notified');
    expect(await kinds(buyer)).toEqual(['ORDER_CANCELLED', 'ORDER_COMPLETED', 'ORDER_DELIVERED', 'ORDER_DISPUTED', 'ORDER_EXTENSION_REQUESTED']);
    expect(await kinds(seller)).toEqual(['ORDER_CANCELLED', 'ORDER_COMPLETED', 'ORDER_DISPUTED', 'ORDER_EXTENSION_DECIDED', 'ORDER_REVISION_REQUESTED']);
    const delivered = await mail.next(buyer.email, /^Delivered: Landing page copy$/);
    expect(delivered.text).toContain('Their note: “Here it is”');
    const decided = await mail.next(seller.email, /^Extension accepted: Landing page copy$/);
    expect(decided.text).toContain('due by 2030-01-02 03:04 UTC');
  });
});

describe('offer and review notifications', () => {
  it('tells a buyer of a custom offer, and a reviewed user of their review (fanout)', async () => {
    const buyer = await newMember(t, mail, 'buyer');
    const seller = await newMember(t, mail, 'seller');
    const offerId = newId();
    await publish(t, 'chat', [
      makeEnvelope('chat', 'offer.sent', { offerId, buyerId: buyer.id, sellerId: seller.id, description: 'Two pages <i>and</i> a logo', price: { amount: 30_000, currency: 'USD' }, deliveryDays: 5 }, { correlationId: 'test-offer' }),
    ]);
    const offer = await mail.next(buyer.email, new RegExp(`^New offer from ${seller.username}$`));
    expect(offer.text).toContain('$300.00, delivered in 5 days');
    expect(offer.html).toContain('Two pages &lt;i&gt;and&lt;/i&gt; a logo');
    expect((await notificationAbout(t, buyer, `/offers/${offerId}`)).kind).toBe('OFFER_RECEIVED');

    const gigId = newId();
    await publish(t, 'review.created', [
      makeEnvelope('reviews', 'review.created', { reviewId: newId(), gigId, revieweeId: seller.id, reviewerUsername: buyer.username, rating: 5, kind: 'BUYER_TO_SELLER' }, { correlationId: 'test-review' }),
    ]);
    await mail.next(seller.email, new RegExp(`^New review from ${buyer.username}: 5 stars$`));
    expect((await notificationAbout(t, seller, `/gigs/${gigId}`)).kind).toBe('REVIEW_RECEIVED');
  });
});

describe('reading notifications', () => {
  it('counts unread notifications, pages newest first, and marks some or all read', async () => {
    const buyer = await newMember(t, mail, 'buyer');
    const seller = await newMember(t, mail, 'seller');
    const events = [orderPlaced(buyer, seller), orderPlaced(buyer, seller), orderPlaced(buyer, seller)];
    for (const event of events) {
      await publish(t, 'orders', [event]);
      await notificationAbout(t, seller, orderLink(event));
    }
    // The sign-up's verification notification, then three orders.
    expect(await unread(seller)).toBe(4);

    const first = await t.client.expect(MyNotificationsDocument, { first: 2 }, { token: seller.token });
    const page1 = first.me!.notifications!;
    expect(page1.edges.map((e) => e.node.link)).toEqual([orderLink(events[2]), orderLink(events[1])]);
    expect(page1.pageInfo.hasNextPage).toBe(true);
    const second = await t.client.expect(MyNotificationsDocument, { first: 2, after: page1.pageInfo.endCursor }, { token: seller.token });
    expect(second.me!.notifications!.edges.map((e) => e.node.kind)).toEqual(['ORDER_PLACED', 'EMAIL_VERIFICATION']);
    expect(second.me!.notifications!.pageInfo.hasNextPage).toBe(false);

    const newest = page1.edges[0].node.id;
    const buyersOwn = (await notificationsOf(t, buyer))[0].id;
    // Someone else's id is ignored: only the seller's one is marked, and the buyer's stays unread.
    expect((await t.client.expect(MarkNotificationsReadDocument, { ids: [newest, buyersOwn] }, { token: seller.token })).markNotificationsRead).toBe(1);
    expect((await t.client.expect(MarkNotificationsReadDocument, { ids: [newest] }, { token: seller.token })).markNotificationsRead).toBe(0);
    expect(await unread(seller)).toBe(3);
    expect((await notificationsOf(t, buyer)).find((n) => n.id === buyersOwn)?.readAt).toBeNull();
    const unreadList = await notificationsOf(t, seller, true);
    expect(unreadList.map((n) => n.id)).not.toContain(newest);
    expect(unreadList).toHaveLength(3);

    expect((await t.client.expect(MarkNotificationsReadDocument, { all: true }, { token: seller.token })).markNotificationsRead).toBe(3);
    expect(await unread(seller)).toBe(0);
    expect((await notificationsOf(t, seller)).every((n) => n.readAt !== null)).toBe(true);
    expect(await unread(buyer)).toBeGreaterThan(0);
  });

  it('refuses an empty or ambiguous markNotificationsRead, naming the argument', async () => {
    const member = await newMember(t, mail, 'marker');
    const options = { token: member.token };
    const neither = await t.client.request(MarkNotificationsReadDocument, {}, options);
    expect(neither.errors.map((e) => [e.extensions?.code, e.extensions?.field])).toEqual([['BAD_USER_INPUT', 'ids']]);
    const both = await t.client.request(MarkNotificationsReadDocument, { ids: [newId()], all: true }, options);
    expect(both.errors.map((e) => [e.extensions?.code, e.extensions?.field])).toEqual([['BAD_USER_INPUT', 'all']]);
    const malformed = await t.client.request(MarkNotificationsReadDocument, { ids: [newId(), 'not-an-id'] }, options);
    expect(malformed.errors.map((e) => [e.extensions?.code, e.extensions?.field])).toEqual([['BAD_USER_INPUT', 'ids[1]']]);
  });

  it('shows my notifications to nobody else: FORBIDDEN for another user, UNAUTHENTICATED for anonymous callers', async () => {
    const me = await newMember(t, mail, 'owner');
    const other = await newMember(t, mail, 'snoop');
    expect(await notificationRows(me.id)).toBeGreaterThan(0);

    const asOther = await t.client.request(UserNotificationsDocument, { id: me.id }, { token: other.token });
    expect(asOther.data?.user).toMatchObject({ id: me.id, notifications: null });
    expect(asOther.errors.map((e) => [e.extensions?.code, e.path?.join('.')])).toEqual([['FORBIDDEN', 'user.notifications']]);

    const anonymous = await t.client.request(UserNotificationsDocument, { id: me.id });
    expect(anonymous.data?.user).toMatchObject({ id: me.id, notifications: null });
    expect(codes(anonymous.errors)).toEqual(['UNAUTHENTICATED']);

    const own = await t.client.expect(UserNotificationsDocument, { id: me.id }, { token: me.token });
    expect(own.user?.notifications?.edges.map((e) => e.node.kind)).toEqual(['EMAIL_VERIFICATION']);
  });
});
