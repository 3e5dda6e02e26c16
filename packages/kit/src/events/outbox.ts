import { Entity, Index, PrimaryKey, Property, type EntityManager as CoreEntityManager } from '@mikro-orm/core';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from '../logger.js';
import type { EventBus } from './bus.js';
import { makeEnvelope, type EventEnvelope } from './envelope.js';
import { exchangeFor } from './topology.js';

/** An event written in the same transaction as the state change it announces; relayed to RabbitMQ afterwards. */
@Entity({ tableName: 'outbox_event' })
@Index({ properties: ['publishedAt', 'createdAt'] })
export class OutboxEvent {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Property({ type: 'string', length: 100 })
  type!: string;

  @Property({ type: 'json' })
  envelope!: EventEnvelope;

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();

  @Property({ type: 'datetime', nullable: true })
  publishedAt: Date | null = null;
}

/** Records events into the caller's unit of work, so they commit (or roll back) with the change itself. */
export class EventRecorder {
  constructor(
    private readonly producer: string,
    private readonly em: CoreEntityManager,
    private readonly meta: { correlationId: string; causationId?: string | null },
  ) {}

  record<TData>(type: string, data: TData): EventEnvelope<TData> {
    const envelope = makeEnvelope(this.producer, type, data, this.meta);
    const row = this.em.create(OutboxEvent, { id: envelope.id, type, envelope, createdAt: new Date(), publishedAt: null });
    this.em.persist(row);
    return envelope;
  }
}

const BATCH = 100;
const POLL_MS = 1_000;
/** How often the relay deletes published rows older than the retention, and how many per statement. */
const PRUNE_EVERY_MS = 60_000;
const PRUNE_BATCH = 1_000;

export interface OutboxRelayOptions {
  /**
   * How long a published event stays in the outbox (for an operator to look at) before the relay deletes it.
   * Some carry single-use tokens for the mailer (auth's verification and reset events), so they must not stay forever.
   * Default 24 h; 0 deletes them at the next prune.
   */
  retentionMs?: number;
}

/**
 * Publishes committed outbox rows. Pokes after each commit make it prompt; a slow poll picks up anything a
 * crash or broker outage left behind. `FOR UPDATE SKIP LOCKED` lets several instances relay side by side.
 */
export class OutboxRelay {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private failing = false;

  constructor(
    private readonly orm: MikroORM,
    private readonly bus: EventBus,
    private readonly log: Logger,
    private readonly namespace: string,
    private readonly options: OutboxRelayOptions = {},
  ) {}

  private lastPrune = 0;

  start(): void {
    this.timer = setInterval(() => this.poke(), POLL_MS);
    this.timer.unref();
    this.poke();
  }

  poke(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain().finally(() => {
      this.running = null;
      if (this.again) {
        this.again = false;
        this.poke();
      }
    });
  }

  /** Resolves when everything committed so far has been published (or the broker is unreachable). */
  async flush(): Promise<void> {
    while (this.running) await this.running;
    await this.drain();
  }

  private async drain(): Promise<void> {
    try {
      for (;;) {
        const published = await this.orm.em.fork().transactional(async (em: EntityManager) => {
          const rows: Array<{ id: string; type: string; envelope: EventEnvelope }> = await em.execute(
            `select id, type, envelope from outbox_event where published_at is null order by created_at limit ${BATCH} for update skip locked`,
          );
          const envelopes = rows.map((row) => (typeof row.envelope === 'string' ? (JSON.parse(row.envelope) as EventEnvelope) : row.envelope));
          // The whole batch is confirmed together; if any confirm fails, none is marked and all go again (consumers
          // are idempotent, so a duplicate is harmless; a loss is not).
          await this.bus.publishAll(envelopes.map((event) => ({ exchange: exchangeFor(this.namespace, event.producer, event.type), event })));
          if (rows.length > 0) {
            // Knex expands an array bound to `?` into a list (`in (?, ?)`); `= any(?)` would become `any('a', 'b')`,
            // fail, roll the marking back and have every poll publish the same events again.
            await em.execute('update outbox_event set published_at = now() where id in (?)', [rows.map((r) => r.id)]);
          }
          return rows.length;
        });
        if (this.failing) {
          this.failing = false;
          this.log.info('outbox relay recovered');
        }
        if (published < BATCH) break;
      }
      if (Date.now() - this.lastPrune >= PRUNE_EVERY_MS) {
        this.lastPrune = Date.now();
        await this.prune();
      }
    } catch (err) {
      // Log the first failure of an outage, not every poll: events stay in the outbox until the broker is back.
      if (!this.failing) this.log.warn({ err: (err as Error).message }, 'outbox relay cannot publish yet; events wait in the outbox');
      this.failing = true;
    }
  }

  /** Deletes published events older than the retention, a batch at a time (unpublished ones are never touched). */
  async prune(): Promise<number> {
    const retentionMs = this.options.retentionMs ?? 24 * 3_600_000;
    let total = 0;
    for (;;) {
      const rows: unknown[] = await this.orm.em.fork().execute(
        `delete from outbox_event where id in (
           select id from outbox_event where published_at is not null and published_at < now() - ? * interval '1 millisecond' limit ${PRUNE_BATCH}
         ) returning id`,
        [retentionMs],
      );
      total += rows.length;
      if (rows.length < PRUNE_BATCH) break;
    }
    if (total > 0) this.log.debug({ deleted: total }, 'pruned published outbox events');
    return total;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.running) await this.running;
  }
}
