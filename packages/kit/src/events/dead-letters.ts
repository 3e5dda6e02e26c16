import { connect, type Channel, type ChannelModel, type GetMessage } from 'amqplib';
import { EventHeaders } from './bus.js';
import { parseEnvelope } from './envelope.js';
import { deadLetterQueueName } from './topology.js';

/** One message parked in a dead-letter queue, as an operator needs to judge it. */
export interface DeadLetter {
  messageId: string | null;
  type: string | null;
  /** Why the bus gave up: the handler's last error, or why the message can never succeed. */
  reason: string | null;
  /** How many times a handler saw it (1 for a message dead-lettered at once). */
  attempts: number | null;
  failedAt: string | null;
  correlationId: string | null;
  /** The envelope's `data`, or the raw body when it is not an envelope. */
  data: unknown;
}

export interface DeadLetterListing {
  /** Messages in the DLQ (all of them, not only those listed). */
  count: number;
  letters: DeadLetter[];
}

/**
 * Headers that describe a past failure. A replayed message starts over: without them its first failure counts as
 * attempt 1 again, and the broker's own death records (from the delay queues) would only mislead.
 */
const FAILURE_HEADERS = new Set<string>([
  EventHeaders.attempt,
  EventHeaders.lastError,
  EventHeaders.failureReason,
  EventHeaders.failedAt,
  EventHeaders.originalQueue,
  'x-death',
  'x-first-death-exchange',
  'x-first-death-queue',
  'x-first-death-reason',
  'x-last-death-exchange',
  'x-last-death-queue',
  'x-last-death-reason',
]);

/** Shows up to `limit` dead letters of consumer queue `queue` without removing any. */
export async function listDeadLetters(amqpUrl: string, queue: string, limit = 50): Promise<DeadLetterListing> {
  return withConnection(amqpUrl, async (connection) => {
    const dlq = deadLetterQueueName(queue);
    const count = await depth(connection, dlq);
    if (count === null || count === 0) return { count: 0, letters: [] };
    // Taken with manual ack and never acked: closing the channel puts every one of them back, in order.
    const channel = await openChannel(connection);
    const letters: DeadLetter[] = [];
    try {
      while (letters.length < limit) {
        const message = await channel.get(dlq, { noAck: false });
        if (!message) break;
        letters.push(describe(message));
      }
    } finally {
      await channel.close().catch(() => undefined);
    }
    return { count, letters };
  });
}

/**
 * Moves dead letters of `queue` back to it (up to `limit`, default all of them), without their failure headers, and
 * returns how many moved. Each copy is confirmed by the broker before its dead letter is acked, so a crash in between
 * duplicates a message (the consumers' inbox absorbs that) and never loses one. Messages that fail again and come
 * back to the DLQ while this runs are not replayed a second time.
 */
export async function replayDeadLetters(amqpUrl: string, queue: string, options: { limit?: number } = {}): Promise<number> {
  return withConnection(amqpUrl, async (connection) => {
    const dlq = deadLetterQueueName(queue);
    const waiting = await depth(connection, dlq);
    if (waiting === null || waiting === 0) return 0;
    // With the consumer queue gone, the default exchange would drop the copies and still confirm them.
    if ((await depth(connection, queue)) === null) throw new Error(`queue ${queue} does not exist; start its consumer before replaying`);
    const budget = Math.min(waiting, options.limit ?? Infinity);

    const channel = await connection.createConfirmChannel();
    // A failure also rejects the pending operation, which is what reports it.
    channel.on('error', () => undefined);
    // Copies go out one at a time with `mandatory`: one the broker cannot route comes back as a return, which it
    // sends before that copy's confirm.
    let returned = false;
    channel.on('return', () => {
      returned = true;
    });
    let moved = 0;
    try {
      while (moved < budget) {
        const message = await channel.get(dlq, { noAck: false });
        if (!message) break;
        const p = message.properties;
        const headers = Object.fromEntries(Object.entries(p.headers ?? {}).filter(([key]) => !FAILURE_HEADERS.has(key)));
        returned = false;
        await new Promise<void>((resolve, reject) => {
          channel.sendToQueue(
            queue,
            message.content,
            {
              persistent: true,
              mandatory: true,
              contentType: p.contentType,
              messageId: p.messageId,
              type: p.type,
              correlationId: p.correlationId,
              timestamp: p.timestamp,
              headers,
            },
            (err: unknown) => (err ? reject(err instanceof Error ? err : new Error('the broker did not confirm the replayed message')) : resolve()),
          );
        });
        if (returned) {
          channel.nack(message, false, true);
          throw new Error(`queue ${queue} did not accept a replayed message; it stays in ${dlq}`);
        }
        channel.ack(message);
        moved++;
      }
    } finally {
      await channel.close().catch(() => undefined);
    }
    return moved;
  });
}

/** Deletes every dead letter of consumer queue `queue`; returns how many there were. */
export async function purgeDeadLetters(amqpUrl: string, queue: string): Promise<number> {
  return withConnection(amqpUrl, async (connection) => {
    const dlq = deadLetterQueueName(queue);
    if ((await depth(connection, dlq)) === null) return 0;
    const channel = await openChannel(connection);
    try {
      return (await channel.purgeQueue(dlq)).messageCount;
    } finally {
      await channel.close().catch(() => undefined);
    }
  });
}

async function withConnection<T>(amqpUrl: string, fn: (connection: ChannelModel) => Promise<T>): Promise<T> {
  const connection = await connect(amqpUrl);
  connection.on('error', () => undefined);
  try {
    return await fn(connection);
  } finally {
    await connection.close().catch(() => undefined);
  }
}

async function openChannel(connection: ChannelModel): Promise<Channel> {
  const channel = await connection.createChannel();
  // A failed operation closes the channel and also emits 'error'; the rejected promise already reports it.
  channel.on('error', () => undefined);
  return channel;
}

/** Ready messages in `queue`, or null when it does not exist (nothing was ever dead-lettered there). */
async function depth(connection: ChannelModel, queue: string): Promise<number | null> {
  // A missing queue makes the broker close the channel, so the probe gets one of its own.
  const channel = await openChannel(connection);
  try {
    return (await channel.checkQueue(queue)).messageCount;
  } catch (err) {
    if ((err as { code?: number }).code === 404) return null;
    throw err;
  } finally {
    await channel.close().catch(() => undefined);
  }
}

function describe(message: GetMessage): DeadLetter {
  const p = message.properties;
  const headers = (p.headers ?? {}) as Record<string, unknown>;
  const parsed = parseEnvelope(message.content);
  const envelope = typeof parsed === 'string' ? null : parsed;
  const attempts = Number(headerText(headers[EventHeaders.attempt]));
  return {
    messageId: (p.messageId as string | undefined) ?? envelope?.id ?? null,
    type: (p.type as string | undefined) ?? envelope?.type ?? null,
    reason: headerText(headers[EventHeaders.failureReason]),
    attempts: Number.isFinite(attempts) && attempts > 0 ? attempts : null,
    failedAt: headerText(headers[EventHeaders.failedAt]),
    correlationId: (p.correlationId as string | undefined) ?? envelope?.correlationId ?? null,
    data: envelope ? envelope.data : message.content.toString('utf8'),
  };
}

/** Header values arrive as strings, numbers or (for byte arrays) Buffers. */
function headerText(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  return String(value);
}
