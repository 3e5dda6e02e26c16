import { z } from 'zod';

/** Raised at start-up when the environment is unusable; names every bad or missing variable at once. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Variables every service understands. Defaults match a developer machine with the standard local ports. */
export const baseEnv = {
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATABASE_URL: z.url().default('postgres://postgres@127.0.0.1:5432/postgres'),
  REDIS_URL: z.url().default('redis://127.0.0.1:6379'),
  /** Prefix of every Redis key and channel (so deployments or test runs can share one Redis). */
  REDIS_PREFIX: z.string().default('jobgraph:'),
  AMQP_URL: z.url().default('amqp://guest:guest@127.0.0.1:5672'),
  INTERNAL_TOKEN_SECRET: z
    .string()
    .min(32, 'must be at least 32 characters')
    .default('dev-only-internal-secret-change-me-0123456789'),
};

/**
 * Validates `env` against `shape` and returns the typed result, or throws one ConfigError that lists
 * every problem as `NAME: what is wrong`.
 */
export function loadConfig<S extends z.ZodRawShape>(
  shape: S,
  env: Record<string, string | undefined> = process.env,
): z.infer<z.ZodObject<S>> {
  const result = z.object(shape).safeParse(env);
  if (result.success) {
    const data = result.data as Record<string, unknown>;
    if (typeof data.NODE_ENV === 'string' && typeof data.INTERNAL_TOKEN_SECRET === 'string') {
      assertProductionSafe({ NODE_ENV: data.NODE_ENV, INTERNAL_TOKEN_SECRET: data.INTERNAL_TOKEN_SECRET });
    }
    return result.data;
  }
  const problems = result.error.issues.map((issue) => {
    const name = issue.path.join('.') || '(environment)';
    const value = env[name];
    return value === undefined ? `${name}: is required but missing (${issue.message})` : `${name}: ${issue.message}`;
  });
  throw new ConfigError(problems);
}

/** Variables every subgraph understands, on top of `baseEnv`. */
export const subgraphEnv = {
  ...baseEnv,
  /** Address a subgraph listens on; loopback keeps it private on a developer machine, containers need 0.0.0.0. */
  SUBGRAPH_HOST: z.string().default('127.0.0.1'),
  /** Prefix of every RabbitMQ exchange and queue, so separate deployments (or test runs) share a broker safely. */
  EVENTS_NAMESPACE: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,40}$/, 'must be lower-case letters, digits and "-", starting with a letter')
    .default('jobgraph'),
  /** Waits before each retry of a failed event, in ms (comma-separated); after the last, the DLQ. */
  EVENT_RETRY_DELAYS_MS: z
    .string()
    .regex(/^\d+(,\d+)*$/, 'must be comma-separated milliseconds, e.g. 1000,5000,30000')
    .default('1000,5000,30000,120000')
    .transform((v) => v.split(',').map(Number)),
  /** `count`: count every SQL statement the subgraph sends (RunningSubgraph.sqlStatements; bench/src/search.ts). */
  SQL_STATEMENT_LOG: z.enum(['off', 'count']).default('off'),
  /** Hours a published event stays in the outbox table before the relay deletes it (some carry one-time tokens). */
  OUTBOX_RETENTION_HOURS: z.coerce.number().min(0).max(24 * 90).default(24),
};

/** Production must not run on the development defaults that make local start-up painless. */
export function assertProductionSafe(config: { NODE_ENV: string; INTERNAL_TOKEN_SECRET: string }): void {
  if (config.NODE_ENV === 'production' && config.INTERNAL_TOKEN_SECRET === baseEnv.INTERNAL_TOKEN_SECRET.parse(undefined)) {
    throw new ConfigError(['INTERNAL_TOKEN_SECRET: the development default is not allowed in production']);
  }
}

/** Parses a comma-separated list variable. */
export const csv = z
  .string()
  .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean));

/** A TCP port variable; 0 asks the OS for a free one. */
export const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);

/** Boolean variable: true/false/1/0/yes/no. */
export const bool = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'])
    .default(fallback ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1' || v === 'yes');

/**
 * Each subgraph owns its database: `<NAME>_DATABASE_URL` when set, otherwise `jobgraph_<name>` on the server
 * that `DATABASE_URL` points at.
 */
export function serviceDatabaseUrl(service: string, env: { DATABASE_URL: string } & Record<string, unknown>): string {
  const own = env[`${service.toUpperCase()}_DATABASE_URL`];
  if (typeof own === 'string' && own.length > 0) return own;
  const u = new URL(env.DATABASE_URL);
  u.pathname = `/jobgraph_${service}`;
  return u.toString();
}

/**
 * The host a client on the same machine uses to reach a server bound to `host`: a wildcard bind (0.0.0.0, ::)
 * answers on loopback, and an IPv6 literal needs brackets in a URL.
 */
export function reachableHost(host: string): string {
  if (host === '' || host === '0.0.0.0' || host === '::' || host === '[::]') return '127.0.0.1';
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}
