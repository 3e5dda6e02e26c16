import net from 'node:net';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from 'amqplib';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import {
  EventBus,
  EventRecorder,
  OutboxRelay,
  claimEvent,
  createLogger,
  deadLetterQueueName,
  dropDatabase,
  exchangeFor,
  openOrm,
  withDatabase,
} from '@jobgraph/kit';
import { waitFor } from '@jobgraph/kit/testing';

const SERVER_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const AMQP_URL = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const broker = new URL(AMQP_URL);
const NS = `jgtest-${randomBytes(4).toString('hex')}`;
const PRODUCER = 'outage';
const TYPE = 'thing.happened';
const QUEUE = `${NS}.observer.things`;

/**
 * A TCP hop between the service and RabbitMQ that the test can cut and restore: a broker outage for this
 * connection only, so the real broker (shared with every other test) keeps running.
 */
class CuttableLink {
  private server: net.Server | null = null;
  private readonly sockets = new Set<net.Socket>();
  port = 0;

  async open(): Promise<void> {
    this.server = net.createServer((client) => {
      const upstream = net.connect(Number(broker.port || 5672), broker.hostname);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => s.destroy());
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async cut(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
    this.server = null;
  }
}

const log = createLogger('test', 'silent');
const url = withDatabase(SERVER_URL, `jobgraph_t_${randomBytes(6).toString('hex')}`);
const link = new CuttableLink();
let orm: MikroORM;
let bus: EventBus;
let relay: OutboxRelay;
const received: string[] = [];

beforeAll(async () => {
  await link.open();
  orm = await openOrm({ url, entities: [], migrations: [], log });
  await orm.getSchemaGenerator().createSchema();
  const viaLink = new URL(AMQP_URL);
  viaLink.port = String(link.port);
  bus = await EventBus.connect(viaLink.toString(), log);
  relay = new OutboxRelay(orm, bus, log, NS);
  relay.start();
  await bus.consume({
    queue: QUEUE,
    bindings: [{ exchange: exchangeFor(NS, PRODUCER, TYPE), routingKey: TYPE }],
    // As a subgraph consumer does: the inbox claim makes a redelivery (an ack lost with the link) change nothing.
    handle: async (event) => {
      await orm.em.fork().transactional(async (em: EntityManager) => {
        if (await claimEvent(em, QUEUE, event.id, event.type)) received.push(event.id);
      });
    },
  });
});

afterAll(async () => {
  // Every step runs even if an earlier one fails, so a failed run still leaves the broker and server clean.
  const steps: Array<() => Promise<unknown>> = [
    async () => relay?.stop(),
    async () => bus?.close(),
    async () => link.cut(),
    async () => orm?.close(true),
    async () => dropDatabase(url),
    async () => {
      const connection = await connect(AMQP_URL);
      const channel = await connection.createChannel();
      for (const q of [QUEUE, deadLetterQueueName(QUEUE), ...[1, 2, 3, 4].map((n) => `${QUEUE}.retry.${n}`)]) await channel.deleteQueue(q);
      await channel.deleteExchange(exchangeFor(NS, PRODUCER, TYPE).name);
      await connection.close();
    },
  ];
  for (const step of steps) await step().catch(() => undefined);
});

async function recordEvents(n: number): Promise<string[]> {
  return orm.em.fork().transactional(async (em: EntityManager) => {
    const events = new EventRecorder(PRODUCER, em, { correlationId: 'broker-outage-test' });
    return Array.from({ length: n }, (_, i) => events.record(TYPE, { i }).id);
  });
}

describe('a broker outage', () => {
  it('delays events committed while RabbitMQ is unreachable, then every one is processed exactly once', async () => {
    const before = await recordEvents(3);
    await waitFor(() => before.every((id) => received.includes(id)), 10_000, 'the events sent before the outage');

    await link.cut();
    const during = await recordEvents(5);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(during.some((id) => received.includes(id))).toBe(false);
    const pending: Array<{ n: string }> = await orm.em.fork().execute('select count(*) as n from outbox_event where published_at is null');
    expect(Number(pending[0].n)).toBe(5);

    await link.open();
    await waitFor(() => during.every((id) => received.includes(id)), 30_000, 'the bus to reconnect and the relay to publish the backlog');
    await new Promise((r) => setTimeout(r, 500));
    for (const id of [...before, ...during]) expect(received.filter((r) => r === id)).toHaveLength(1);
  });
});
