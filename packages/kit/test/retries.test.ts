import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type ConsumeMessage } from 'amqplib';
import {
  EventBus,
  EventHeaders,
  PermanentEventError,
  createLogger,
  deadLetterQueueName,
  listDeadLetters,
  makeEnvelope,
  purgeDeadLetters,
  replayDeadLetters,
  retryQueueName,
  type EventEnvelope,
  type ExchangeSpec,
} from '@jobgraph/kit';
import { waitFor } from '@jobgraph/kit/testing';

const AMQP_URL = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
// Names of this run's own, so nothing here meets a running stack's (or another run's) queues.
const NS = `kittest-${randomBytes(4).toString('hex')}`;
const PRODUCER = 'retries';
const TYPE = 'thing.happened';
const exchange: ExchangeSpec = { name: `${NS}.${PRODUCER}`, type: 'direct' };
const RETRY_DELAYS_MS = [50, 100];

const log = createLogger('test', 'silent');
let bus: EventBus;
const queues: string[] = [];

beforeAll(async () => {
  bus = await EventBus.connect(AMQP_URL, log);
});

afterAll(async () => {
  await bus?.close();
  const connection = await connect(AMQP_URL);
  try {
    const channel = await connection.createChannel();
    for (const queue of queues) {
      for (const name of [queue, deadLetterQueueName(queue), ...RETRY_DELAYS_MS.map((_, i) => retryQueueName(queue, i))]) await channel.deleteQueue(name);
    }
    await channel.deleteExchange(exchange.name);
  } finally {
    await connection.close();
  }
});

/** A consumer on a queue of its own (one per test), bound to this run's exchange. */
async function consumer(name: string, handle: (event: EventEnvelope, message: ConsumeMessage) => Promise<void>): Promise<string> {
  const queue = `${NS}.test.${name}`;
  queues.push(queue);
  // Each queue gets its own routing key too, so an event reaches exactly one test's consumer.
  await bus.consume({ queue, bindings: [{ exchange, routingKey: `${TYPE}.${name}` }], retryDelaysMs: RETRY_DELAYS_MS, handle });
  return queue;
}

async function publish(name: string, data: Record<string, unknown>): Promise<EventEnvelope> {
  const event = makeEnvelope(PRODUCER, `${TYPE}.${name}`, data, { correlationId: `corr-${name}-${randomBytes(3).toString('hex')}` });
  await bus.publish(exchange, event);
  return event;
}

/** Ready messages in each of a consumer's queues: its own, its delay queues and its DLQ. */
async function depths(queue: string): Promise<Record<string, number>> {
  const connection = await connect(AMQP_URL);
  try {
    const channel = await connection.createChannel();
    const names = [queue, ...RETRY_DELAYS_MS.map((_, i) => retryQueueName(queue, i)), deadLetterQueueName(queue)];
    const counts: Record<string, number> = {};
    for (const name of names) counts[name] = (await channel.checkQueue(name)).messageCount;
    return counts;
  } finally {
    await connection.close();
  }
}

const emptyQueues = (queue: string, dlq = 0) => ({
  [queue]: 0,
  ...Object.fromEntries(RETRY_DELAYS_MS.map((_, i) => [retryQueueName(queue, i), 0])),
  [deadLetterQueueName(queue)]: dlq,
});

const attemptOf = (message: ConsumeMessage): number => Number(message.properties.headers?.[EventHeaders.attempt] ?? 1);

