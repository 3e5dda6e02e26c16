import { Entity, Enum, PrimaryKey, Property } from '@mikro-orm/core';

export enum ReceivedReviewKind {
  BUYER_TO_SELLER = 'BUYER_TO_SELLER',
  SELLER_TO_BUYER = 'SELLER_TO_BUYER',
}

/**
 * Each review the profiles' ratings count, by review id: what makes a review count once however its events arrive
 * (a repeat, a republished copy with a new event id, a `review.hidden` overtaking its `review.created`). A hidden
 * review stays here, marked, so a late `review.created` of it is not counted.
 */
@Entity({ tableName: 'received_review' })
export class ReceivedReview {
  @PrimaryKey({ type: 'uuid' })
  reviewId!: string;

  /** The reviewee: the seller for BUYER_TO_SELLER, the buyer for SELLER_TO_BUYER. */
  @Property({ type: 'uuid' })
  userId!: string;

  @Enum({ items: () => ReceivedReviewKind, nativeEnumName: 'received_review_kind' })
  kind!: ReceivedReviewKind;

  @Property({ type: 'smallint' })
  rating!: number;

  @Property({ type: 'boolean' })
  hidden!: boolean;
}
