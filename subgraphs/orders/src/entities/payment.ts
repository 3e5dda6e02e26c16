import { Entity, Enum, Index, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';

/** A successful charge of the buyer for an order, as the provider reported it. */
@Entity({ tableName: 'payment' })
export class Payment {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Property({ type: 'uuid' })
  buyerId!: string;

  @Property({ type: 'string', length: 20 })
  provider!: string;

  @Property({ type: 'string', length: 100, unique: true })
  providerChargeId!: string;

  @Property({ type: 'integer' })
  amount!: number;

  @Property({ type: 'string', length: 3 })
  currency!: string;

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();
}

export enum PayoutStatus {
  PENDING = 'PENDING',
  SUCCEEDED = 'SUCCEEDED',
  FAILED = 'FAILED',
}

/** Columns a subclass of ProviderCall may leave out of `em.create` (they have defaults). */
export type ProviderCallDefaults = 'status' | 'attempts' | 'nextAttemptAt' | 'createdAt' | 'providerReference' | 'lastError' | 'completedAt';

/**
 * Money the payment jobs (services/payment-jobs.ts) must move through the provider after the transaction that
 * decided it: retried with backoff until the provider answers, its row id as the provider's idempotency key.
 */
@Entity({ abstract: true })
export abstract class ProviderCall {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Property({ type: 'integer' })
  amount!: number;

  @Property({ type: 'string', length: 3 })
  currency!: string;

  @Enum({ items: () => PayoutStatus, nativeEnumName: 'payout_status' })
  status: PayoutStatus = PayoutStatus.PENDING;

  /** The provider's id of the refund or payout, once made. */
  @Property({ type: 'string', length: 100, nullable: true })
  providerReference: string | null = null;

  @Property({ type: 'integer' })
  attempts: number = 0;

  @Property({ type: 'string', length: 500, nullable: true })
  lastError: string | null = null;

  @Property({ type: 'datetime' })
  nextAttemptAt: Date = new Date();

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();

  @Property({ type: 'datetime', nullable: true })
  completedAt: Date | null = null;
}

/**
 * Money owed back to a buyer's payment method. Written in the cancelling transaction (with the ledger postings): a
 * provider outage delays a refund, it never loses one.
 */
@Entity({ tableName: 'refund' })
@Index({ properties: ['status', 'nextAttemptAt'] })
@Index({ properties: ['orderId'] })
export class Refund extends ProviderCall {
  [OptionalProps]?: ProviderCallDefaults | 'orderId';

  /** Null for a charge that never became an order (placeOrder lost a race for a custom offer): it goes back whole. */
  @Property({ type: 'uuid', nullable: true })
  orderId: string | null = null;

  @Property({ type: 'string', length: 20 })
  provider!: string;

  @Property({ type: 'string', length: 100 })
  providerChargeId!: string;
}

/** A seller's withdrawal from their wallet to their bank (the provider's payout); a refused one is put back. */
@Entity({ tableName: 'withdrawal' })
@Index({ properties: ['status', 'nextAttemptAt'] })
@Index({ properties: ['sellerId', 'createdAt'] })
export class Withdrawal extends ProviderCall {
  [OptionalProps]?: ProviderCallDefaults;

  @Property({ type: 'uuid' })
  sellerId!: string;
}

/**
 * A verified webhook delivery from the payment provider (Stripe), kept once per event id: providers deliver at least
 * once, and these are what an operator reconciles against (failed payments, refunds, disputes, failed payouts).
 */
@Entity({ tableName: 'provider_event' })
export class ProviderEvent {
  @PrimaryKey({ type: 'string', length: 100 })
  id!: string;

  @Property({ type: 'string', length: 20 })
  provider!: string;

  @Property({ type: 'string', length: 60 })
  type!: string;

  @Property({ type: 'json' })
  payload!: unknown;

  @Property({ type: 'datetime' })
  receivedAt: Date = new Date();
}
