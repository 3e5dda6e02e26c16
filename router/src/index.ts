// @apollo/gateway reports usage to Apollo and probes cloud metadata unless told not to; nothing here may
// contact outside hosts, so the default is set in code, before the gateway is loaded.
process.env.APOLLO_TELEMETRY_DISABLED ??= '1';

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express from 'express';
import cors from 'cors';
import cookieParser from 'cookie-parser';
import { GraphQLError, type GraphQLSchema } from 'graphql';
import { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import {
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginSchemaReportingDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { AppError, ServiceMetrics, createLogger, formatError, listen, newId, reachableHost, type Logger } from '@jobgraph/kit';
import { loadRouterConfig, routerEnv, type RouterConfig } from './config.js';
import type { RouterContext } from './context.js';
import { Authenticator } from './plugins/authentication.js';
import { buildAuthMap, type AuthMap } from './plugins/auth-directives.js';
import { AuthorizingGateway } from './plugins/authorizing-gateway.js';
import { InternalTokenDataSource } from './plugins/internal-token.js';
import { Resilience, resilienceOptions } from './plugins/resilience.js';
import { correlationId } from './plugins/correlation.js';
import { bodyErrors, rejectNulCharacters } from './plugins/limits.js';
import { queryLimits } from './plugins/query-limits.js';
import { rateLimits } from './plugins/rate-limits.js';
import { healthRoutes } from './plugins/health.js';
import { serveSubscriptions } from './plugins/subscriptions.js';
import { gatewayCopy, watchSupergraph } from './plugins/supergraph-source.js';

export { loadRouterConfig, routerEnv, type RouterConfig };
export {
  applyRemovals,
  buildAuthMap,
  denial,
  describeRefusal,
  filterOperation,
  type AuthMap,
  type FilterResult,
  type Removal,
  type Requirement,
} from './plugins/auth-directives.js';
export { PresenceTracker, type PresenceOptions } from './plugins/presence.js';
export { InternalTokenDataSource } from './plugins/internal-token.js';
export {
  RESILIENCE_DEFAULTS,
  Resilience,
  SubgraphResilience,
  isRepeatable,
  type BreakerState,
  type ResilienceOptions,
} from './plugins/resilience.js';
export { DEFAULT_QUERY_LIMITS, queryLimits, type QueryLimitOptions, type QueryLimits } from './plugins/query-limits.js';
export { DEFAULT_RATE_LIMITS, rateLimitedError, rateLimits, type RateLimitOptions, type RateLimits } from './plugins/rate-limits.js';
export { ownershipChecks, subscriptionKeys, FORBIDDEN_CLOSE, type OwnershipCheck } from './plugins/subscriptions.js';

/** The checked-in supergraph, relative to this package. */
export const DEFAULT_SUPERGRAPH_PATH = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../schema/supergraph.graphql');

export interface RouterOptions {
  config: RouterConfig;
  /** Subgraph URLs that replace the ones in the supergraph (tests, containers); also from SUBGRAPH_<NAME>_URL. */
  subgraphUrls?: Record<string, string>;
  port?: number;
}

export interface RunningRouter {
  url: string;
  port: number;
  log: Logger;
  stop(): Promise<void>;
}

/** `url` of each subgraph as the supergraph's `join__Graph` enum declares it. */
export function joinGraphUrls(supergraphSdl: string): Record<string, string> {
  const urls: Record<string, string> = {};
  for (const m of supergraphSdl.matchAll(/@join__graph\(name: "([^"]+)", url: "([^"]+)"\)/g)) urls[m[1]] = m[2];
  return urls;
}

function subgraphUrlsFromEnv(env: Record<string, string | undefined>): Record<string, string> {
  const urls: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    const m = /^SUBGRAPH_([A-Z0-9_]+)_URL$/.exec(key);
    if (m && value) urls[m[1].toLowerCase()] = value;
  }
  return urls;
}

export async function startRouter(options: RouterOptions): Promise<RunningRouter> {
  const { config } = options;
  const log = createLogger('router', config.LOG_LEVEL);
  const supergraphPath = config.SUPERGRAPH_PATH ?? DEFAULT_SUPERGRAPH_PATH;
  const initialSdl = readFileSync(supergraphPath, 'utf8');
  const overrides = { ...subgraphUrlsFromEnv(process.env), ...options.subgraphUrls };
  const subgraphUrls = new Map<string, string>();
  const urlOf = (name: string, declared: string) => overrides[name] ?? declared;
  for (const [name, url] of Object.entries(joinGraphUrls(initialSdl))) subgraphUrls.set(name, urlOf(name, url));

  let authMap: AuthMap = buildAuthMap(initialSdl);
  let watcher: { close(): void } | null = null;
  let loaded = false;
  // Per-subgraph time budget, retries of queries and circuit breakers; the breakers outlive supergraph reloads.
  const resilience = new Resilience(resilienceOptions(config), log);

  const gateway = new ApolloGateway({
    logger: log,
    supergraphSdl: async ({ update }) => {
      watcher = watchSupergraph(supergraphPath, log, (next) => {
        try {
          const nextMap = buildAuthMap(next);
          update(gatewayCopy(next));
          authMap = nextMap;
          for (const [name, url] of Object.entries(joinGraphUrls(next))) subgraphUrls.set(name, urlOf(name, url));
        } catch (err) {
          log.error({ err: (err as Error).message }, 'new supergraph rejected; still serving the previous one');
        }
      });
      return { supergraphSdl: gatewayCopy(initialSdl), cleanup: async () => watcher?.close() };
    },
    buildService: ({ name, url }) =>
      new InternalTokenDataSource(name, urlOf(name, url ?? ''), config.INTERNAL_TOKEN_SECRET, resilience.forSubgraph(name)),
  });

  const authUrl = subgraphUrls.get('auth');
  const jwksUrl = config.AUTH_JWKS_URL ?? (authUrl ? new URL('/.well-known/jwks.json', authUrl).toString() : undefined);
  if (!jwksUrl) throw new Error('AUTH_JWKS_URL is not set and the supergraph has no auth subgraph');
  const authenticator = new Authenticator({ jwksUrl });
  const limits = queryLimits({
    maxDepth: config.MAX_QUERY_DEPTH,
    maxAliases: config.MAX_QUERY_ALIASES,
    maxTokens: config.MAX_QUERY_TOKENS,
    maxCost: config.MAX_QUERY_COST,
    maxDirectives: config.MAX_QUERY_DIRECTIVES,
    blockFieldSuggestions: config.BLOCK_FIELD_SUGGESTIONS,
  });
  const rateLimiter = rateLimits({
    userPerMinute: config.RATE_LIMIT_USER_PER_MINUTE,
    ipPerMinute: config.RATE_LIMIT_IP_PER_MINUTE,
    redisUrl: config.REDIS_URL,
    redisPrefix: config.REDIS_PREFIX,
    log,
  });

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.TRUST_PROXY);
  const metrics = new ServiceMetrics('router');
  app.use(metrics.httpTimer());
  resilience.expose(metrics.registry);
  metrics.route(app);
  app.use(correlationId());
  app.use(cors({ origin: config.CORS_ORIGINS, credentials: true, exposedHeaders: ['x-correlation-id'] }));
  healthRoutes(app, { loaded: () => loaded, subgraphUrls: () => subgraphUrls });

  const { server: httpServer, port } = await listen(app, options.port ?? config.ROUTER_PORT, config.ROUTER_HOST);
  const apollo = new ApolloServer<RouterContext>({
    gateway: new AuthorizingGateway(gateway, () => authMap, (ctx) => (ctx as unknown as RouterContext).caller ?? null),
    introspection: config.EXPLORER,
    formatError: (formatted, error) => formatError(formatted, error, (err) => log.error({ err }, 'unexpected error')),
    includeStacktraceInErrorResponses: false,
    validationRules: limits.validationRules,
    parseOptions: limits.parseOptions,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ...limits.plugins,
      ApolloServerPluginUsageReportingDisabled(),
      ApolloServerPluginSchemaReportingDisabled(),
      config.EXPLORER ? ApolloServerPluginLandingPageLocalDefault({ embed: true, includeCookies: true }) : ApolloServerPluginLandingPageDisabled(),
      {
        async serverWillStart() {
          return {
            async serverWillStop() {
              loaded = false;
            },
          };
        },
      },
    ],
  });
  let apiSchema: GraphQLSchema | null = null;
  gateway.onSchemaLoadOrUpdate(({ apiSchema: schema }) => {
    loaded = true;
    apiSchema = schema;
  });
  await apollo.start();

  app.use(
    '/graphql',
    cookieParser(),
    express.json({ limit: config.MAX_BODY_BYTES }),
    bodyErrors(config.MAX_BODY_BYTES),
    rejectNulCharacters(),
    expressMiddleware(apollo, {
      context: async ({ req, res }): Promise<RouterContext> => {
        const correlation = String(res.locals.correlationId);
        let caller = null;
        try {
          const token = Authenticator.tokenOf(req);
          if (token) caller = await authenticator.verify(token);
        } catch (err) {
          if (err instanceof AppError) {
            throw new GraphQLError(err.message, { extensions: { code: err.code, http: { status: err.httpStatus } } });
          }
          throw err;
        }
        await rateLimiter.check(caller, req.ip ?? null);
        return {
          caller,
          correlationId: correlation,
          clientIp: req.ip ?? null,
          cookieHeader: req.headers.cookie ?? null,
          userAgent: req.headers['user-agent'] ?? null,
          idempotencyKey: req.headers['idempotency-key']?.toString() ?? null,
          res,
        };
      },
    }),
  );

  const subscriptions = serveSubscriptions({
    httpServer,
    path: '/graphql',
    schema: () => apiSchema,
    authMap: () => authMap,
    authenticator,
    redisUrl: config.REDIS_URL,
    redisPrefix: config.REDIS_PREFIX,
    log,
    maxPayloadBytes: config.MAX_BODY_BYTES,
    queryLimits: limits,
    // Who is online: announced on the channel of chat's `presenceChanged`, served by chat's `presence(id)`.
    presence: { ttlMs: config.PRESENCE_TTL_SECONDS * 1000, field: 'presenceChanged' },
    // Each event's selection runs through the same pipeline as any query (auth directives, gateway, subgraphs).
    execute: async (query, variables, caller) => {
      const response = await apollo.executeOperation<Record<string, unknown>>(
        { query, variables },
        { contextValue: { caller, correlationId: newId(), clientIp: null, cookieHeader: null, userAgent: null, res: null } },
      );
      if (response.body.kind !== 'single') return { errors: [new GraphQLError('unexpected incremental response')] };
      const { data, errors } = response.body.singleResult;
      return { data, errors: errors?.map((e) => new GraphQLError(e.message, { path: e.path, extensions: e.extensions })) };
    },
  });

  const url = `http://${reachableHost(config.ROUTER_HOST)}:${port}/graphql`;
  return {
    url,
    port,
    log,
    async stop() {
      await subscriptions.close();
      await rateLimiter.close();
      await apollo.stop();
      resilience.close();
    },
  };
}

export { loadRouterConfig as loadConfig };
