import { ArrayType, Entity, Enum, Index, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { DisputeOutcome, OrderStatus, Party } from '../domain/order-state.js';

/** An order: the gig (or custom offer) bought, the money held for it, and where it stands. */
@Entity({ tableName: 'orders' })
@Index({ properties: ['buyerId', 'createdAt'] })
@Index({ properties: ['sellerId', 'createdAt'] })
@Index({ properties: ['gigId', 'status'] })
export class Order {
  [OptionalProps]?: 'version' | 'buyerReviewed' | 'sellerReviewed' | 'createdAt' | 'updatedAt';

  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Property({ type: 'uuid', nullable: true })
  gigId!: string | null;

  @Property({ type: 'uuid', nullable: true })
  offerId!: string | null;

  @Property({ type: 'uuid', nullable: true })
  conversationId!: string | null;

  /** The gig's title when ordered (or the offer's summary): what both parties agreed on, even if the gig changes. */
  @Property({ type: 'string', length: 200 })
  title!: string;

  @Property({ type: 'uuid' })
  buyerId!: string;

  @Property({ type: 'uuid' })
  sellerId!: string;

  /** Minor units of `currency`: the seller's price, the platform's fee, and what the buyer paid (their sum). */
  @Property({ type: 'integer' })
  price!: number;

  @Property({ type: 'integer' })
  serviceFee!: number;

  @Property({ type: 'integer' })
  total!: number;

  @Property({ type: 'string', length: 3 })
  currency!: string;

  @Property({ type: 'text' })
  requirements!: string;

  @Property({ type: 'integer' })
  deliveryDays!: number;

  @Enum({ items: () => OrderStatus, nativeEnumName: 'order_status' })
  status!: OrderStatus;

  @Property({ type: 'datetime' })
  dueAt!: Date;

  @Property({ type: 'uuid' })
  paymentId!: string;

  @Enum({ items: () => Party, nativeEnumName: 'order_party', nullable: true })
  cancellationRequestedBy: Party | null = null;

  @Property({ type: 'string', length: 1000, nullable: true })
  cancellationReason: string | null = null;

  @Property({ type: 'datetime', nullable: true })
  cancellationRequestedAt: Date | null = null;

  @Enum({ items: () => Party, nativeEnumName: 'order_party', nullable: true })
  cancelledBy: Party | null = null;

  @Enum({ items: () => Party, nativeEnumName: 'order_party', nullable: true })
  disputedBy: Party | null = null;

  @Property({ type: 'string', length: 2000, nullable: true })
  disputeReason: string | null = null;

  @Property({ type: 'datetime', nullable: true })
  disputedAt: Date | null = null;

  @Enum({ items: () => DisputeOutcome, nativeEnumName: 'dispute_outcome', nullable: true })
  disputeOutcome: DisputeOutcome | null = null;

  @Property({ type: 'string', length: 2000, nullable: true })
  disputeNote: string | null = null;

  @Property({ type: 'datetime', nullable: true })
  disputeResolvedAt: Date | null = null;

  @Property({ type: 'boolean' })
  buyerReviewed: boolean = false;

  @Property({ type: 'boolean' })
  sellerReviewed: boolean = false;

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();

  @Property({ type: 'datetime' })
  updatedAt: Date = new Date();

  @Property({ type: 'datetime', nullable: true })
  startedAt: Date | null = null;

  @Property({ type: 'datetime', nullable: true })
  completedAt: Date | null = null;

  @Property({ type: 'datetime', nullable: true })
  cancelledAt: Date | null = null;

  /** Optimistic lock on top of the row lock every change takes: a stale write can never win silently. */
  @Property({ type: 'integer', version: true })
  version: number = 1;
}

/** One delivery of work by the seller. */
@Entity({ tableName: 'order_delivery' })
@Index({ properties: ['orderId', 'deliveredAt'] })
export class OrderDelivery {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Property({ type: 'uuid' })
  orderId!: string;

  @Property({ type: 'text' })
  message!: string;

  @Property({ type: ArrayType })
  fileUrls: string[] = [];

  @Property({ type: 'datetime' })
  deliveredAt: Date = new Date();
}

export enum ExtensionStatus {
  PENDING = 'PENDING',
  APPROVED = 'APPROVED',
  DECLINED = 'DECLINED',
  /** The order ended (completed, cancelled, settled) before the buyer answered. */
  CLOSED = 'CLOSED',
}

/** A seller's request for more time; approved, it moves the due date. */
@Entity({ tableName: 'order_extension' })
@Index({ properties: ['orderId', 'requestedAt'] })
export class OrderExtension {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Property({ type: 'uuid' })
  orderId!: string;

  @Property({ type: 'integer' })
  days!: number;

  @Property({ type: 'string', length: 1000 })
  reason!: string;

  @Enum({ items: () => ExtensionStatus, nativeEnumName: 'extension_status' })
  status: ExtensionStatus = ExtensionStatus.PENDING;

  @Property({ type: 'datetime' })
  requestedAt: Date = new Date();

  @Property({ type: 'datetime', nullable: true })
  decidedAt: Date | null = null;
}

/** A buyer's request for changes to a delivery. */
@Entity({ tableName: 'order_revision' })
@Index({ properties: ['orderId', 'requestedAt'] })
export class OrderRevision {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Property({ type: 'uuid' })
  orderId!: string;

  @Property({ type: 'text' })
  reason!: string;

  @Property({ type: 'datetime' })
  requestedAt: Date = new Date();
}

/** Every step of an order: who did what, and the status before and after. Written in the step's transaction. */
@Entity({ tableName: 'order_timeline' })
@Index({ properties: ['orderId', 'at'] })
export class OrderTimelineEntry {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Property({ type: 'uuid' })
  orderId!: string;

  /** What happened, e.g. PLACED, DELIVERED, EXTENSION_REQUESTED. */
  @Property({ type: 'string', length: 40 })
  action!: string;

  @Enum({ items: () => Party, nativeEnumName: 'order_party' })
  actorRole!: Party;

  @Property({ type: 'uuid', nullable: true })
  actorId: string | null = null;

  @Enum({ items: () => OrderStatus, nativeEnumName: 'order_status', nullable: true })
  fromStatus: OrderStatus | null = null;

  @Enum({ items: () => OrderStatus, nativeEnumName: 'order_status' })
  toStatus!: OrderStatus;

  @Property({ type: 'string', length: 2000, nullable: true })
  note: string | null = null;

  @Property({ type: 'datetime' })
  at: Date = new Date();
}
