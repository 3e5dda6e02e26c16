import { connect } from 'amqplib';
import { describe, expect, it } from 'vitest';
import {
  ApproveDeliveryDocument,
  DeliverOrderDocument,
  GigOrderStatsDocument,
  LeaveReviewDocument,
  MyOrdersDocument,
  RequestExtensionDocument,
  RequestRevisionDocument,
  RespondToExtensionDocument,
  SellerByUsernameDocument,
  StartOrderDocument,
  WithdrawDocument,
} from '@jobgraph/client';
import { newId } from '@jobgraph/kit';
import { tapEvents, waitFor } from '@jobgraph/kit/testing';
import { newAdmin, newBuyer, newSeller, type Account } from './gigs-support.js';
import { amqpUrl, publish } from './notifications-support.js';
import {
  OK,
  ledgerProblems,
  offerDecision,
  offerFromChat,
  orderOf,
  orderPostings,
  orderableGig,
  ordersCount,
  ordersQuery,
  place,
  placed,
  walletOf,
} from './orders-support.js';
import { codes, useStack } from './support.js';

const t = useStack();
const DAY = 86_400_000;

async function market(): Promise<{ seller: Account; buyer: Account; admin: Account }> {
  const [seller, buyer, admin] = await Promise.all([newSeller(t), newBuyer(t), newAdmin(t)]);
  return { seller, buyer, admin };
}

