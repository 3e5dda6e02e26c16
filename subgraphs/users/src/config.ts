import { z } from 'zod';
import { subgraphEnv, loadConfig, port } from '@jobgraph/kit';

/** The users subgraph's environment (on top of the kit's). */
export const usersEnv = {
  ...subgraphEnv,
  USERS_PORT: port(4002),
  USERS_DATABASE_URL: z.url().optional(),
  /** Currency the seller stats are kept in until orders bring multi-currency wallets. */
  DEFAULT_CURRENCY: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as USD').default('USD'),
};

export type UsersConfig = ReturnType<typeof loadUsersConfig>;
export const loadUsersConfig = (env: Record<string, string | undefined> = process.env) => loadConfig(usersEnv, env);
