import 'reflect-metadata';
import { startSubgraph, runtimeOptions, type RunningSubgraph, type SubgraphDefinition } from '@jobgraph/kit';
import { entities } from './entities/index.js';
import { migrations } from './migrations/index.js';
import { consumers } from './events/consumers.js';
import { SellerProfileResolver, UserProfilesResolver, references, type UsersServices } from './graphql/profile-resolver.js';
import { loadUsersConfig, usersEnv, type UsersConfig } from './config.js';

export { loadUsersConfig, usersEnv, type UsersConfig, type UsersServices };
export { entities as usersEntities } from './entities/index.js';
export { migrations as usersMigrations } from './migrations/index.js';
export * from './domain/seller-profile-rules.js';
export * from './domain/seller-stats.js';

/** The users subgraph: buyer and seller profiles, joined onto auth's User. */
export function usersSubgraph(config: UsersConfig): SubgraphDefinition<UsersServices> {
  return {
    name: 'users',
    resolvers: [UserProfilesResolver, SellerProfileResolver],
    references,
    entities,
    migrations,
    consumers,
    services: () => ({ config }),
  };
}

export function startUsers(config: UsersConfig, overrides: { port?: number; databaseUrl?: string } = {}): Promise<RunningSubgraph<UsersServices>> {
  return startSubgraph(usersSubgraph(config), runtimeOptions('users', config, overrides));
}
