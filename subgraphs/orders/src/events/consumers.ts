import { z } from 'zod';
import { newId, type ConsumerDefinition, uuidField, moneyField } from '@jobgraph/kit';
import { OfferStatus } from '../entities/index.js';

const uuid = uuidField;
const money = moneyField;

/** gig.created / gig.updated v1 (gigs' GigSnapshot): what orders needs to sell a gig. */
const gigSnapshot = z.object({
  gigId: uuid,
  sellerId: uuid,
  title: z.string().min(1).max(200),
  price: money,
  deliveryDays: z.number().int().min(1),
  status: z.string().min(1).max(30),
});
const gigStatusChanged = z.object({ gigId: uuid, sellerId: uuid, from: z.string(), to: z.string().min(1).max(30) });
const gigDeleted = z.object({ gigId: uuid, sellerId: uuid });

/** Thrown for an event that arrived before the one it depends on: the bus retries it later (then the DLQ). */
class NotYetError extends Error {}

/**
 * Keeps orders' read model of gigs. Each row remembers when its last event happened, so an older event that is
 * redelivered late never overwrites a newer state.
 */
export const gigChanged: ConsumerDefinition = {
  name: 'gig-changed',
  events: [
    { producer: 'gigs', type: 'gig.created', schema: gigSnapshot },
    { producer: 'gigs', type: 'gig.updated', schema: gigSnapshot },
    { producer: 'gigs', type: 'gig.status-changed', schema: gigStatusChanged },
    { producer: 'gigs', type: 'gig.deleted', schema: gigDeleted },
  ],
  async handle(event, { em }) {
    if (event.type === 'gig.created' || event.type === 'gig.updated') {
      const d = event.data as z.infer<typeof gigSnapshot>;
      await em.execute(
        `insert into gig_listing (gig_id, seller_id, title, price, currency, delivery_days, status, deleted, changed_at)
         values (?, ?, ?, ?, ?, ?, ?, false, ?)
         on conflict (gig_id) do update set seller_id = excluded.seller_id, title = excluded.title, price = excluded.price,
           currency = excluded.currency, delivery_days = excluded.delivery_days, status = excluded.status, changed_at = excluded.changed_at
         where gig_listing.changed_at <= excluded.changed_at`,
        [d.gigId, d.sellerId, d.title, d.price.amount, d.price.currency, d.deliveryDays, d.status, event.occurredAt],
      );
      return;
    }
    if (event.type === 'gig.status-changed') {
      const d = event.data as z.infer<typeof gigStatusChanged>;
      const rows: Array<{ gig_id: string }> = await em.execute(
        `update gig_listing set status = case when changed_at <= ? then ? else status end,
           changed_at = greatest(changed_at, ?::timestamptz) where gig_id = ? returning gig_id`,
        [event.occurredAt, d.to, event.occurredAt, d.gigId],
      );
      if (rows.length === 0) throw new NotYetError(`gig ${d.gigId} is not known yet (its gig.created has not arrived)`);
      return;
    }
    const d = event.data as z.infer<typeof gigDeleted>;
    await em.execute('update gig_listing set deleted = true where gig_id = ?', [d.gigId]);
  },
};

/** offer.sent v1 (chat): a seller's custom offer to a buyer. */
const offerSent = z.object({
  offerId: uuid,
  conversationId: uuid.nullish(),
  buyerId: uuid,
  sellerId: uuid,
  gigId: uuid.nullish(),
  description: z.string().min(1).max(2000),
  price: money,
  deliveryDays: z.number().int().min(1).max(365),
  expiresAt: z.iso.datetime({ offset: true }).nullish(),
});
/** offer.accepted / declined / cancelled v1 (chat). */
const offerDecided = z.object({ offerId: uuid });

const STATUS_OF: Record<string, OfferStatus> = {
  'offer.accepted': OfferStatus.ACCEPTED,
  'offer.declined': OfferStatus.DECLINED,
  'offer.cancelled': OfferStatus.CANCELLED,
};

