import { z } from 'zod';
import { subgraphEnv, bool, loadConfig, port } from '@jobgraph/kit';

/** The auth subgraph's environment (on top of the kit's). */
export const authEnv = {
  ...subgraphEnv,
  AUTH_PORT: port(4001),
  AUTH_DATABASE_URL: z.url().optional(),
  /** Short-lived by design: revocation of an access token is by expiry. */
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(3600).default(900),
  REFRESH_TOKEN_TTL_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  VERIFICATION_TOKEN_TTL_HOURS: z.coerce.number().int().min(1).max(720).default(48),
  RESET_TOKEN_TTL_MINUTES: z.coerce.number().int().min(5).max(1440).default(60),
  /** Failed sign-ins allowed per account, and per client IP, within LOGIN_WINDOW_SECONDS before RATE_LIMITED. */
  LOGIN_MAX_FAILURES_PER_ACCOUNT: z.coerce.number().int().min(1).default(5),
  LOGIN_MAX_FAILURES_PER_IP: z.coerce.number().int().min(1).default(50),
  LOGIN_WINDOW_SECONDS: z.coerce.number().int().min(1).default(900),
  /** Send the refresh cookie with `Secure` (browsers drop Secure cookies on plain http, so off in development). */
  COOKIE_SECURE: bool(false),
};

export type AuthConfig = ReturnType<typeof loadAuthConfig>;
export const loadAuthConfig = (env: Record<string, string | undefined> = process.env) => loadConfig(authEnv, env);

/** The issuer and audience of access tokens; the router checks both. */
export const ACCESS_TOKEN_ISSUER = 'jobgraph-auth';
export const ACCESS_TOKEN_AUDIENCE = 'jobgraph';
export const REFRESH_COOKIE = 'jg_refresh';
/** The router accepts the access token from this cookie when no Authorization header is sent. */
export const ACCESS_COOKIE = 'jg_access';
