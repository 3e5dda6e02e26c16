import { connect, type ChannelModel, type ConfirmChannel, type ConsumeMessage, type RecoveringChannelModel } from 'amqplib';
import type { Logger } from '../logger.js';
import { parseEnvelope, type EventEnvelope } from './envelope.js';
import { deadLetterQueueName, type ExchangeSpec } from './topology.js';

export interface Binding {
  exchange: ExchangeSpec;
  routingKey: string;
}

export interface ConsumerSpec {
  queue: string;
  bindings: Binding[];
  /** How many unacknowledged messages this consumer holds at most. */
  prefetch?: number;
  /** Waits before each retry of a failed message; after the last one it goes to `<queue>.dlq`. */
  retryDelaysMs?: number[];
  /**
   * Resolves when the message is fully processed (then it is acked); throws to have it retried, or throws a
   * PermanentEventError to send it straight to the dead-letter queue.
   */
  handle: (event: EventEnvelope, message: ConsumeMessage) => Promise<void>;
}

/** A message that can never succeed (malformed, unknown type or version): no retry, straight to the DLQ. */
export class PermanentEventError extends Error {
  override name = 'PermanentEventError';
}

const DEFAULT_PREFETCH = 16;
/** 1 s, 5 s, 30 s, 2 min: covers a restarting dependency without hammering it; then the DLQ. */
export const DEFAULT_RETRY_DELAYS_MS = [1_000, 5_000, 30_000, 120_000];

/** Headers the bus writes on retried and dead-lettered messages. */
export const EventHeaders = {
  attempt: 'x-attempt',
  lastError: 'x-last-error',
  failureReason: 'x-failure-reason',
  failedAt: 'x-failed-at',
  originalQueue: 'x-original-queue',
} as const;

/** The queue holding messages that wait `delays[i]` before going back to `queue`. */
export const retryQueueName = (queue: string, index: number): string => `${queue}.retry.${index + 1}`;

/** Outcomes a consumer reports, for metrics. */
export type ConsumeOutcome = 'processed' | 'retried' | 'dead_lettered';
export type BusObserver = {
  published?: (exchange: string, type: string) => void;
  consumed?: (queue: string, type: string, outcome: ConsumeOutcome) => void;
};

/**
 * Durable publish (publisher confirms, persistent messages) and consume (manual acks, bounded prefetch) on one
 * AMQP connection that reconnects by itself; channels and consumers are re-created after every reconnect.
 */
export class EventBus {
  private publishChannel: ConfirmChannel | null = null;
  private readonly consumers: ConsumerSpec[] = [];
  private readonly declared = new Set<string>();
  private model: ChannelModel | null = null;
  private readonly active: { channel: { cancel(tag: string): Promise<unknown> }; tag: string }[] = [];
  private inFlight = 0;
  private closing = false;

  /** Hooks for metrics; set by whoever owns the bus. */
  observer: BusObserver = {};

  private constructor(
    private readonly connection: RecoveringChannelModel,
    private readonly log: Logger,
  ) {}

  static async connect(url: string, log: Logger): Promise<EventBus> {
    let bus: EventBus | null = null;
    const connection = await connect(url, {
      recovery: {
        initialMaxRetries: 3,
        maxDelay: 5_000,
        setup: async (model: ChannelModel) => {
          if (bus) await bus.setup(model);
        },
        waitForConnect: false,
      },
    });
    bus = new EventBus(connection, log);
    connection.on('disconnect', (err: Error) => log.warn({ err: err.message }, 'AMQP connection lost; reconnecting'));
    connection.on('connect', () => log.debug('AMQP connected'));
    connection.on('error', (err: Error) => log.warn({ err: err.message }, 'AMQP error'));
    await (connection as unknown as { waitForConnect(): Promise<void> }).waitForConnect();
    if (!bus.model) throw new Error('AMQP connection did not come up');
    return bus;
  }

  get connected(): boolean {
    return this.publishChannel !== null;
  }

