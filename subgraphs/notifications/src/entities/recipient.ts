import { Entity, PrimaryKey, Property } from '@mikro-orm/core';

/**
 * Notifications' own read model of users' addresses and names, from auth's events: orders, chat and reviews name
 * users by id only, and notifications never calls auth to look them up.
 */
@Entity({ tableName: 'recipient' })
export class Recipient {
  @PrimaryKey({ type: 'uuid' })
  userId!: string;

  @Property({ type: 'string', length: 254 })
  email!: string;

  @Property({ type: 'string', length: 30 })
  username!: string;

  /** `occurredAt` of the event that last changed the row: an older event arriving late changes nothing. */
  @Property({ type: 'datetime' })
  updatedAt: Date = new Date();
}
