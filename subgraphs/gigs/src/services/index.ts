import type { Redis } from 'ioredis';
import { Cache, createRedis, type SubgraphContext, type SubgraphInfra } from '@jobgraph/kit';
import type { GigsConfig } from '../config.js';
import { Category } from '../entities/index.js';

export interface GigsServices {
  config: GigsConfig;
  redis: Redis;
  cache: Cache;
  /** The catalogue, loaded once: it changes only with a migration, i.e. a deploy. */
  categories: Map<string, Category>;
}

export type GigsContext = SubgraphContext<GigsServices>;

export async function createGigsServices(config: GigsConfig, infra: SubgraphInfra): Promise<GigsServices> {
  // Fail fast while Redis is down: the cache is an optimisation and must never hold a request up.
  const redis = createRedis(config.REDIS_URL, infra.log, { failFast: true });
  await redis.connect().catch(() => undefined);
  const rows = await infra.orm.em.fork().find(Category, {}, { orderBy: { parentId: 'asc', position: 'asc' } });
  return {
    config,
    redis,
    cache: new Cache(redis, `${config.REDIS_PREFIX}gigs:`, infra.log),
    categories: new Map(rows.map((c) => [c.id, c])),
  };
}
