import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';

/**
 * One participant's side of a conversation: their unread count and read receipt, and a copy of the conversation's
 * last activity so that "my conversations, newest first" is one index range scan.
 */
@Entity({ tableName: 'conversation_member' })
@Index({ properties: ['userId', 'lastActivityAt', 'conversationId'] })
export class ConversationMember {
  @PrimaryKey({ type: 'uuid' })
  conversationId!: string;

  @PrimaryKey({ type: 'uuid' })
  userId!: string;

  /** Messages of the others (and system messages) since the user last read the conversation. */
  @Property({ type: 'integer' })
  unreadCount!: number;

  /** The read receipt: every message created at or before this was read. Null until the user first reads. */
  @Property({ type: 'datetime', nullable: true })
  lastReadAt!: Date | null;

  @Property({ type: 'datetime' })
  lastActivityAt!: Date;
}
