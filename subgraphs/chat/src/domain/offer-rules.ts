import { BadUserInputError, ConflictError, ForbiddenError } from '@jobgraph/kit';

/** Where a custom offer stands. */
export enum OfferStatus {
  PENDING = 'PENDING',
  ACCEPTED = 'ACCEPTED',
  DECLINED = 'DECLINED',
  /** Never stored: a PENDING offer past its expiry reads as EXPIRED (effectiveStatus). */
  EXPIRED = 'EXPIRED',
  CANCELLED = 'CANCELLED',
}

/** Limits of a custom offer. Amounts are minor units of the offer's currency. */
export const OFFER_LIMITS = {
  /** 5.00, the smallest gig price (gigs' GIG_LIMITS), to 100,000.00: custom work can exceed any listed gig. */
  price: { min: 500, max: 10_000_000 },
  /** Up to a year: what notifications' offer.sent schema accepts. */
  deliveryDays: { min: 1, max: 365 },
  /** notifications' offer.sent schema allows 1–2000. */
  description: { min: 10, max: 2_000 },
  /** An offer stays open at most this long; a buyer who needs longer asks for a new one. */
  expiryDays: { max: 30 },
} as const;

export interface OfferTermsInput {
  price: number;
  currency?: string | null;
  deliveryDays: number;
  description: string;
  expiresAt?: Date | null;
}

export interface OfferTerms {
  price: number;
  currency: string;
  deliveryDays: number;
  description: string;
  expiresAt: Date;
}

const DAY_MS = 86_400_000;

function int(field: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) throw new BadUserInputError(field, `${field} must be a whole number from ${min} to ${max}.`);
  return value;
}

/** Validates an offer's terms; `defaults` fill the currency and the expiry when the sender gives none. */
export function normaliseOfferTerms(input: OfferTermsInput, now: Date, defaults: { currency: string; expiryHours: number }): OfferTerms {
  const price = int('offer.price', input.price, OFFER_LIMITS.price.min, OFFER_LIMITS.price.max);
  const currency = (input.currency ?? defaults.currency).trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(currency)) throw new BadUserInputError('offer.currency', 'offer.currency must be an ISO 4217 code such as "USD".');
  const deliveryDays = int('offer.deliveryDays', input.deliveryDays, OFFER_LIMITS.deliveryDays.min, OFFER_LIMITS.deliveryDays.max);
  const description = input.description.trim();
  const chars = [...description].length;
  if (chars < OFFER_LIMITS.description.min || chars > OFFER_LIMITS.description.max) {
    throw new BadUserInputError('offer.description', `offer.description must be ${OFFER_LIMITS.description.min}–${OFFER_LIMITS.description.max} characters long.`);
  }
  const expiresAt = input.expiresAt ?? new Date(now.getTime() + defaults.expiryHours * 3_600_000);
  if (Number.isNaN(expiresAt.getTime()) || expiresAt.getTime() <= now.getTime()) {
    throw new BadUserInputError('offer.expiresAt', 'offer.expiresAt must be in the future.');
  }
  if (expiresAt.getTime() > now.getTime() + OFFER_LIMITS.expiryDays.max * DAY_MS) {
    throw new BadUserInputError('offer.expiresAt', `offer.expiresAt must be at most ${OFFER_LIMITS.expiryDays.max} days ahead.`);
  }
  return { price, currency, deliveryDays, description, expiresAt };
}

/** The status a client sees: a pending offer past its expiry is EXPIRED, whatever is stored. */
export function effectiveStatus(stored: OfferStatus, expiresAt: Date, now: Date): OfferStatus {
  return stored === OfferStatus.PENDING && expiresAt.getTime() <= now.getTime() ? OfferStatus.EXPIRED : stored;
}

export type OfferAction = 'accept' | 'decline' | 'cancel';

export interface OfferState {
  status: OfferStatus;
  expiresAt: Date;
  buyerId: string;
  sellerId: string;
}

/**
 * The status after `callerId` does `action`, or why not: the buyer accepts or declines, the seller cancels
 * (FORBIDDEN for the other party); only a pending, unexpired offer changes (CONFLICT otherwise).
 */
export function decideOffer(offer: OfferState, callerId: string, action: OfferAction, now: Date): OfferStatus {
  if (action === 'cancel') {
    if (callerId !== offer.sellerId) throw new ForbiddenError('Only the seller who sent an offer can cancel it; the buyer declines it instead.');
  } else if (callerId !== offer.buyerId) {
    throw new ForbiddenError('Only the buyer an offer was sent to can accept or decline it.');
  }
  const status = effectiveStatus(offer.status, offer.expiresAt, now);
  if (status === OfferStatus.EXPIRED) throw new ConflictError('The offer has expired; ask the seller for a new one.', { status });
  if (status !== OfferStatus.PENDING) throw new ConflictError(`The offer is already ${status.toLowerCase()}.`, { status });
  return action === 'accept' ? OfferStatus.ACCEPTED : action === 'decline' ? OfferStatus.DECLINED : OfferStatus.CANCELLED;
}
