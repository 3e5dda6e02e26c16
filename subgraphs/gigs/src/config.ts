import { z } from 'zod';
import { subgraphEnv, loadConfig, port } from '@jobgraph/kit';

/** The gigs subgraph's environment (on top of the kit's). */
export const gigsEnv = {
  ...subgraphEnv,
  GIGS_PORT: port(4003),
  GIGS_DATABASE_URL: z.url().optional(),
  REDIS_URL: subgraphEnv.REDIS_URL,
  /** How long a cached gig or search page may be served; changes invalidate earlier. */
  GIGS_CACHE_TTL_SECONDS: z.coerce.number().int().min(1).max(86_400).default(300),
  /** Currency of new gigs' prices. */
  DEFAULT_CURRENCY: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as USD').default('USD'),
};

export type GigsConfig = ReturnType<typeof loadGigsConfig>;
export const loadGigsConfig = (env: Record<string, string | undefined> = process.env) => loadConfig(gigsEnv, env);