describe('buying a gig end to end', () => {
  it('takes the buyer from a published gig to a completed order and credits the seller\'s wallet with the price', async () => {
    const { seller, buyer, admin } = await market();
    const gig = await orderableGig(t, seller, admin, { price: 5_000, deliveryDays: 4 });
    const tap = await tapEvents(amqpUrl, 'orders', ['order.placed', 'order.delivered', 'order.revision-requested', 'order.completed'], t.stack.env.EVENTS_NAMESPACE);
    try {
      const before = Date.now();
      const order = await placed(t, buyer, gig.id);
      expect(order).toMatchObject({
        status: 'PLACED',
        title: gig.title,
        buyer: { id: buyer.id, username: buyer.username },
        seller: { id: seller.id, username: seller.username },
        price: { amount: 5_000, currency: 'USD' },
        // 5.5 % of 50.00; no small-order fee at 50.00 and above.
        serviceFee: { amount: 275, currency: 'USD' },
        total: { amount: 5_275, currency: 'USD' },
        deliveryDays: 4,
      });
      expect(Date.parse(order.dueAt) - before).toBeGreaterThanOrEqual(4 * DAY - 1_000);
      expect(await orderPostings(t, order.id)).toEqual({ 'external:card': -5_275, escrow: 5_275 });
      expect((await walletOf(t, seller)).pending).toEqual({ amount: 5_000, currency: 'USD' });

      await t.client.expect(StartOrderDocument, { orderId: order.id }, { token: seller.token });
      await t.client.expect(DeliverOrderDocument, { input: { orderId: order.id, message: 'First draft attached.', fileUrls: ['https://files.example.com/logo-v1.png'] } }, { token: seller.token });
      await t.client.expect(RequestRevisionDocument, { orderId: order.id, reason: 'Make the blue darker, please.' }, { token: buyer.token });
      await t.client.expect(DeliverOrderDocument, { input: { orderId: order.id, message: 'Darker blue.', fileUrls: ['https://files.example.com/logo-v2.png'] } }, { token: seller.token });
      const done = (await t.client.expect(ApproveDeliveryDocument, { orderId: order.id }, { token: buyer.token })).approveDelivery;
      expect(done.status).toBe('COMPLETED');
      expect(done.completedAt).not.toBeNull();

      const details = await orderOf(t, buyer, order.id);
      expect(details.deliveries.map((d) => d.message)).toEqual(['First draft attached.', 'Darker blue.']);
      expect(details.revisionRequests.map((r) => r.reason)).toEqual(['Make the blue darker, please.']);
      expect(details.timeline.map((e) => [e.action, e.actorRole, e.toStatus])).toEqual([
        ['PLACED', 'BUYER', 'PLACED'],
        ['STARTED', 'SELLER', 'IN_PROGRESS'],
        ['DELIVERED', 'SELLER', 'DELIVERED'],
        ['REVISION_REQUESTED', 'BUYER', 'IN_REVISION'],
        ['DELIVERED', 'SELLER', 'DELIVERED'],
        ['COMPLETED', 'BUYER', 'COMPLETED'],
      ]);

      const wallet = await walletOf(t, seller);
      expect(wallet.available).toEqual({ amount: 5_000, currency: 'USD' });
      expect(wallet.pending).toEqual({ amount: 0, currency: 'USD' });
      expect(wallet.transactions.edges.map((e) => [e.node.kind, e.node.amount.amount, e.node.order?.id])).toEqual([['RELEASE', 5_000, order.id]]);
      expect(await orderPostings(t, order.id)).toEqual({ 'external:card': -5_275, escrow: 0, [`wallet:${seller.id}`]: 5_000, fees: 275 });
      expect(await ledgerProblems(t)).toEqual([]);

      // What the other domains hear: both parties, the gig, the amounts.
      const completed = await tap.next((e) => e.type === 'order.completed' && (e.data as { orderId: string }).orderId === order.id);
      expect(completed.data).toMatchObject({
        orderId: order.id,
        buyerId: buyer.id,
        sellerId: seller.id,
        gigId: gig.id,
        gigTitle: gig.title,
        price: { amount: 5_000, currency: 'USD' },
        sellerEarnings: { amount: 5_000, currency: 'USD' },
        status: 'COMPLETED',
      });
      const placedEvent = await tap.next((e) => e.type === 'order.placed' && (e.data as { orderId: string }).orderId === order.id);
      expect(placedEvent.data).toMatchObject({ total: { amount: 5_275, currency: 'USD' }, dueAt: order.dueAt });
    } finally {
      await tap.close();
    }

    // users keeps the seller's stats from those events.
    await waitFor(async () => {
      const profile = (await t.client.expect(SellerByUsernameDocument, { username: seller.username }, { token: seller.token })).sellerByUsername;
      return profile?.stats.completedJobs === 1 ? profile : null;
    }, 10_000, 'the seller\'s stats to count the completed order');
    const profile = (await t.client.expect(SellerByUsernameDocument, { username: seller.username }, { token: seller.token })).sellerByUsername!;
    expect(profile.stats).toMatchObject({ ongoingJobs: 0, completedJobs: 1, cancelledJobs: 0, earnings: { amount: 5_000, currency: 'USD' } });
    const stats = (await t.client.expect(GigOrderStatsDocument, { id: gig.id })).gig;
    expect(stats?.orderStats).toEqual({ completed: 1, inQueue: 0 });
  });

  it('adds the small-order fee below 50.00 and never takes a fee, total or status from the client', async () => {
    const { seller, buyer, admin } = await market();
    const gig = await orderableGig(t, seller, admin, { price: 2_000 });
    const order = await placed(t, buyer, gig.id);
    // 5.5 % of 20.00 = 1.10, plus 2.00.
    expect(order.serviceFee.amount).toBe(310);
    expect(order.total.amount).toBe(2_310);
    // A client that sends its own total (or fee, or status) is refused before anything runs: the input has no such fields.
    const forged = await fetch(t.stack.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${buyer.token}`, 'idempotency-key': newId() },
      body: JSON.stringify({ query: `mutation { placeOrder(input: { gigId: "${gig.id}", paymentMethod: "${OK}", total: 1 }) { id } }` }),
    });
    const body = (await forged.json()) as { errors: Array<{ extensions: { code: string } }> };
    expect(body.errors.map((e) => e.extensions.code)).toEqual(['BAD_USER_INPUT']);
    expect(await ordersCount(t, 'select count(*) as n from orders where buyer_id = ?', [buyer.id])).toBe(1);
  });

  it('moves the due date when the buyer approves an extension, and keeps it when they decline', async () => {
    const { seller, buyer, admin } = await market();
    const gig = await orderableGig(t, seller, admin);
    const order = await placed(t, buyer, gig.id);
    const due = Date.parse(order.dueAt);
    await t.client.expect(StartOrderDocument, { orderId: order.id }, { token: seller.token });
    const asked = (await t.client.expect(RequestExtensionDocument, { input: { orderId: order.id, days: 3, reason: 'The client sent new assets.' } }, { token: seller.token })).requestExtension;
    expect(asked.extensionRequests).toMatchObject([{ days: 3, status: 'PENDING' }]);
    const twice = await t.client.request(RequestExtensionDocument, { input: { orderId: order.id, days: 1, reason: 'Again.' } }, { token: seller.token });
    expect(codes(twice.errors)).toEqual(['CONFLICT']);
    const approved = (await t.client.expect(RespondToExtensionDocument, { orderId: order.id, approve: true }, { token: buyer.token })).respondToExtension;
    expect(Date.parse(approved.dueAt) - due).toBe(3 * DAY);
    expect(approved.extensionRequests).toMatchObject([{ days: 3, status: 'APPROVED' }]);

    await t.client.expect(RequestExtensionDocument, { input: { orderId: order.id, days: 5, reason: 'Still more.' } }, { token: seller.token });
    const declined = (await t.client.expect(RespondToExtensionDocument, { orderId: order.id, approve: false }, { token: buyer.token })).respondToExtension;
    expect(Date.parse(declined.dueAt) - due).toBe(3 * DAY);
    expect(declined.extensionRequests.map((e) => e.status)).toEqual(['APPROVED', 'DECLINED']);
    const noneLeft = await t.client.request(RespondToExtensionDocument, { orderId: order.id, approve: true }, { token: buyer.token });
    expect(codes(noneLeft.errors)).toEqual(['CONFLICT']);
  });

  it('lets a seller withdraw what they earned, never more, and pays it out through the provider', async () => {
    const { seller, buyer, admin } = await market();
    const gig = await orderableGig(t, seller, admin, { price: 8_000 });
    const order = await placed(t, buyer, gig.id);
    await t.client.expect(DeliverOrderDocument, { input: { orderId: order.id, message: 'Done.' } }, { token: seller.token });
    await t.client.expect(ApproveDeliveryDocument, { orderId: order.id }, { token: buyer.token });

    const noKey = await t.client.request(WithdrawDocument, { amount: 1_000 }, { token: seller.token });
    expect(codes(noKey.errors)).toEqual(['BAD_USER_INPUT']);
    const tooMuch = await t.client.request(WithdrawDocument, { amount: 8_001 }, { token: seller.token, headers: { 'idempotency-key': newId() } });
    expect(codes(tooMuch.errors)).toEqual(['BAD_USER_INPUT']);

    // Two withdrawals of 6,000 at the same moment from 8,000: one goes through, the other is refused.
    const both = await Promise.all(
      [newId(), newId()].map((key) => t.client.request(WithdrawDocument, { amount: 6_000 }, { token: seller.token, headers: { 'idempotency-key': key } })),
    );
    expect(both.filter((r) => r.errors.length === 0)).toHaveLength(1);
    expect(both.flatMap((r) => codes(r.errors))).toEqual(['BAD_USER_INPUT']);
    const withdrawal = both.find((r) => r.errors.length === 0)!.data!.withdraw;

    // The same key again returns the same withdrawal and moves nothing more.
    const key = newId();
    const first = (await t.client.expect(WithdrawDocument, { amount: 500 }, { token: seller.token, headers: { 'idempotency-key': key } })).withdraw;
    const again = (await t.client.expect(WithdrawDocument, { amount: 500 }, { token: seller.token, headers: { 'idempotency-key': key } })).withdraw;
    expect(again.id).toBe(first.id);

    const wallet = await walletOf(t, seller);
    expect(wallet.available.amount).toBe(8_000 - 6_000 - 500);
    await waitFor(
      async () => (await ordersCount(t, `select count(*) as n from withdrawal where seller_id = ? and status = 'SUCCEEDED'`, [seller.id])) === 2,
      10_000,
      'both payouts to go through',
    );
    const payouts = await ordersQuery<{ amount: number }>(t, `select amount from sandbox_operation where kind = 'PAYOUT' and reference = ? order by amount`, [seller.id]);
    expect(payouts.map((p) => p.amount)).toEqual([500, 6_000]);
    expect(withdrawal.amount.amount).toBe(6_000);
    expect(await ledgerProblems(t)).toEqual([]);
  });

  it('lists a user\'s orders by role and status, newest first, in pages', async () => {
    const { seller, buyer, admin } = await market();
    const gig = await orderableGig(t, seller, admin);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await placed(t, buyer, gig.id)).id);
    await t.client.expect(StartOrderDocument, { orderId: ids[0]! }, { token: seller.token });
    const page1 = (await t.client.expect(MyOrdersDocument, { role: 'BUYER', first: 2 }, { token: buyer.token })).me!.orders;
    expect(page1.edges.map((e) => e.node.id)).toEqual([ids[2], ids[1]]);
    expect(page1.pageInfo.hasNextPage).toBe(true);
    const page2 = (await t.client.expect(MyOrdersDocument, { role: 'BUYER', first: 2, after: page1.pageInfo.endCursor }, { token: buyer.token })).me!.orders;
    expect(page2.edges.map((e) => e.node.id)).toEqual([ids[0]]);
    expect(page2.pageInfo.hasNextPage).toBe(false);
    const sold = (await t.client.expect(MyOrdersDocument, { role: 'SELLER', status: 'IN_PROGRESS' }, { token: seller.token })).me!.orders;
    expect(sold.edges.map((e) => e.node.id)).toEqual([ids[0]]);
    const bought = (await t.client.expect(MyOrdersDocument, { role: 'SELLER' }, { token: buyer.token })).me!.orders;
    expect(bought.edges).toEqual([]);
  });

  it('marks the order reviewed when the buyer reviews it, once even if reviews\' event comes again', async () => {
    const { seller, buyer, admin } = await market();
    const gig = await orderableGig(t, seller, admin);
    const order = await placed(t, buyer, gig.id);
    await t.client.expect(DeliverOrderDocument, { input: { orderId: order.id, message: 'Done.' } }, { token: seller.token });
    await t.client.expect(ApproveDeliveryDocument, { orderId: order.id }, { token: buyer.token });
    // reviews learns the order completed from orders' event.
    const tap = await tapEvents(amqpUrl, 'reviews', ['review.created'], t.stack.env.EVENTS_NAMESPACE);
    try {
      await waitFor(async () => {
        const r = await t.client.request(LeaveReviewDocument, { orderId: order.id, rating: 5, comment: 'Fast and careful.' }, { token: buyer.token });
        return r.errors.length === 0 ? r : null;
      }, 10_000, 'reviews to accept the buyer\'s review');
      await waitFor(async () => (await orderOf(t, buyer, order.id)).buyerReviewed, 10_000, 'the order to show the buyer\'s review');
      // The same envelope again (a redelivery) and a copy under a new envelope id (a republish).
      const review = await tap.next((e) => (e.data as { orderId: string }).orderId === order.id);
      await publish(t, 'review.created', [review, { ...review, id: newId() }]);
      await new Promise((r) => setTimeout(r, 500));
    } finally {
      await tap.close();
    }
    const details = await orderOf(t, seller, order.id);
    expect(details.sellerReviewed).toBe(false);
    expect(details.timeline.filter((e) => e.action === 'BUYER_REVIEWED')).toMatchObject([{ actorRole: 'BUYER', actor: { id: buyer.id } }]);
  });
});

describe('custom offers from chat', () => {
  it('orders an offer at its own terms, once, by its buyer only', async () => {
    const { seller, buyer } = await market();
    const stranger = await newBuyer(t, 'stranger');
    const offerId = await offerFromChat(t, seller, buyer, { price: 12_000, deliveryDays: 3 });
    await offerDecision(t, 'offer.accepted', offerId, seller, buyer);

    const notMine = await place(t, stranger, { offerId, paymentMethod: OK });
    expect(codes(notMine.errors)).toEqual(['NOT_FOUND']);
    const result = await place(t, buyer, { offerId, requirements: 'As discussed.', paymentMethod: OK });
    expect(result.errors).toEqual([]);
    const order = result.data!.placeOrder;
    expect(order).toMatchObject({ offerId, gig: null, price: { amount: 12_000 }, serviceFee: { amount: 660 }, total: { amount: 12_660 }, deliveryDays: 3 });
    expect(order.title).toMatch(/^Custom offer: A landing page/);

    const again = await place(t, buyer, { offerId, paymentMethod: OK });
    expect(codes(again.errors)).toEqual(['CONFLICT']);
    expect(await ordersCount(t, 'select count(*) as n from orders where offer_id = ?', [offerId])).toBe(1);
  });

  it('refuses an expired, declined or cancelled offer, and charges nothing', async () => {
    const { seller, buyer } = await market();
    const expired = await offerFromChat(t, seller, buyer, { expiresAt: new Date(Date.now() - 1_000).toISOString() });
    const declined = await offerFromChat(t, seller, buyer);
    const cancelled = await offerFromChat(t, seller, buyer);
    await offerDecision(t, 'offer.declined', declined, seller, buyer);
    await offerDecision(t, 'offer.cancelled', cancelled, seller, buyer);
    await waitFor(async () => (await ordersCount(t, `select count(*) as n from offer where id in (?, ?) and status <> 'PENDING'`, [declined, cancelled])) === 2, 10_000, 'orders to hear the decisions');
    for (const offerId of [expired, declined, cancelled]) {
      const result = await place(t, buyer, { offerId, paymentMethod: OK });
      expect(codes(result.errors)).toEqual(['CONFLICT']);
    }
    expect(await ordersCount(t, `select count(*) as n from sandbox_operation where reference = ?`, [buyer.id])).toBe(0);
  });
});

describe('what the other domains make of order events', () => {
  it('has every order event accepted by every consumer: no dead letters anywhere after the journeys above', async () => {
    // Give the consumers a moment to finish what the last test published.
    await new Promise((r) => setTimeout(r, 500));
    const deadLetterQueues = Object.values(t.stack.subgraphs).flatMap((s) => s.eventQueues.filter((q) => q.endsWith('.dlq')));
    expect(deadLetterQueues.length).toBeGreaterThan(3);
    const connection = await connect(amqpUrl);
    try {
      const channel = await connection.createChannel();
      const depths = Object.fromEntries(await Promise.all(deadLetterQueues.map(async (q) => [q, (await channel.checkQueue(q)).messageCount] as const)));
      expect(Object.entries(depths).filter(([, n]) => n > 0)).toEqual([]);
    } finally {
      await connection.close();
    }
  });
});
