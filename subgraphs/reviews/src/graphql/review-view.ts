import type { Review as ReviewEntity } from '../entities/index.js';
import type { Review } from './types.js';

/** The API shape of a review; the moderation fields ride along for the admin-only field resolvers. */
export function toReviewView(r: ReviewEntity): Review {
  return {
    id: r.id,
    orderId: r.orderId,
    order: { id: r.orderId },
    gig: r.gigId ? { id: r.gigId } : null,
    reviewer: { id: r.reviewerId },
    reviewee: { id: r.revieweeId },
    kind: r.kind,
    rating: r.rating,
    comment: r.comment,
    sellerReply: r.reply !== null && r.repliedAt ? { body: r.reply, createdAt: r.repliedAt } : null,
    createdAt: r.createdAt,
    hiddenAt: r.hiddenAt,
    hiddenReason: r.hiddenReason,
    reportCount: r.reportCount,
  };
}
