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
  ) {}

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
          for (const row of rows) {
            const envelope = typeof row.envelope === 'string' ? (JSON.parse(row.envelope) as EventEnvelope) : row.envelope;
            await this.bus.publish(exchangeFor(this.namespace, envelope.producer, envelope.type), envelope);
          }
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
        if (published < BATCH) return;
      }
    } catch (err) {
      // Log the first failure of an outage, not every poll: events stay in the outbox until the broker is back.
      if (!this.failing) this.log.warn({ err: (err as Error).message }, 'outbox relay cannot publish yet; events wait in the outbox');
      this.failing = true;
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.running) await this.running;
  }
}
