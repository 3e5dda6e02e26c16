import type { EntityManager } from '@mikro-orm/postgresql';
import { BadUserInputError, ConflictError, ForbiddenError, newId } from '@jobgraph/kit';
import { ExtensionStatus, Order, OrderDelivery, OrderExtension, OrderRevision, Payment, Refund } from '../entities/index.js';
import {
  DisputeOutcome,
  MAX_EXTENSION_DAYS,
  OrderStatus,
  Party,
  decideCancellation,
  disputeOutcomeStatus,
  transition,
} from '../domain/order-state.js';
import { refundPostings, releasePostings, splitPostings, splitSellerShare, type OrderMoney } from '../domain/ledger-postings.js';
import { LIMITS, fileUrls, optionalText, positiveDays, text } from '../domain/order-input.js';
import { OrderEvents } from '../events/published.js';
import type { DeliverOrderInput, RequestExtensionInput, ResolveDisputeInput } from '../graphql/types.js';
import { post } from './ledger.js';
import { orderStep } from './order-steps.js';
import type { OrdersContext } from './index.js';

const DAY_MS = 86_400_000;
const money = (o: Order): OrderMoney => ({ sellerId: o.sellerId, price: o.price, serviceFee: o.serviceFee, total: o.total, currency: o.currency });
const amount = (o: Order, value: number) => ({ amount: value, currency: o.currency });

function clearCancellationRequest(order: Order): void {
  order.cancellationRequestedBy = null;
  order.cancellationRequestedAt = null;
  order.cancellationReason = null;
}

/** An order that ends answers its pending extension request, if any: nobody can answer it any more. */
async function closePendingExtension(em: EntityManager, order: Order, now: Date): Promise<void> {
  await em.nativeUpdate(OrderExtension, { orderId: order.id, status: ExtensionStatus.PENDING }, { status: ExtensionStatus.CLOSED, decidedAt: now });
}

/** Escrow → seller's wallet and platform fee. */
async function release(em: EntityManager, order: Order, now: Date): Promise<void> {
  await post(em, releasePostings(money(order)), { orderId: order.id });
  order.completedAt = now;
  await closePendingExtension(em, order, now);
}

/** Escrow → back to the buyer: ledger postings now, the provider's refund by the payment jobs after commit. */
async function refund(em: EntityManager, order: Order, value: number): Promise<void> {
  if (value <= 0) return;
  const payment = await em.findOneOrFail(Payment, { id: order.paymentId });
  em.persist(
    em.create(Refund, {
      id: newId(),
      orderId: order.id,
      provider: payment.provider,
      providerChargeId: payment.providerChargeId,
      amount: value,
      currency: order.currency,
    }),
  );
}

export function startOrder(ctx: OrdersContext, orderId: string): Promise<Order> {
  return orderStep(ctx, orderId, (order, { party, now, timeline }) => {
    const from = order.status;
    order.status = transition(from, 'start', party);
    order.startedAt = now;
    timeline('STARTED', from);
  });
}

export async function deliverOrder(ctx: OrdersContext, input: DeliverOrderInput): Promise<Order> {
  const message = text('message', input.message, LIMITS.deliveryMessage, 1);
  const urls = fileUrls(input.fileUrls);
  const result = await orderStep(ctx, input.orderId, (order, { em, party, now, timeline, announce }) => {
    const from = order.status;
    order.status = transition(from, 'deliver', party);
    order.startedAt ??= now;
    // Delivering answers a pending cancellation request: the work goes on (either side may still ask again).
    clearCancellationRequest(order);
    const delivery = em.create(OrderDelivery, { id: newId(), orderId: order.id, message, fileUrls: urls, deliveredAt: now });
    em.persist(delivery);
    timeline('DELIVERED', from);
    announce(OrderEvents.delivered, { deliveryId: delivery.id, message });
  });
  return result;
}

export function requestRevision(ctx: OrdersContext, orderId: string, reasonInput: string): Promise<Order> {
  const reason = text('reason', reasonInput, LIMITS.reason, 1);
  return orderStep(ctx, orderId, (order, { em, party, now, timeline, announce }) => {
    const from = order.status;
    order.status = transition(from, 'requestRevision', party);
    em.persist(em.create(OrderRevision, { id: newId(), orderId: order.id, reason, requestedAt: now }));
    timeline('REVISION_REQUESTED', from, reason);
    announce(OrderEvents.revisionRequested, { reason });
  });
}

export function approveDelivery(ctx: OrdersContext, orderId: string): Promise<Order> {
  return orderStep(ctx, orderId, async (order, { em, party, now, timeline, announce }) => {
    const from = order.status;
    order.status = transition(from, 'approve', party);
    clearCancellationRequest(order);
    await release(em, order, now);
    timeline('COMPLETED', from);
    announce(OrderEvents.completed, { sellerEarnings: amount(order, order.price), completedAt: now.toISOString() });
  });
}

export function requestExtension(ctx: OrdersContext, input: RequestExtensionInput): Promise<Order> {
  const days = positiveDays('days', input.days, MAX_EXTENSION_DAYS);
  const reason = text('reason', input.reason, LIMITS.reason, 1);
  return orderStep(ctx, input.orderId, async (order, { em, party, now, timeline, announce }) => {
    transition(order.status, 'requestExtension', party);
    if (await em.count(OrderExtension, { orderId: order.id, status: ExtensionStatus.PENDING })) {
      throw new ConflictError('An extension request is already waiting for the buyer\'s answer.');
    }
    em.persist(em.create(OrderExtension, { id: newId(), orderId: order.id, days, reason, status: ExtensionStatus.PENDING, requestedAt: now }));
    timeline('EXTENSION_REQUESTED', order.status, `${days} day(s): ${reason}`);
    announce(OrderEvents.extensionRequested, { extraDays: days, reason });
  });
}

