import { AsyncLocalStorage } from 'node:async_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import CircuitBreaker from 'opossum';
import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { Fetcher } from '@apollo/utils.fetcher';
import { GraphQLError } from 'graphql';
import type { Logger, ServiceMetrics } from '@jobgraph/kit';

/**
 * Resilience of the router's subgraph fetches (DESIGN.md §5): a time budget per fetch, retries with backoff for
 * fetches that are safe to repeat, and a circuit breaker per subgraph. Failures surface as errors the data source
 * (internal-token.ts) turns into UNAVAILABLE at the missing paths; the other subgraphs' data still returns.
 */
export interface ResilienceOptions {
  /** Budget of one fetch, retries and backoff included: a hanging subgraph costs at most this much. */
  timeoutMs: number;
  /** Extra attempts after a connection error, timeout or 5xx — only for fetches that are safe to repeat. */
  retries: number;
  /** First backoff; doubles on each retry, with jitter, up to `maxRetryDelayMs`. */
  retryDelayMs: number;
  maxRetryDelayMs: number;
  /** The circuit opens when more than this percentage of fetches in the rolling window failed… */
  errorThresholdPercentage: number;
  /** …and at least this many fetches were made in the window. */
  volumeThreshold: number;
  /** The rolling window the percentages are computed over. */
  rollingWindowMs: number;
  /** How long an open circuit fails fast before one trial fetch is let through (half-open). */
  resetTimeoutMs: number;
}

export const RESILIENCE_DEFAULTS: ResilienceOptions = {
  timeoutMs: 10_000,
  retries: 2,
  // 50 ms, 100 ms (± jitter): enough for a restarted pod or a dropped keep-alive socket, small next to the budget.
  retryDelayMs: 50,
  maxRetryDelayMs: 1_000,
  errorThresholdPercentage: 50,
  volumeThreshold: 10,
  rollingWindowMs: 10_000,
  resetTimeoutMs: 10_000,
};

/** The router config's names for the options. */
export interface ResilienceConfig {
  SUBGRAPH_TIMEOUT_MS: number;
  SUBGRAPH_RETRIES: number;
  CIRCUIT_BREAKER_ERROR_PERCENT: number;
  CIRCUIT_BREAKER_MIN_REQUESTS: number;
  CIRCUIT_BREAKER_RESET_MS: number;
}

export function resilienceOptions(config: ResilienceConfig): ResilienceOptions {
  return {
    ...RESILIENCE_DEFAULTS,
    timeoutMs: config.SUBGRAPH_TIMEOUT_MS,
    retries: config.SUBGRAPH_RETRIES,
    errorThresholdPercentage: config.CIRCUIT_BREAKER_ERROR_PERCENT,
    volumeThreshold: config.CIRCUIT_BREAKER_MIN_REQUESTS,
    resetTimeoutMs: config.CIRCUIT_BREAKER_RESET_MS,
  };
}

export type BreakerState = 'closed' | 'half_open' | 'open';
/** The value of `jobgraph_router_circuit_breaker_state` for each state. */
export const BREAKER_STATE_VALUE: Record<BreakerState, number> = { closed: 0, half_open: 1, open: 2 };

type ResilienceLog = Pick<Logger, 'warn' | 'info'>;

/**
 * Whether a subgraph fetch may be sent again: only when the client's operation is a query. A mutation's root fetch
 * obviously not; the `_entities` fetches of a mutation's plan are queries to the subgraph, but they read what the
 * mutation just wrote and a retry could interleave with it, so they are not repeated either (the safe choice).
 * Health checks and schema loading have their own schedules.
 */
export function isRepeatable(options: GraphQLDataSourceProcessOptions): boolean {
  // (The gateway does not export its request-kind enum; only incoming operations carry `incomingRequestContext`.)
  if (!('incomingRequestContext' in options)) return false;
  if (options.incomingRequestContext.operation?.operation !== 'query') return false;
  return !/^\s*mutation\b/.test(options.request.query ?? '');
}

/**
 * A failure of the subgraph rather than an answer from it: connection errors and timeouts (anything the fetch
 * itself throws) and 5xx responses. GraphQL errors in a 200 are answers and never get here; a 4xx is the router's
 * request being wrong, and repeating it would not help.
 */
export function isSubgraphFailure(err: unknown): boolean {
  if (!(err instanceof GraphQLError)) return !isBreakerOpen(err);
  const status = (err.extensions.response as { status?: unknown } | undefined)?.status;
  return typeof status === 'number' && status >= 500;
}

export function isBreakerOpen(err: unknown): boolean {
  return err instanceof Error && (err as Error & { code?: unknown }).code === 'EOPENBREAKER';
}

/** The deadline of the fetch in progress, read by the fetcher, which the gateway calls without a signal. */
const deadline = new AsyncLocalStorage<AbortSignal>();

