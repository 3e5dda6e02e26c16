import { Entity, PrimaryKey, Property, Unique } from '@mikro-orm/core';

/**
 * A conversation between two users, optionally about a gig. The participants are stored in a canonical order
 * (participantA < participantB), so the unique index gives one conversation per pair and gig (a null gig counts as
 * one value: `nulls not distinct`), however many times and from whichever side it is started.
 */
@Entity({ tableName: 'conversation' })
@Unique({
  name: 'conversation_pair_gig_unique',
  expression: 'create unique index "conversation_pair_gig_unique" on "conversation" ("participant_a", "participant_b", "gig_id") nulls not distinct',
})
export class Conversation {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Property({ type: 'uuid' })
  participantA!: string;

  @Property({ type: 'uuid' })
  participantB!: string;

  @Property({ type: 'uuid', nullable: true })
  gigId!: string | null;

  /** The buyer and seller once known: fixed by the first offer or by an order between the two. */
  @Property({ type: 'uuid', nullable: true })
  buyerId!: string | null;

  @Property({ type: 'uuid', nullable: true })
  sellerId!: string | null;

  @Property({ type: 'uuid', nullable: true })
  lastMessageId!: string | null;

  /** When the last message arrived (creation time until then): the order of each user's conversation list. */
  @Property({ type: 'datetime' })
  lastActivityAt!: Date;

  @Property({ type: 'datetime' })
  createdAt!: Date;
}
