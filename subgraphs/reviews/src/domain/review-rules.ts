import { BadUserInputError } from '@jobgraph/kit';

/** Who reviews whom: the buyer rates the seller (and the gig), the seller rates the buyer. */
export enum ReviewKind {
  BUYER_TO_SELLER = 'BUYER_TO_SELLER',
  SELLER_TO_BUYER = 'SELLER_TO_BUYER',
}

/** Orders of a gig's reviews. */
export enum ReviewSort {
  NEWEST = 'NEWEST',
  HIGHEST = 'HIGHEST',
  LOWEST = 'LOWEST',
}

/**
 * Where an order stands as far as reviews can tell (reviews' read model of orders' events). Only COMPLETED orders
 * take reviews; CANCELLED and SETTLED (a dispute that split the price) never will; OPEN may later.
 */
export enum OrderStanding {
  OPEN = 'OPEN',
  COMPLETED = 'COMPLETED',
  CANCELLED = 'CANCELLED',
  SETTLED = 'SETTLED',
}

/**
 * Limits of what users type. A comment's 2,000 characters are also what notifications accepts in `review.created`
 * (its `comment` schema), so every review it is told about fits.
 */
export const LIMITS = {
  comment: 2000,
  reply: 1000,
  reportReason: 500,
  hideReason: 500,
} as const;

export const MIN_RATING = 1;
export const MAX_RATING = 5;

// Tabs and line breaks are text; other control characters (NUL, escapes) are not.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** Trimmed, non-empty text of at most `max` characters. */
export function requiredText(field: string, value: string | null | undefined, max: number): string {
  const v = (value ?? '').trim();
  if (CONTROL.test(v)) throw new BadUserInputError(field, `${field} must not contain control characters.`);
  if (v.length === 0) throw new BadUserInputError(field, `${field} must not be empty.`);
  if (v.length > max) throw new BadUserInputError(field, `${field} must be at most ${max.toLocaleString('en')} characters (got ${v.length.toLocaleString('en')}).`);
  return v;
}

/** Whole stars from 1 to 5. */
export function checkRating(rating: number): number {
  if (!Number.isInteger(rating) || rating < MIN_RATING || rating > MAX_RATING) {
    throw new BadUserInputError('rating', `rating must be a whole number of stars from ${MIN_RATING} to ${MAX_RATING}.`);
  }
  return rating;
}

export interface OrderParties {
  buyerId: string;
  sellerId: string;
}

/** The review a user may write on an order: its kind follows from their side. */
export interface ReviewSide {
  kind: ReviewKind;
  revieweeId: string;
}

/** The caller's side of an order, or null when they are no party to it (the order then does not exist for them). */
export function sideOf(order: OrderParties, userId: string): ReviewSide | null {
  if (userId === order.buyerId) return { kind: ReviewKind.BUYER_TO_SELLER, revieweeId: order.sellerId };
  if (userId === order.sellerId) return { kind: ReviewKind.SELLER_TO_BUYER, revieweeId: order.buyerId };
  return null;
}

/** Why an order takes no review now (a CONFLICT message), or null when it does. */
export function reviewRefusal(order: OrderParties & { standing: OrderStanding }): string | null {
  // orders refuses a seller's own gig, but an account on both sides must never rate itself, whatever the source.
  if (order.buyerId === order.sellerId) return 'You cannot review yourself.';
  switch (order.standing) {
    case OrderStanding.COMPLETED:
      return null;
    case OrderStanding.OPEN:
      return 'This order is not completed yet: reviews open once the buyer approves the delivery.';
    case OrderStanding.CANCELLED:
      return 'This order was cancelled: only completed orders can be reviewed.';
    case OrderStanding.SETTLED:
      return 'This order ended in a settled dispute: only completed orders can be reviewed.';
  }
}

/**
 * Replies are the seller's public answer to a buyer's review (`sellerReply`): reviews of buyers take none, so a
 * profile never shows a buyer arguing with their seller's rating of them.
 */
export function replyRefusal(review: { kind: ReviewKind; revieweeId: string; repliedAt: Date | null }, userId: string): { code: 'FORBIDDEN' | 'CONFLICT'; message: string } | null {
  if (review.revieweeId !== userId) return { code: 'FORBIDDEN', message: 'Only the reviewed seller can reply to a review.' };
  if (review.kind !== ReviewKind.BUYER_TO_SELLER) return { code: 'CONFLICT', message: 'Only buyers\' reviews of sellers take a public reply.' };
  if (review.repliedAt) return { code: 'CONFLICT', message: 'You have already replied to this review; a reply cannot be changed.' };
  return null;
}
