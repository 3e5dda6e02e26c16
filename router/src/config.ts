import { z } from 'zod';
import { baseEnv, bool, csv, loadConfig, port } from '@jobgraph/kit';

/** The router's environment (on top of the kit's). */
export const routerEnv = {
  ...baseEnv,
  ROUTER_PORT: port(4000),
  ROUTER_HOST: z.string().default('127.0.0.1'),
  /** The composed supergraph (checked in at schema/supergraph.graphql); reloaded when the file changes. */
  SUPERGRAPH_PATH: z.string().optional(),
  /** Where auth publishes its JWKS; default: the auth subgraph's URL from the supergraph. */
  AUTH_JWKS_URL: z.url().optional(),
  /** Browser origins allowed to call the router with credentials (comma-separated). */
  CORS_ORIGINS: csv.default(['http://localhost:3000', 'http://127.0.0.1:3000']),
  /** Largest request body accepted, in bytes; larger ones are refused before parsing. */
  MAX_BODY_BYTES: z.coerce.number().int().min(1024).max(10_485_760).default(102_400),
  /** Per-fetch subgraph timeout. */
  SUBGRAPH_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  /** Show the explorer landing page and allow introspection (default: off in production). */
  EXPLORER: bool(process.env.NODE_ENV !== 'production'),
  /**
   * Presence: how long a router instance's "this user has a socket here" lasts without a heartbeat (sent every third
   * of it). A crashed instance's users go offline within 1.5 × this.
   */
  PRESENCE_TTL_SECONDS: z.coerce.number().min(1).max(3600).default(30),
  /** Trust X-Forwarded-For from a proxy in front of the router (for the client IP used in rate limits). */
  TRUST_PROXY: bool(false),
};

export type RouterConfig = ReturnType<typeof loadRouterConfig>;
export const loadRouterConfig = (env: Record<string, string | undefined> = process.env) => loadConfig(routerEnv, env);