describe('event retries and dead letters', () => {
  it('processes a message once after its handler failed twice, waiting longer before each retry', async () => {
    const seen: { attempt: number; at: number }[] = [];
    let processed = 0;
    const queue = await consumer('flaky', async (_event, message) => {
      seen.push({ attempt: attemptOf(message), at: Date.now() });
      if (seen.length <= 2) throw new Error(`flaky failure ${seen.length}`);
      processed++;
    });
    await publish('flaky', { n: 1 });

    await waitFor(() => processed === 1, 10_000, 'the third attempt to succeed');
    await new Promise((r) => setTimeout(r, 300));
    expect(processed).toBe(1);
    expect(seen.map((s) => s.attempt)).toEqual([1, 2, 3]);
    const gaps = [seen[1].at - seen[0].at, seen[2].at - seen[1].at];
    // Each retry waits at least its delay queue's TTL (50 ms, then 100 ms); a few ms of timer slack are allowed.
    expect(gaps[0]).toBeGreaterThanOrEqual(RETRY_DELAYS_MS[0] - 5);
    expect(gaps[1]).toBeGreaterThanOrEqual(RETRY_DELAYS_MS[1] - 5);
    expect(gaps[1]).toBeGreaterThan(gaps[0]);
    expect(await depths(queue)).toEqual(emptyQueues(queue));
  });

  it('parks a message that always fails in the DLQ after its last retry, with the last error as the reason', async () => {
    let calls = 0;
    const queue = await consumer('broken', async () => {
      calls++;
      throw new Error(`database said no (call ${calls})`);
    });
    const event = await publish('broken', { n: 2 });

    const listing = await waitFor(async () => {
      const l = await listDeadLetters(AMQP_URL, queue);
      return l.count === 1 ? l : null;
    }, 10_000, 'the message in the DLQ');
    expect(calls).toBe(3);
    expect(listing.letters).toEqual([
      {
        messageId: event.id,
        type: event.type,
        reason: 'database said no (call 3)',
        attempts: 3,
        failedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        correlationId: event.correlationId,
        data: { n: 2 },
      },
    ]);
    // Listing leaves it where it was, and nothing waits in the main or delay queues.
    expect(await depths(queue)).toEqual(emptyQueues(queue, 1));
    expect(calls).toBe(3);
  });

  it('sends a message that can never succeed to the DLQ at once, without retrying it', async () => {
    let calls = 0;
    const queue = await consumer('permanent', async () => {
      calls++;
      throw new PermanentEventError('thing.happened version 7 is not supported');
    });
    await publish('permanent', { n: 3 });

    const listing = await waitFor(async () => {
      const l = await listDeadLetters(AMQP_URL, queue);
      return l.count === 1 ? l : null;
    }, 10_000, 'the message in the DLQ');
    expect(listing.letters[0]).toMatchObject({ reason: 'thing.happened version 7 is not supported', attempts: 1 });
    await new Promise((r) => setTimeout(r, 250));
    expect(calls).toBe(1);
    expect(await depths(queue)).toEqual(emptyQueues(queue, 1));
  });

  it('sends a body that is not an event to the DLQ as malformed, without calling the handler', async () => {
    let calls = 0;
    const queue = await consumer('garbage', async () => {
      calls++;
    });
    const connection = await connect(AMQP_URL);
    try {
      const channel = await connection.createConfirmChannel();
      channel.publish(exchange.name, `${TYPE}.garbage`, Buffer.from('{"id": not json'), { persistent: true });
      await channel.waitForConfirms();
    } finally {
      await connection.close();
    }

    const listing = await waitFor(async () => {
      const l = await listDeadLetters(AMQP_URL, queue);
      return l.count === 1 ? l : null;
    }, 10_000, 'the message in the DLQ');
    expect(listing.letters[0]).toMatchObject({ reason: expect.stringMatching(/malformed/), attempts: 1, data: '{"id": not json' });
    expect(calls).toBe(0);
  });

  it('replays a dead letter once the handler is fixed: handled exactly once, as a first attempt, and the DLQ is empty', async () => {
    let fixed = false;
    const handled: { id: string; attempt: number }[] = [];
    const queue = await consumer('replay', async (received, message) => {
      if (!fixed) throw new Error('downstream bug');
      handled.push({ id: received.id, attempt: attemptOf(message) });
    });
    const event = await publish('replay', { n: 5 });
    await waitFor(async () => (await listDeadLetters(AMQP_URL, queue)).count === 1, 10_000, 'the message in the DLQ');

    fixed = true;
    expect(await replayDeadLetters(AMQP_URL, queue)).toBe(1);

    await waitFor(() => handled.length === 1, 10_000, 'the replayed message to be handled');
    await new Promise((r) => setTimeout(r, 300));
    expect(handled).toEqual([{ id: event.id, attempt: 1 }]);
    expect(await listDeadLetters(AMQP_URL, queue)).toEqual({ count: 0, letters: [] });
    expect(await depths(queue)).toEqual(emptyQueues(queue));
  });

  it('purges dead letters, and lists them as often as asked without removing any before that', async () => {
    const queue = await consumer('purge', async () => {
      throw new PermanentEventError('never');
    });
    await publish('purge', { n: 6 });
    await publish('purge', { n: 7 });
    await waitFor(async () => (await listDeadLetters(AMQP_URL, queue)).count === 2, 10_000, 'both messages in the DLQ');

    const first = await listDeadLetters(AMQP_URL, queue, 1);
    expect(first.count).toBe(2);
    expect(first.letters).toHaveLength(1);
    const again = await listDeadLetters(AMQP_URL, queue);
    expect(again.letters.map((l) => l.data)).toEqual([{ n: 6 }, { n: 7 }]);

    expect(await purgeDeadLetters(AMQP_URL, queue)).toBe(2);
    expect(await listDeadLetters(AMQP_URL, queue)).toEqual({ count: 0, letters: [] });
    expect(await purgeDeadLetters(AMQP_URL, queue)).toBe(0);
  });

  it('reports no dead letters for a queue that was never declared, and creates nothing', async () => {
    const queue = `${NS}.test.never-declared`;
    expect(await listDeadLetters(AMQP_URL, queue)).toEqual({ count: 0, letters: [] });
    expect(await replayDeadLetters(AMQP_URL, queue)).toBe(0);
    expect(await purgeDeadLetters(AMQP_URL, queue)).toBe(0);
    const connection = await connect(AMQP_URL);
    try {
      const channel = await connection.createChannel();
      channel.on('error', () => undefined);
      await expect(channel.checkQueue(deadLetterQueueName(queue))).rejects.toMatchObject({ code: 404 });
    } finally {
      await connection.close().catch(() => undefined);
    }
  });
});
