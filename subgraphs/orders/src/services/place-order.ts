import type { EntityManager } from '@mikro-orm/postgresql';
import {
  AppError,
  BadUserInputError,
  ErrorCode,
  ConflictError,
  ForbiddenError,
  NotFoundError,
  UnavailableError,
  eventsOf,
  isUuid,
  newId,
  requireCaller,
} from '@jobgraph/kit';
import { GigListing, Offer, OfferStatus, Order, Payment, Refund } from '../entities/index.js';
import { orderAmounts } from '../domain/fee-policy.js';
import { chargePostings } from '../domain/ledger-postings.js';
import { OrderStatus, Party } from '../domain/order-state.js';
import { LIMITS, text } from '../domain/order-input.js';
import { OrderEvents } from '../events/published.js';
import { PaymentDeclinedError, PaymentUnavailableError, type ChargeResult } from '../payments/provider.js';
import type { PlaceOrderInput } from '../graphql/types.js';
import {
  beginIdempotent,
  completeIdempotent,
  forgetIdempotent,
  idempotencyKeyOf,
  releaseIdempotent,
  requestHash,
} from './idempotency.js';
import { post } from './ledger.js';
import { addTimeline, eventBase } from './order-steps.js';
import type { OrdersContext } from './index.js';

const DAY_MS = 86_400_000;

/** What the buyer agrees to buy, from orders' read models (never from the client). */
interface Terms {
  gigId: string | null;
  offerId: string | null;
  conversationId: string | null;
  sellerId: string;
  title: string;
  price: number;
  currency: string;
  deliveryDays: number;
}

async function termsOf(em: EntityManager, ctx: OrdersContext, buyerId: string, gigId: string | null, offerId: string | null, now: Date): Promise<Terms> {
  const currency = ctx.services.config.ORDERS_CURRENCY;
  if (gigId !== null) {
    const gig = isUuid(gigId) ? await em.findOne(GigListing, { gigId }) : null;
    if (!gig || gig.deleted) throw new NotFoundError('There is no such gig.');
    if (gig.status !== 'PUBLISHED') throw new ConflictError(`This gig is ${gig.status.toLowerCase()} and cannot be ordered right now.`, { status: gig.status });
    if (gig.sellerId === buyerId) throw new ForbiddenError('You cannot order your own gig.');
    if (gig.currency !== currency) throw new ConflictError(`This gig is priced in ${gig.currency}; orders are taken in ${currency} only.`);
    return { gigId, offerId: null, conversationId: null, sellerId: gig.sellerId, title: gig.title, price: gig.price, currency, deliveryDays: gig.deliveryDays };
  }
  const offer = offerId !== null && isUuid(offerId) ? await em.findOne(Offer, { id: offerId }) : null;
  // An offer made to someone else does not exist for the caller.
  if (!offer || offer.buyerId !== buyerId) throw new NotFoundError('There is no such offer.');
  if (offer.orderId) throw new ConflictError('This offer has already been ordered.');
  if (offer.status !== OfferStatus.PENDING && offer.status !== OfferStatus.ACCEPTED) {
    throw new ConflictError(`This offer was ${offer.status.toLowerCase()} and cannot be ordered.`, { status: offer.status });
  }
  if (offer.expiresAt && offer.expiresAt.getTime() <= now.getTime()) throw new ConflictError('This offer has expired; ask the seller for a new one.');
  if (offer.currency !== currency) throw new ConflictError(`This offer is in ${offer.currency}; orders are taken in ${currency} only.`);
  const title = offer.gigId ? ((await em.findOne(GigListing, { gigId: offer.gigId }))?.title ?? null) : null;
  return {
    gigId: offer.gigId,
    offerId: offer.id,
    conversationId: offer.conversationId,
    sellerId: offer.sellerId,
    title: title ?? `Custom offer: ${offer.description.slice(0, 150)}`,
    price: offer.price,
    currency,
    deliveryDays: offer.deliveryDays,
  };
}

/**
 * placeOrder as a small saga: (1) claim the Idempotency-Key, (2) read the terms from the read models, (3) charge
 * the buyer through the provider (with an idempotency key derived from the client's), (4) in one transaction write
 * the order, the payment, the ledger postings, the timeline and `order.placed`, and bind the key to the order.
 * A decline frees the key and writes nothing; a provider outage keeps the key bound to this body so that the
 * client's retry takes over and, thanks to the provider's idempotency, charges once.
 */
