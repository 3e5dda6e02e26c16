import { Check, Entity, Enum, Index, OptionalProps, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { ReviewKind } from '../domain/review-rules.js';

/**
 * One party's review of the other after a completed order: the write model, the source of truth every aggregate
 * (gigs' rating, users' profile ratings, the analytics tables) is derived from.
 *
 * Timestamps keep milliseconds (`timestamptz(3)`): cursors carry them as ISO strings, which have no more, so a
 * value with microseconds (a bulk load) could never be matched by the keyset condition again.
 *
 * The lists' indexes are partial (visible reviews only) and match their sorts exactly, so a page reads 21 index
 * entries whatever the gig's size; the list queries repeat the predicates as literals so the planner can use them.
 */
@Entity({ tableName: 'review' })
@Unique({ name: 'review_order_id_kind_unique', properties: ['orderId', 'kind'] })
@Check({ name: 'review_rating_check', expression: '((rating >= 1) AND (rating <= 5))' })
@Index({
  name: 'review_gig_newest_index',
  expression: `create index "review_gig_newest_index" on "review" ("gig_id", "created_at", "id") where hidden_at is null and kind = 'BUYER_TO_SELLER'`,
})
@Index({
  name: 'review_gig_highest_index',
  expression: `create index "review_gig_highest_index" on "review" ("gig_id", "rating", "created_at", "id") where hidden_at is null and kind = 'BUYER_TO_SELLER'`,
})
// LOWEST is fewest stars first but newest first among equals: (6 - rating) turns that into one descending order.
@Index({
  name: 'review_gig_lowest_index',
  expression: `create index "review_gig_lowest_index" on "review" ("gig_id", (6 - "rating"), "created_at", "id") where hidden_at is null and kind = 'BUYER_TO_SELLER'`,
})
@Index({
  name: 'review_reviewee_newest_index',
  expression: `create index "review_reviewee_newest_index" on "review" ("reviewee_id", "created_at", "id") where hidden_at is null`,
})
// User.rating counts a user's stars with an index-only scan.
@Index({
  name: 'review_reviewee_rating_index',
  expression: `create index "review_reviewee_rating_index" on "review" ("reviewee_id", "kind", "rating") where hidden_at is null`,
})
@Index({
  name: 'review_reported_index',
  expression: `create index "review_reported_index" on "review" ("last_reported_at", "id") where hidden_at is null and report_count > 0`,
})
export class Review {
  [OptionalProps]?: 'reply' | 'repliedAt' | 'hiddenAt' | 'hiddenReason' | 'hiddenBy' | 'reportCount' | 'lastReportedAt';

  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Property({ type: 'uuid' })
  orderId!: string;

  @Property({ type: 'uuid', nullable: true })
  gigId!: string | null;

  @Property({ type: 'uuid' })
  reviewerId!: string;

  /** The reviewer's handle when they wrote it (from the router-verified caller; auth never renames users). */
  @Property({ type: 'string', length: 30 })
  reviewerUsername!: string;

  @Property({ type: 'uuid' })
  revieweeId!: string;

  @Enum({ items: () => ReviewKind, nativeEnumName: 'review_kind' })
  kind!: ReviewKind;

  @Property({ type: 'smallint' })
  rating!: number;

  @Property({ type: 'text' })
  comment!: string;

  /** The seller's public answer (buyers' reviews only), once. */
  @Property({ type: 'text', nullable: true })
  reply: string | null = null;

  @Property({ type: 'datetime', length: 3, nullable: true })
  repliedAt: Date | null = null;

  @Property({ type: 'datetime', length: 3 })
  createdAt!: Date;

  /** Set when an admin hid the review: it leaves every list and aggregate, and stays for the record. */
  @Property({ type: 'datetime', length: 3, nullable: true })
  hiddenAt: Date | null = null;

  @Property({ type: 'string', length: 500, nullable: true })
  hiddenReason: string | null = null;

  @Property({ type: 'uuid', nullable: true })
  hiddenBy: string | null = null;

  /** How many users reported it (one report per user), for the admins' queue. */
  @Property({ type: 'integer' })
  reportCount: number = 0;

  @Property({ type: 'datetime', length: 3, nullable: true })
  lastReportedAt: Date | null = null;
}

/** A user's report of a review to the admins; one per user and review. */
@Entity({ tableName: 'review_report' })
@Unique({ properties: ['reviewId', 'reporterId'] })
export class ReviewReport {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Property({ type: 'uuid' })
  reviewId!: string;

  @Property({ type: 'uuid' })
  reporterId!: string;

  @Property({ type: 'string', length: 500 })
  reason!: string;

  @Property({ type: 'datetime', length: 3 })
  createdAt!: Date;
}
