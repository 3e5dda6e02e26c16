import { Entity, Enum, PrimaryKey, Property } from '@mikro-orm/core';
import { OrderStanding } from '../domain/review-rules.js';

/**
 * Reviews' read model of orders, from orders' events (never a call to orders): who the two parties are, what was
 * bought, and whether the order completed — who may review whom, for which gig.
 */
@Entity({ tableName: 'reviewable_order' })
export class ReviewableOrder {
  @PrimaryKey({ type: 'uuid' })
  orderId!: string;

  @Property({ type: 'uuid' })
  buyerId!: string;

  @Property({ type: 'uuid' })
  sellerId!: string;

  /** Null for a custom offer that named no gig: its reviews count for the seller, not for a gig. */
  @Property({ type: 'uuid', nullable: true })
  gigId: string | null = null;

  /** The gig's title when ordered (or the offer's summary). */
  @Property({ type: 'string', length: 200 })
  title!: string;

  @Enum({ items: () => OrderStanding, nativeEnumName: 'order_standing' })
  standing!: OrderStanding;

  @Property({ type: 'datetime', nullable: true })
  completedAt: Date | null = null;

  /** When the last event that changed this row happened. */
  @Property({ type: 'datetime' })
  changedAt!: Date;
}