/**
 * Keeps orders' read model of custom offers: their terms from offer.sent, their fate from the others. An offer that
 * an order already used keeps its status whatever arrives later (the order is what counts).
 */
export const offerChanged: ConsumerDefinition = {
  name: 'offer-changed',
  events: [
    { producer: 'chat', type: 'offer.sent', schema: offerSent },
    { producer: 'chat', type: 'offer.accepted', schema: offerDecided },
    { producer: 'chat', type: 'offer.declined', schema: offerDecided },
    { producer: 'chat', type: 'offer.cancelled', schema: offerDecided },
  ],
  async handle(event, { em }) {
    if (event.type === 'offer.sent') {
      const d = event.data as z.infer<typeof offerSent>;
      await em.execute(
        `insert into offer (id, conversation_id, buyer_id, seller_id, gig_id, description, price, currency, delivery_days, expires_at, status, changed_at)
         values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'PENDING', ?) on conflict (id) do nothing`,
        [d.offerId, d.conversationId ?? null, d.buyerId, d.sellerId, d.gigId ?? null, d.description, d.price.amount, d.price.currency, d.deliveryDays, d.expiresAt ?? null, event.occurredAt],
      );
      return;
    }
    const d = event.data as z.infer<typeof offerDecided>;
    const rows: unknown[] = await em.execute(
      `update offer set status = ?, changed_at = ? where id = ? and order_id is null and changed_at <= ? returning id`,
      [STATUS_OF[event.type], event.occurredAt, d.offerId, event.occurredAt],
    );
    if (rows.length === 0) {
      const known: unknown[] = await em.execute('select id from offer where id = ?', [d.offerId]);
      if (known.length === 0) throw new NotYetError(`offer ${d.offerId} is not known yet (its offer.sent has not arrived)`);
    }
  },
};

/** review.created v1 (reviews' fanout): which side of the order has reviewed. */
const reviewCreated = z.object({
  reviewId: uuid,
  orderId: uuid,
  kind: z.enum(['BUYER_TO_SELLER', 'SELLER_TO_BUYER']),
});

/** Marks the order's review flags and adds the step to its timeline, once per side of the order. */
export const reviewCreatedConsumer: ConsumerDefinition = {
  name: 'review-created',
  events: [{ producer: 'reviews', type: 'review.created', schema: reviewCreated }],
  async handle(event, { em, log }) {
    const d = event.data as z.infer<typeof reviewCreated>;
    const buyer = d.kind === 'BUYER_TO_SELLER';
    const flag = buyer ? 'buyer_reviewed' : 'seller_reviewed';
    // Only the first review of a side changes anything: a copy republished under another envelope id finds the flag
    // set already (the inbox alone catches only the same envelope).
    const rows: Array<{ id: string; status: string; buyer_id: string; seller_id: string }> = await em.execute(
      `update orders set ${flag} = true, updated_at = now() where id = ? and ${flag} = false returning id, status, buyer_id, seller_id`,
      [d.orderId],
    );
    const order = rows[0];
    if (!order) {
      const known: unknown[] = await em.execute('select 1 from orders where id = ?', [d.orderId]);
      if (known.length === 0) log.warn({ orderId: d.orderId }, 'review of an unknown order ignored');
      return;
    }
    await em.execute(
      `insert into order_timeline (id, order_id, action, actor_role, actor_id, from_status, to_status, note, at)
       values (?, ?, ?, ?, ?, ?, ?, null, ?)`,
      [newId(), order.id, buyer ? 'BUYER_REVIEWED' : 'SELLER_REVIEWED', buyer ? 'BUYER' : 'SELLER', buyer ? order.buyer_id : order.seller_id, order.status, order.status, event.occurredAt],
    );
  },
};

export const consumers: ConsumerDefinition[] = [gigChanged, offerChanged, reviewCreatedConsumer];
