import { Entity, PrimaryKey, Property } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';

/** Ids of events a consumer has processed: the record that makes a redelivery harmless. */
@Entity({ tableName: 'inbox_event' })
export class InboxEvent {
  @PrimaryKey({ type: 'string', length: 100 })
  consumer!: string;

  @PrimaryKey({ type: 'uuid' })
  eventId!: string;

  @Property({ type: 'string', length: 100 })
  type!: string;

  @Property({ type: 'datetime' })
  processedAt: Date = new Date();
}

/**
 * Claims `eventId` for `consumer` inside the caller's transaction. Returns false when it was processed before;
 * concurrent deliveries of one event serialise on the primary key, so exactly one of them proceeds.
 */
export async function claimEvent(em: EntityManager, consumer: string, eventId: string, type: string): Promise<boolean> {
  const rows: unknown[] = await em.execute(
    'insert into inbox_event (consumer, event_id, type, processed_at) values (?, ?, ?, now()) on conflict do nothing returning event_id',
    [consumer, eventId, type],
  );
  return rows.length === 1;
}
