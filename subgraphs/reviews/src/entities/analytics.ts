import { Entity, PrimaryKey, Property } from '@mikro-orm/core';

/*
 * The rating analytics read model (CQRS): written only by the `rating-analytics` consumer from reviews' own events,
 * or rebuilt from the write model by `pnpm reviews rebuild-analytics` — never by a request. See domain/rating-facts.ts.
 */

/** One buyer's review of a seller as the analytics know it; the counters are sums over these. */
@Entity({ tableName: 'rating_fact' })
export class RatingFact {
  @PrimaryKey({ type: 'uuid' })
  reviewId!: string;

  @Property({ type: 'uuid', nullable: true })
  gigId!: string | null;

  @Property({ type: 'uuid' })
  sellerId!: string;

  @Property({ type: 'smallint' })
  rating!: number;

  /** `YYYY-MM`, UTC. */
  @Property({ type: 'string', length: 7 })
  month!: string;

  @Property({ type: 'boolean' })
  replied!: boolean;

  @Property({ type: 'boolean' })
  hidden!: boolean;
}

/** Columns shared by the per-gig and per-seller totals. */
abstract class RatingTotals {
  /** Visible reviews. */
  @Property({ type: 'integer' })
  reviewCount!: number;

  @Property({ type: 'integer' })
  ratingSum!: number;

  @Property({ type: 'integer' }) stars1!: number;
  @Property({ type: 'integer' }) stars2!: number;
  @Property({ type: 'integer' }) stars3!: number;
  @Property({ type: 'integer' }) stars4!: number;
  @Property({ type: 'integer' }) stars5!: number;

  /** Visible reviews the seller replied to. */
  @Property({ type: 'integer' })
  repliedCount!: number;
}

@Entity({ tableName: 'gig_rating_stats' })
export class GigRatingStats extends RatingTotals {
  @PrimaryKey({ type: 'uuid' })
  gigId!: string;

  /** Whose gig it is (from the reviews): who besides admins may read these statistics. */
  @Property({ type: 'uuid' })
  sellerId!: string;
}

@Entity({ tableName: 'seller_rating_stats' })
export class SellerRatingStats extends RatingTotals {
  @PrimaryKey({ type: 'uuid' })
  sellerId!: string;
}

@Entity({ tableName: 'gig_rating_month' })
export class GigRatingMonth {
  @PrimaryKey({ type: 'uuid' })
  gigId!: string;

  @PrimaryKey({ type: 'string', length: 7 })
  month!: string;

  @Property({ type: 'integer' })
  reviewCount!: number;

  @Property({ type: 'integer' })
  ratingSum!: number;
}

@Entity({ tableName: 'seller_rating_month' })
export class SellerRatingMonth {
  @PrimaryKey({ type: 'uuid' })
  sellerId!: string;

  @PrimaryKey({ type: 'string', length: 7 })
  month!: string;

  @Property({ type: 'integer' })
  reviewCount!: number;

  @Property({ type: 'integer' })
  ratingSum!: number;
}
