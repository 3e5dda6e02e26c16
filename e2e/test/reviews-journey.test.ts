import { describe, expect, it } from 'vitest';
import {
  ApproveDeliveryDocument,
  DeliverOrderDocument,
  GigDocument,
  GigReviewsDocument,
  HideReviewDocument,
  ReplyToReviewDocument,
  ReviewDocument,
  ReviewModerationDocument,
  UserReviewsDocument,
  type UserReviewsQuery,
} from '@jobgraph/client';
import { tapEvents, waitFor } from '@jobgraph/kit/testing';
import { newAdmin, newBuyer, newSeller, type Account } from './gigs-support.js';
import { amqpUrl, notificationsOf, processedCount, publish } from './notifications-support.js';
import { OK, offerDecision, offerFromChat, orderOf, orderableGig, place } from './orders-support.js';
import { analyticsCaughtUp, analyticsInbox, completedOrder, gigStats, orderStanding, reviewed, sellerStats } from './reviews-support.js';
import { useStack } from './support.js';

const t = useStack();

async function market(): Promise<{ seller: Account; buyer: Account; admin: Account }> {
  const [seller, buyer, admin] = await Promise.all([newSeller(t), newBuyer(t), newAdmin(t)]);
  return { seller, buyer, admin };
}

const distribution = (stars: Record<number, number>) => [5, 4, 3, 2, 1].map((s) => ({ stars: s, count: stars[s] ?? 0 }));
const thisMonth = () => new Date().toISOString().slice(0, 7);

async function gigRating(gigId: string) {
  return (await t.client.expect(GigDocument, { id: gigId }, {})).gig!.rating;
}

async function userReviews(userId: string, token?: string): Promise<NonNullable<UserReviewsQuery['user']>> {
  return (await t.client.expect(UserReviewsDocument, { userId, first: 50 }, { token })).user!;
}

/** Waits until gigs' rating of the gig counts `count` reviews (gigs hears of reviews through events). */
function gigRatingCount(gigId: string, count: number) {
  return waitFor(async () => {
    const rating = await gigRating(gigId);
    return rating.count === count ? rating : null;
  }, 10_000, `gigs to count ${count} reviews of the gig`);
}

/** Waits until users' profiles show `seller` and `buyer` ratings with these counts. */
function profileCounts(sellerId: string, sellerCount: number, buyerId: string, buyerCount: number) {
  return waitFor(async () => {
    const [s, b] = await Promise.all([userReviews(sellerId), userReviews(buyerId)]);
    return s.seller?.rating.count === sellerCount && b.buyer?.rating.count === buyerCount ? { seller: s, buyer: b } : null;
  }, 10_000, 'users to count the reviews on the profiles');
}

