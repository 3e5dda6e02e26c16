import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { MikroORM } from '@mikro-orm/postgresql';
import {
  ApproveDeliveryDocument,
  DeliverOrderDocument,
  GigRatingStatsDocument,
  LeaveReviewDocument,
  SellerRatingStatsDocument,
  type LeaveReviewMutation,
  type OrderFieldsFragment,
  type RatingStatsFieldsFragment,
  type ReviewFieldsFragment,
} from '@jobgraph/client';
import { makeEnvelope, newId } from '@jobgraph/kit';
import { waitFor } from '@jobgraph/kit/testing';
import type { Result } from '@jobgraph/client';
import type { Account } from './gigs-support.js';
import { publish } from './notifications-support.js';
import { placed } from './orders-support.js';
import type { TestStack } from './support.js';

/** Rows straight from reviews' database. */
export async function reviewsQuery<T = Record<string, unknown>>(t: TestStack, sql: string, params: unknown[] = []): Promise<T[]> {
  const orm = t.stack.subgraphs.reviews!.orm as MikroORM;
  return orm.em.fork().execute(sql, params);
}

export async function reviewsCount(t: TestStack, sql: string, params: unknown[] = []): Promise<number> {
  const rows = await reviewsQuery<{ n: string }>(t, sql, params);
  return Number(rows[0]!.n);
}

/** Waits until reviews' read model of orders shows the order in `standing` (it learns of orders from events). */
export function orderStanding(t: TestStack, orderId: string, standing: 'OPEN' | 'COMPLETED' | 'CANCELLED' | 'SETTLED'): Promise<true> {
  return waitFor(
    async () => (await reviewsCount(t, 'select count(*) as n from reviewable_order where order_id = ? and standing = ?', [orderId, standing])) === 1,
    10_000,
    `reviews to see order ${orderId} ${standing}`,
  );
}

/** A real order of `gigId`, delivered and approved through the router, that reviews already knows is completed. */
export async function completedOrder(t: TestStack, seller: Account, buyer: Account, gigId: string): Promise<OrderFieldsFragment> {
  const order = await placed(t, buyer, gigId);
  await t.client.expect(DeliverOrderDocument, { input: { orderId: order.id, message: 'Here is the work.' } }, { token: seller.token });
  await t.client.expect(ApproveDeliveryDocument, { orderId: order.id }, { token: buyer.token });
  await orderStanding(t, order.id, 'COMPLETED');
  return order;
}

/**
 * Orders completed as orders announces them (order.completed published straight to orders' exchange), with no
 * order behind them in orders: for data sets larger than placing each order through the API allows. Resolves once
 * reviews has all of them.
 */
export async function announcedCompletedOrders(t: TestStack, orders: Array<{ buyerId: string; sellerId: string; gigId: string | null }>): Promise<string[]> {
  const ids = orders.map(() => newId());
  const now = new Date().toISOString();
  const money = { amount: 5_000, currency: 'USD' };
  await publish(
    t,
    'orders',
    orders.map((o, i) =>
      makeEnvelope(
        'orders',
        'order.completed',
        {
          orderId: ids[i],
          buyerId: o.buyerId,
          sellerId: o.sellerId,
          gigId: o.gigId,
          gigTitle: 'I will test your reviews',
          offerId: null,
          conversationId: null,
          price: money,
          serviceFee: { amount: 275, currency: 'USD' },
          total: { amount: 5_275, currency: 'USD' },
          status: 'COMPLETED',
          dueAt: now,
          sellerEarnings: money,
          completedAt: now,
        },
        { correlationId: newId() },
      ),
    ),
  );
  await waitFor(
    async () => (await reviewsCount(t, `select count(*) as n from reviewable_order where order_id in (?) and standing = 'COMPLETED'`, [ids])) === ids.length,
    15_000,
    `reviews to see ${ids.length} completed orders`,
  );
  return ids;
}

export function leave(t: TestStack, who: Account, orderId: string, rating: number, comment = 'Clear communication and good work.'): Promise<Result<LeaveReviewMutation>> {
  return t.client.request(LeaveReviewDocument, { orderId, rating, comment }, { token: who.token });
}

export async function reviewed(t: TestStack, who: Account, orderId: string, rating: number, comment?: string): Promise<ReviewFieldsFragment> {
  const result = await leave(t, who, orderId, rating, comment);
  if (result.errors.length > 0 || !result.data) throw new Error(`leaveReview failed: ${JSON.stringify(result.errors)}`);
  return result.data.leaveReview;
}

/** How many events reviews' own analytics consumer has taken in (processed or ignored): to know it has caught up. */
export function analyticsInbox(t: TestStack): Promise<number> {
  return reviewsCount(t, 'select count(*) as n from inbox_event where consumer = ?', [`${t.stack.env.EVENTS_NAMESPACE}.reviews.rating-analytics`]);
}

/** Waits until the analytics consumer has taken in `events` events in all. */
export function analyticsCaughtUp(t: TestStack, events: number): Promise<true> {
  return waitFor(async () => (await analyticsInbox(t)) >= events, 15_000, `the rating analytics to take in ${events} events`);
}

export async function gigStats(t: TestStack, who: Account, gigId: string, months = 12): Promise<RatingStatsFieldsFragment> {
  return (await t.client.expect(GigRatingStatsDocument, { gigId, months }, { token: who.token })).gigRatingStats;
}

export async function sellerStats(t: TestStack, who: Account, sellerId: string, months = 12): Promise<RatingStatsFieldsFragment> {
  return (await t.client.expect(SellerRatingStatsDocument, { sellerId, months }, { token: who.token })).sellerRatingStats;
}

/** Every analytics table, sorted, as plain rows: what the incremental path and a rebuild must agree on. */
export async function analyticsTables(t: TestStack): Promise<Record<string, unknown[]>> {
  const tables = {
    rating_fact: 'review_id',
    seller_rating_stats: 'seller_id',
    seller_rating_month: 'seller_id, month',
    gig_rating_stats: 'gig_id',
    gig_rating_month: 'gig_id, month',
  };
  const out: Record<string, unknown[]> = {};
  for (const [table, key] of Object.entries(tables)) out[table] = await reviewsQuery(t, `select * from ${table} order by ${key}`);
  return out;
}

const run = promisify(execFile);
const CLI = fileURLToPath(new URL('../../subgraphs/reviews/dist/cli.js', import.meta.url));

/** `pnpm reviews <args>` as an operator runs it (the built command), against this stack's reviews database. */
export async function reviewsCli(t: TestStack, ...args: string[]): Promise<{ stdout: string; stderr: string }> {
  const orm = t.stack.subgraphs.reviews!.orm as MikroORM;
  const url = orm.config.get('clientUrl');
  return run(process.execPath, [CLI, ...args], { env: { ...process.env, REVIEWS_DATABASE_URL: url, LOG_LEVEL: 'warn' }, timeout: 60_000 });
}
