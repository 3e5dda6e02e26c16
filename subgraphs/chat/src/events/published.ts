/**
 * What chat announces (version 1, routing keys on `<namespace>.chat`), recorded in the outbox in the same
 * transaction as the change. `offerId` is the id of the message that carries the offer. orders keeps its read model
 * of offers from these (placeOrder(offerId) needs the terms of offer.sent and the answer of offer.accepted);
 * notifications tells the buyer of offer.sent.
 */
export const ChatEvents = {
  offerSent: 'offer.sent',
  offerAccepted: 'offer.accepted',
  offerDeclined: 'offer.declined',
  offerCancelled: 'offer.cancelled',
} as const;

export interface MoneyData {
  amount: number;
  currency: string;
}

/** Who an offer is between, and where it was made: every offer event carries these. */
export interface OfferParties {
  offerId: string;
  conversationId: string;
  buyerId: string;
  sellerId: string;
}

export interface OfferSent extends OfferParties {
  /** The conversation's gig, if it is about one. */
  gigId: string | null;
  description: string;
  /** What the buyer pays the seller, in minor units (orders adds its service fee). */
  price: MoneyData;
  deliveryDays: number;
  /** ISO 8601; after it the offer cannot be accepted or ordered. */
  expiresAt: string;
}

export type OfferAccepted = OfferParties;
export type OfferDeclined = OfferParties;
export type OfferCancelled = OfferParties;
