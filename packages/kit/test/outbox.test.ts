import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from 'amqplib';
import type { MikroORM } from '@mikro-orm/postgresql';
import {
  EventBus,
  EventRecorder,
  OutboxRelay,
  claimEvent,
  exchangeFor,
  DEFAULT_EVENTS_NAMESPACE,
  createLogger,
  dropDatabase,
  newId,
  openOrm,
  withDatabase,
  type EventEnvelope,
} from '@jobgraph/kit';
import { tapEvents, type EventTap } from '@jobgraph/kit/testing';

const SERVER_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const AMQP_URL = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
// A producer name of its own, so this file's exchange and events never mix with a running stack's.
const PRODUCER = `testsvc_${randomBytes(4).toString('hex')}`;
const TYPE = 'thing.happened';

const log = createLogger('test', 'silent');
const url = withDatabase(SERVER_URL, `jobgraph_t_${randomBytes(6).toString('hex')}`);
let orm: MikroORM;
let bus: EventBus;
let relay: OutboxRelay;
let tap: EventTap;

beforeAll(async () => {
  orm = await openOrm({ url, entities: [], migrations: [], log });
  // The outbox and inbox tables come with each subgraph's migrations; this kit-only database gets them directly.
  await orm.getSchemaGenerator().createSchema();
  bus = await EventBus.connect(AMQP_URL, log);
  relay = new OutboxRelay(orm, bus, log, DEFAULT_EVENTS_NAMESPACE);
  tap = await tapEvents(AMQP_URL, PRODUCER, [TYPE]);
});

afterAll(async () => {
  await tap?.close();
  await relay?.stop();
  await bus?.close();
  await orm?.close(true);
  await dropDatabase(url);
  // The relay declared a durable exchange for this run's producer; leave the broker as it was.
  const connection = await connect(AMQP_URL);
  const channel = await connection.createChannel();
  await channel.deleteExchange(exchangeFor(DEFAULT_EVENTS_NAMESPACE, PRODUCER, TYPE).name);
  await connection.close();
});

/** Where an outbox row stands: never written (rolled back), waiting for the relay, or published. */
async function outboxState(id: string): Promise<'absent' | 'pending' | 'published'> {
  const rows: Array<{ published: boolean }> = await orm.em
    .fork()
    .execute('select published_at is not null as published from outbox_event where id = ?', [id]);
  if (rows.length === 0) return 'absent';
  return rows[0].published ? 'published' : 'pending';
}

describe('transactional outbox', () => {
  it('delivers an event recorded with a committed change to consumers, with its id and correlation id', async () => {
    const correlationId = newId();
    let recorded!: EventEnvelope<{ n: number }>;
    await orm.em.fork().transactional(async (em) => {
      recorded = new EventRecorder(PRODUCER, em, { correlationId }).record(TYPE, { n: 1 });
    });
    // Committed but not yet relayed: nobody has it yet.
    expect(await outboxState(recorded.id)).toBe('pending');

    await relay.flush();

    const received = await tap.next((e) => e.id === recorded.id);
    expect(received).toMatchObject({ id: recorded.id, type: TYPE, correlationId, producer: PRODUCER, data: { n: 1 }, causationId: null });
    expect(await outboxState(recorded.id)).toBe('published');
  });

  it('never publishes an event whose transaction rolled back', async () => {
    const correlationId = newId();
    let rolledBack!: EventEnvelope;
    await expect(
      orm.em.fork().transactional(async (em) => {
        rolledBack = new EventRecorder(PRODUCER, em, { correlationId }).record(TYPE, { n: 2 });
        await em.flush();
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');

    // A committed event recorded afterwards is the marker: once it arrives, the rolled-back one would have too.
    let marker!: EventEnvelope;
    await orm.em.fork().transactional(async (em) => {
      marker = new EventRecorder(PRODUCER, em, { correlationId }).record(TYPE, { n: 3 });
    });
    await relay.flush();
    await tap.next((e) => e.id === marker.id);

    expect(tap.events.some((e) => e.id === rolledBack.id)).toBe(false);
    expect(await outboxState(rolledBack.id)).toBe('absent');
  });

  it('publishes each committed event once, even when the relay runs again', async () => {
    let recorded!: EventEnvelope;
    await orm.em.fork().transactional(async (em) => {
      recorded = new EventRecorder(PRODUCER, em, { correlationId: newId() }).record(TYPE, { n: 4 });
    });
    await relay.flush();
    await tap.next((e) => e.id === recorded.id);
    await relay.flush();
    // Give a duplicate time to arrive if one was sent.
    await new Promise((r) => setTimeout(r, 300));
    expect(tap.events.filter((e) => e.id === recorded.id)).toHaveLength(1);
  });
});

describe('inbox', () => {
  it('lets a consumer process an event once and recognises every redelivery of it', async () => {
    const eventId = newId();
    const em = orm.em.fork();
    expect(await claimEvent(em, 'orders.on-user-created', eventId, TYPE)).toBe(true);
    expect(await claimEvent(em, 'orders.on-user-created', eventId, TYPE)).toBe(false);
    // Another consumer of the same event has its own record.
    expect(await claimEvent(em, 'users.on-user-created', eventId, TYPE)).toBe(true);
  });

  it('forgets a claim whose transaction rolled back, so the redelivered event is processed', async () => {
    const eventId = newId();
    await expect(
      orm.em.fork().transactional(async (em) => {
        expect(await claimEvent(em, 'c', eventId, TYPE)).toBe(true);
        throw new Error('handler failed');
      }),
    ).rejects.toThrow('handler failed');
    expect(await claimEvent(orm.em.fork(), 'c', eventId, TYPE)).toBe(true);
  });
});

describe('outbox retention', () => {
  it('deletes published events once they are older than the retention, and never one still waiting to be published', async () => {
    const correlationId = newId();
    let old!: EventEnvelope<{ n: number }>;
    let waiting!: EventEnvelope<{ n: number }>;
    await orm.em.fork().transactional(async (em) => {
      old = new EventRecorder(PRODUCER, em, { correlationId }).record(TYPE, { n: 10 });
    });
    await relay.flush();
    expect(await outboxState(old.id)).toBe('published');
    // Published two days ago; another event recorded long ago but never published (the broker was away).
    await orm.em.fork().execute(`update outbox_event set published_at = now() - interval '2 days' where id = ?`, [old.id]);
    await orm.em.fork().transactional(async (em) => {
      waiting = new EventRecorder(PRODUCER, em, { correlationId }).record(TYPE, { n: 11 });
    });
    await orm.em.fork().execute(`update outbox_event set created_at = now() - interval '3 days' where id = ?`, [waiting.id]);

    const retained = new OutboxRelay(orm, bus, log, DEFAULT_EVENTS_NAMESPACE, { retentionMs: 24 * 3_600_000 });
    expect(await retained.prune()).toBe(1);
    expect(await outboxState(old.id)).toBe('absent');
    expect(await outboxState(waiting.id)).toBe('pending');
    await relay.flush();
    expect(await outboxState(waiting.id)).toBe('published');
  });
});
