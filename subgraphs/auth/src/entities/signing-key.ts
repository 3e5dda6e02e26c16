import { Entity, PrimaryKey, Property } from '@mikro-orm/core';

/**
 * An access-token signing key pair. Kept in the database so that every auth instance signs with the same key
 * and a restart does not sign everyone out; retired keys stay published until the tokens they signed expire.
 */
@Entity({ tableName: 'signing_key' })
export class SigningKey {
  @PrimaryKey({ type: 'string', length: 64 })
  kid!: string;

  @Property({ type: 'string', length: 10 })
  alg!: string;

  @Property({ type: 'json', hidden: true })
  privateJwk!: Record<string, unknown>;

  @Property({ type: 'json' })
  publicJwk!: Record<string, unknown>;

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();

  @Property({ type: 'datetime', nullable: true })
  retiredAt: Date | null = null;
}
