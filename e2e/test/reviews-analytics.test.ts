import { describe, expect, it } from 'vitest';
import {
  GigReviewsDocument,
  HideReviewDocument,
  ReplyToReviewDocument,
  UserReviewsDocument,
  type GigReviewsQuery,
  type UserReviewsQuery,
  type ReviewFieldsFragment,
  type ReviewSort,
} from '@jobgraph/client';
import { newId } from '@jobgraph/kit';
import { newAdmin, newBuyer, newSeller, type Account } from './gigs-support.js';
import { orderableGig } from './orders-support.js';
import {
  analyticsCaughtUp,
  analyticsInbox,
  analyticsTables,
  announcedCompletedOrders,
  gigStats,
  reviewed,
  reviewsCli,
  sellerStats,
} from './reviews-support.js';
import { useStack } from './support.js';

const t = useStack();

/** A small seeded generator (mulberry32), so a failing data set can be replayed from the seed in the test's name. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const SEED = Number(process.env.REVIEWS_TEST_SEED ?? Date.now() % 100_000);

/** The numbers the analytics must show for a set of buyers' reviews, computed by the test itself. */
function expected(reviews: Array<{ rating: number; replied: boolean }>) {
  const count = reviews.length;
  const sum = reviews.reduce((a, r) => a + r.rating, 0);
  const replied = reviews.filter((r) => r.replied).length;
  return {
    count,
    average: count === 0 ? null : Math.round((sum / count) * 100) / 100,
    distribution: [5, 4, 3, 2, 1].map((stars) => ({ stars, count: reviews.filter((r) => r.rating === stars).length })),
    repliedCount: replied,
    responseRate: count === 0 ? null : Math.round((replied / count) * 10_000) / 10_000,
  };
}

