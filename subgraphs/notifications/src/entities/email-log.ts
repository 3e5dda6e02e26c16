import { Entity, Enum, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import type { NotificationKind } from '../domain/kinds.js';

export enum EmailStatus {
  SENT = 'SENT',
  FAILED = 'FAILED',
}

/**
 * One email of one event to one user, and how sending it went. Written on its own connection, outside the event
 * handler's transaction (see services/delivery.ts): it must outlive the rollback that a failed send causes, since it
 * is what tells the retry which emails already left.
 */
@Entity({ tableName: 'email_log' })
@Unique({ properties: ['eventId', 'recipientId'] })
export class EmailLog {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Property({ type: 'uuid' })
  eventId!: string;

  @Property({ type: 'uuid' })
  recipientId!: string;

  /** The in-app notification this email goes with (a retry stores it again under the same id). */
  @Property({ type: 'uuid' })
  notificationId!: string;

  @Property({ type: 'string', length: 40 })
  kind!: NotificationKind;

  @Property({ type: 'string', length: 254 })
  toAddress!: string;

  @Enum({ items: () => EmailStatus, nativeEnumName: 'email_status' })
  status!: EmailStatus;

  /** SMTP attempts so far, across the event's retries and replays. */
  @Property({ type: 'integer' })
  attempts: number = 0;

  /** The SMTP error of the last failed attempt. */
  @Property({ type: 'text', nullable: true })
  error!: string | null;

  @Property({ type: 'datetime', nullable: true })
  sentAt!: Date | null;

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();

  @Property({ type: 'datetime' })
  updatedAt: Date = new Date();
}
