/**
 * The load generator, run in a worker thread so that autocannon's own work (building requests, parsing responses)
 * happens on another event loop than the router's and the subgraphs' (which share the main thread).
 *
 * Receives a `LoadJob` as workerData, runs a warm-up (not counted) and a measured autocannon run, posts one
 * `LoadResult` back. While it runs, the main thread may post `{ type: 'headers', headers }` to replace the
 * request headers (fresh internal tokens: they expire after 30 s). It posts a `progress` message when each run
 * starts and every second after.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createHistogram } from 'node:perf_hooks';
import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';

export interface LoadJob {
  url: string;
  /** The JSON request body (POST). */
  body: string;
  headers: Record<string, string>;
  /** A 2xx response is correct when it contains this text and no `"errors"` key. */
  marker: string;
  connections: number;
  /** Seconds. */
  warmup: number;
  /** Seconds. */
  duration: number;
  /**
   * Per connection (optional): connection i sends `perConnection[i % length]`, its headers over `headers` and its
   * body instead of `body` (e.g. one user's access token per connection).
   */
  perConnection?: Array<{ headers?: Record<string, string>; body?: string }>;
  /** A header sent with a fresh random UUID on every request (e.g. `idempotency-key`). */
  uniqueHeader?: string;
}

export interface LoadResult {
  /** Completed requests in the measured run (any status). */
  requests: number;
  /** Mean requests per second over the measured run. */
  rps: number;
  /** Latency percentiles of 2xx responses, in milliseconds (microsecond resolution). */
  p50: number;
  p95: number;
  p99: number;
  mean: number;
  max: number;
  non2xx: number;
  /** 2xx responses with GraphQL errors or without the expected data. */
  graphqlErrors: number;
  /** Connection errors and timeouts. */
  socketErrors: number;
  timeouts: number;
  /** One failing body, to show what went wrong. */
  sampleError: string | null;
  /** Wall-clock time (ms since the epoch) when the measured run started and ended. */
  startedAt: number;
  endedAt: number;
}

/** Sent when a run starts (`elapsed` 0) and every second of it. */
export interface LoadProgress {
  phase: 'warm-up' | 'measured';
  /** Seconds since the run started, and its length. */
  elapsed: number;
  duration: number;
  /** Responses so far in this run, and how many of them failed (non-2xx, GraphQL errors or wrong data). */
  responses: number;
  failed: number;
}

/** What autocannon's run returns when it does not aggregate (see below). */
interface RawResult {
  totalCompletedRequests: number;
}

export type WorkerMessage = { type: 'result'; result: LoadResult } | { type: 'failed'; message: string } | { type: 'progress'; progress: LoadProgress };

const job = workerData as LoadJob;
let headers = job.headers;
parentPort!.on('message', (message: { type: string; headers?: Record<string, string> }) => {
  if (message.type === 'headers' && message.headers) headers = message.headers;
});

function run(phase: LoadProgress['phase'], duration: number): Promise<LoadResult> {
  // autocannon's latency histogram has 1 ms resolution; direct subgraph calls take a few ms, so the latencies are
  // also recorded here, in microseconds, from the same per-request timing autocannon uses.
  const latency = createHistogram();
  let graphqlErrors = 0;
  let non2xx = 0;
  let responses = 0;
  let sampleError: string | null = null;
  let connection = 0;
  const perConnection = job.perConnection?.length ? job.perConnection : null;
  const startedAt = Date.now();
  const progress = (): void =>
    parentPort!.postMessage({
      type: 'progress',
      progress: { phase, elapsed: (Date.now() - startedAt) / 1000, duration, responses, failed: non2xx + graphqlErrors },
    } satisfies WorkerMessage);
  progress();
  const ticker = setInterval(progress, 1_000);
  return new Promise<LoadResult>((resolve, reject) => {
    const instance = autocannon(
      {
        url: job.url,
        connections: job.connections,
        duration,
        // Once per connection: its own headers and body, if any (they sit under the request's per-request setup).
        ...(perConnection
          ? {
              setupClient: (client: autocannon.Client) => {
                const mine = perConnection[connection++ % perConnection.length];
                client.setHeadersAndBody(mine.headers ?? {}, mine.body ?? job.body);
              },
            }
          : {}),
        requests: [
          {
            method: 'POST',
            body: job.body,
            // Called for every request: picks up re-signed tokens, keeps the connection's own headers, and draws a
            // fresh unique header.
            setupRequest: (request) => ({
              ...request,
              headers: { ...headers, ...request.headers, ...(job.uniqueHeader ? { [job.uniqueHeader]: randomUUID() } : {}) },
            }),
            onResponse: (status, body) => {
              responses++;
              if (status < 200 || status >= 300) {
                non2xx++;
                sampleError ??= `HTTP ${status}: ${body.slice(0, 500)}`;
                return;
              }
              if (body.includes('"errors"') || !body.includes(job.marker)) {
                graphqlErrors++;
                sampleError ??= body.slice(0, 500);
              }
            },
          },
        ],
      },
      (err, result) => {
        clearInterval(ticker);
        if (err) return reject(err instanceof Error ? err : new Error(String(err)));
        const ms = (ns: number): number => ns / 1e6;
        // Inside a worker thread autocannon skips its aggregation (it assumes its own workers mode) and hands back
        // the raw counters; outside one it returns the usual Result. Read both.
        const raw = result as unknown as RawResult;
        const requests = typeof result.requests?.total === 'number' ? result.requests.total : raw.totalCompletedRequests;
        resolve({
          requests,
          rps: result.duration > 0 ? requests / result.duration : NaN,
          p50: latency.count > 0 ? ms(latency.percentile(50)) : NaN,
          p95: latency.count > 0 ? ms(latency.percentile(95)) : NaN,
          p99: latency.count > 0 ? ms(latency.percentile(99)) : NaN,
          mean: latency.count > 0 ? ms(latency.mean) : NaN,
          max: latency.count > 0 ? ms(latency.max) : NaN,
          non2xx: result.non2xx,
          graphqlErrors,
          socketErrors: result.errors,
          timeouts: result.timeouts,
          sampleError,
          startedAt,
          endedAt: Date.now(),
        });
      },
    );
    instance.on('response', (_client: unknown, status: number, _bytes: number, responseTime: number) => {
      if (status >= 200 && status < 300) latency.record(Math.max(1, Math.round(responseTime * 1e6)));
    });
  });
}

try {
  if (job.warmup > 0) await run('warm-up', job.warmup);
  const result = await run('measured', job.duration);
  parentPort!.postMessage({ type: 'result', result } satisfies WorkerMessage);
} catch (err) {
  parentPort!.postMessage({ type: 'failed', message: err instanceof Error ? err.stack ?? err.message : String(err) } satisfies WorkerMessage);
}
