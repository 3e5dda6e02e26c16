import { LockMode, OptimisticLockError } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ConflictError, NotFoundError, eventsOf, isAdmin, isUuid, newId, requireCaller, type Caller } from '@jobgraph/kit';
import { Order, OrderTimelineEntry } from '../entities/index.js';
import { Party, type OrderStatus } from '../domain/order-state.js';
import type { OrderEventBase, OrderEventType } from '../events/published.js';
import type { OrdersContext } from './index.js';

export const ORDER_NOT_FOUND = 'There is no such order.';

/** The caller's side of an order, or null when they have none (then the order does not exist for them). */
export function partyOf(order: Pick<Order, 'buyerId' | 'sellerId'>, caller: Caller | null): Party | null {
  if (!caller) return null;
  if (caller.userId === order.buyerId) return Party.BUYER;
  if (caller.userId === order.sellerId) return Party.SELLER;
  if (isAdmin(caller)) return Party.ADMIN;
  return null;
}

/** What every order event carries (events/published.ts). */
export function eventBase(order: Order): OrderEventBase {
  const money = (amount: number) => ({ amount, currency: order.currency });
  return {
    orderId: order.id,
    buyerId: order.buyerId,
    sellerId: order.sellerId,
    gigId: order.gigId,
    gigTitle: order.title,
    offerId: order.offerId,
    conversationId: order.conversationId,
    price: money(order.price),
    serviceFee: money(order.serviceFee),
    total: money(order.total),
    status: order.status,
    dueAt: order.dueAt.toISOString(),
  };
}

export interface StepTools {
  em: EntityManager;
  caller: Caller;
  party: Party;
  now: Date;
  /** Adds a timeline entry for the step (status before → the order's status when the transaction commits). */
  timeline(action: string, from: OrderStatus | null, note?: string | null): void;
  /** Records an order event in the outbox, with the order's current state as its base. */
  announce(type: OrderEventType, extra?: object): void;
}

/**
 * Runs one step on an order: in a transaction, with the order's row locked (`for update`), so of two conflicting
 * steps at the same moment (approve and cancel) the second sees the first's result and is refused by the state
 * machine with CONFLICT. Orders the caller is no party to do not exist for them (NOT_FOUND, never FORBIDDEN: an id
 * must not reveal that an order exists).
 */
export async function orderStep(ctx: OrdersContext, orderId: string, step: (order: Order, tools: StepTools) => Promise<void> | void): Promise<Order> {
  const caller = requireCaller(ctx);
  if (!isUuid(orderId)) throw new NotFoundError(ORDER_NOT_FOUND);
  try {
    return await ctx.em.fork().transactional(async (em: EntityManager) => {
      const order = await em.findOne(Order, { id: orderId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      const party = order ? partyOf(order, caller) : null;
      if (!order || !party) throw new NotFoundError(ORDER_NOT_FOUND);
      const now = new Date();
      const pendingTimeline: Array<{ action: string; from: OrderStatus | null; note: string | null }> = [];
      const pendingEvents: Array<{ type: OrderEventType; extra: object }> = [];
      await step(order, {
        em,
        caller,
        party,
        now,
        timeline: (action, from, note = null) => pendingTimeline.push({ action, from, note }),
        announce: (type, extra = {}) => pendingEvents.push({ type, extra }),
      });
      order.updatedAt = now;
      for (const t of pendingTimeline) addTimeline(em, order, t.action, party, caller.userId, t.from, t.note, now);
      const events = eventsOf(ctx, em);
      for (const e of pendingEvents) events.record(e.type, { ...eventBase(order), ...e.extra });
      return order;
    });
  } catch (err) {
    if (err instanceof OptimisticLockError) throw new ConflictError('The order changed at the same moment; reload it and try again.');
    throw err;
  }
}

export function addTimeline(
  em: EntityManager,
  order: Order,
  action: string,
  actorRole: Party,
  actorId: string | null,
  from: OrderStatus | null,
  note: string | null,
  at: Date,
): void {
  em.persist(em.create(OrderTimelineEntry, { id: newId(), orderId: order.id, action, actorRole, actorId, fromStatus: from, toStatus: order.status, note, at }));
}
