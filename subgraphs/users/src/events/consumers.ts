import { z } from 'zod';
import { type ConsumerDefinition, uuidField, moneyField } from '@jobgraph/kit';
import { sellerStatsChange, type SellerStatsEvent } from '../domain/seller-stats.js';
import { ReceivedReviewKind } from '../entities/index.js';

const uuid = uuidField;

/** user.registered v1, as users needs it (auth's payload has more). */
const userRegistered = z.object({
  userId: uuid,
  username: z.string().min(1).max(30),
});

/** Every new account gets its buyer profile, exactly once however often the broker delivers the event. */
export const userRegisteredConsumer: ConsumerDefinition = {
  name: 'user-registered',
  events: [{ producer: 'auth', type: 'user.registered', schema: userRegistered }],
  async handle(event, { em, log }) {
    const data = event.data as z.infer<typeof userRegistered>;
    // The inbox already makes redelivery harmless; `on conflict` also covers a profile becomeSeller created first.
    await em.execute(
      'insert into buyer_profile (user_id, username, created_at) values (?, ?, ?) on conflict (user_id) do nothing',
      [data.userId, data.username, event.occurredAt],
    );
    log.debug({ userId: data.userId }, 'buyer profile ready');
  },
};

/** Integer minor units; orders never sends a negative amount. */
const money = moneyField;

/** order.* v1 (orders' `src/events/published.ts`), only the fields seller stats need. */
const orderEvent = z.object({ orderId: uuid, sellerId: uuid });
const orderCompleted = orderEvent.extend({ sellerEarnings: money });
const orderDisputeResolved = orderEvent.extend({ outcome: z.enum(['REFUND', 'RELEASE', 'SPLIT']), sellerEarnings: money });

/**
 * Keeps the seller's work counters and earnings (`SellerProfile.stats`) from orders' events, once per event (the
 * kit's inbox claim commits in the same transaction as the update).
 *
 * - ongoingJobs never goes below zero: an event that ends an order the counter never saw placed (order.placed still
 *   in a retry queue behind it) leaves it at 0 with a warning. The price: when that order.placed arrives later,
 *   ongoingJobs stays one too high. A visible negative count is the worse of the two, and the warning names the order.
 * - A seller without a profile is skipped with a warning: the profile row commits before seller.created leaves the
 *   outbox (and gigs takes sellers only from that event), so no retry would find one later; the DLQ would only fill.
 *   The stats belong to the seller page: work done before someone has one is not counted.
 * - Earnings are kept in the profile's currency; a credit in another one is left out with a warning, while the job
 *   itself still counts.
 */
export const sellerStatsConsumer: ConsumerDefinition = {
  name: 'seller-stats',
  events: [
    { producer: 'orders', type: 'order.placed', schema: orderEvent },
    { producer: 'orders', type: 'order.completed', schema: orderCompleted },
    { producer: 'orders', type: 'order.cancelled', schema: orderEvent },
    { producer: 'orders', type: 'order.dispute-resolved', schema: orderDisputeResolved },
  ],
  async handle(event, { em, log }) {
    const data = event.data as z.infer<typeof orderEvent>;
    const change = sellerStatsChange({ ...(event.data as object), type: event.type } as SellerStatsEvent);
    if (!change) return;
    const context = { orderId: data.orderId, sellerId: data.sellerId };

    // The row lock orders this seller's events and lets the warnings below see the values they guard.
    const rows: Array<{ ongoing_jobs: number; currency: string }> = await em.execute(
      'select ongoing_jobs, currency from seller_profile where user_id = ? for update',
      [data.sellerId],
    );
    if (rows.length === 0) {
      log.warn(context, `${event.type} for a seller without a profile; seller stats not updated`);
      return;
    }
    const profile = rows[0];
    if (profile.ongoing_jobs + change.ongoingJobs < 0) {
      log.warn(context, `${event.type} ends an order never counted as ongoing; ongoingJobs stays at 0`);
    }
    let credit = 0;
    if (change.earnings) {
      if (change.earnings.currency === profile.currency) credit = change.earnings.amount;
      else log.warn({ ...context, currency: change.earnings.currency, profileCurrency: profile.currency }, `${event.type} earnings in another currency left out of the seller's earnings`);
    }
    await em.execute(
      `update seller_profile set ongoing_jobs = greatest(0, ongoing_jobs + ?), completed_jobs = completed_jobs + ?,
         cancelled_jobs = cancelled_jobs + ?, earnings = earnings + ?::bigint
       where user_id = ?`,
      [change.ongoingJobs, change.completedJobs, change.cancelledJobs, credit, data.sellerId],
    );
    log.debug({ ...context, ...change }, 'seller stats updated');
  },
};

