import { describe, expect, it } from 'vitest';
import {
  CancelOrderDocument,
  GigRatingStatsDocument,
  GigReviewsDocument,
  HideReviewDocument,
  LeaveReviewDocument,
  ReplyToReviewDocument,
  ReportReviewDocument,
  ReportedReviewsDocument,
  ReviewModerationDocument,
  SellerRatingStatsDocument,
} from '@jobgraph/client';
import { newId } from '@jobgraph/kit';
import { newAdmin, newBuyer, newSeller, type Account } from './gigs-support.js';
import { orderableGig, placed } from './orders-support.js';
import { announcedCompletedOrders, completedOrder, leave, orderStanding, reviewed, reviewsCount } from './reviews-support.js';
import { codes, useStack } from './support.js';

const t = useStack();

interface Market {
  seller: Account;
  buyer: Account;
  admin: Account;
  stranger: Account;
  gigId: string;
}

async function market(): Promise<Market> {
  const [seller, buyer, admin, stranger] = await Promise.all([newSeller(t), newBuyer(t), newAdmin(t), newBuyer(t, 'stranger')]);
  const gig = await orderableGig(t, seller, admin);
  return { seller, buyer, admin, stranger, gigId: gig.id };
}

/** The codes of a response's errors, once each: the router reports a fully denied operation twice (operation and field). */
const only = (errors: readonly { extensions?: Record<string, unknown> }[]) => [...new Set(codes(errors))];
const fields = (errors: readonly { extensions?: Record<string, unknown> }[]) => errors.map((e) => [e.extensions?.code, e.extensions?.field]);

describe('leaveReview refuses', () => {
  it('anyone who is no party to the order, and orders reviews has never seen, with NOT_FOUND', async () => {
    const m = await market();
    const order = await completedOrder(t, m.seller, m.buyer, m.gigId);
    expect(codes((await leave(t, m.stranger, order.id, 5)).errors)).toEqual(['NOT_FOUND']);
    // Admins are no party either: reviews are the parties' own.
    expect(codes((await leave(t, m.admin, order.id, 5)).errors)).toEqual(['NOT_FOUND']);
    expect(codes((await leave(t, m.buyer, newId(), 5)).errors)).toEqual(['NOT_FOUND']);
    expect(codes((await leave(t, m.buyer, 'not-an-id', 5)).errors)).toEqual(['NOT_FOUND']);
    expect(only((await t.client.request(LeaveReviewDocument, { orderId: order.id, rating: 5, comment: 'Anonymous' }, {})).errors)).toEqual(['UNAUTHENTICATED']);
    expect(await reviewsCount(t, 'select count(*) as n from review where order_id = ?', [order.id])).toBe(0);
  });

  it('orders that are not completed, or never will be, with CONFLICT', async () => {
    const m = await market();
    const open = await placed(t, m.buyer, m.gigId);
    await orderStanding(t, open.id, 'OPEN');
    expect(codes((await leave(t, m.buyer, open.id, 5)).errors)).toEqual(['CONFLICT']);
    expect(codes((await leave(t, m.seller, open.id, 5)).errors)).toEqual(['CONFLICT']);
    // Still NOT_FOUND for a stranger: an open order must not reveal itself either.
    expect(codes((await leave(t, m.stranger, open.id, 5)).errors)).toEqual(['NOT_FOUND']);

    const cancelled = await placed(t, m.buyer, m.gigId);
    await t.client.expect(CancelOrderDocument, { orderId: cancelled.id, reason: 'Changed my mind.' }, { token: m.buyer.token });
    await orderStanding(t, cancelled.id, 'CANCELLED');
    const result = await leave(t, m.buyer, cancelled.id, 1);
    expect(codes(result.errors)).toEqual(['CONFLICT']);
    expect(result.errors[0]?.message).toMatch(/cancelled/);
  });

  it('a second review of the same side with CONFLICT, also when both arrive at the same moment', async () => {
    const m = await market();
    const order = await completedOrder(t, m.seller, m.buyer, m.gigId);
    await reviewed(t, m.buyer, order.id, 4);
    expect(codes((await leave(t, m.buyer, order.id, 5)).errors)).toEqual(['CONFLICT']);
    // The other side still may, once.
    await reviewed(t, m.seller, order.id, 5);
    expect(codes((await leave(t, m.seller, order.id, 1)).errors)).toEqual(['CONFLICT']);

    const [raced] = await announcedCompletedOrders(t, [{ buyerId: m.buyer.id, sellerId: m.seller.id, gigId: m.gigId }]);
    const results = await Promise.all([1, 2, 3, 4, 5].map((stars) => leave(t, m.buyer, raced!, stars)));
    expect(results.filter((r) => r.errors.length === 0)).toHaveLength(1);
    expect(results.flatMap((r) => codes(r.errors))).toEqual(['CONFLICT', 'CONFLICT', 'CONFLICT', 'CONFLICT']);
    expect(await reviewsCount(t, 'select count(*) as n from review where order_id = ?', [raced])).toBe(1);
  });

  it('a rating outside 1–5 and an empty or oversized comment with BAD_USER_INPUT naming the field', async () => {
    const m = await market();
    const order = await completedOrder(t, m.seller, m.buyer, m.gigId);
    expect(fields((await leave(t, m.buyer, order.id, 0)).errors)).toEqual([['BAD_USER_INPUT', 'rating']]);
    expect(fields((await leave(t, m.buyer, order.id, 6)).errors)).toEqual([['BAD_USER_INPUT', 'rating']]);
    expect(fields((await leave(t, m.buyer, order.id, 4, '   ')).errors)).toEqual([['BAD_USER_INPUT', 'comment']]);
    expect(fields((await leave(t, m.buyer, order.id, 4, 'x'.repeat(2_001))).errors)).toEqual([['BAD_USER_INPUT', 'comment']]);
    expect(await reviewsCount(t, 'select count(*) as n from review where order_id = ?', [order.id])).toBe(0);
    // The longest comment allowed goes through.
    expect((await reviewed(t, m.buyer, order.id, 4, 'y'.repeat(2_000))).comment).toHaveLength(2_000);
  });
});