export function respondToExtension(ctx: OrdersContext, orderId: string, approve: boolean): Promise<Order> {
  return orderStep(ctx, orderId, async (order, { em, party, now, timeline, announce }) => {
    transition(order.status, 'respondToExtension', party);
    const pending = await em.findOne(OrderExtension, { orderId: order.id, status: ExtensionStatus.PENDING });
    if (!pending) throw new ConflictError('There is no extension request waiting for an answer.');
    pending.status = approve ? ExtensionStatus.APPROVED : ExtensionStatus.DECLINED;
    pending.decidedAt = now;
    if (approve) order.dueAt = new Date(order.dueAt.getTime() + pending.days * DAY_MS);
    timeline(approve ? 'EXTENSION_APPROVED' : 'EXTENSION_DECLINED', order.status, `${pending.days} day(s)`);
    announce(OrderEvents.extensionDecided, { approved: approve, extraDays: pending.days });
  });
}

export function cancelOrder(ctx: OrdersContext, orderId: string, reasonInput: string | null | undefined): Promise<Order> {
  const reason = optionalText('reason', reasonInput, LIMITS.reason);
  return orderStep(ctx, orderId, async (order, { em, party, now, timeline, announce }) => {
    const decision = decideCancellation({ status: order.status, party, dueAt: order.dueAt, now, requestedBy: order.cancellationRequestedBy });
    const from = order.status;
    if (decision.kind === 'request') {
      order.cancellationRequestedBy = party;
      order.cancellationReason = reason;
      order.cancellationRequestedAt = now;
      timeline('CANCELLATION_REQUESTED', from, reason);
      return;
    }
    order.status = OrderStatus.CANCELLED;
    order.cancelledAt = now;
    order.cancelledBy = party;
    order.cancellationReason = reason ?? order.cancellationReason;
    await closePendingExtension(em, order, now);
    await post(em, refundPostings(money(order)), { orderId: order.id });
    await refund(em, order, order.total);
    timeline('CANCELLED', from, `${decision.reason}${reason ? `: ${reason}` : ''}`);
    announce(OrderEvents.cancelled, { reason: order.cancellationReason, cancelledBy: party, refund: amount(order, order.total) });
  }).finally(() => ctx.services.jobs.poke());
}

export function openDispute(ctx: OrdersContext, orderId: string, reasonInput: string): Promise<Order> {
  const reason = text('reason', reasonInput, LIMITS.disputeReason, 1);
  return orderStep(ctx, orderId, (order, { party, now, timeline, announce }) => {
    const from = order.status;
    order.status = transition(from, 'openDispute', party);
    order.disputedBy = party;
    order.disputeReason = reason;
    order.disputedAt = now;
    clearCancellationRequest(order);
    timeline('DISPUTED', from, reason);
    announce(OrderEvents.disputed, { reason, openedBy: party });
  });
}

export function resolveDispute(ctx: OrdersContext, input: ResolveDisputeInput): Promise<Order> {
  const note = optionalText('note', input.note, LIMITS.note);
  if (!Object.values(DisputeOutcome).includes(input.outcome)) throw new BadUserInputError('outcome', 'outcome must be REFUND, RELEASE or SPLIT.');
  return orderStep(ctx, input.orderId, async (order, { em, party, now, timeline, announce }) => {
    if (party !== Party.ADMIN) throw new ForbiddenError('Only admins settle disputes.');
    const from = order.status;
    transition(from, 'resolveDispute', party);
    order.status = disputeOutcomeStatus(input.outcome);
    order.disputeOutcome = input.outcome;
    order.disputeNote = note;
    order.disputeResolvedAt = now;
    let sellerEarnings = 0;
    let buyerRefund = 0;
    if (input.outcome === DisputeOutcome.RELEASE) {
      sellerEarnings = order.price;
      await release(em, order, now);
    } else if (input.outcome === DisputeOutcome.REFUND) {
      buyerRefund = order.total;
      order.cancelledAt = now;
      order.cancelledBy = Party.ADMIN;
      await closePendingExtension(em, order, now);
      await post(em, refundPostings(money(order)), { orderId: order.id });
      await refund(em, order, buyerRefund);
    } else {
      sellerEarnings = splitSellerShare(order.price);
      buyerRefund = order.price - sellerEarnings;
      order.completedAt = now;
      await closePendingExtension(em, order, now);
      await post(em, splitPostings(money(order)), { orderId: order.id });
      await refund(em, order, buyerRefund);
    }
    timeline('DISPUTE_RESOLVED', from, `${input.outcome}${note ? `: ${note}` : ''}`);
    announce(OrderEvents.disputeResolved, { outcome: input.outcome, sellerEarnings: amount(order, sellerEarnings), refund: amount(order, buyerRefund), note });
    if (input.outcome === DisputeOutcome.RELEASE) {
      announce(OrderEvents.completed, { sellerEarnings: amount(order, sellerEarnings), completedAt: now.toISOString() });
    } else if (input.outcome === DisputeOutcome.REFUND) {
      announce(OrderEvents.cancelled, { reason: note, cancelledBy: Party.ADMIN, refund: amount(order, buyerRefund) });
    }
  }).finally(() => ctx.services.jobs.poke());
}
