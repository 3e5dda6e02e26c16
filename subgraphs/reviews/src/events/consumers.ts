import { z } from 'zod';
import { type ConsumerDefinition, uuidField } from '@jobgraph/kit';
import { OrderStanding, ReviewKind } from '../domain/review-rules.js';
import type { FactEvent } from '../domain/rating-facts.js';
import { applyFactEvent } from '../services/analytics.js';
import { ReviewEvents } from './published.js';

const uuid = uuidField;
const dateTime = z.iso.datetime({ offset: true });

/** order.* v1 (orders' `src/events/published.ts`), the fields reviews needs: the parties and what was bought. */
const orderEvent = z.object({
  orderId: uuid,
  buyerId: uuid,
  sellerId: uuid,
  gigId: uuid.nullish(),
  gigTitle: z.string().min(1).max(200),
});
const orderCompleted = orderEvent.extend({ completedAt: dateTime.nullish() });
const orderDisputeResolved = orderEvent.extend({ outcome: z.enum(['REFUND', 'RELEASE', 'SPLIT']) });

/**
 * Keeps reviews' read model of orders: a placed order's parties (so a party asking too early hears CONFLICT "not
 * completed" while anyone else hears NOT_FOUND), completion (reviews open), cancellation and a split settlement
 * (they never will). An order only moves forward: OPEN → COMPLETED → CANCELLED (cancelled closes eligibility even
 * after completion, although orders never sends both), OPEN → SETTLED; a late or repeated event never moves it back.
 * REFUND and RELEASE settlements are followed by order.cancelled / order.completed, which do the work.
 */
export const orderEvents: ConsumerDefinition = {
  name: 'order-events',
  events: [
    { producer: 'orders', type: 'order.placed', schema: orderEvent },
    { producer: 'orders', type: 'order.completed', schema: orderCompleted },
    { producer: 'orders', type: 'order.cancelled', schema: orderEvent },
    { producer: 'orders', type: 'order.dispute-resolved', schema: orderDisputeResolved },
  ],
  async handle(event, { em }) {
    const d = event.data as z.infer<typeof orderCompleted> & Partial<z.infer<typeof orderDisputeResolved>>;
    let standing: OrderStanding;
    let from: OrderStanding[];
    if (event.type === 'order.placed') [standing, from] = [OrderStanding.OPEN, []];
    else if (event.type === 'order.completed') [standing, from] = [OrderStanding.COMPLETED, [OrderStanding.OPEN]];
    else if (event.type === 'order.cancelled') [standing, from] = [OrderStanding.CANCELLED, [OrderStanding.OPEN, OrderStanding.COMPLETED]];
    else if (d.outcome === 'SPLIT') [standing, from] = [OrderStanding.SETTLED, [OrderStanding.OPEN]];
    else return;
    const completedAt = standing === OrderStanding.COMPLETED ? (d.completedAt ?? event.occurredAt) : null;
    const update =
      from.length === 0
        ? 'do nothing'
        : `do update set standing = excluded.standing, completed_at = coalesce(excluded.completed_at, reviewable_order.completed_at), changed_at = excluded.changed_at
           where reviewable_order.standing in (${from.map((s) => `'${s}'`).join(', ')})`;
    await em.execute(
      `insert into reviewable_order (order_id, buyer_id, seller_id, gig_id, title, standing, completed_at, changed_at) values (?, ?, ?, ?, ?, ?, ?, ?)
       on conflict (order_id) ${update}`,
      [d.orderId, d.buyerId, d.sellerId, d.gigId ?? null, d.gigTitle, standing, completedAt, event.occurredAt],
    );
  },
};

/** What the analytics need of every review event (reviews' own `events/published.ts`). */
const reviewEvent = z.object({
  reviewId: uuid,
  orderId: uuid,
  gigId: uuid.nullable(),
  reviewerId: uuid,
  revieweeId: uuid,
  kind: z.enum([ReviewKind.BUYER_TO_SELLER, ReviewKind.SELLER_TO_BUYER]),
  rating: z.number().int().min(1).max(5),
  createdAt: dateTime,
});

const CHANGE: Record<string, FactEvent['change']> = {
  [ReviewEvents.created]: 'created',
  [ReviewEvents.replied]: 'replied',
  [ReviewEvents.hidden]: 'hidden',
};

/**
 * The rating analytics read model (CQRS): reviews consumes its own events through the bus, like any other domain,
 * so the request path never writes analytics and a rebuild can replay the same rules from the write model.
 * Sellers' reviews of buyers are not part of gig or seller analytics.
 */
export const ratingAnalytics: ConsumerDefinition = {
  name: 'rating-analytics',
  events: [
    { producer: 'reviews', type: ReviewEvents.created, schema: reviewEvent },
    { producer: 'reviews', type: ReviewEvents.replied, schema: reviewEvent },
    { producer: 'reviews', type: ReviewEvents.hidden, schema: reviewEvent },
  ],
  async handle(event, { em }) {
    const d = event.data as z.infer<typeof reviewEvent>;
    if (d.kind !== ReviewKind.BUYER_TO_SELLER) return;
    await applyFactEvent(em, d.reviewId, { change: CHANGE[event.type]!, gigId: d.gigId, sellerId: d.revieweeId, rating: d.rating, createdAt: d.createdAt });
  },
};

export const consumers: ConsumerDefinition[] = [orderEvents, ratingAnalytics];
