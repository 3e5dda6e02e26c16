import { Entity, PrimaryKey, Property } from '@mikro-orm/core';

/**
 * Each buyer's review a gig's rating counts, by review id: what makes a review count once however its events arrive
 * (a repeat, a republished copy with a new event id, a `review.hidden` overtaking its `review.created`). A hidden
 * review stays here, marked, so a late `review.created` of it is not counted.
 */
@Entity({ tableName: 'gig_review' })
export class GigReview {
  @PrimaryKey({ type: 'uuid' })
  reviewId!: string;

  @Property({ type: 'uuid' })
  gigId!: string;

  @Property({ type: 'smallint' })
  rating!: number;

  @Property({ type: 'boolean' })
  hidden!: boolean;
}
