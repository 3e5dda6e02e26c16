import { LockMode, UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ConflictError, ForbiddenError, NotFoundError, eventsOf, isAdmin, isUuid, newId, requireCaller } from '@jobgraph/kit';
import { Review, ReviewableOrder } from '../entities/index.js';
import { LIMITS, checkRating, replyRefusal, requiredText, reviewRefusal, sideOf } from '../domain/review-rules.js';
import { ReviewEvents, type ReviewCreated, type ReviewEventBase, type ReviewHidden, type ReviewReplied } from '../events/published.js';
import type { ReviewsContext } from './index.js';

export const ORDER_NOT_FOUND = 'There is no such order.';
export const REVIEW_NOT_FOUND = 'There is no such review.';
const ALREADY_REVIEWED = 'You have already reviewed this order; a review cannot be written twice.';

/** What every review event carries (events/published.ts). */
export function eventBase(r: Review): ReviewEventBase {
  return {
    reviewId: r.id,
    orderId: r.orderId,
    gigId: r.gigId,
    reviewerId: r.reviewerId,
    revieweeId: r.revieweeId,
    kind: r.kind,
    rating: r.rating,
    createdAt: r.createdAt.toISOString(),
  };
}

/**
 * The caller reviews the other party of a completed order; the kind follows from their side. Refusals, in this
 * order: bad input (BAD_USER_INPUT naming the field); an order the caller is no party to, or that reviews has not
 * heard of (NOT_FOUND, never revealing that it exists); an order that is not completed (CONFLICT); a second review
 * of the same side (CONFLICT — the unique index on (order, kind) decides between two simultaneous attempts).
 */
export async function leaveReview(ctx: ReviewsContext, orderId: string, ratingInput: number, commentInput: string): Promise<Review> {
  const caller = requireCaller(ctx);
  const rating = checkRating(ratingInput);
  const comment = requiredText('comment', commentInput, LIMITS.comment);
  if (!isUuid(orderId)) throw new NotFoundError(ORDER_NOT_FOUND);
  try {
    return await ctx.em.fork().transactional(async (em: EntityManager) => {
      const order = await em.findOne(ReviewableOrder, { orderId });
      const side = order ? sideOf(order, caller.userId) : null;
      if (!order || !side) throw new NotFoundError(ORDER_NOT_FOUND);
      const refusal = reviewRefusal(order);
      if (refusal) throw new ConflictError(refusal);
      if ((await em.count(Review, { orderId, kind: side.kind })) > 0) throw new ConflictError(ALREADY_REVIEWED);
      const review = em.create(Review, {
        id: newId(),
        orderId,
        gigId: order.gigId,
        reviewerId: caller.userId,
        reviewerUsername: caller.username,
        revieweeId: side.revieweeId,
        kind: side.kind,
        rating,
        comment,
        createdAt: new Date(),
      });
      em.persist(review);
      eventsOf(ctx, em).record<ReviewCreated>(ReviewEvents.created, { ...eventBase(review), reviewerUsername: caller.username, comment });
      return review;
    });
  } catch (err) {
    if (err instanceof UniqueConstraintViolationException) throw new ConflictError(ALREADY_REVIEWED);
    throw err;
  }
}

/** Runs `step` on a visible review, its row locked, in one transaction; hidden and unknown reviews are NOT_FOUND. */
async function reviewStep<T>(ctx: ReviewsContext, reviewId: string, step: (review: Review, em: EntityManager) => Promise<T> | T): Promise<T> {
  if (!isUuid(reviewId)) throw new NotFoundError(REVIEW_NOT_FOUND);
  return ctx.em.fork().transactional(async (em: EntityManager) => {
    const review = await em.findOne(Review, { id: reviewId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (!review || (review.hiddenAt && !isAdmin(ctx.caller))) throw new NotFoundError(REVIEW_NOT_FOUND);
    return step(review, em);
  });
}

/** The reviewed seller answers a buyer's review publicly, once. */
export async function replyToReview(ctx: ReviewsContext, reviewId: string, replyInput: string): Promise<Review> {
  const caller = requireCaller(ctx);
  const reply = requiredText('reply', replyInput, LIMITS.reply);
  return reviewStep(ctx, reviewId, (review, em) => {
    if (review.hiddenAt) throw new NotFoundError(REVIEW_NOT_FOUND);
    const refusal = replyRefusal(review, caller.userId);
    if (refusal) throw refusal.code === 'FORBIDDEN' ? new ForbiddenError(refusal.message) : new ConflictError(refusal.message);
    review.reply = reply;
    review.repliedAt = new Date();
    eventsOf(ctx, em).record<ReviewReplied>(ReviewEvents.replied, { ...eventBase(review), reply, repliedAt: review.repliedAt.toISOString() });
    return review;
  });
}

/** Any signed-in user but its author flags a review for the admins; a repeat by the same user changes nothing. */
export async function reportReview(ctx: ReviewsContext, reviewId: string, reasonInput: string): Promise<boolean> {
  const caller = requireCaller(ctx);
  const reason = requiredText('reason', reasonInput, LIMITS.reportReason);
  return reviewStep(ctx, reviewId, async (review, em) => {
    if (review.hiddenAt) throw new NotFoundError(REVIEW_NOT_FOUND);
    if (review.reviewerId === caller.userId) throw new ForbiddenError('You cannot report your own review.');
    const now = new Date();
    const inserted: unknown[] = await em.execute(
      `insert into review_report (id, review_id, reporter_id, reason, created_at) values (?, ?, ?, ?, ?)
       on conflict (review_id, reporter_id) do nothing returning id`,
      [newId(), review.id, caller.userId, reason, now],
    );
    if (inserted.length > 0) {
      review.reportCount += 1;
      review.lastReportedAt = now;
    }
    return true;
  });
}

/** An admin hides a review: it leaves every list and, through `review.hidden`, every aggregate. */
export async function hideReview(ctx: ReviewsContext, reviewId: string, reasonInput: string): Promise<Review> {
  const caller = requireCaller(ctx);
  if (!isAdmin(caller)) throw new ForbiddenError('Only admins hide reviews.');
  const reason = requiredText('reason', reasonInput, LIMITS.hideReason);
  return reviewStep(ctx, reviewId, (review, em) => {
    if (review.hiddenAt) throw new ConflictError('This review is already hidden.');
    review.hiddenAt = new Date();
    review.hiddenReason = reason;
    review.hiddenBy = caller.userId;
    eventsOf(ctx, em).record<ReviewHidden>(ReviewEvents.hidden, { ...eventBase(review), reason, hiddenAt: review.hiddenAt.toISOString() });
    return review;
  });
}
