import { z } from 'zod';
import { baseEnv, bool, csv, loadConfig, port } from '@jobgraph/kit';
import { DEFAULT_QUERY_LIMITS } from './plugins/query-limits.js';
import { DEFAULT_RATE_LIMITS } from './plugins/rate-limits.js';

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
  /**
   * Time budget of one subgraph fetch, retries included (plugins/resilience.ts). 10 s: twice the slowest request
   * seen under the 50-client order benchmark (~5 s), so load alone never turns into UNAVAILABLE.
   */
  SUBGRAPH_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  /** Extra attempts for a failed subgraph fetch of a query (never a mutation's), with exponential backoff + jitter. */
  SUBGRAPH_RETRIES: z.coerce.number().int().min(0).max(5).default(2),
  /** A subgraph's circuit opens when more than this percentage of its fetches in the last 10 s failed… */
  CIRCUIT_BREAKER_ERROR_PERCENT: z.coerce.number().min(1).max(100).default(50),
  /** …and at least this many fetches were made in that window (a couple of failures in a quiet period do not open it). */
  CIRCUIT_BREAKER_MIN_REQUESTS: z.coerce.number().int().min(1).default(10),
  /** How long an open circuit fails fast before one trial fetch is let through. */
  CIRCUIT_BREAKER_RESET_MS: z.coerce.number().int().min(100).default(10_000),
  /** Show the explorer landing page and allow introspection (default: off in production). */
  EXPLORER: bool(process.env.NODE_ENV !== 'production'),
  /**
   * Presence: how long a router instance's "this user has a socket here" lasts without a heartbeat (sent every third
   * of it). A crashed instance's users go offline within 1.5 × this.
   */
  PRESENCE_TTL_SECONDS: z.coerce.number().min(1).max(3600).default(30),
  /** Trust X-Forwarded-For from a proxy in front of the router (for the client IP used in rate limits). */
  TRUST_PROXY: bool(false),
  /** Operation limits (plugins/query-limits.ts; defaults and why there). */
  MAX_QUERY_DEPTH: z.coerce.number().int().min(1).default(DEFAULT_QUERY_LIMITS.maxDepth),
  MAX_QUERY_ALIASES: z.coerce.number().int().min(0).default(DEFAULT_QUERY_LIMITS.maxAliases),
  MAX_QUERY_TOKENS: z.coerce.number().int().min(100).default(DEFAULT_QUERY_LIMITS.maxTokens),
  MAX_QUERY_COST: z.coerce.number().min(1).default(DEFAULT_QUERY_LIMITS.maxCost),
  MAX_QUERY_DIRECTIVES: z.coerce.number().int().min(0).default(DEFAULT_QUERY_LIMITS.maxDirectives),
  /** Hide "Did you mean …?" in validation errors (default: on in production). */
  BLOCK_FIELD_SUGGESTIONS: bool(process.env.NODE_ENV === 'production'),
  /** Requests per minute per signed-in user / per IP for anonymous requests, counted in Redis; 0 disables (plugins/rate-limits.ts). */
  RATE_LIMIT_USER_PER_MINUTE: z.coerce.number().int().min(0).default(DEFAULT_RATE_LIMITS.userPerMinute),
  RATE_LIMIT_IP_PER_MINUTE: z.coerce.number().int().min(0).default(DEFAULT_RATE_LIMITS.ipPerMinute),
};

export type RouterConfig = ReturnType<typeof loadRouterConfig>;
export const loadRouterConfig = (env: Record<string, string | undefined> = process.env) => loadConfig(routerEnv, env);
