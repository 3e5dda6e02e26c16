import { randomBytes } from 'node:crypto';
import { dropDatabase, withDatabase, serviceDatabaseUrl, baseEnv, FANOUT_EVENTS, type RunningSubgraph } from '@jobgraph/kit';
import { removeEventTopology, removeRedisKeys } from '@jobgraph/kit/testing';
import { startRouter, loadRouterConfig, type RunningRouter } from '@jobgraph/router';
import { SUBGRAPHS } from './subgraphs.js';

export type { RunningRouter };

export interface StackOptions {
  /** Environment for every service (defaults: process.env). */
  env?: Record<string, string | undefined>;
  /**
   * Give every subgraph a brand-new database (`jobgraph_<tag>_<name>`) and drop it on stop: what tests use.
   * Without it, each subgraph uses its configured database.
   */
  freshDatabases?: boolean;
  /** Listen on free ports (tests, benchmarks) instead of the configured ones. */
  freePorts?: boolean;
  /** Log progress lines to stderr while starting. */
  onProgress?: (line: string) => void;
}

export interface RunningStack {
  router: RunningRouter;
  subgraphs: Record<string, RunningSubgraph<unknown>>;
  /** The router's GraphQL endpoint. */
  url: string;
  /** Extra env the services were started with (e.g. the Redis key prefix of this stack). */
  env: Record<string, string | undefined>;
  stop(): Promise<void>;
}

/** Starts every subgraph and the router in this process. */
export async function startStack(options: StackOptions = {}): Promise<RunningStack> {
  const tag = randomBytes(4).toString('hex');
  const env: Record<string, string | undefined> = {
    ...(options.env ?? process.env),
    // A test stack gets its own Redis keys and RabbitMQ exchanges/queues, so parallel runs never share events.
    ...(options.freshDatabases
      ? {
          REDIS_PREFIX: `jobgraph-test-${tag}:`,
          EVENTS_NAMESPACE: `jgtest-${tag}`,
          // Short retry waits, so a test sees a failing event reach the DLQ in well under a second.
          EVENT_RETRY_DELAYS_MS: (options.env ?? process.env).EVENT_RETRY_DELAYS_MS ?? '100,200',
          // No mail leaves a test stack unless the test gives it an SMTP server (notifications' tests start one).
          MAIL_TRANSPORT: (options.env ?? process.env).MAIL_TRANSPORT ?? ((options.env ?? process.env).SMTP_URL ? 'smtp' : 'log'),
          // Every test request comes from 127.0.0.1: the router's rate limits stay far out of the way unless a test sets them.
          RATE_LIMIT_USER_PER_MINUTE: (options.env ?? process.env).RATE_LIMIT_USER_PER_MINUTE ?? '100000',
          RATE_LIMIT_IP_PER_MINUTE: (options.env ?? process.env).RATE_LIMIT_IP_PER_MINUTE ?? '100000',
        }
      : {}),
  };
  const progress = options.onProgress ?? (() => {});
  const databaseUrlOf = (name: string): string => {
    const configured = serviceDatabaseUrl(name, { ...env, DATABASE_URL: env.DATABASE_URL ?? baseEnv.DATABASE_URL.parse(undefined) });
    return options.freshDatabases ? withDatabase(configured, `jobgraph_${tag}_${name}`) : configured;
  };
  const cleanUp = async () => {
    const ns = String(env.EVENTS_NAMESPACE);
    const queues = Object.values(subgraphs).flatMap((s) => s.eventQueues);
    // Consumers also declare the exchanges of producers that are not built yet (orders, chat, reviews for notifications).
    const exchanges = [
      ...new Set([
        ...SUBGRAPHS.map((s) => `${ns}.${s.name}`),
        ...[...FANOUT_EVENTS].map((type) => `${ns}.${type}`),
        ...Object.values(subgraphs).flatMap((s) => s.eventExchanges),
      ]),
    ];
    await removeEventTopology(env.AMQP_URL ?? baseEnv.AMQP_URL.parse(undefined), exchanges, queues);
    await removeRedisKeys(env.REDIS_URL ?? baseEnv.REDIS_URL.parse(undefined), String(env.REDIS_PREFIX));
    await Promise.all(SUBGRAPHS.map((s) => dropDatabase(databaseUrlOf(s.name))));
  };
  const subgraphs: Record<string, RunningSubgraph<unknown>> = {};
  const started: string[] = [];
  try {
    for (const s of SUBGRAPHS) {
      progress(`starting subgraph ${s.name}…`);
      const running = await s.start(env, { databaseUrl: databaseUrlOf(s.name), ...(options.freePorts ? { port: 0 } : {}) });
      subgraphs[s.name] = running;
      started.push(s.name);
      progress(`  ${s.name} ready at ${running.url}`);
    }
    progress('starting router…');
    const router = await startRouter({
      config: loadRouterConfig(env),
      subgraphUrls: Object.fromEntries(Object.entries(subgraphs).map(([name, s]) => [name, s.url])),
      ...(options.freePorts ? { port: 0 } : {}),
    });
    return {
      router,
      subgraphs,
      url: router.url,
      env,
      async stop() {
        await router.stop();
        await Promise.all(Object.values(subgraphs).map((s) => s.stop()));
        if (options.freshDatabases) await cleanUp();
      },
    };
  } catch (err) {
    await Promise.all(started.map((name) => subgraphs[name].stop().catch(() => {})));
    if (options.freshDatabases) await cleanUp().catch(() => {});
    throw err;
  }
}

/**
 * Another router instance in front of a running stack's subgraphs, sharing its Redis (live subscriptions and presence
 * fan out across instances): what tests and benchmarks of several routers use. Stop it before the stack.
 */
export function startRouterInstance(stack: RunningStack, options: { port?: number; env?: Record<string, string> } = {}): Promise<RunningRouter> {
  return startRouter({
    config: loadRouterConfig({ ...stack.env, ...options.env }),
    subgraphUrls: Object.fromEntries(Object.entries(stack.subgraphs).map(([name, s]) => [name, s.url])),
    port: options.port ?? 0,
  });
}
