import 'reflect-metadata';
import express, { type Express } from 'express';
import { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled, ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { GraphQLError } from 'graphql';
import type { Constructor } from '@mikro-orm/core';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { NonEmptyArray } from 'type-graphql';
import { createLogger, type Logger } from './logger.js';
import { formatError, AppError } from './errors.js';
import { INTERNAL_TOKEN_HEADER, verifyInternalToken } from './internal-token.js';
import type { SubgraphContext } from './context.js';
import { openOrm, SqlStatementCounter, type MigrationEntry } from './orm.js';
import { DEFAULT_RETRY_DELAYS_MS, EventBus, PermanentEventError, retryQueueName } from './events/bus.js';
import type { ZodType } from 'zod';
import { EventRecorder, OutboxEvent, OutboxRelay } from './events/outbox.js';
import { claimEvent } from './events/inbox.js';
import { DEFAULT_EVENTS_NAMESPACE, deadLetterQueueName, exchangeFor, queueName } from './events/topology.js';
import type { EventEnvelope } from './events/envelope.js';
import { buildFederatedSchema, type ReferenceResolvers } from './graphql/schema.js';
import { listen } from './http.js';
import { ServiceMetrics } from './metrics.js';
import { reachableHost, serviceDatabaseUrl, type subgraphEnv } from './config.js';
import type { z } from 'zod';

/** What a consumer's handler gets: a transaction-bound entity manager and an outbox bound to the same transaction. */
export interface ConsumerTools {
  em: EntityManager;
  events: EventRecorder;
  log: Logger;
  /** Runs `fn` once the handler's transaction has committed (e.g. to invalidate a cache without a race). */
  afterCommit(fn: () => Promise<void> | void): void;
}

export interface ConsumedEvent {
  producer: string;
  type: string;
  /** Envelope versions this consumer understands (default [1]); others go to the DLQ. */
  versions?: number[];
  /** Shape of `data`; a message that does not match goes to the DLQ with the validation message. */
  schema?: ZodType;
}

export interface ConsumerDefinition {
  /** Unique within the subgraph; the queue is `<namespace>.<subgraph>.<name>`. */
  name: string;
  events: ConsumedEvent[];
  /** Receives the envelope with `data` as parsed by the event's schema. */
  handle: (event: EventEnvelope, tools: ConsumerTools) => Promise<void>;
}

/** Checks an envelope against what the consumer declared: type, version and data shape. */
export function validateEvent(consumer: ConsumerDefinition, event: EventEnvelope): EventEnvelope {
  const declared = consumer.events.find((e) => e.type === event.type && e.producer === event.producer);
  if (!declared) throw new PermanentEventError(`${consumer.name} does not handle ${event.type} from ${event.producer}`);
  if (!(declared.versions ?? [1]).includes(event.version)) {
    throw new PermanentEventError(`${event.type} version ${event.version} is not supported (supported: ${(declared.versions ?? [1]).join(', ')})`);
  }
  if (!declared.schema) return event;
  const result = declared.schema.safeParse(event.data);
  if (!result.success) {
    throw new PermanentEventError(`${event.type} v${event.version} is invalid: ${result.error.issues.map((i) => `${i.path.join('.') || 'data'}: ${i.message}`).join('; ')}`);
  }
  return { ...event, data: result.data };
}

/** The infrastructure a subgraph's services are built from. */
export interface SubgraphInfra {
  name: string;
  orm: MikroORM;
  bus: EventBus;
  log: Logger;
}

export interface SubgraphDefinition<TServices> {
  name: string;
  // type-graphql takes resolver classes of any shape.
  // eslint-disable-next-line @typescript-eslint/ban-types
  resolvers: NonEmptyArray<Function>;
  /**
   * Types no query or mutation returns, which the schema must still have: an entity the subgraph only adds fields
   * to (notifications' `User`, reached by the router through `_entities`).
   */
  // eslint-disable-next-line @typescript-eslint/ban-types
  orphanedTypes?: Function[];
  references?: ReferenceResolvers;
  /** Subscription fields in SDL (`type Subscription { … }`), resolved by the router; see subscriptions.ts. */
  subscriptions?: string;
  entities: Constructor<object>[];
  migrations: MigrationEntry[];
  /** Event consumers; a function when they need the subgraph's services. */
  consumers?: ConsumerDefinition[] | ((services: TServices) => ConsumerDefinition[]);
  services: (infra: SubgraphInfra) => Promise<TServices> | TServices;
  /** Extra public HTTP routes (served without the internal token), e.g. auth's JWKS. */
  routes?: (app: Express, services: TServices) => void;
  /** Extra readiness checks (e.g. Redis); throw when not ready. */
  ready?: (services: TServices) => Promise<void>;
  /** Releases what `services` opened. */
  close?: (services: TServices) => Promise<void>;
}

export interface SubgraphRuntimeOptions {
  databaseUrl: string;
  amqpUrl: string;
  internalTokenSecret: string;
  eventsNamespace?: string;
  retryDelaysMs?: number[];
  port?: number;
  host?: string;
  logLevel?: string;
  /** `count`: count the SQL statements this subgraph sends, in `RunningSubgraph.sqlStatements` (default off). */
  sqlStatementLog?: 'off' | 'count';
  /** How long published events stay in the outbox (default 24 h). */
  outboxRetentionHours?: number;
}

/** Runtime options from a subgraph's validated config (`subgraphEnv` plus `<NAME>_PORT`), with overrides. */
export function runtimeOptions(
  name: string,
  config: z.infer<z.ZodObject<typeof subgraphEnv>> & Record<string, unknown>,
  overrides: { port?: number; databaseUrl?: string } = {},
): SubgraphRuntimeOptions {
  const configuredPort = config[`${name.toUpperCase()}_PORT`];
  return {
    databaseUrl: overrides.databaseUrl ?? serviceDatabaseUrl(name, config),
    amqpUrl: config.AMQP_URL,
    internalTokenSecret: config.INTERNAL_TOKEN_SECRET,
    eventsNamespace: config.EVENTS_NAMESPACE,
    retryDelaysMs: config.EVENT_RETRY_DELAYS_MS,
    port: overrides.port ?? (typeof configuredPort === 'number' ? configuredPort : 0),
    host: config.SUBGRAPH_HOST,
    logLevel: config.LOG_LEVEL,
    sqlStatementLog: config.SQL_STATEMENT_LOG,
    outboxRetentionHours: config.OUTBOX_RETENTION_HOURS,
  };
}

export interface RunningSubgraph<TServices> {
  name: string;
  /** The GraphQL endpoint the router fetches from. */
  url: string;
  port: number;
  orm: MikroORM;
  bus: EventBus;
  relay: OutboxRelay;
  services: TServices;
  log: Logger;
  /** The queues its consumers read (for tooling). */
  consumerQueues: string[];
  /** Every queue it declared: consumer queues with their dead-letter and delay queues (for clean-up). */
  eventQueues: string[];
  /** The exchanges its consumers bind to, producers' whether or not they run here (for clean-up). */
  eventExchanges: string[];
  /** Every SQL statement sent since the last reset, when started with SQL_STATEMENT_LOG=count; else null. */
  sqlStatements: SqlStatementCounter | null;
  stop(): Promise<void>;
}

/** The SDL a subgraph serves, without starting anything (for `pnpm compose`). */
export async function subgraphSdl(def: Pick<SubgraphDefinition<unknown>, 'resolvers' | 'references' | 'orphanedTypes' | 'subscriptions'>): Promise<string> {
  return (await buildFederatedSchema(def)).sdl;
}

/**
 * Boots a subgraph: database (created and migrated), event bus with outbox relay and inbox consumers,
 * Apollo subgraph server behind the router's internal token, `/health` and `/ready`, graceful stop.
 */
export async function startSubgraph<TServices>(
  def: SubgraphDefinition<TServices>,
  options: SubgraphRuntimeOptions,
): Promise<RunningSubgraph<TServices>> {
  const log = createLogger(def.name, options.logLevel);
  const { schema } = await buildFederatedSchema(def);
  const sqlStatements = options.sqlStatementLog === 'count' ? new SqlStatementCounter() : null;
  const orm = await openOrm({
    url: options.databaseUrl,
    entities: def.entities,
    migrations: def.migrations,
    log,
    ...(sqlStatements ? { onQuery: (sql: string) => sqlStatements.record(sql) } : {}),
  });
  const bus = await EventBus.connect(options.amqpUrl, log);
  const metrics = new ServiceMetrics(def.name);
  bus.observer = metrics.busObserver();
  metrics.gauge('jobgraph_outbox_lag_seconds', 'Age of the oldest event not yet published (0 when none).', async () => {
    const rows: Array<{ lag: string | null }> = await orm.em
      .fork()
      .execute('select extract(epoch from now() - min(created_at)) as lag from outbox_event where published_at is null');
    return Number(rows[0]?.lag ?? 0);
  });
  const namespace = options.eventsNamespace ?? DEFAULT_EVENTS_NAMESPACE;
  const relay = new OutboxRelay(orm, bus, log, namespace, {
    ...(options.outboxRetentionHours !== undefined ? { retentionMs: options.outboxRetentionHours * 3_600_000 } : {}),
  });
  // Poke the relay right after a commit that wrote outbox rows, so events leave promptly instead of at the next poll.
  let outboxWritten = false;
  orm.em.getEventManager().registerSubscriber({
    afterFlush: (args) => {
      if (args.uow.getChangeSets().some((cs) => cs.entity instanceof OutboxEvent)) {
        outboxWritten = true;
        if (!args.em.isInTransaction()) relay.poke();
      }
    },
    afterTransactionCommit: () => {
      if (outboxWritten) {
        outboxWritten = false;
        relay.poke();
      }
    },
  });
  const services = await def.services({ name: def.name, orm, bus, log });

  const app = express();
  app.disable('x-powered-by');
  app.use(metrics.httpTimer());
  metrics.route(app);
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok', service: def.name });
  });
  app.get('/ready', async (_req, res) => {
    try {
      await orm.em.fork().execute('select 1');
      if (!bus.connected) throw new Error('event bus is not connected');
      await def.ready?.(services);
      res.json({ status: 'ready', service: def.name });
    } catch (err) {
      res.status(503).json({ status: 'unavailable', service: def.name, reason: (err as Error).message });
    }
  });
  def.routes?.(app, services);

  const { server: httpServer, port } = await listen(app, options.port ?? 0, options.host);
  const apollo = new ApolloServer<SubgraphContext<TServices>>({
    schema,
    formatError: (formatted, error) => formatError(formatted, error, (err) => log.error({ err }, 'unexpected error in resolver')),
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginInlineTraceDisabled(),
    ],
    includeStacktraceInErrorResponses: false,
  });
  await apollo.start();
  app.use(
    '/graphql',
    express.json({ limit: '1mb' }),
    expressMiddleware(apollo, {
      context: async ({ req, res }) => {
        const header = req.headers[INTERNAL_TOKEN_HEADER];
        let claims;
        try {
          claims = await verifyInternalToken(options.internalTokenSecret, def.name, Array.isArray(header) ? header[0] : header);
        } catch (err) {
          const message = err instanceof AppError ? err.message : 'Unauthenticated.';
          throw new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
        }
        return {
          service: def.name,
          caller: claims.caller,
          correlationId: claims.correlationId,
          clientIp: claims.clientIp,
          log: log.child({ correlationId: claims.correlationId }),
          em: orm.em.fork() as EntityManager,
          services,
          req,
          res,
          loaders: new Map(),
        };
      },
    }),
  );

  const consumers = typeof def.consumers === 'function' ? def.consumers(services) : (def.consumers ?? []);
  const consumerQueues = consumers.map((c) => queueName(namespace, def.name, c.name));
  for (const consumer of consumers) {
    const queue = queueName(namespace, def.name, consumer.name);
    await bus.consume({
      queue,
      bindings: consumer.events.map((e) => ({ exchange: exchangeFor(namespace, e.producer, e.type), routingKey: e.type })),
      retryDelaysMs: options.retryDelaysMs,
      handle: async (received) => {
        const event = validateEvent(consumer, received);
        const eventLog = log.child({ correlationId: event.correlationId, eventId: event.id, type: event.type, consumer: consumer.name });
        const committed: Array<() => Promise<void> | void> = [];
        await orm.em.fork().transactional(async (em: EntityManager) => {
          if (!(await claimEvent(em, queue, event.id, event.type))) {
            eventLog.debug('event already processed; skipped');
            return;
          }
          const events = new EventRecorder(def.name, em, { correlationId: event.correlationId, causationId: event.id });
          await consumer.handle(event, { em, events, log: eventLog, afterCommit: (fn) => committed.push(fn) });
        });
        for (const fn of committed) await fn();
      },
    });
  }
  relay.start();

  // A wildcard bind (containers) is reached on loopback from this machine.
  const url = `http://${reachableHost(options.host ?? '127.0.0.1')}:${port}/graphql`;
  let stopped = false;
  return {
    name: def.name,
    url,
    port,
    orm,
    bus,
    relay,
    services,
    log,
    consumerQueues,
    eventExchanges: [...new Set(consumers.flatMap((c) => c.events.map((e) => exchangeFor(namespace, e.producer, e.type).name)))],
    eventQueues: consumerQueues.flatMap((q) => [
      q,
      deadLetterQueueName(q),
      ...(options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS).map((_, i) => retryQueueName(q, i)),
    ]),
    sqlStatements,
    async stop() {
      if (stopped) return;
      stopped = true;
      await apollo.stop();
      await relay.stop();
      await bus.close();
      await def.close?.(services);
      await orm.close();
    },
  };
}
