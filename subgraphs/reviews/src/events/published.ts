/**
 * What reviews announces (producer `reviews`, version 1). `review.created` and `review.hidden` go out on their own
 * fanout exchanges (`<namespace>.review.created`, `<namespace>.review.hidden`: several domains keep aggregates of
 * them); `review.replied` on reviews' direct exchange, routing key = type.
 *
 * Every event carries the review's identity (order, gig, both users, kind, stars, when it was written), so each
 * consumer can keep its numbers without calling back, in whatever order the events reach it.
 */
export const ReviewEvents = {
  created: 'review.created',
  hidden: 'review.hidden',
  replied: 'review.replied',
} as const;

export type ReviewKindName = 'BUYER_TO_SELLER' | 'SELLER_TO_BUYER';

/** Fields every review event carries. */
export interface ReviewEventBase {
  reviewId: string;
  orderId: string;
  /**
   * The gig the order was for; null for a custom offer that named no gig. Such a review counts for the seller (users,
   * analytics) and for nobody's gig: gigs skips it, notifications links to the order instead.
   */
  gigId: string | null;
  reviewerId: string;
  /** Who is reviewed: the seller for BUYER_TO_SELLER, the buyer for SELLER_TO_BUYER. */
  revieweeId: string;
  kind: ReviewKindName;
  /** 1–5. */
  rating: number;
  /** When the review was written (ISO 8601, UTC): its month in the analytics. */
  createdAt: string;
}

export interface ReviewCreated extends ReviewEventBase {
  /** The reviewer's handle (1–30 characters), for the reviewee's notification. */
  reviewerUsername: string;
  /** 1–2,000 characters of plain text. */
  comment: string;
}

export interface ReviewHidden extends ReviewEventBase {
  /** The admin's reason (kept for the record; not shown to users). */
  reason: string;
  hiddenAt: string;
}

export interface ReviewReplied extends ReviewEventBase {
  /** The seller's public answer, 1–1,000 characters. */
  reply: string;
  repliedAt: string;
}
