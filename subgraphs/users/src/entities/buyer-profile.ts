import { Entity, PrimaryKey, Property } from '@mikro-orm/core';

/** Every user is a buyer; the profile appears when auth announces `user.registered`. */
@Entity({ tableName: 'buyer_profile' })
export class BuyerProfile {
  @PrimaryKey({ type: 'uuid' })
  userId!: string;

  /** Copied from auth's events: users never calls auth. */
  @Property({ type: 'string', length: 30 })
  username!: string;

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();
}