/** review.created / review.hidden v1 (reviews' fanout exchanges), the fields the profiles' ratings need. */
const reviewEvent = z.object({
  reviewId: uuid,
  revieweeId: uuid,
  kind: z.enum([ReceivedReviewKind.BUYER_TO_SELLER, ReceivedReviewKind.SELLER_TO_BUYER]),
  rating: z.number().int().min(1).max(5),
});

/** Thrown while a buyer profile is not there yet (its user.registered still in flight): the bus retries later. */
class NotYetError extends Error {}

/**
 * Keeps the profiles' ratings from reviews' events: a buyer's review of a seller counts on the seller page
 * (`SellerProfile.rating`), a seller's review of a buyer on the buyer profile (`BuyerProfile.rating`); a hidden
 * review is taken out again. Counted once per review, whatever arrives twice or out of order (`received_review`).
 *
 * A review of a seller without a seller page (none can be ordered from without one) is logged and left out, like
 * seller stats; a buyer profile always comes from user.registered, so its absence is waited for (retries, then the DLQ).
 */
export const reviewRatingsConsumer: ConsumerDefinition = {
  name: 'review-ratings',
  events: [
    { producer: 'reviews', type: 'review.created', schema: reviewEvent },
    { producer: 'reviews', type: 'review.hidden', schema: reviewEvent },
  ],
  async handle(event, { em, log }) {
    const d = event.data as z.infer<typeof reviewEvent>;
    const hide = event.type === 'review.hidden';
    // One statement, so that a review.hidden racing its review.created waits on the other's row instead of missing
    // it: a first event inserts the row (a hidden one as a tombstone); review.hidden flips a visible row. `xmax = 0`
    // tells an inserted row from an updated one (PostgreSQL's insert-or-update idiom).
    const rows: Array<{ inserted: boolean }> = await em.execute(
      `insert into received_review (review_id, user_id, kind, rating, hidden) values (?, ?, ?, ?, ?)
       on conflict (review_id) do update set hidden = true where excluded.hidden and not received_review.hidden
       returning (xmax = 0) as inserted`,
      [d.reviewId, d.revieweeId, d.kind, d.rating, hide],
    );
    const row = rows[0];
    const sign = !row ? 0 : hide ? (row.inserted ? 0 : -1) : row.inserted ? 1 : 0;
    if (sign === 0) return;
    const table = d.kind === ReceivedReviewKind.BUYER_TO_SELLER ? 'seller_profile' : 'buyer_profile';
    const updated: unknown[] = await em.execute(
      `update ${table} set rating_count = rating_count + ?, rating_sum = rating_sum + ? where user_id = ? returning user_id`,
      [sign, sign * d.rating, d.revieweeId],
    );
    if (updated.length > 0) return;
    if (table === 'buyer_profile') throw new NotYetError(`user ${d.revieweeId} has no buyer profile yet (their user.registered has not arrived)`);
    log.warn({ reviewId: d.reviewId, sellerId: d.revieweeId }, `${event.type} for a seller without a profile; rating not updated`);
  },
};

export const consumers = [userRegisteredConsumer, sellerStatsConsumer, reviewRatingsConsumer];
