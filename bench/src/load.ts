/**
 * What every benchmark here shares: a target (one HTTP GraphQL request and how to check its answer), a check of one
 * response, a measured autocannon run in a worker thread (`load-worker.ts`), percentiles and the printed table. Flags
 * and the run around `main`: `cli.ts`.
 */
import { Worker } from 'node:worker_threads';
import type { LoadJob, LoadProgress, LoadResult, WorkerMessage } from './load-worker.js';

export type { LoadProgress, LoadResult };

export interface Target {
  name: string;
  url: string;
  body: string;
  /** Current headers; called again every few seconds during the run when `refresh` is set. */
  headers: () => Promise<Record<string, string>>;
  refresh: boolean;
  /** Text every correct response contains. */
  marker: string;
  /** Returns what is wrong with a parsed response, or null. */
  check: (body: { data?: unknown; errors?: unknown }) => string | null;
  /** Headers and body per connection under load (connection i gets entry i % length); see LoadJob. */
  perConnection?: LoadJob['perConnection'];
  /** A header sent with a fresh random UUID on every request under load (e.g. `idempotency-key`). */
  uniqueHeader?: string;
}

export interface LoadSettings {
  connections: number;
  /** Seconds of load before the measured run, not counted. */
  warmup: number;
  /** Seconds measured. */
  duration: number;
}

/** Sends one request exactly as the load generator will, and fails loudly unless the answer is right. */
export async function verify(target: Target, log: (line: string) => void): Promise<void> {
  const response = await fetch(target.url, { method: 'POST', headers: await target.headers(), body: target.body });
  const text = await response.text();
  let problem: string | null = null;
  if (response.status !== 200) problem = `HTTP ${response.status}`;
  else {
    let body: { data?: unknown; errors?: unknown } = {};
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      problem = 'the body is not JSON';
    }
    problem ??= body.errors ? 'the response has errors' : target.check(body);
    problem ??= text.includes(target.marker) ? null : `the body does not contain ${target.marker}`;
  }
  if (problem) throw new Error(`check of "${target.name}" failed: ${problem}\n  POST ${target.url}\n  ${target.body}\n  → ${text.slice(0, 1000)}`);
  log(`  ${target.name}: ok`);
}

/**
 * Warm-up plus measured run of one target, with autocannon in a worker thread. `onProgress` hears when each run
 * starts and every second of it.
 */
export async function measure(target: Target, settings: LoadSettings, onProgress?: (progress: LoadProgress) => void): Promise<LoadResult> {
  const job: LoadJob = {
    url: target.url,
    body: target.body,
    headers: await target.headers(),
    marker: target.marker,
    connections: settings.connections,
    warmup: settings.warmup,
    duration: settings.duration,
    ...(target.perConnection ? { perConnection: target.perConnection } : {}),
    ...(target.uniqueHeader ? { uniqueHeader: target.uniqueHeader } : {}),
  };
  const worker = new Worker(new URL('./load-worker.js', import.meta.url), { workerData: job });
  // Internal tokens live 30 s: give the worker fresh ones well before they expire.
  const refresher = target.refresh
    ? setInterval(() => {
        target.headers().then(
          (headers) => worker.postMessage({ type: 'headers', headers }),
          (err: unknown) => console.error('could not re-sign the internal token:', err),
        );
      }, 10_000)
    : null;
  try {
    return await new Promise<LoadResult>((resolve, reject) => {
      worker.on('message', (message: WorkerMessage) => {
        if (message.type === 'progress') onProgress?.(message.progress);
        else if (message.type === 'result') resolve(message.result);
        else reject(new Error(`load generator failed: ${message.message}`));
      });
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`load generator exited (code ${code}) before reporting`)));
    });
  } finally {
    if (refresher) clearInterval(refresher);
    await worker.terminate();
  }
}

export const fmt = (n: number, digits = 2): string => (Number.isFinite(n) ? n.toFixed(digits) : '—');

/** Nearest-rank percentile of sorted values (NaN when there are none). */
export const percentile = (sorted: number[], p: number): number =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];

/** Failed requests of a run: non-2xx, GraphQL errors or wrong data, connection errors. */
export const errorsOf = (r: LoadResult): number => r.non2xx + r.graphqlErrors + r.socketErrors;

/** A plain-text table: first column left-aligned, the others right-aligned. */
export function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const line = (r: string[]): string => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(rows[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}