export async function placeOrder(ctx: OrdersContext, input: PlaceOrderInput): Promise<Order> {
  const caller = requireCaller(ctx);
  const key = idempotencyKeyOf(ctx.req);
  const gigId = input.gigId ?? null;
  const offerId = input.offerId ?? null;
  if ((gigId === null) === (offerId === null)) throw new BadUserInputError(gigId === null ? 'gigId' : 'offerId', 'Give exactly one of gigId and offerId.');
  const requirements = text('requirements', input.requirements, LIMITS.requirements);
  const paymentMethod = text('paymentMethod', input.paymentMethod, LIMITS.paymentMethod, 1);
  const hash = requestHash('placeOrder', { gigId, offerId, requirements, paymentMethod });

  const begun = await beginIdempotent(ctx.em.fork(), caller.userId, key, 'placeOrder', hash);
  if (begun.kind === 'done') {
    const existing = await ctx.em.fork().findOne(Order, { id: begun.resultId });
    if (!existing) throw new NotFoundError('The order this Idempotency-Key created no longer exists.');
    return existing;
  }

  const now = new Date();
  let terms: Terms;
  let charge: ChargeResult;
  try {
    terms = await termsOf(ctx.em.fork(), ctx, caller.userId, gigId, offerId, now);
    const amounts = orderAmounts(terms.price, ctx.services.feePolicy);
    charge = await ctx.services.provider.charge({
      idempotencyKey: `order:${caller.userId}:${key}`,
      paymentMethod,
      amount: amounts.total,
      currency: terms.currency,
      description: terms.title,
      customerId: caller.userId,
    });
  } catch (err) {
    // The provider refuses the key because an earlier attempt with it charged other terms (the price changed in
    // between): that attempt may have charged the buyer, so this is not "nothing was charged".
    if (err instanceof PaymentDeclinedError && err.reason === 'idempotency_key_reused') {
      await releaseIdempotent(ctx.em.fork(), caller.userId, key);
      throw new ConflictError(
        'An earlier attempt with this Idempotency-Key was for other terms (the price changed since) and may have charged you; do not retry it — contact support, or place a new order with a new key.',
      );
    }
    if (err instanceof PaymentUnavailableError) {
      await releaseIdempotent(ctx.em.fork(), caller.userId, key);
      throw new UnavailableError('The payment provider did not answer; nothing was ordered yet. Retry with the same Idempotency-Key: you will be charged at most once.');
    }
    await forgetIdempotent(ctx.em.fork(), caller.userId, key);
    if (err instanceof PaymentDeclinedError) {
      throw new AppError(ErrorCode.BAD_USER_INPUT, `${err.message} Nothing was charged; try another payment method.`, {
        field: 'paymentMethod',
        declineCode: err.reason,
      });
    }
    throw err;
  }

  const amounts = orderAmounts(terms.price, ctx.services.feePolicy);
  try {
    return await ctx.em.fork().transactional(async (em: EntityManager) => {
      const paymentId = newId();
      em.persist(
        em.create(Payment, {
          id: paymentId,
          buyerId: caller.userId,
          provider: ctx.services.provider.name,
          providerChargeId: charge.chargeId,
          amount: charge.amount,
          currency: charge.currency,
          createdAt: now,
        }),
      );
      const order = em.create(Order, {
        id: newId(),
        gigId: terms.gigId,
        offerId: terms.offerId,
        conversationId: terms.conversationId,
        title: terms.title,
        buyerId: caller.userId,
        sellerId: terms.sellerId,
        ...amounts,
        currency: terms.currency,
        requirements,
        deliveryDays: terms.deliveryDays,
        status: OrderStatus.PLACED,
        dueAt: new Date(now.getTime() + terms.deliveryDays * DAY_MS),
        paymentId,
        createdAt: now,
        updatedAt: now,
      });
      em.persist(order);
      if (terms.offerId) {
        // The offer is used once: of two orders racing for it, the second finds it taken and is rolled back.
        const taken: unknown[] = await em.execute(
          `update offer set order_id = ?, status = 'ACCEPTED' where id = ? and order_id is null and status in ('PENDING', 'ACCEPTED') returning id`,
          [order.id, terms.offerId],
        );
        if (taken.length === 0) throw new OfferTakenError();
      }
      await post(em, chargePostings({ sellerId: order.sellerId, price: order.price, serviceFee: order.serviceFee, total: order.total, currency: order.currency }), {
        orderId: order.id,
      });
      addTimeline(em, order, 'PLACED', Party.BUYER, caller.userId, null, null, now);
      eventsOf(ctx, em).record(OrderEvents.placed, eventBase(order));
      await completeIdempotent(em, caller.userId, key, order.id);
      return order;
    });
  } catch (err) {
    // A repeat of this request (same key, same provider charge) may have written the order while this one waited on
    // the provider: then that order is the answer, and the charge must not be refunded.
    const paid = await orderPaidBy(ctx, charge.chargeId);
    if (paid) return paid;
    if (err instanceof OfferTakenError) {
      // Compensation: the charge went through but no order can use it; the payment jobs send the money back.
      await ctx.em.fork().transactional(async (em: EntityManager) => {
        em.persist(
          em.create(Refund, {
            id: newId(),
            orderId: null,
            provider: ctx.services.provider.name,
            providerChargeId: charge.chargeId,
            amount: charge.amount,
            currency: charge.currency,
          }),
        );
        await forgetIdempotent(em, caller.userId, key);
      });
      ctx.services.jobs.poke();
      throw new ConflictError('This offer has already been ordered; your payment is being refunded in full.');
    }
    // Unknown outcome (e.g. the database went away): the key stays bound to this body, unlocked, so a retry with it
    // writes the order against the same charge.
    await releaseIdempotent(ctx.em.fork(), caller.userId, key).catch(() => undefined);
    throw err;
  }
}

class OfferTakenError extends Error {}

async function orderPaidBy(ctx: OrdersContext, providerChargeId: string): Promise<Order | null> {
  const em = ctx.em.fork();
  const payment = await em.findOne(Payment, { providerChargeId });
  return payment ? em.findOne(Order, { paymentId: payment.id }) : null;
}
