import { z } from 'zod';
import { type ConsumerDefinition, uuidField } from '@jobgraph/kit';
import type { GigsServices } from '../services/index.js';
import { invalidateGig } from '../services/gig-cache.js';

const uuid = uuidField;

/** seller.created / seller.updated v1, as gigs needs them. */
const sellerChangedSchema = z.object({ userId: uuid, username: z.string().min(1).max(30) });

/**
 * review.created / review.hidden v1 (reviews' fanout exchanges). gigId is null for a review of a custom offer that
 * named no gig; kind is absent in events from before reviews sent it (they were buyers' reviews).
 */
const reviewEventSchema = z.object({
  reviewId: uuid,
  gigId: uuid.nullish(),
  rating: z.number().int().min(1).max(5),
  kind: z.enum(['BUYER_TO_SELLER', 'SELLER_TO_BUYER']).optional(),
});

/** Keeps gigs' read model of sellers (who may create gigs), from users' events. */
export const sellerChanged: ConsumerDefinition = {
  name: 'seller-changed',
  events: [
    { producer: 'users', type: 'seller.created', schema: sellerChangedSchema },
    { producer: 'users', type: 'seller.updated', schema: sellerChangedSchema },
  ],
  async handle(event, { em }) {
    const data = event.data as z.infer<typeof sellerChangedSchema>;
    await em.execute(
      `insert into seller (user_id, username, updated_at) values (?, ?, ?)
       on conflict (user_id) do update set username = excluded.username, updated_at = excluded.updated_at
       where seller.updated_at <= excluded.updated_at`,
      [data.userId, data.username, event.occurredAt],
    );
  },
};

/**
 * Keeps the gig's rating summary from buyers' reviews: review.created adds one, review.hidden takes it out again.
 * Counted once per review (`gig_review`, besides the kit's inbox), in any order of arrival; the counters and the
 * average move in one statement, so they always agree. The queue keeps its first name, `review-created`.
 */
export const reviewCreated = (services: GigsServices): ConsumerDefinition => ({
  name: 'review-created',
  events: [
    { producer: 'reviews', type: 'review.created', schema: reviewEventSchema },
    { producer: 'reviews', type: 'review.hidden', schema: reviewEventSchema },
  ],
  async handle(event, { em, log, afterCommit }) {
    const data = event.data as z.infer<typeof reviewEventSchema>;
    const { rating, gigId } = data;
    // Sellers' reviews of buyers say nothing about the gig, and a custom offer's review has no gig.
    if ((data.kind !== undefined && data.kind !== 'BUYER_TO_SELLER') || !gigId) return;
    const hide = event.type === 'review.hidden';
    // One statement, so that a review.hidden racing its review.created waits on the other's row instead of missing
    // it: a first event inserts the row (a hidden one as a tombstone); review.hidden flips a visible row. `xmax = 0`
    // tells an inserted row from an updated one (PostgreSQL's insert-or-update idiom).
    const rows: Array<{ inserted: boolean }> = await em.execute(
      `insert into gig_review (review_id, gig_id, rating, hidden) values (?, ?, ?, ?)
       on conflict (review_id) do update set hidden = true where excluded.hidden and not gig_review.hidden
       returning (xmax = 0) as inserted`,
      [data.reviewId, gigId, rating, hide],
    );
    const row = rows[0];
    const sign = !row ? 0 : hide ? (row.inserted ? 0 : -1) : row.inserted ? 1 : 0;
    if (sign === 0) return;
    const updated: unknown[] = await em.execute(
      `update gig set rating_count = rating_count + ?, rating_sum = rating_sum + ?, stars${rating} = stars${rating} + ?,
         rating_average = case when rating_count + ? = 0 then 0 else (rating_sum + ?)::double precision / (rating_count + ?) end
       where id = ? returning id`,
      [sign, sign * rating, sign, sign, sign * rating, sign, gigId],
    );
    if (updated.length === 0) log.warn({ gigId }, `${event.type} for an unknown gig ignored`);
    afterCommit(() => invalidateGig(services, gigId));
  },
});

export const consumers = (services: GigsServices): ConsumerDefinition[] => [sellerChanged, reviewCreated(services)];
