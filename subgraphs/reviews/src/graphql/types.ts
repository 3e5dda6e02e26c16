import { ArgsType, Directive, Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ConnectionType, PageArgs } from '@jobgraph/kit';
import { ReviewKind, ReviewSort } from '../domain/review-rules.js';

export { ReviewKind, ReviewSort };

registerEnumType(ReviewKind, {
  name: 'ReviewKind',
  description: 'Who reviewed whom after an order.',
  valuesConfig: {
    BUYER_TO_SELLER: { description: 'The buyer rated the seller and the gig.' },
    SELLER_TO_BUYER: { description: 'The seller rated the buyer.' },
  },
});

registerEnumType(ReviewSort, {
  name: 'ReviewSort',
  description: 'The order of a gig\'s reviews.',
  valuesConfig: {
    NEWEST: { description: 'Most recent first.' },
    HIGHEST: { description: 'Most stars first; most recent first among equal stars.' },
    LOWEST: { description: 'Fewest stars first; most recent first among equal stars.' },
  },
});

@ObjectType('User', { description: 'A JobGraph account (owned by auth); reviews adds the reviews the user received and their ratings.' })
@Directive('@key(fields: "id")')
export class UserRef {
  @Field(() => ID, { description: 'The user id issued by auth.' })
  id!: string;
}

@ObjectType('Gig', { description: 'A service a seller offers (owned by gigs); reviews adds its buyers\' reviews.' })
@Directive('@key(fields: "id")')
export class GigRef {
  @Field(() => ID, { description: 'The gig id.' })
  id!: string;
}

@ObjectType('Order', { description: 'An order (owned by orders; visible to its two parties and admins).' })
@Directive('@key(fields: "id", resolvable: false)')
export class OrderRef {
  @Field(() => ID, { description: 'The order id.' })
  id!: string;
}

@ObjectType({ description: 'The reviewed seller\'s public answer to a review.' })
export class ReviewReply {
  @Field(() => String, { description: 'The answer, as plain text.' })
  body!: string;
  @Field(() => Date, { description: 'When the seller answered.' })
  createdAt!: Date;
}

@ObjectType({ description: 'One party\'s review of the other after a completed order. Public, unless an admin hid it.' })
@Directive('@key(fields: "id")')
export class Review {
  @Field(() => ID, { description: 'The review id.' })
  id!: string;
  @Field(() => ID, { description: 'The id of the order reviewed.' })
  orderId!: string;
  @Field(() => OrderRef, { nullable: true, description: 'The order reviewed: its details only for its two parties and admins (null for anyone else).' })
  order!: OrderRef;
  @Field(() => GigRef, { nullable: true, description: 'The gig ordered; null for a custom offer that named no gig.' })
  gig!: GigRef | null;
  @Field(() => UserRef, { description: 'Who wrote the review.' })
  reviewer!: UserRef;
  @Field(() => UserRef, { description: 'Who is reviewed: the seller for BUYER_TO_SELLER, the buyer for SELLER_TO_BUYER.' })
  reviewee!: UserRef;
  @Field(() => ReviewKind, { description: 'Which side reviewed which.' })
  kind!: ReviewKind;
  @Field(() => Int, { description: 'Stars, 1–5.' })
  rating!: number;
  @Field(() => String, { description: 'What the reviewer wrote, as plain text (1–2,000 characters).' })
  comment!: string;
  @Field(() => ReviewReply, { nullable: true, description: 'The seller\'s public answer (buyers\' reviews only); null until they answer.' })
  sellerReply!: ReviewReply | null;
  @Field(() => Date, { description: 'When the review was written.' })
  createdAt!: Date;

  // Moderation fields: set here, exposed to admins only by ReviewResolver.
  hiddenAt!: Date | null;
  hiddenReason!: string | null;
  reportCount!: number;
}

export const ReviewConnection = ConnectionType(Review, 'Review', 'A page of reviews.');

@ObjectType({ description: 'How many reviews gave a number of stars.' })
export class RatingStarCount {
  @Field(() => Int, { description: 'Stars, 1–5.' })
  stars!: number;
  @Field(() => Int, { description: 'Number of visible reviews with that many stars.' })
  count!: number;
}

@ObjectType({ description: 'A rating summed up from visible reviews.' })
export class ReviewRating {
  @Field(() => Int, { description: 'Number of visible reviews.' })
  count!: number;
  @Field(() => Float, { nullable: true, description: 'Average stars, rounded to two decimals; null without reviews.' })
  average!: number | null;
  @Field(() => [RatingStarCount], { description: 'Reviews per star value, 5 down to 1.' })
  distribution!: RatingStarCount[];
}

@ObjectType({ description: 'A user\'s ratings on both sides of the marketplace, from the reviews themselves.' })
export class UserRating {
  @Field(() => ReviewRating, { description: 'From buyers\' reviews of the user as a seller (equals `seller.rating` on the profile).' })
  asSeller!: ReviewRating;
  @Field(() => ReviewRating, { description: 'From sellers\' reviews of the user as a buyer (equals `buyer.rating` on the profile).' })
  asBuyer!: ReviewRating;
}

@ObjectType({ description: 'Reviews written in one calendar month (UTC).' })
export class MonthlyRating {
  @Field(() => String, { description: 'The month, `YYYY-MM`.' })
  month!: string;
  @Field(() => Int, { description: 'Visible reviews written that month.' })
  count!: number;
  @Field(() => Float, { nullable: true, description: 'Their average stars, rounded to two decimals; null for a month without reviews.' })
  average!: number | null;
}

@ObjectType({
  description:
    'Rating analytics of a gig or a seller, from buyers\' visible reviews: kept from review events (a few hundred milliseconds behind a new review), never computed per request.',
})
export class RatingStats {
  @Field(() => Int, { description: 'Number of visible reviews.' })
  count!: number;
  @Field(() => Float, { nullable: true, description: 'Average stars, rounded to two decimals; null without reviews.' })
  average!: number | null;
  @Field(() => [RatingStarCount], { description: 'Reviews per star value, 5 down to 1.' })
  distribution!: RatingStarCount[];
  @Field(() => Int, { description: 'Reviews the seller answered publicly.' })
  repliedCount!: number;
  @Field(() => Float, { nullable: true, description: 'Share of reviews the seller answered, 0–1 (four decimals); null without reviews.' })
  responseRate!: number | null;
  @Field(() => [MonthlyRating], { description: 'One entry per calendar month of the window asked for, oldest first, the current month last (months without reviews included).' })
  monthly!: MonthlyRating[];
}

@ArgsType()
export class GigReviewsArgs extends PageArgs {
  @Field(() => ReviewSort, { defaultValue: ReviewSort.NEWEST, description: 'The order of the reviews (default NEWEST).' })
  sort!: ReviewSort;
}

@ArgsType()
export class ReviewsReceivedArgs extends PageArgs {
  @Field(() => ReviewKind, { nullable: true, description: 'Only reviews of the user as a seller (BUYER_TO_SELLER) or as a buyer (SELLER_TO_BUYER); both when omitted.' })
  kind?: ReviewKind | null;
}
