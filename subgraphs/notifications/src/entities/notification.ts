import { Entity, Enum, Index, PrimaryKey, Property } from '@mikro-orm/core';
import { NotificationKind } from '../domain/kinds.js';

/** One in-app notification. Always stored, whatever the user's email preferences. */
@Entity({ tableName: 'notification' })
@Index({ properties: ['recipientId', 'createdAt', 'id'] })
export class Notification {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Property({ type: 'uuid' })
  recipientId!: string;

  @Enum({ items: () => NotificationKind, nativeEnumName: 'notification_kind' })
  kind!: NotificationKind;

  @Property({ type: 'string', length: 200 })
  title!: string;

  @Property({ type: 'text' })
  body!: string;

  /** A path in the web app; never carries a secret (verification and reset tokens live in the email only). */
  @Property({ type: 'string', length: 500, nullable: true })
  link!: string | null;

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();

  @Property({ type: 'datetime', nullable: true })
  readAt!: Date | null;
}