  private async setup(model: ChannelModel): Promise<void> {
    this.model = model;
    this.active.length = 0;
    this.declared.clear();
    const channel = await model.createConfirmChannel();
    channel.on('close', () => {
      if (this.publishChannel === channel) this.publishChannel = null;
    });
    channel.on('error', (err: Error) => this.log.warn({ err: err.message }, 'AMQP publish channel error'));
    this.publishChannel = channel;
    for (const spec of this.consumers) await this.startConsumer(model, spec);
  }

  private async declareExchange(channel: ConfirmChannel, exchange: ExchangeSpec): Promise<void> {
    if (this.declared.has(exchange.name)) return;
    await channel.assertExchange(exchange.name, exchange.type, { durable: true });
    this.declared.add(exchange.name);
  }

  /** Resolves once the broker has confirmed the message is stored; rejects otherwise. */
  async publish(exchange: ExchangeSpec, event: EventEnvelope): Promise<void> {
    const channel = this.publishChannel;
    if (!channel) throw new Error('AMQP is not connected');
    await this.declareExchange(channel, exchange);
    const routingKey = exchange.type === 'fanout' ? '' : event.type;
    await new Promise<void>((resolve, reject) => {
      channel.publish(
        exchange.name,
        routingKey,
        Buffer.from(JSON.stringify(event)),
        {
          persistent: true,
          contentType: 'application/json',
          messageId: event.id,
          type: event.type,
          correlationId: event.correlationId,
          timestamp: Math.floor(Date.parse(event.occurredAt) / 1000),
        },
        (err: unknown) => (err ? reject(err instanceof Error ? err : new Error('message was not confirmed')) : resolve()),
      );
    });
    this.observer.published?.(exchange.name, event.type);
  }

  /**
   * Publishes several events and waits for all their confirms together, instead of one round trip per event (what
   * kept the outbox relay at ~25 events/s under load; bench/README.md). Exchanges are declared first, in order, so
   * the events leave in the order given.
   */
  async publishAll(items: Array<{ exchange: ExchangeSpec; event: EventEnvelope }>): Promise<void> {
    const channel = this.publishChannel;
    if (!channel) throw new Error('AMQP is not connected');
    for (const { exchange } of items) await this.declareExchange(channel, exchange);
    await Promise.all(items.map(({ exchange, event }) => this.publish(exchange, event)));
  }

  /** Puts a copy of `message` on `queue` (default exchange) and waits for the broker's confirm. */
  private async sendCopy(queue: string, message: ConsumeMessage, headers: Record<string, unknown>): Promise<void> {
    const channel = this.publishChannel;
    if (!channel) throw new Error('AMQP is not connected');
    const p = message.properties;
    await new Promise<void>((resolve, reject) => {
      channel.sendToQueue(
        queue,
        message.content,
        {
          persistent: true,
          contentType: p.contentType,
          messageId: p.messageId,
          type: p.type,
          correlationId: p.correlationId,
          timestamp: p.timestamp,
          headers: { ...(p.headers ?? {}), ...headers },
        },
        (err: unknown) => (err ? reject(err instanceof Error ? err : new Error('message was not confirmed')) : resolve()),
      );
    });
  }

  async consume(spec: ConsumerSpec): Promise<void> {
    this.consumers.push(spec);
    if (this.model) await this.startConsumer(this.model, spec);
  }

  private async startConsumer(model: ChannelModel, spec: ConsumerSpec): Promise<void> {
    const channel = await model.createChannel();
    channel.on('error', (err: Error) => this.log.warn({ err: err.message, queue: spec.queue }, 'AMQP consumer channel error'));
    await channel.prefetch(spec.prefetch ?? DEFAULT_PREFETCH);
    const dlq = deadLetterQueueName(spec.queue);
    await channel.assertQueue(dlq, { durable: true });
    await channel.assertQueue(spec.queue, {
      durable: true,
      deadLetterExchange: '',
      deadLetterRoutingKey: dlq,
    });
    // Delay queues: a failed message waits in `<queue>.retry.<n>` for its TTL, then the broker moves it back.
    const delays = spec.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
    for (const [i, delay] of delays.entries()) {
      await channel.assertQueue(retryQueueName(spec.queue, i), {
        durable: true,
        messageTtl: delay,
        deadLetterExchange: '',
        deadLetterRoutingKey: spec.queue,
      });
    }
    for (const binding of spec.bindings) {
      await channel.assertExchange(binding.exchange.name, binding.exchange.type, { durable: true });
      await channel.bindQueue(spec.queue, binding.exchange.name, binding.exchange.type === 'fanout' ? '' : binding.routingKey);
    }
    const { consumerTag } = await channel.consume(spec.queue, (message) => {
      if (!message) return;
      void this.deliver(channel, spec, message);
    });
    this.active.push({ channel, tag: consumerTag });
  }