describe('replies, reports and moderation refuse', () => {
  it('replies by anyone but the reviewed seller, a second reply, and replies to reviews of buyers', async () => {
    const m = await market();
    const order = await completedOrder(t, m.seller, m.buyer, m.gigId);
    const ofSeller = await reviewed(t, m.buyer, order.id, 4);
    const ofBuyer = await reviewed(t, m.seller, order.id, 4);
    const reply = (who: Account, reviewId: string, text = 'Thanks!') => t.client.request(ReplyToReviewDocument, { reviewId, reply: text }, { token: who.token });

    expect(codes((await reply(m.buyer, ofSeller.id)).errors)).toEqual(['FORBIDDEN']);
    expect(codes((await reply(m.stranger, ofSeller.id)).errors)).toEqual(['FORBIDDEN']);
    expect(fields((await reply(m.seller, ofSeller.id, ' ')).errors)).toEqual([['BAD_USER_INPUT', 'reply']]);
    expect(fields((await reply(m.seller, ofSeller.id, 'z'.repeat(1_001))).errors)).toEqual([['BAD_USER_INPUT', 'reply']]);
    expect(codes((await reply(m.seller, newId())).errors)).toEqual(['NOT_FOUND']);
    expect((await reply(m.seller, ofSeller.id)).errors).toEqual([]);
    expect(codes((await reply(m.seller, ofSeller.id, 'Again')).errors)).toEqual(['CONFLICT']);
    // The buyer is the reviewee of the seller's review, but reviews of buyers take no public reply.
    expect(codes((await reply(m.buyer, ofBuyer.id)).errors)).toEqual(['CONFLICT']);
  });

  it('reports of your own review; a repeated report counts once and lands in the admins\' queue', async () => {
    const m = await market();
    const order = await completedOrder(t, m.seller, m.buyer, m.gigId);
    const review = await reviewed(t, m.buyer, order.id, 1, 'Terrible.');
    const report = (who: Account, reason = 'Insulting') => t.client.request(ReportReviewDocument, { reviewId: review.id, reason }, { token: who.token });

    expect(codes((await report(m.buyer)).errors)).toEqual(['FORBIDDEN']);
    expect(fields((await report(m.seller, '')).errors)).toEqual([['BAD_USER_INPUT', 'reason']]);
    expect((await report(m.seller)).data?.reportReview).toBe(true);
    expect((await report(m.seller)).data?.reportReview).toBe(true);
    expect((await report(m.stranger)).data?.reportReview).toBe(true);

    const queue = (await t.client.expect(ReportedReviewsDocument, { first: 50 }, { token: m.admin.token })).reportedReviews;
    expect(queue.edges.find((e) => e.node.id === review.id)?.node.reportCount).toBe(2);
    const denied = await t.client.request(ReportedReviewsDocument, { first: 50 }, { token: m.seller.token });
    expect(only(denied.errors)).toEqual(['FORBIDDEN']);
  });

  it('hiding by anyone but an admin, hiding twice, and moderation details for non-admins', async () => {
    const m = await market();
    const order = await completedOrder(t, m.seller, m.buyer, m.gigId);
    const review = await reviewed(t, m.buyer, order.id, 2);
    const hide = (who: Account) => t.client.request(HideReviewDocument, { reviewId: review.id, reason: 'Off-topic' }, { token: who.token });

    expect(only((await hide(m.seller)).errors)).toEqual(['FORBIDDEN']);
    const moderation = await t.client.request(ReviewModerationDocument, { id: review.id }, { token: m.seller.token });
    expect(moderation.data?.review).toMatchObject({ id: review.id, hidden: null, hiddenReason: null, reportCount: null });
    expect(only(moderation.errors)).toEqual(['FORBIDDEN']);
    expect((await hide(m.admin)).errors).toEqual([]);
    expect(codes((await hide(m.admin)).errors)).toEqual(['CONFLICT']);
    // A hidden review takes no reply and no report: for everyone but admins it is gone.
    expect(codes((await t.client.request(ReplyToReviewDocument, { reviewId: review.id, reply: 'Hm' }, { token: m.seller.token })).errors)).toEqual(['NOT_FOUND']);
  });

  it('rating analytics to anyone but the seller and admins, and windows outside 1–60 months', async () => {
    const m = await market();
    const order = await completedOrder(t, m.seller, m.buyer, m.gigId);
    await reviewed(t, m.buyer, order.id, 5);
    await orderStanding(t, order.id, 'COMPLETED');
    const gigStats = (who: Account | null, months = 12) => t.client.request(GigRatingStatsDocument, { gigId: m.gigId, months }, { token: who?.token });
    const sellerStats = (who: Account | null, months = 12) => t.client.request(SellerRatingStatsDocument, { sellerId: m.seller.id, months }, { token: who?.token });

    // The gig's statistics row exists once its first review reached the analytics.
    for (let i = 0; i < 100 && (await reviewsCount(t, 'select count(*) as n from gig_rating_stats where gig_id = ?', [m.gigId])) === 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(codes((await gigStats(m.stranger)).errors)).toEqual(['FORBIDDEN']);
    expect(codes((await sellerStats(m.stranger)).errors)).toEqual(['FORBIDDEN']);
    expect(only((await gigStats(null)).errors)).toEqual(['UNAUTHENTICATED']);
    expect((await gigStats(m.seller)).errors).toEqual([]);
    expect((await sellerStats(m.admin)).errors).toEqual([]);
    expect(fields((await sellerStats(m.seller, 0)).errors)).toEqual([['BAD_USER_INPUT', 'months']]);
    expect(fields((await gigStats(m.seller, 61)).errors)).toEqual([['BAD_USER_INPUT', 'months']]);
  });

  it('cursors another list or sort issued, and made-up ones', async () => {
    const m = await market();
    const [a, b] = await announcedCompletedOrders(t, [
      { buyerId: m.buyer.id, sellerId: m.seller.id, gigId: m.gigId },
      { buyerId: m.buyer.id, sellerId: m.seller.id, gigId: m.gigId },
    ]);
    await reviewed(t, m.buyer, a!, 5);
    await reviewed(t, m.buyer, b!, 3);
    const page = (sort: 'NEWEST' | 'HIGHEST' | 'LOWEST', after?: string) => t.client.request(GigReviewsDocument, { gigId: m.gigId, sort, first: 1, after }, {});
    const newest = (await page('NEWEST')).data!.gig!.reviews.pageInfo.endCursor!;
    const highest = (await page('HIGHEST')).data!.gig!.reviews.pageInfo.endCursor!;
    expect((await page('NEWEST', newest)).errors).toEqual([]);
    expect(fields((await page('HIGHEST', newest)).errors)).toEqual([['BAD_USER_INPUT', 'after']]);
    expect(fields((await page('LOWEST', highest)).errors)).toEqual([['BAD_USER_INPUT', 'after']]);
    expect(fields((await page('NEWEST', 'bm90IGEgY3Vyc29y')).errors)).toEqual([['BAD_USER_INPUT', 'after']]);
    const forged = Buffer.from(JSON.stringify(['HIGHEST', 9, new Date().toISOString(), newId()])).toString('base64url');
    expect(fields((await page('HIGHEST', forged)).errors)).toEqual([['BAD_USER_INPUT', 'after']]);
  });
});
