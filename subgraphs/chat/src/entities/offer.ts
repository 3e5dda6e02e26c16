import { Entity, Enum, PrimaryKey, Property } from '@mikro-orm/core';
import { OfferStatus } from '../domain/offer-rules.js';

/**
 * A custom offer's terms and state. Its id is the id of the message that carries it: the `offerId` of chat's
 * offer events, which orders' read model and `placeOrder(offerId)` use.
 */
@Entity({ tableName: 'offer' })
export class Offer {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Property({ type: 'uuid' })
  conversationId!: string;

  @Property({ type: 'uuid' })
  sellerId!: string;

  @Property({ type: 'uuid' })
  buyerId!: string;

  @Property({ type: 'uuid', nullable: true })
  gigId!: string | null;

  /** Minor units of `currency`. */
  @Property({ type: 'integer' })
  price!: number;

  @Property({ type: 'string', length: 3 })
  currency!: string;

  @Property({ type: 'integer' })
  deliveryDays!: number;

  @Property({ type: 'text' })
  description!: string;

  @Property({ type: 'datetime' })
  expiresAt!: Date;

  /** PENDING, ACCEPTED, DECLINED or CANCELLED; EXPIRED is never stored (effectiveStatus). */
  @Enum({ items: () => OfferStatus, nativeEnumName: 'offer_status' })
  status!: OfferStatus;

  @Property({ type: 'datetime', nullable: true })
  respondedAt!: Date | null;

  /** The order placed from this offer, once orders says so. */
  @Property({ type: 'uuid', nullable: true })
  orderId!: string | null;

  @Property({ type: 'datetime' })
  createdAt!: Date;
}