describe('the rating analytics read model', () => {
  it(`is the same built incrementally from events and rebuilt by \`pnpm reviews rebuild-analytics\`, on a randomised data set (seed ${SEED})`, async () => {
    const rnd = random(SEED);
    const pick = <T>(items: T[]): T => items[Math.floor(rnd() * items.length)]!;
    const [sellerA, sellerB, admin] = await Promise.all([newSeller(t), newSeller(t), newAdmin(t)]);
    const buyers = await Promise.all([1, 2, 3].map(() => newBuyer(t)));
    const sellers = [sellerA, sellerB];
    // Gigs reviews has no other knowledge of than the orders' events (gigs does not need to have them for this).
    const gigsOf = new Map<string, Array<string | null>>([
      [sellerA.id, [newId(), newId(), null]],
      [sellerB.id, [newId(), null]],
    ]);
    const plan = Array.from({ length: 30 }, () => {
      const seller = pick(sellers);
      return { seller, buyer: pick(buyers), gigId: pick(gigsOf.get(seller.id)!) };
    });
    const orderIds = await announcedCompletedOrders(t, plan.map((p) => ({ buyerId: p.buyer.id, sellerId: p.seller.id, gigId: p.gigId })));
    const inboxBefore = await analyticsInbox(t);
    let events = 0;

    interface Written {
      id: string;
      sellerId: string;
      gigId: string | null;
      rating: number;
      replied: boolean;
      hidden: boolean;
    }
    const ofSellers: Written[] = [];
    for (const [i, p] of plan.entries()) {
      if (rnd() < 0.85) {
        const rating = 1 + Math.floor(rnd() * 5);
        const r = await reviewed(t, p.buyer, orderIds[i]!, rating, `Order ${i}: ${rating} stars.`);
        ofSellers.push({ id: r.id, sellerId: p.seller.id, gigId: p.gigId, rating, replied: false, hidden: false });
        events++;
      }
      if (rnd() < 0.5) {
        await reviewed(t, p.seller, orderIds[i]!, 1 + Math.floor(rnd() * 5));
        events++;
      }
    }
    for (const r of ofSellers) {
      const seller = sellers.find((s) => s.id === r.sellerId)!;
      if (rnd() < 0.5) {
        await t.client.expect(ReplyToReviewDocument, { reviewId: r.id, reply: 'Thank you!' }, { token: seller.token });
        r.replied = true;
        events++;
      }
      if (rnd() < 0.2) {
        await t.client.expect(HideReviewDocument, { reviewId: r.id, reason: 'Test moderation' }, { token: admin.token });
        r.hidden = true;
        events++;
      }
    }
    await analyticsCaughtUp(t, inboxBefore + events);

    // The incremental numbers are what the test computed from what it did…
    const visible = ofSellers.filter((r) => !r.hidden);
    const subjects = [
      ...sellers.map((s) => ({ name: `seller ${s.username}`, read: () => sellerStats(t, s, s.id), reviews: visible.filter((r) => r.sellerId === s.id) })),
      ...[...gigsOf.entries()].flatMap(([sellerId, gigs]) =>
        gigs.filter((g): g is string => g !== null).map((gigId) => ({
          name: `gig ${gigId}`,
          read: () => gigStats(t, sellers.find((s) => s.id === sellerId)!, gigId),
          reviews: visible.filter((r) => r.gigId === gigId),
        })),
      ),
    ];
    const incremental = [];
    for (const s of subjects) {
      const stats = await s.read();
      expect(stats, s.name).toMatchObject(expected(s.reviews));
      expect(stats.monthly.at(-1), s.name).toMatchObject({ count: s.reviews.length });
      incremental.push(stats);
    }
    const tablesBefore = await analyticsTables(t);
    expect(tablesBefore.rating_fact).toHaveLength(ofSellers.length);

    // …and a rebuild from the write model gives the very same rows and answers.
    const { stdout } = await reviewsCli(t, 'rebuild-analytics');
    expect(stdout).toContain(`rebuilt rating analytics from ${ofSellers.length} buyers' reviews`);
    expect(await analyticsTables(t)).toEqual(tablesBefore);
    for (const [i, s] of subjects.entries()) expect(await s.read(), s.name).toEqual(incremental[i]);

    // Events after a rebuild keep applying on top of it.
    const lastOrder = await announcedCompletedOrders(t, [{ buyerId: buyers[0]!.id, sellerId: sellerA.id, gigId: null }]);
    const before = (await sellerStats(t, sellerA, sellerA.id)).count;
    const inbox = await analyticsInbox(t);
    await reviewed(t, buyers[0]!, lastOrder[0]!, 5);
    await analyticsCaughtUp(t, inbox + 1);
    expect((await sellerStats(t, sellerA, sellerA.id)).count).toBe(before + 1);
  });

  it('refuses bad usage of the command with a usage line and exit code 2', async () => {
    const failed = await reviewsCli(t, 'rebuild-everything').catch((err: { code: number; stderr: string }) => err);
    expect(failed).toMatchObject({ code: 2, stderr: expect.stringContaining('usage: pnpm reviews rebuild-analytics') });
  });
});

