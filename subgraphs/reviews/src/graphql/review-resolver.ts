import { Arg, Args, Ctx, Directive, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import {
  ForbiddenError,
  PageArgs,
  isAdmin,
  isUuid,
  loaderFor,
  pageSize,
  requireCaller,
  requireSelfOrAdmin,
  type Connection,
} from '@jobgraph/kit';
import { Review as ReviewEntity } from '../entities/index.js';
import { hideReview, leaveReview, replyToReview, reportReview } from '../services/review-actions.js';
import { gigReviews, ratingStats, ratingView, reportedReviews, reviewsReceived, userRatings } from '../services/review-queries.js';
import type { ReviewsContext } from '../services/index.js';
import { toReviewView } from './review-view.js';
import {
  GigRef,
  GigReviewsArgs,
  RatingStats,
  Review,
  ReviewConnection,
  ReviewsReceivedArgs,
  UserRating,
  UserRef,
} from './types.js';

/** Reviews by id, one query per request. */
function reviewLoader(ctx: ReviewsContext) {
  return loaderFor(ctx, 'reviews.byId', (ids: readonly string[]) => ctx.em.find(ReviewEntity, { id: { $in: [...ids] } }), (r) => r.id);
}

/** A review as the caller may see it: hidden ones exist for admins only. */
async function visibleReview(ctx: ReviewsContext, id: string): Promise<ReviewEntity | null> {
  if (!isUuid(id)) return null;
  const review = await reviewLoader(ctx).load(id);
  return review && (!review.hiddenAt || isAdmin(ctx.caller)) ? review : null;
}

function mapReviews(connection: Connection<ReviewEntity>): Connection<Review> {
  return { pageInfo: connection.pageInfo, edges: connection.edges.map((e) => ({ cursor: e.cursor, node: toReviewView(e.node) })) };
}

const DEFAULT_MONTHS = 12;

@Resolver(() => Review)
export class ReviewResolver {
  @Query(() => Review, { nullable: true, description: 'A review by id; null when there is none or an admin hid it (admins still see hidden ones).' })
  async review(@Arg('id', () => ID, { description: 'The review id.' }) id: string, @Ctx() ctx: ReviewsContext): Promise<Review | null> {
    const review = await visibleReview(ctx, id);
    return review ? toReviewView(review) : null;
  }

  @Directive('@authenticated')
  @Mutation(() => Review, {
    description:
      'Reviews the other party of a completed order: a buyer rates the seller (and the gig), a seller rates the buyer; once per side. NOT_FOUND when you are no party to the order, CONFLICT when it is not completed (reviews hear of completion within moments of approveDelivery) or your side already reviewed it.',
  })
  async leaveReview(
    @Arg('orderId', () => ID, { description: 'The completed order.' }) orderId: string,
    @Arg('rating', () => Int, { description: 'Stars, 1–5.' }) rating: number,
    @Arg('comment', () => String, { description: 'What went well or not, 1–2,000 characters of plain text.' }) comment: string,
    @Ctx() ctx: ReviewsContext,
  ): Promise<Review> {
    return toReviewView(await leaveReview(ctx, orderId, rating, comment));
  }

  @Directive('@authenticated')
  @Mutation(() => Review, { description: 'The reviewed seller answers a buyer\'s review publicly, once (FORBIDDEN for anyone else, CONFLICT for a second reply).' })
  async replyToReview(
    @Arg('reviewId', () => ID, { description: 'The review to answer.' }) reviewId: string,
    @Arg('reply', () => String, { description: 'The answer, 1–1,000 characters of plain text.' }) reply: string,
    @Ctx() ctx: ReviewsContext,
  ): Promise<Review> {
    return toReviewView(await replyToReview(ctx, reviewId, reply));
  }

  @Directive('@authenticated')
  @Mutation(() => Boolean, { description: 'Flags a review for the admins (not your own). True once recorded; reporting the same review again changes nothing.' })
  async reportReview(
    @Arg('reviewId', () => ID, { description: 'The review.' }) reviewId: string,
    @Arg('reason', () => String, { description: 'What is wrong with it, 1–500 characters.' }) reason: string,
    @Ctx() ctx: ReviewsContext,
  ): Promise<boolean> {
    return reportReview(ctx, reviewId, reason);
  }

  @Directive('@requiresScopes(scopes: [["admin"]])')
  @Mutation(() => Review, { description: 'Hides a review from everyone but admins and removes it from every rating (CONFLICT if already hidden). Admins only.' })
  async hideReview(
    @Arg('reviewId', () => ID, { description: 'The review.' }) reviewId: string,
    @Arg('reason', () => String, { description: 'Why, for the record (1–500 characters; not shown to users).' }) reason: string,
    @Ctx() ctx: ReviewsContext,
  ): Promise<Review> {
    return toReviewView(await hideReview(ctx, reviewId, reason));
  }

  @Directive('@requiresScopes(scopes: [["admin"]])')
  @Query(() => ReviewConnection, { description: 'Visible reviews users reported, most recently reported first: the moderation queue. Admins only.' })
  async reportedReviews(@Args(() => PageArgs) args: PageArgs, @Ctx() ctx: ReviewsContext): Promise<Connection<Review>> {
    if (!isAdmin(ctx.caller)) throw new ForbiddenError('Only admins see reported reviews.');
    return mapReviews(await reportedReviews(ctx.em, args.after, pageSize(args.first)));
  }

  @Directive('@requiresScopes(scopes: [["admin"]])')
  @FieldResolver(() => Boolean, { nullable: true, description: 'Whether an admin hid the review. Admins only.' })
  hidden(@Root() review: Review, @Ctx() ctx: ReviewsContext): boolean {
    if (!isAdmin(ctx.caller)) throw new ForbiddenError('Only admins see moderation details.');
    return review.hiddenAt !== null;
  }

  @Directive('@requiresScopes(scopes: [["admin"]])')
  @FieldResolver(() => String, { nullable: true, description: 'The admin\'s reason for hiding it; null while visible. Admins only.' })
  hiddenReason(@Root() review: Review, @Ctx() ctx: ReviewsContext): string | null {
    if (!isAdmin(ctx.caller)) throw new ForbiddenError('Only admins see moderation details.');
    return review.hiddenReason;
  }

  @Directive('@requiresScopes(scopes: [["admin"]])')
  @FieldResolver(() => Int, { nullable: true, description: 'How many users reported it. Admins only.' })
  reportCount(@Root() review: Review, @Ctx() ctx: ReviewsContext): number {
    if (!isAdmin(ctx.caller)) throw new ForbiddenError('Only admins see moderation details.');
    return review.reportCount;
  }

  @Directive('@authenticated')
  @Query(() => RatingStats, {
    description:
      'Rating analytics of a gig: totals, distribution, monthly averages and the seller\'s response rate. Only the gig\'s seller and admins (FORBIDDEN for others); a gig without reviews has empty statistics.',
  })
  async gigRatingStats(
    @Arg('gigId', () => ID, { description: 'The gig.' }) gigId: string,
    @Arg('months', () => Int, { defaultValue: DEFAULT_MONTHS, description: 'Calendar months in `monthly`, ending with the current one (1–60, default 12).' }) months: number,
    @Ctx() ctx: ReviewsContext,
  ): Promise<RatingStats> {
    const caller = requireCaller(ctx);
    const { sellerId, stats } = await ratingStats(ctx.em, 'gig', gigId, months);
    if (sellerId && sellerId !== caller.userId && !isAdmin(caller)) throw new ForbiddenError('Only the gig\'s seller and admins see its rating analytics.');
    return stats;
  }

  @Directive('@authenticated')
  @Query(() => RatingStats, {
    description: 'Rating analytics of a seller across all their gigs (and custom offers). Only the seller themself and admins (FORBIDDEN for others).',
  })
  async sellerRatingStats(
    @Arg('sellerId', () => ID, { description: 'The seller\'s user id.' }) sellerId: string,
    @Arg('months', () => Int, { defaultValue: DEFAULT_MONTHS, description: 'Calendar months in `monthly`, ending with the current one (1–60, default 12).' }) months: number,
    @Ctx() ctx: ReviewsContext,
  ): Promise<RatingStats> {
    requireSelfOrAdmin(ctx, sellerId);
    return (await ratingStats(ctx.em, 'seller', sellerId, months)).stats;
  }
}

@Resolver(() => GigRef)
export class GigReviewsResolver {
  @FieldResolver(() => ReviewConnection, {
    description: 'Buyers\' visible reviews of this gig (the totals are `rating`, from gigs). Seller\'s reviews of buyers are not about the gig.',
  })
  async reviews(@Root() gig: GigRef, @Args(() => GigReviewsArgs) args: GigReviewsArgs, @Ctx() ctx: ReviewsContext): Promise<Connection<Review>> {
    const size = pageSize(args.first);
    if (!isUuid(gig.id)) return { edges: [], pageInfo: { hasNextPage: false, endCursor: null } };
    return mapReviews(await gigReviews(ctx.em, gig.id, args.sort, args.after, size));
  }
}

@Resolver(() => UserRef)
export class UserReviewsResolver {
  @FieldResolver(() => ReviewConnection, { description: 'Visible reviews this user received, newest first.' })
  async reviewsReceived(@Root() user: UserRef, @Args(() => ReviewsReceivedArgs) args: ReviewsReceivedArgs, @Ctx() ctx: ReviewsContext): Promise<Connection<Review>> {
    const size = pageSize(args.first);
    if (!isUuid(user.id)) return { edges: [], pageInfo: { hasNextPage: false, endCursor: null } };
    return mapReviews(await reviewsReceived(ctx.em, user.id, args.kind ?? null, args.after, size));
  }

  @FieldResolver(() => UserRating, { description: 'The user\'s ratings as a seller and as a buyer, from the visible reviews they received.' })
  async rating(@Root() user: UserRef, @Ctx() ctx: ReviewsContext): Promise<UserRating> {
    const loader = loaderFor(ctx, 'reviews.userRatings', (ids: readonly string[]) => userRatings(ctx.em, ids), (r) => r.userId);
    const found = await loader.load(user.id);
    const empty = { count: 0, sum: 0, stars: [0, 0, 0, 0, 0] };
    return { asSeller: ratingView(found?.asSeller ?? empty), asBuyer: ratingView(found?.asBuyer ?? empty) };
  }
}

export const references = {
  Review: {
    __resolveReference: async (reference: { id: string }, ctx: ReviewsContext) => {
      const review = await visibleReview(ctx, reference.id);
      return review ? toReviewView(review) : null;
    },
  },
  User: {
    __resolveReference: (reference: { id: string }) => (isUuid(reference.id) ? { id: reference.id } : null),
  },
  Gig: {
    __resolveReference: (reference: { id: string }) => (isUuid(reference.id) ? { id: reference.id } : null),
  },
};
