import 'reflect-metadata';
import { startSubgraph, runtimeOptions, type RunningSubgraph, type SubgraphDefinition } from '@jobgraph/kit';
import { entities } from './entities/index.js';
import { migrations } from './migrations/index.js';
import { consumers } from './events/consumers.js';
import { GigResolver, UserGigsResolver, references } from './graphql/gig-resolver.js';
import { createGigsServices, type GigsServices } from './services/index.js';
import { gigsEnv, loadGigsConfig, type GigsConfig } from './config.js';

export { gigsEnv, loadGigsConfig, type GigsConfig, type GigsServices };
export { entities as gigsEntities } from './entities/index.js';
export { migrations as gigsMigrations } from './migrations/index.js';
export * from './domain/gig-workflow.js';
export * from './domain/gig-rules.js';

/** The gigs subgraph: the services sellers offer, their moderation, search and ratings. */
export function gigsSubgraph(config: GigsConfig): SubgraphDefinition<GigsServices> {
  return {
    name: 'gigs',
    resolvers: [GigResolver, UserGigsResolver],
    references,
    entities,
    migrations,
    consumers,
    services: (infra) => createGigsServices(config, infra),
    close: async (services) => {
      services.redis.disconnect();
    },
  };
}

export function startGigs(config: GigsConfig, overrides: { port?: number; databaseUrl?: string } = {}): Promise<RunningSubgraph<GigsServices>> {
  return startSubgraph(gigsSubgraph(config), runtimeOptions('gigs', config, overrides));
}
