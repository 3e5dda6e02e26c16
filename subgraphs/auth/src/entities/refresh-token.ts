import { Entity, Index, PrimaryKey, Property, Unique } from '@mikro-orm/core';

/**
 * One refresh token of a session. A session (family) is a chain of tokens, each rotated into the next on use;
 * presenting a token that was already rotated means it leaked, and revokes the whole family.
 */
@Entity({ tableName: 'refresh_token' })
@Index({ properties: ['userId'] })
@Index({ properties: ['familyId'] })
export class RefreshToken {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Property({ type: 'uuid' })
  familyId!: string;

  @Property({ type: 'uuid' })
  userId!: string;

  @Property({ type: 'string', length: 64 })
  @Unique()
  tokenHash!: string;

  /** The device's user agent, so a user can tell sessions apart. */
  @Property({ type: 'string', length: 300, nullable: true })
  userAgent: string | null = null;

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();

  @Property({ type: 'datetime' })
  expiresAt!: Date;

  @Property({ type: 'datetime', nullable: true })
  rotatedAt: Date | null = null;

  @Property({ type: 'datetime', nullable: true })
  revokedAt: Date | null = null;
}
