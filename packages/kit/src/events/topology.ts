/**
 * RabbitMQ topology, declared in one place (DESIGN.md §3): one durable direct exchange per producing domain,
 * routing key = event type; events with several independent consumers go out on a fanout exchange.
 */
export const FANOUT_EVENTS = new Set(['review.created', 'review.hidden']);

export interface ExchangeSpec {
  name: string;
  type: 'direct' | 'fanout';
}

export function exchangeFor(producer: string, eventType: string): ExchangeSpec {
  if (FANOUT_EVENTS.has(eventType)) return { name: `jobgraph.${eventType}`, type: 'fanout' };
  return { name: `jobgraph.${producer}`, type: 'direct' };
}

/** The queue a consumer reads from: `<consuming service>.<consumer name>`; its dead letters go to `<queue>.dlq`. */
export const queueName = (service: string, consumer: string): string => `${service}.${consumer}`;
export const deadLetterQueueName = (queue: string): string => `${queue}.dlq`;