  private async deliver(channel: { ack(m: ConsumeMessage): void; nack(m: ConsumeMessage, all?: boolean, requeue?: boolean): void }, spec: ConsumerSpec, message: ConsumeMessage): Promise<void> {
    this.inFlight++;
    const parsed = parseEnvelope(message.content);
    const type = typeof parsed === 'string' ? 'malformed' : parsed.type;
    try {
      if (typeof parsed === 'string') throw new PermanentEventError(`malformed message: ${parsed}`);
      await spec.handle(parsed, message);
      channel.ack(message);
      this.observer.consumed?.(spec.queue, type, 'processed');
    } catch (err) {
      await this.fail(channel, spec, message, type, err);
    } finally {
      this.inFlight--;
    }
  }

  /**
   * A failed message is copied to its next delay queue, or after the last one (or at once, when it can never
   * succeed) to the DLQ with the reason; the original is acked only after the broker confirmed the copy, so a
   * crash in between duplicates it (the inbox absorbs that) and never loses it.
   */
  private async fail(channel: { ack(m: ConsumeMessage): void; nack(m: ConsumeMessage, all?: boolean, requeue?: boolean): void }, spec: ConsumerSpec, message: ConsumeMessage, type: string, err: unknown): Promise<void> {
    const reason = err instanceof Error ? err.message : String(err);
    const attempt = Number(message.properties.headers?.[EventHeaders.attempt] ?? 1);
    const delays = spec.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
    const permanent = err instanceof PermanentEventError;
    const retry = !permanent && attempt <= delays.length;
    try {
      if (retry) {
        this.log.warn({ queue: spec.queue, type, attempt, reason, retryInMs: delays[attempt - 1] }, 'event handler failed; will retry');
        await this.sendCopy(retryQueueName(spec.queue, attempt - 1), message, { [EventHeaders.attempt]: attempt + 1, [EventHeaders.lastError]: reason.slice(0, 500) });
      } else {
        this.log.error({ queue: spec.queue, type, attempt, reason }, 'event dead-lettered');
        await this.sendCopy(deadLetterQueueName(spec.queue), message, {
          [EventHeaders.attempt]: attempt,
          [EventHeaders.failureReason]: reason.slice(0, 1000),
          [EventHeaders.failedAt]: new Date().toISOString(),
          [EventHeaders.originalQueue]: spec.queue,
        });
      }
      channel.ack(message);
      this.observer.consumed?.(spec.queue, type, retry ? 'retried' : 'dead_lettered');
    } catch (sendError) {
      // The copy could not be stored: leave the message to the broker, which redelivers it.
      this.log.warn({ queue: spec.queue, err: (sendError as Error).message }, 'could not park a failed event; returning it to the queue');
      try {
        channel.nack(message, false, true);
      } catch {
        // The channel is gone; the broker redelivers the unacked message to the next consumer.
      }
    }
  }

  /** Stops taking messages, lets in-flight handlers finish (up to `graceMs`), then closes the connection. */
  async close(graceMs = 5_000): Promise<void> {
    this.closing = true;
    // Stop deliveries first; messages prefetched but not started go back to the queue when the channel closes.
    await Promise.all(this.active.map(({ channel, tag }) => channel.cancel(tag).catch(() => undefined)));
    const deadline = Date.now() + graceMs;
    while (this.inFlight > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    try {
      await this.connection.close();
    } catch {
      // already closed
    }
  }
}
