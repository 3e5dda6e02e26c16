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
  /** Resolves when the message is fully processed (then it is acked); throws to have it retried or dead-lettered. */
  handle: (event: EventEnvelope, message: ConsumeMessage) => Promise<void>;
}

const DEFAULT_PREFETCH = 16;

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
    const event = parseEnvelope(message.content);
    if (typeof event === 'string') {
      // A malformed message can never succeed: dead-letter it at once instead of looping on it.
      this.log.error({ queue: spec.queue, reason: event }, 'malformed event sent to the dead-letter queue');
      channel.nack(message, false, false);
      return;
    }
    this.inFlight++;
    try {
      await spec.handle(event, message);
      channel.ack(message);
    } catch (err) {
      // One immediate redelivery covers a passing fault; a second failure parks the message in the DLQ.
      const requeue = !message.fields.redelivered && !this.closing;
      this.log.error({ err, queue: spec.queue, eventId: event.id, type: event.type, requeue }, 'event handler failed');
      try {
        channel.nack(message, false, requeue);
      } catch {
        // The channel is gone; the broker redelivers the unacked message to the next consumer.
      }
    } finally {
      this.inFlight--;
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
