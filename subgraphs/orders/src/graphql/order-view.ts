import type { Order as OrderEntity } from '../entities/index.js';
import type { Order } from './types.js';

/** The API shape of an order (children — deliveries, timeline… — are field resolvers, batched per request). */
export function toOrderView(o: OrderEntity): Order {
  const money = (amount: number) => ({ amount, currency: o.currency });
  return {
    id: o.id,
    gig: o.gigId ? { id: o.gigId } : null,
    offerId: o.offerId,
    title: o.title,
    buyer: { id: o.buyerId },
    seller: { id: o.sellerId },
    price: money(o.price),
    serviceFee: money(o.serviceFee),
    total: money(o.total),
    requirements: o.requirements,
    status: o.status,
    deliveryDays: o.deliveryDays,
    dueAt: o.dueAt,
    createdAt: o.createdAt,
    startedAt: o.startedAt,
    completedAt: o.completedAt,
    cancelledAt: o.cancelledAt,
    cancellationRequest:
      o.cancellationRequestedBy && o.cancellationRequestedAt
        ? { requestedBy: o.cancellationRequestedBy, reason: o.cancellationReason, requestedAt: o.cancellationRequestedAt }
        : null,
    dispute:
      o.disputedBy && o.disputedAt
        ? {
            openedBy: o.disputedBy,
            reason: o.disputeReason ?? '',
            openedAt: o.disputedAt,
            outcome: o.disputeOutcome,
            note: o.disputeNote,
            resolvedAt: o.disputeResolvedAt,
          }
        : null,
    buyerReviewed: o.buyerReviewed,
    sellerReviewed: o.sellerReviewed,
  };
}
