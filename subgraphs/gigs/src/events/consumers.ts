import { isUuid, type ConsumerDefinition } from '@jobgraph/kit';
import type { GigsServices } from '../services/index.js';
import { invalidateGig } from '../services/gig-cache.js';

interface SellerChanged {
  userId: string;
  username: string;
}

interface ReviewCreated {
  reviewId: string;
  gigId: string;
  rating: number;
  kind?: string;
}

/** Keeps gigs' read model of sellers (who may create gigs), from users' events. */
export const sellerChanged: ConsumerDefinition = {
  name: 'seller-changed',
  events: [
    { producer: 'users', type: 'seller.created' },
    { producer: 'users', type: 'seller.updated' },
  ],
  async handle(event, { em }) {
    const data = event.data as Partial<SellerChanged>;
    if (typeof data.userId !== 'string' || typeof data.username !== 'string') throw new Error(`${event.type} without userId/username`);
    await em.execute(
      `insert into seller (user_id, username, updated_at) values (?, ?, ?)
       on conflict (user_id) do update set username = excluded.username, updated_at = excluded.updated_at
       where seller.updated_at <= excluded.updated_at`,
      [data.userId, data.username, event.occurredAt],
    );
  },
};

/**
 * Adds a buyer's review to the gig's rating summary. Counted once per event (the kit's inbox), and the average
 * is recomputed from the counters in the same statement, so the numbers always agree.
 */
export const reviewCreated = (services: GigsServices): ConsumerDefinition => ({
  name: 'review-created',
  events: [{ producer: 'reviews', type: 'review.created' }],
  async handle(event, { em, log, afterCommit }) {
    const data = event.data as Partial<ReviewCreated>;
    const rating = data.rating;
    if (typeof data.gigId !== 'string' || !isUuid(data.gigId) || typeof rating !== 'number' || !Number.isInteger(rating) || rating < 1 || rating > 5) {
      throw new Error('review.created needs gigId and an integer rating 1–5');
    }
    // Sellers' reviews of buyers say nothing about the gig.
    if (data.kind !== undefined && data.kind !== 'BUYER_TO_SELLER') return;
    const updated: unknown[] = await em.execute(
      `update gig set rating_count = rating_count + 1, rating_sum = rating_sum + ?, stars${rating} = stars${rating} + 1,
         rating_average = (rating_sum + ?)::double precision / (rating_count + 1)
       where id = ? returning id`,
      [rating, rating, data.gigId],
    );
    if (updated.length === 0) log.warn({ gigId: data.gigId }, 'review for an unknown gig ignored');
    const gigId = data.gigId;
    afterCommit(() => invalidateGig(services, gigId));
  },
});

export const consumers = (services: GigsServices): ConsumerDefinition[] => [sellerChanged, reviewCreated(services)];
