import { Entity, PrimaryKey, Property } from '@mikro-orm/core';

/**
 * A client's Idempotency-Key, per user: the request it was first used for (a hash of the operation and its input),
 * and the result once there is one. A repeat with the same body returns that result; with another body, CONFLICT.
 * `lockedUntil` marks a request still running: a concurrent repeat is refused, a crashed one is taken over later.
 */
@Entity({ tableName: 'idempotency_key' })
export class IdempotencyKey {
  @PrimaryKey({ type: 'uuid' })
  userId!: string;

  @PrimaryKey({ type: 'string', length: 255 })
  key!: string;

  @Property({ type: 'string', length: 40 })
  operation!: string;

  @Property({ type: 'string', length: 64 })
  requestHash!: string;

  /** The order (or withdrawal) the request produced; null while it runs. */
  @Property({ type: 'uuid', nullable: true })
  resultId: string | null = null;

  @Property({ type: 'datetime', nullable: true })
  lockedUntil: Date | null = null;

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();
}
