import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';

/** Orders' read model of gigs, fed by gigs' events: what a buyer may order and at what price. */
@Entity({ tableName: 'gig_listing' })
export class GigListing {
  @PrimaryKey({ type: 'uuid' })
  gigId!: string;

  @Property({ type: 'uuid' })
  sellerId!: string;

  @Property({ type: 'string', length: 200 })
  title!: string;

  /** Minor units of `currency`. */
  @Property({ type: 'integer' })
  price!: number;

  @Property({ type: 'string', length: 3 })
  currency!: string;

  @Property({ type: 'integer' })
  deliveryDays!: number;

  /** gigs' status (only PUBLISHED can be ordered). */
  @Property({ type: 'string', length: 30 })
  status!: string;

  @Property({ type: 'boolean' })
  deleted: boolean = false;

  /** When the event that wrote this row happened: an older event never overwrites a newer one. */
  @Property({ type: 'datetime' })
  changedAt!: Date;
}

export enum OfferStatus {
  PENDING = 'PENDING',
  ACCEPTED = 'ACCEPTED',
  DECLINED = 'DECLINED',
  CANCELLED = 'CANCELLED',
}

/** Orders' read model of chat's custom offers: their terms, whether they are still open, and the order that used one. */
@Entity({ tableName: 'offer' })
@Index({ properties: ['buyerId'] })
export class Offer {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Property({ type: 'uuid', nullable: true })
  conversationId: string | null = null;

  @Property({ type: 'uuid' })
  buyerId!: string;

  @Property({ type: 'uuid' })
  sellerId!: string;

  @Property({ type: 'uuid', nullable: true })
  gigId: string | null = null;

  @Property({ type: 'text' })
  description!: string;

  @Property({ type: 'integer' })
  price!: number;

  @Property({ type: 'string', length: 3 })
  currency!: string;

  @Property({ type: 'integer' })
  deliveryDays!: number;

  @Property({ type: 'datetime', nullable: true })
  expiresAt: Date | null = null;

  @Property({ type: 'string', length: 20 })
  status: OfferStatus = OfferStatus.PENDING;

  /** Set (once) by the order that used the offer; the unique index makes a second use impossible. */
  @Property({ type: 'uuid', nullable: true, unique: true })
  orderId: string | null = null;

  @Property({ type: 'datetime' })
  changedAt!: Date;
}
