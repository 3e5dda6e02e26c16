import { connect } from 'amqplib';
import { Redis } from 'ioredis';
import type { EventEnvelope } from '../events/envelope.js';
import { DEFAULT_EVENTS_NAMESPACE, exchangeFor } from '../events/topology.js';

/** Polls `probe` until it returns a value other than undefined/null/false, or fails after `timeoutMs`. */
export async function waitFor<T>(probe: () => Promise<T | null | undefined | false> | T | null | undefined | false, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface EventTap {
  events: EventEnvelope[];
  /** The first event matching `match` (waits for it). */
  next(match: (e: EventEnvelope) => boolean, timeoutMs?: number): Promise<EventEnvelope>;
  close(): Promise<void>;
}

/** Listens to `producer`'s events of `types` on a private, auto-deleted queue, as a test observer. */
export async function tapEvents(amqpUrl: string, producer: string, types: string[], namespace = DEFAULT_EVENTS_NAMESPACE): Promise<EventTap> {
  const connection = await connect(amqpUrl);
  const channel = await connection.createChannel();
  const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true });
  for (const type of types) {
    const exchange = exchangeFor(namespace, producer, type);
    await channel.assertExchange(exchange.name, exchange.type, { durable: true });
    await channel.bindQueue(queue, exchange.name, exchange.type === 'fanout' ? '' : type);
  }
  const events: EventEnvelope[] = [];
  await channel.consume(queue, (m) => {
    if (m) events.push(JSON.parse(m.content.toString('utf8')) as EventEnvelope);
  }, { noAck: true });
  return {
    events,
    next: (match, timeoutMs = 10_000) => waitFor(() => events.find(match), timeoutMs, `an event from ${producer}`),
    async close() {
      await connection.close();
    },
  };
}

/** Deletes a test run's exchanges and queues (pass RunningSubgraph.eventQueues), so runs leave the broker clean. */
export async function removeEventTopology(amqpUrl: string, exchanges: string[], queues: string[]): Promise<void> {
  const connection = await connect(amqpUrl);
  try {
    const channel = await connection.createChannel();
    for (const queue of queues) await channel.deleteQueue(queue);
    for (const exchange of exchanges) await channel.deleteExchange(exchange);
  } finally {
    await connection.close();
  }
}

/** Deletes a test run's Redis keys (everything under `prefix`). */
export async function removeRedisKeys(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
