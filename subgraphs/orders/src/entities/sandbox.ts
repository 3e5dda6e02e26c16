import { Entity, PrimaryKey, Property } from '@mikro-orm/core';

/**
 * The sandbox payment provider's own books (payments/sandbox.ts): what an external provider would store on its
 * side. Kept in orders' database so tests and demos can see every charge, refund and payout it made.
 */
@Entity({ tableName: 'sandbox_operation' })
export class SandboxOperation {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  /** CHARGE, REFUND or PAYOUT. */
  @Property({ type: 'string', length: 10 })
  kind!: string;

  /** The caller's idempotency key: one operation per key, ever. */
  @Property({ type: 'string', length: 300, unique: true })
  idempotencyKey!: string;

  @Property({ type: 'string', length: 100, nullable: true })
  paymentMethod: string | null = null;

  /** The customer (charge), the charge (refund) or the seller (payout). */
  @Property({ type: 'string', length: 100 })
  reference!: string;

  @Property({ type: 'integer' })
  amount!: number;

  @Property({ type: 'string', length: 3 })
  currency!: string;

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();
}

/** How often each idempotency key was tried: the sandbox's flaky methods fail on the first attempt only. */
@Entity({ tableName: 'sandbox_attempt' })
export class SandboxAttempt {
  @PrimaryKey({ type: 'string', length: 300 })
  idempotencyKey!: string;

  @Property({ type: 'integer' })
  attempts: number = 0;
}
