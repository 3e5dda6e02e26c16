import { authSubgraph, loadAuthConfig, startAuth, type AuthConfig } from '@jobgraph/auth';
import { usersSubgraph, loadUsersConfig, startUsers, type UsersConfig } from '@jobgraph/users';
import { gigsSubgraph, loadGigsConfig, startGigs, type GigsConfig } from '@jobgraph/gigs';
import { notificationsSubgraph, loadNotificationsConfig, startNotifications, type NotificationsConfig } from '@jobgraph/notifications';
import { ordersSubgraph, loadOrdersConfig, startOrders, type OrdersConfig } from '@jobgraph/orders';
import { reviewsSubgraph, loadReviewsConfig, startReviews, type ReviewsConfig } from '@jobgraph/reviews';
import { chatSubgraph, loadChatConfig, startChat, type ChatConfig } from '@jobgraph/chat';
import type { RunningSubgraph, SubgraphDefinition } from '@jobgraph/kit';

type Env = Record<string, string | undefined>;

/**
 * The one list of subgraphs: composition, the launcher, tests and benchmarks all read it.
 * `defaultPort` is also the URL written into the checked-in supergraph.
 */
export const SUBGRAPHS = [
  {
    name: 'auth',
    defaultPort: 4001,
    definition: (env: Env): SubgraphDefinition<unknown> => authSubgraph(loadAuthConfig(env)) as SubgraphDefinition<unknown>,
    start: (env: Env, o: { port?: number; databaseUrl?: string }): Promise<RunningSubgraph<unknown>> => startAuth(loadAuthConfig(env) as AuthConfig, o),
  },
  {
    name: 'users',
    defaultPort: 4002,
    definition: (env: Env): SubgraphDefinition<unknown> => usersSubgraph(loadUsersConfig(env)) as SubgraphDefinition<unknown>,
    start: (env: Env, o: { port?: number; databaseUrl?: string }): Promise<RunningSubgraph<unknown>> => startUsers(loadUsersConfig(env) as UsersConfig, o),
  },
  {
    name: 'gigs',
    defaultPort: 4003,
    definition: (env: Env): SubgraphDefinition<unknown> => gigsSubgraph(loadGigsConfig(env)) as SubgraphDefinition<unknown>,
    start: (env: Env, o: { port?: number; databaseUrl?: string }): Promise<RunningSubgraph<unknown>> => startGigs(loadGigsConfig(env) as GigsConfig, o),
  },
  {
    name: 'notifications',
    defaultPort: 4004,
    definition: (env: Env): SubgraphDefinition<unknown> => notificationsSubgraph(loadNotificationsConfig(env)) as SubgraphDefinition<unknown>,
    start: (env: Env, o: { port?: number; databaseUrl?: string }): Promise<RunningSubgraph<unknown>> =>
      startNotifications(loadNotificationsConfig(env) as NotificationsConfig, o),
  },
  {
    name: 'orders',
    defaultPort: 4005,
    definition: (env: Env): SubgraphDefinition<unknown> => ordersSubgraph(loadOrdersConfig(env)) as SubgraphDefinition<unknown>,
    start: (env: Env, o: { port?: number; databaseUrl?: string }): Promise<RunningSubgraph<unknown>> => startOrders(loadOrdersConfig(env) as OrdersConfig, o),
  },
  {
    name: 'chat',
    defaultPort: 4006,
    definition: (env: Env): SubgraphDefinition<unknown> => chatSubgraph(loadChatConfig(env)) as SubgraphDefinition<unknown>,
    start: (env: Env, o: { port?: number; databaseUrl?: string }): Promise<RunningSubgraph<unknown>> => startChat(loadChatConfig(env) as ChatConfig, o),
  },
  {
    name: 'reviews',
    defaultPort: 4007,
    definition: (env: Env): SubgraphDefinition<unknown> => reviewsSubgraph(loadReviewsConfig(env)) as SubgraphDefinition<unknown>,
    start: (env: Env, o: { port?: number; databaseUrl?: string }): Promise<RunningSubgraph<unknown>> => startReviews(loadReviewsConfig(env) as ReviewsConfig, o),
  },
] as const;