describe('a completed order, both reviews, and every aggregate', () => {
  it('shows the same numbers on the gig (gigs), the seller and buyer profiles (users), the order (orders) and the analytics (reviews)', async () => {
    const { seller, buyer, admin } = await market();
    const gig = await orderableGig(t, seller, admin);
    const first = await completedOrder(t, seller, buyer, gig.id);
    const second = await completedOrder(t, seller, buyer, gig.id);
    const inboxBefore = await analyticsInbox(t);

    const byBuyer = await reviewed(t, buyer, first.id, 4, '  Fast and precise; would order again.  ');
    expect(byBuyer).toMatchObject({
      orderId: first.id,
      gig: { id: gig.id },
      reviewer: { id: buyer.id, username: buyer.username },
      reviewee: { id: seller.id, username: seller.username },
      kind: 'BUYER_TO_SELLER',
      rating: 4,
      comment: 'Fast and precise; would order again.',
      sellerReply: null,
    });
    const bySeller = await reviewed(t, seller, first.id, 5, 'Clear requirements, quick approval.');
    expect(bySeller).toMatchObject({ kind: 'SELLER_TO_BUYER', reviewer: { id: seller.id }, reviewee: { id: buyer.id }, gig: { id: gig.id }, rating: 5 });
    await reviewed(t, buyer, second.id, 2, 'Late, and the colours were off.');
    const reply = (await t.client.expect(ReplyToReviewDocument, { reviewId: byBuyer.id, reply: 'Thank you, a pleasure to work with you!' }, { token: seller.token })).replyToReview;
    expect(reply.sellerReply).toMatchObject({ body: 'Thank you, a pleasure to work with you!' });

    // gigs: only buyers' reviews count for the gig.
    expect(await gigRatingCount(gig.id, 2)).toEqual({ count: 2, average: 3, distribution: distribution({ 4: 1, 2: 1 }) });
    // users: the seller page and the buyer profile.
    const profiles = await profileCounts(seller.id, 2, buyer.id, 1);
    expect(profiles.seller.seller?.rating).toEqual({ count: 2, average: 3 });
    expect(profiles.buyer.buyer?.rating).toEqual({ count: 1, average: 5 });
    // reviews itself: the user's ratings from the reviews.
    expect(profiles.seller.rating.asSeller).toEqual({ count: 2, average: 3, distribution: distribution({ 4: 1, 2: 1 }) });
    expect(profiles.buyer.rating.asBuyer).toEqual({ count: 1, average: 5, distribution: distribution({ 5: 1 }) });
    expect(profiles.seller.rating.asBuyer.count).toBe(0);
    // orders: the review flags and timeline of each order.
    await waitFor(async () => {
      const [a, b] = await Promise.all([orderOf(t, buyer, first.id), orderOf(t, buyer, second.id)]);
      return a.buyerReviewed && a.sellerReviewed && b.buyerReviewed && !b.sellerReviewed;
    }, 10_000, 'orders to flag the reviews');
    const timeline = (await orderOf(t, seller, first.id)).timeline.map((e) => e.action);
    expect(timeline.filter((a) => a === 'BUYER_REVIEWED' || a === 'SELLER_REVIEWED').sort()).toEqual(['BUYER_REVIEWED', 'SELLER_REVIEWED']);
    // analytics: 3 review.created + 1 review.replied taken in; the seller's review of the buyer is not about the gig.
    await analyticsCaughtUp(t, inboxBefore + 4);
    const expectedStats = {
      count: 2,
      average: 3,
      distribution: distribution({ 4: 1, 2: 1 }),
      repliedCount: 1,
      responseRate: 0.5,
    };
    const ofGig = await gigStats(t, seller, gig.id, 3);
    expect(ofGig).toMatchObject(expectedStats);
    expect(ofGig.monthly).toHaveLength(3);
    expect(ofGig.monthly.at(-1)).toEqual({ month: thisMonth(), count: 2, average: 3 });
    expect(ofGig.monthly.slice(0, 2).every((m) => m.count === 0 && m.average === null)).toBe(true);
    expect(await sellerStats(t, seller, seller.id)).toMatchObject(expectedStats);
    expect(await gigStats(t, admin, gig.id)).toMatchObject(expectedStats);

    // The gig page lists the buyers' reviews, newest first, with the seller's answer.
    const page = (await t.client.expect(GigReviewsDocument, { gigId: gig.id, first: 10 }, {})).gig!;
    expect(page.reviews.edges.map((e) => [e.node.rating, e.node.sellerReply?.body ?? null])).toEqual([
      [2, null],
      [4, 'Thank you, a pleasure to work with you!'],
    ]);
    // And the reviewed user hears of each review (notifications).
    await waitFor(async () => (await notificationsOf(t, seller)).filter((n) => n.kind === 'REVIEW_RECEIVED').length === 2, 10_000, 'the seller\'s review notifications');
    expect((await notificationsOf(t, seller)).find((n) => n.kind === 'REVIEW_RECEIVED')?.link).toBe(`/gigs/${gig.id}`);
  });

  it('counts a review once in every consumer when the broker delivers its review.created twice', async () => {
    const { seller, buyer, admin } = await market();
    const gig = await orderableGig(t, seller, admin);
    const order = await completedOrder(t, seller, buyer, gig.id);
    const tap = await tapEvents(amqpUrl, 'reviews', ['review.created'], t.stack.env.EVENTS_NAMESPACE);
    let review;
    try {
      review = await reviewed(t, buyer, order.id, 3, 'Fine.');
      const event = await tap.next((e) => (e.data as { reviewId?: string }).reviewId === review!.id);
      expect(event).toMatchObject({ producer: 'reviews', type: 'review.created', version: 1 });
      expect(event.data).toMatchObject({
        reviewId: review.id,
        orderId: order.id,
        gigId: gig.id,
        reviewerId: buyer.id,
        reviewerUsername: buyer.username,
        revieweeId: seller.id,
        kind: 'BUYER_TO_SELLER',
        rating: 3,
        comment: 'Fine.',
      });
      await gigRatingCount(gig.id, 1);
      await profileCounts(seller.id, 1, buyer.id, 0);
      const consumers = ['gigs', 'users', 'orders', 'notifications', 'reviews'];
      await waitFor(async () => (await orderOf(t, buyer, order.id)).buyerReviewed, 10_000, 'orders to flag the review');
      await waitFor(async () => (await notificationsOf(t, seller)).some((n) => n.kind === 'REVIEW_RECEIVED'), 10_000, 'the notification');
      await waitFor(async () => (await sellerStats(t, seller, seller.id)).count === 1, 10_000, 'the analytics');
      const before = Object.fromEntries(await Promise.all(consumers.map(async (c) => [c, await processedCount(t, 'review.created', c)] as const)));

      // The same envelope again, straight onto the fanout exchange: every consumer receives it once more.
      await publish(t, 'review.created', [event]);
      await waitFor(
        async () => (await Promise.all(consumers.map(async (c) => (await processedCount(t, 'review.created', c)) > before[c]!))).every(Boolean),
        10_000,
        'every consumer to take the duplicate in',
      );
      expect(await gigRating(gig.id)).toMatchObject({ count: 1, average: 3 });
      const profiles = await profileCounts(seller.id, 1, buyer.id, 0);
      expect(profiles.seller.seller?.rating).toEqual({ count: 1, average: 3 });
      expect((await orderOf(t, buyer, order.id)).timeline.filter((e) => e.action === 'BUYER_REVIEWED')).toHaveLength(1);
      expect((await notificationsOf(t, seller)).filter((n) => n.kind === 'REVIEW_RECEIVED')).toHaveLength(1);
      expect(await sellerStats(t, seller, seller.id)).toMatchObject({ count: 1, average: 3 });
      expect(await gigStats(t, seller, gig.id)).toMatchObject({ count: 1, average: 3 });
    } finally {
      await tap.close();
    }
  });

  it('takes a hidden review out of every aggregate and every list, and shows it to admins only', async () => {
    const { seller, buyer, admin } = await market();
    const other = await newBuyer(t);
    const gig = await orderableGig(t, seller, admin);
    const [a, b] = [await completedOrder(t, seller, buyer, gig.id), await completedOrder(t, seller, other, gig.id)];
    const kept = await reviewed(t, buyer, a.id, 5, 'Excellent.');
    const abusive = await reviewed(t, other, b.id, 1, 'Spam spam spam.');
    await reviewed(t, seller, b.id, 2, 'Rude buyer.');
    await t.client.expect(ReplyToReviewDocument, { reviewId: abusive.id, reply: 'This is not our order history.' }, { token: seller.token });
    await gigRatingCount(gig.id, 2);
    await profileCounts(seller.id, 2, other.id, 1);
    await waitFor(async () => (await sellerStats(t, seller, seller.id)).repliedCount === 1, 10_000, 'the analytics to see the reply');

    const hidden = (await t.client.expect(HideReviewDocument, { reviewId: abusive.id, reason: 'Spam' }, { token: admin.token })).hideReview;
    expect(hidden).toMatchObject({ id: abusive.id, hidden: true, hiddenReason: 'Spam' });

    expect(await gigRatingCount(gig.id, 1)).toEqual({ count: 1, average: 5, distribution: distribution({ 5: 1 }) });
    const profiles = await profileCounts(seller.id, 1, other.id, 1);
    expect(profiles.seller.seller?.rating).toEqual({ count: 1, average: 5 });
    expect(profiles.seller.rating.asSeller).toMatchObject({ count: 1, average: 5 });
    const stats = await waitFor(async () => {
      const s = await sellerStats(t, seller, seller.id);
      return s.count === 1 ? s : null;
    }, 10_000, 'the analytics to drop the hidden review');
    expect(stats).toMatchObject({ count: 1, average: 5, distribution: distribution({ 5: 1 }), repliedCount: 0, responseRate: 0 });
    expect(await gigStats(t, seller, gig.id)).toMatchObject({ count: 1, average: 5, repliedCount: 0 });
    expect(stats.monthly.at(-1)).toEqual({ month: thisMonth(), count: 1, average: 5 });

    // Gone from every list and from review(id), except for admins.
    const page = (await t.client.expect(GigReviewsDocument, { gigId: gig.id, first: 10 }, {})).gig!;
    expect(page.reviews.edges.map((e) => e.node.id)).toEqual([kept.id]);
    expect((await userReviews(seller.id)).reviewsReceived.edges.map((e) => e.node.id)).toEqual([kept.id]);
    expect((await t.client.expect(ReviewDocument, { id: abusive.id }, { token: seller.token })).review).toBeNull();
    expect((await t.client.expect(ReviewModerationDocument, { id: abusive.id }, { token: admin.token })).review).toEqual({
      id: abusive.id,
      hidden: true,
      hiddenReason: 'Spam',
      reportCount: 0,
    });
    // The seller's review of that buyer is not hidden and still counts on the buyer's profile.
    expect(profiles.buyer.buyer?.rating).toEqual({ count: 1, average: 2 });
  });

  it('reviews a custom offer that named no gig: the seller\'s rating counts it, no gig does', async () => {
    const { seller, buyer } = await market();
    const offerId = await offerFromChat(t, seller, buyer, { gigId: null });
    await offerDecision(t, 'offer.accepted', offerId, seller, buyer);
    const result = await place(t, buyer, { offerId, requirements: 'As discussed.', paymentMethod: OK });
    expect(result.errors).toEqual([]);
    const orderId = result.data!.placeOrder.id;
    await t.client.expect(DeliverOrderDocument, { input: { orderId, message: 'Done.' } }, { token: seller.token });
    await t.client.expect(ApproveDeliveryDocument, { orderId }, { token: buyer.token });
    await orderStanding(t, orderId, 'COMPLETED');

    const review = await reviewed(t, buyer, orderId, 5, 'Exactly what we agreed.');
    expect(review.gig).toBeNull();
    const profiles = await profileCounts(seller.id, 1, buyer.id, 0);
    expect(profiles.seller.seller?.rating).toEqual({ count: 1, average: 5 });
    await waitFor(async () => (await sellerStats(t, seller, seller.id)).count === 1, 10_000, 'the seller\'s analytics');
    await waitFor(async () => (await orderOf(t, buyer, orderId)).buyerReviewed, 10_000, 'orders to flag the review');
    const note = await waitFor(async () => (await notificationsOf(t, seller)).find((n) => n.kind === 'REVIEW_RECEIVED'), 10_000, 'the notification');
    expect(note.link).toBe(`/orders/${orderId}`);
  });
});
