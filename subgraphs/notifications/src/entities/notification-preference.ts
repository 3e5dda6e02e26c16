import { ArrayType, Entity, PrimaryKey, Property } from '@mikro-orm/core';

/** A user's email switches. No row means every email is on. */
@Entity({ tableName: 'notification_preference' })
export class NotificationPreference {
  @PrimaryKey({ type: 'uuid' })
  userId!: string;

  /** Kinds whose email the user turned off (never a security kind). */
  @Property({ type: ArrayType })
  emailOff: string[] = [];

  @Property({ type: 'datetime' })
  updatedAt: Date = new Date();
}