describe('lists of reviews', () => {
  async function allPages(gigId: string, sort: ReviewSort, first: number): Promise<ReviewFieldsFragment[]> {
    const out: ReviewFieldsFragment[] = [];
    let after: string | null = null;
    for (let i = 0; i < 50; i++) {
      const data: GigReviewsQuery = await t.client.expect(GigReviewsDocument, { gigId, sort, first, after }, {});
      const reviews = data.gig!.reviews;
      out.push(...reviews.edges.map((e) => e.node));
      if (!reviews.pageInfo.hasNextPage) return out;
      after = reviews.pageInfo.endCursor;
    }
    throw new Error('more than 50 pages');
  }

  const newestFirst = (a: ReviewFieldsFragment, b: ReviewFieldsFragment) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id);

  it('pages through a gig\'s reviews in every sort without gaps or repeats, leaving out hidden ones and sellers\' reviews of buyers', async () => {
    const [seller, buyer, admin] = await Promise.all([newSeller(t), newBuyer(t), newAdmin(t)]);
    const gig = await orderableGig(t, seller, admin);
    const ratings = [5, 3, 5, 1, 4, 3, 5, 2, 4];
    const orders = await announcedCompletedOrders(t, ratings.map(() => ({ buyerId: buyer.id, sellerId: seller.id, gigId: gig.id })));
    const written: ReviewFieldsFragment[] = [];
    for (const [i, rating] of ratings.entries()) written.push(await reviewed(t, buyer, orders[i]!, rating, `Review ${i}`));
    await reviewed(t, seller, orders[0]!, 1, 'About the buyer, not the gig.');
    await t.client.expect(HideReviewDocument, { reviewId: written[3]!.id, reason: 'Test' }, { token: admin.token });
    const shown = written.filter((_, i) => i !== 3);

    const newest = [...shown].sort(newestFirst).map((r) => r.id);
    const highest = [...shown].sort((a, b) => b.rating - a.rating || newestFirst(a, b)).map((r) => r.id);
    const lowest = [...shown].sort((a, b) => a.rating - b.rating || newestFirst(a, b)).map((r) => r.id);
    for (const first of [1, 2, 3, 100]) {
      expect((await allPages(gig.id, 'NEWEST', first)).map((r) => r.id), `NEWEST by ${first}`).toEqual(newest);
      expect((await allPages(gig.id, 'HIGHEST', first)).map((r) => r.id), `HIGHEST by ${first}`).toEqual(highest);
      expect((await allPages(gig.id, 'LOWEST', first)).map((r) => r.id), `LOWEST by ${first}`).toEqual(lowest);
    }
    // The default sort is NEWEST.
    const plain = await t.client.expect(GigReviewsDocument, { gigId: gig.id, first: 100 }, {});
    expect(plain.gig!.reviews.edges.map((e) => e.node.id)).toEqual(newest);
  });

  it('pages through the reviews a user received, of one kind or both', async () => {
    const [seller, buyer] = await Promise.all([newSeller(t), newBuyer(t)]);
    const orders = await announcedCompletedOrders(t, [1, 2, 3, 4].map(() => ({ buyerId: buyer.id, sellerId: seller.id, gigId: null })));
    const ofSeller: ReviewFieldsFragment[] = [];
    const ofBuyer: ReviewFieldsFragment[] = [];
    for (const [i, orderId] of orders.entries()) {
      ofSeller.push(await reviewed(t, buyer, orderId, 4));
      if (i % 2 === 0) ofBuyer.push(await reviewed(t, seller, orderId, 5));
    }
    const newest = (reviews: ReviewFieldsFragment[]) => [...reviews].sort(newestFirst).map((r) => r.id);
    const received = async (userId: string, kind: 'BUYER_TO_SELLER' | 'SELLER_TO_BUYER' | null, first: number): Promise<string[]> => {
      const ids: string[] = [];
      let after: string | null = null;
      for (let i = 0; i < 20; i++) {
        const { user }: UserReviewsQuery = await t.client.expect(UserReviewsDocument, { userId, kind, first, after }, {});
        ids.push(...user!.reviewsReceived.edges.map((e) => e.node.id));
        if (!user!.reviewsReceived.pageInfo.hasNextPage) return ids;
        after = user!.reviewsReceived.pageInfo.endCursor;
      }
      throw new Error('too many pages');
    };
    expect(await received(seller.id, 'BUYER_TO_SELLER', 3)).toEqual(newest(ofSeller));
    expect(await received(seller.id, null, 1)).toEqual(newest(ofSeller));
    expect(await received(seller.id, 'SELLER_TO_BUYER', 3)).toEqual([]);
    expect(await received(buyer.id, null, 1)).toEqual(newest(ofBuyer));
    const { user } = await t.client.expect(UserReviewsDocument, { userId: seller.id, first: 1 }, {});
    expect(user!.rating.asSeller).toMatchObject({ count: 4, average: 4 });
  });
});
