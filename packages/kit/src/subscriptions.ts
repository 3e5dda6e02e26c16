import type { Redis } from 'ioredis';

/**
 * Live subscriptions, the subgraph's half. A subgraph declares subscription fields in SDL
 * (`SubgraphDefinition.subscriptions`) but never executes them: after a change commits it publishes the id of
 * the new entity on a Redis channel, and the router (router/src/plugins/subscriptions.ts) resolves the
 * subscriber's whole selection for that id through the supergraph. The conventions both halves share:
 * - channel: `<REDIS_PREFIX>subscriptions:<field>:<key>`, where key is the recipient's user id for a field
 *   without arguments (`notificationAdded`: "mine"), else the arguments' values joined by `:` in declared order;
 * - message: `{ "id": "<id>" }` of an entity of the field's type T, loadable with the query field
 *   `<lowerCamel T>(id: ID!)` (e.g. `notification(id)`), which decides who may see it.
 */
export function subscriptionChannel(prefix: string, field: string, key: string): string {
  return `${prefix}subscriptions:${field}:${key}`;
}

export async function publishSubscriptionEvent(redis: Redis, prefix: string, field: string, key: string, id: string): Promise<void> {
  await redis.publish(subscriptionChannel(prefix, field, key), JSON.stringify({ id }));
}
