/**
 * RabbitMQ topology, declared in one place (DESIGN.md §3): one durable direct exchange per producing domain,
 * routing key = event type; events with several independent consumers go out on a fanout exchange.
 */
export const FANOUT_EVENTS = new Set(['review.created', 'review.hidden']);

export interface ExchangeSpec {
  name: string;
  type: 'direct' | 'fanout';
}

export const DEFAULT_EVENTS_NAMESPACE = 'jobgraph';

/** `<namespace>.<producer>` (direct), or `<namespace>.<event type>` (fanout). */
export function exchangeFor(namespace: string, producer: string, eventType: string): ExchangeSpec {
  if (FANOUT_EVENTS.has(eventType)) return { name: `${namespace}.${eventType}`, type: 'fanout' };
  return { name: `${namespace}.${producer}`, type: 'direct' };
}

/** The queue a consumer reads from: `<namespace>.<consuming service>.<consumer name>`; dead letters go to `<queue>.dlq`. */
export const queueName = (namespace: string, service: string, consumer: string): string => `${namespace}.${service}.${consumer}`;
export const deadLetterQueueName = (queue: string): string => `${queue}.dlq`;
