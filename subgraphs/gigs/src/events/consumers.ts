import { z } from 'zod';
import { isUuid, type ConsumerDefinition } from '@jobgraph/kit';
import type { GigsServices } from '../services/index.js';
import { invalidateGig } from '../services/gig-cache.js';

const uuid = z.string().refine(isUuid, 'must be a UUID');

/** seller.created / seller.updated v1, as gigs needs them. */
const sellerChangedSchema = z.object({ userId: uuid, username: z.string().min(1).max(30) });

/** review.created v1 (published by reviews). */
const reviewCreatedSchema = z.object({
  reviewId: z.string().min(1),
  gigId: uuid,
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
 * Adds a buyer's review to the gig's rating summary. Counted once per event (the kit's inbox), and the average
 * is recomputed from the counters in the same statement, so the numbers always agree.
 */
export const reviewCreated = (services: GigsServices): ConsumerDefinition => ({
  name: 'review-created',
  events: [{ producer: 'reviews', type: 'review.created', schema: reviewCreatedSchema }],
  async handle(event, { em, log, afterCommit }) {
    const data = event.data as z.infer<typeof reviewCreatedSchema>;
    const rating = data.rating;
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
