/**
 * What orders announces, routing keys on `<namespace>.orders` (version 1). Every event carries the order's parties,
 * what was bought and its amounts, so no consumer needs to call back: notifications mails both parties, users keeps
 * seller stats, reviews opens eligibility, chat posts a system message. Amounts are integer minor units.
 */
export const OrderEvents = {
  placed: 'order.placed',
  delivered: 'order.delivered',
  revisionRequested: 'order.revision-requested',
  extensionRequested: 'order.extension-requested',
  extensionDecided: 'order.extension-decided',
  completed: 'order.completed',
  cancelled: 'order.cancelled',
  disputed: 'order.disputed',
  disputeResolved: 'order.dispute-resolved',
} as const;
export type OrderEventType = (typeof OrderEvents)[keyof typeof OrderEvents];

export interface MoneyData {
  amount: number;
  currency: string;
}

/** Fields every order event carries. */
export interface OrderEventBase {
  orderId: string;
  buyerId: string;
  sellerId: string;
  /** Null for a custom offer that names no gig. */
  gigId: string | null;
  /** The gig's title when ordered (or the offer's summary): shown in emails and system messages. */
  gigTitle: string;
  /** The custom offer the order came from, if any. */
  offerId: string | null;
  conversationId: string | null;
  /** What the seller earns when the order completes. */
  price: MoneyData;
  /** The platform's service fee the buyer paid on top. */
  serviceFee: MoneyData;
  /** price + serviceFee: what the buyer paid. */
  total: MoneyData;
  /** The order's status after this event. */
  status: string;
  dueAt: string;
}

export type OrderPlaced = OrderEventBase;
export interface OrderDelivered extends OrderEventBase {
  deliveryId: string;
  message: string | null;
}
export interface OrderRevisionRequested extends OrderEventBase {
  reason: string | null;
}
export interface OrderExtensionRequested extends OrderEventBase {
  extraDays: number;
  reason: string | null;
}
export interface OrderExtensionDecided extends OrderEventBase {
  approved: boolean;
  extraDays: number;
}
export interface OrderCompleted extends OrderEventBase {
  /** Credited to the seller's wallet (the price). */
  sellerEarnings: MoneyData;
  completedAt: string;
}
export type CancelledBy = 'BUYER' | 'SELLER' | 'ADMIN' | 'SYSTEM';
export interface OrderCancelled extends OrderEventBase {
  reason: string | null;
  cancelledBy: CancelledBy;
  /** Returned to the buyer (the total). */
  refund: MoneyData;
}
export interface OrderDisputed extends OrderEventBase {
  reason: string | null;
  openedBy: 'BUYER' | 'SELLER';
}
export type DisputeOutcomeName = 'REFUND' | 'RELEASE' | 'SPLIT';
/**
 * An admin settled a dispute. REFUND is followed by order.cancelled (cancelledBy ADMIN) and RELEASE by
 * order.completed, so consumers of those need nothing new; SPLIT ends the order here (status SETTLED).
 */
export interface OrderDisputeResolved extends OrderEventBase {
  outcome: DisputeOutcomeName;
  /** Credited to the seller. */
  sellerEarnings: MoneyData;
  /** Returned to the buyer. */
  refund: MoneyData;
  note: string | null;
}
