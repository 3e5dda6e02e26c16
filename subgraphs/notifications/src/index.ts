import 'reflect-metadata';
import { startSubgraph, runtimeOptions, type RunningSubgraph, type SubgraphDefinition } from '@jobgraph/kit';
import { entities } from './entities/index.js';
import { migrations } from './migrations/index.js';
import { consumers } from './events/consumers.js';
import { NotificationSettingsResolver, UserNotificationsResolver, references } from './graphql/notification-resolver.js';
import { UserRef } from './graphql/types.js';
import { closeNotificationsServices, createNotificationsServices, type NotificationsServices } from './services/index.js';
import { loadNotificationsConfig, notificationsEnv, type NotificationsConfig } from './config.js';

export { loadNotificationsConfig, notificationsEnv, type NotificationsConfig, type NotificationsServices };
export { entities as notificationsEntities } from './entities/index.js';
export { migrations as notificationsMigrations } from './migrations/index.js';
export * from './domain/kinds.js';
export * from './domain/escape-html.js';
export * from './domain/templates.js';
export * as consumedEvents from './events/consumed.js';

/** The notifications subgraph: in-app notifications and the emails that go with them, from other domains' events. */
export function notificationsSubgraph(config: NotificationsConfig): SubgraphDefinition<NotificationsServices> {
  return {
    name: 'notifications',
    resolvers: [UserNotificationsResolver, NotificationSettingsResolver],
    // Only the router's `_entities` reaches User here: no query of this subgraph returns one.
    orphanedTypes: [UserRef],
    references,
    // Served live by the router: it hears `notificationAdded:<user id>` on Redis and loads `notification(id)`.
    subscriptions: `
"""Live updates over graphql-ws at the router's /graphql."""
type Subscription {
  """Each new notification of the signed-in user, as it is stored."""
  notificationAdded: Notification! @authenticated
}`,
    entities,
    migrations,
    consumers,
    services: (infra) => createNotificationsServices(config, infra),
    close: closeNotificationsServices,
  };
}

export function startNotifications(config: NotificationsConfig, overrides: { port?: number; databaseUrl?: string } = {}): Promise<RunningSubgraph<NotificationsServices>> {
  return startSubgraph(notificationsSubgraph(config), runtimeOptions('notifications', config, overrides));
}