/** One subgraph's breaker and retry policy. */
export class SubgraphResilience {
  private readonly breaker: CircuitBreaker<[() => Promise<unknown>], unknown>;

  constructor(
    readonly subgraph: string,
    private readonly options: ResilienceOptions = RESILIENCE_DEFAULTS,
    log?: ResilienceLog,
  ) {
    this.breaker = new CircuitBreaker((attempt: () => Promise<unknown>) => attempt(), {
      // The deadline aborts the fetch itself (below); opossum's timeout would only stop waiting for it.
      timeout: false,
      errorThresholdPercentage: options.errorThresholdPercentage,
      volumeThreshold: options.volumeThreshold,
      rollingCountTimeout: options.rollingWindowMs,
      resetTimeout: options.resetTimeoutMs,
      // A 4xx is an answer: it neither counts against the subgraph nor keeps a half-open circuit from closing.
      errorFilter: (err: unknown) => !isSubgraphFailure(err),
      name: subgraph,
    });
    this.breaker.on('open', () =>
      log?.warn({ subgraph, resetMs: options.resetTimeoutMs }, `circuit to ${subgraph} opened: its fetches fail fast until a trial succeeds`),
    );
    this.breaker.on('halfOpen', () => log?.info({ subgraph }, `circuit to ${subgraph} half-open: letting one trial fetch through`));
    this.breaker.on('close', () => log?.info({ subgraph }, `circuit to ${subgraph} closed: the subgraph answers again`));
  }

  get state(): BreakerState {
    if (this.breaker.opened) return 'open';
    return this.breaker.halfOpen ? 'half_open' : 'closed';
  }

  /** The fetcher with the deadline of the fetch in progress (or a fresh one) as its abort signal. */
  timed(fetcher: Fetcher): Fetcher {
    return (url, init) => fetcher(url, { ...init, signal: deadline.getStore() ?? AbortSignal.timeout(this.options.timeoutMs) } as typeof init);
  }

  /**
   * Runs one fetch (`attempt` sends it, through `timed`'s fetcher) within the time budget, through the breaker,
   * repeating it after a subgraph failure when `repeatable`. An open circuit rejects at once, with no network call.
   */
  run<T>(attempt: () => Promise<T>, repeatable: boolean): Promise<T> {
    const signal = AbortSignal.timeout(this.options.timeoutMs);
    const until = Date.now() + this.options.timeoutMs;
    return deadline.run(signal, async () => {
      for (let retry = 0; ; retry++) {
        try {
          return (await this.breaker.fire(attempt)) as T;
        } catch (err) {
          const delay = this.backoff(retry);
          if (!repeatable || retry >= this.options.retries || !isSubgraphFailure(err) || Date.now() + delay >= until) throw err;
          await sleep(delay);
        }
      }
    });
  }

  /** Exponential backoff with "equal jitter": half the step fixed, half random, so retries of many clients spread. */
  private backoff(retry: number): number {
    const step = Math.min(this.options.maxRetryDelayMs, this.options.retryDelayMs * 2 ** retry);
    return step / 2 + Math.random() * (step / 2);
  }

  shutdown(): void {
    this.breaker.shutdown();
  }
}

/** The router's breakers, one per subgraph and kept across supergraph reloads, and their metric. */
export class Resilience {
  private readonly subgraphs = new Map<string, SubgraphResilience>();

  constructor(
    private readonly options: ResilienceOptions = RESILIENCE_DEFAULTS,
    private readonly log?: ResilienceLog,
  ) {}

  forSubgraph(name: string): SubgraphResilience {
    let found = this.subgraphs.get(name);
    if (!found) {
      found = new SubgraphResilience(name, this.options, this.log);
      this.subgraphs.set(name, found);
    }
    return found;
  }

  states(): Record<string, BreakerState> {
    return Object.fromEntries([...this.subgraphs].map(([name, s]) => [name, s.state]));
  }

  /**
   * `jobgraph_router_circuit_breaker_state{subgraph}`: 0 closed, 1 half-open, 2 open, read at scrape time. Built as
   * a collected metric on the kit's registry because prom-client is the kit's dependency, not the router's.
   */
  expose(registry: ServiceMetrics['registry']): void {
    const name = 'jobgraph_router_circuit_breaker_state';
    const help = 'Circuit breaker of each subgraph: 0 closed, 1 half-open (one trial fetch), 2 open (fetches fail fast).';
    const metric = {
      name,
      help,
      type: 'gauge',
      aggregator: 'max',
      get: async () => ({
        name,
        help,
        type: 'gauge',
        aggregator: 'max',
        values: [...this.subgraphs].map(([subgraph, s]) => ({ labels: { subgraph }, value: BREAKER_STATE_VALUE[s.state] })),
      }),
      reset: () => undefined,
    };
    registry.registerMetric(metric as unknown as Parameters<ServiceMetrics['registry']['registerMetric']>[0]);
  }

  close(): void {
    for (const s of this.subgraphs.values()) s.shutdown();
  }
}
