import { Entity, Enum, Index, PrimaryKey, Property, Unique } from '@mikro-orm/core';

export enum OneTimeTokenPurpose {
  VERIFY_EMAIL = 'VERIFY_EMAIL',
  RESET_PASSWORD = 'RESET_PASSWORD',
}

/** A single-use, expiring secret mailed to the user (email verification, password reset); stored hashed. */
@Entity({ tableName: 'one_time_token' })
@Index({ properties: ['userId', 'purpose'] })
export class OneTimeToken {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Property({ type: 'uuid' })
  userId!: string;

  @Enum({ items: () => OneTimeTokenPurpose, nativeEnumName: 'one_time_token_purpose' })
  purpose!: OneTimeTokenPurpose;

  @Property({ type: 'string', length: 64 })
  @Unique()
  tokenHash!: string;

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();

  @Property({ type: 'datetime' })
  expiresAt!: Date;

  @Property({ type: 'datetime', nullable: true })
  usedAt: Date | null = null;
}
