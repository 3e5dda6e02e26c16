import { Entity, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';

/** Every user is a buyer; the profile appears when auth announces `user.registered`. */
@Entity({ tableName: 'buyer_profile' })
export class BuyerProfile {
  /** The rating starts at zero and is only moved by review events. */
  [OptionalProps]?: 'ratingCount' | 'ratingSum';

  @PrimaryKey({ type: 'uuid' })
  userId!: string;

  /** Copied from auth's events: users never calls auth. */
  @Property({ type: 'string', length: 30 })
  username!: string;

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();

  /** Sellers' visible reviews of this user as a buyer (review events). */
  @Property({ type: 'integer' })
  ratingCount: number = 0;

  /** Sum of their stars; the average is derived, so it can never disagree with the count. */
  @Property({ type: 'integer' })
  ratingSum: number = 0;
}
