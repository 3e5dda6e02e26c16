import { Entity, Enum, Index, PrimaryKey, Property } from '@mikro-orm/core';

export enum MessageKind {
  TEXT = 'TEXT',
  OFFER = 'OFFER',
  SYSTEM = 'SYSTEM',
}

/** One message. Offers keep their terms in `offer` (same id); system messages have no sender and name an order. */
@Entity({ tableName: 'message' })
@Index({ properties: ['conversationId', 'createdAt', 'id'] })
export class Message {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Property({ type: 'uuid' })
  conversationId!: string;

  /** Null for a system message. */
  @Property({ type: 'uuid', nullable: true })
  senderId!: string | null;

  @Enum({ items: () => MessageKind, nativeEnumName: 'message_kind' })
  kind!: MessageKind;

  @Property({ type: 'text' })
  body!: string;

  @Property({ type: 'string', length: 255, nullable: true })
  attachmentName!: string | null;

  @Property({ type: 'string', length: 2048, nullable: true })
  attachmentUrl!: string | null;

  @Property({ type: 'bigint', nullable: true })
  attachmentSizeBytes!: string | null;

  @Property({ type: 'string', length: 255, nullable: true })
  attachmentContentType!: string | null;

  /** The order a system message is about. */
  @Property({ type: 'uuid', nullable: true })
  orderId!: string | null;

  /** Which order event a system message reports (OrderEventKind). */
  @Property({ type: 'string', length: 40, nullable: true })
  orderEvent!: string | null;

  @Property({ type: 'datetime' })
  createdAt!: Date;
}
