import 'reflect-metadata';
import type { Express } from 'express';
import { startSubgraph, runtimeOptions, type SubgraphDefinition, type RunningSubgraph } from '@jobgraph/kit';
import { entities } from './entities/index.js';
import { migrations } from './migrations/index.js';
import { AccountResolver } from './graphql/account-resolver.js';
import { UserResolver, references } from './graphql/user-resolver.js';
import { createAuthServices, type AuthServices } from './services/index.js';
import { loadAuthConfig, authEnv, type AuthConfig } from './config.js';

export { loadAuthConfig, authEnv, type AuthConfig, type AuthServices };
export { JWKS_PATH } from './jwks.js';
export { setAdmin } from './admin-roles.js';
export * from './domain/identity-rules.js';
export * from './domain/tokens.js';
export { entities as authEntities } from './entities/index.js';
export { migrations as authMigrations } from './migrations/index.js';
import { JWKS_PATH } from './jwks.js';

/** The auth subgraph: accounts, credentials, sessions and the access-token keys (JWKS). */
export function authSubgraph(config: AuthConfig): SubgraphDefinition<AuthServices> {
  return {
    name: 'auth',
    resolvers: [AccountResolver, UserResolver],
    references,
    entities,
    migrations,
    services: (infra) => createAuthServices(config, infra),
    routes: (app: Express, services: AuthServices) => {
      app.get(JWKS_PATH, (_req, res) => {
        res.set('cache-control', 'public, max-age=300').json(services.keys.jwksDocument);
      });
    },
    ready: async (services) => {
      await services.redis.ping();
    },
    close: async (services) => {
      services.redis.disconnect();
    },
  };
}

export function startAuth(config: AuthConfig, overrides: { port?: number; databaseUrl?: string } = {}): Promise<RunningSubgraph<AuthServices>> {
  return startSubgraph(authSubgraph(config), runtimeOptions('auth', config, overrides));
}
