import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Express, NextFunction, Request, Response } from 'express';
import type { BusObserver } from './events/bus.js';

/**
 * Prometheus metrics of one service (prom-client), served at `/metrics`. One registry per service, so several
 * services in one process (tests, `pnpm start`) never mix their series.
 */
export class ServiceMetrics {
  readonly registry = new Registry();
  private readonly published: Counter;
  private readonly consumed: Counter;
  private readonly httpDuration: Histogram;

  constructor(service: string) {
    this.registry.setDefaultLabels({ service });
    collectDefaultMetrics({ register: this.registry, prefix: 'jobgraph_' });
    this.published = new Counter({
      name: 'jobgraph_events_published_total',
      help: 'Domain events confirmed by the broker.',
      labelNames: ['exchange', 'type'],
      registers: [this.registry],
    });
    this.consumed = new Counter({
      name: 'jobgraph_events_consumed_total',
      help: 'Events handled by consumers, by outcome (processed, retried, dead_lettered).',
      labelNames: ['queue', 'type', 'outcome'],
      registers: [this.registry],
    });
    this.httpDuration = new Histogram({
      name: 'jobgraph_http_request_duration_seconds',
      help: 'HTTP requests by route and status.',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [this.registry],
    });
  }

  /** Hooks the event bus's outcomes into the counters. */
  busObserver(): BusObserver {
    return {
      published: (exchange, type) => this.published.inc({ exchange, type }),
      consumed: (queue, type, outcome) => this.consumed.inc({ queue, type, outcome }),
    };
  }

  /** A gauge whose value is read when Prometheus scrapes (e.g. outbox lag from the database). */
  gauge(name: string, help: string, read: () => Promise<number>): void {
    new Gauge({
      name,
      help,
      registers: [this.registry],
      async collect() {
        this.set(await read().catch(() => Number.NaN));
      },
    });
  }

  /** Times every request; the route label is the mount path, so ids in URLs cannot explode the series. */
  httpTimer() {
    return (req: Request, res: Response, next: NextFunction) => {
      const end = this.httpDuration.startTimer({ method: req.method });
      // Only declared routes become labels; anything else (scanners, typos) shares one series.
      res.on('finish', () => end({ route: req.baseUrl || (req.route as { path?: string } | undefined)?.path || 'unmatched', status: String(res.statusCode) }));
      next();
    };
  }

  /** Serves `/metrics` in Prometheus' text format. */
  route(app: Express): void {
    app.get('/metrics', async (_req, res) => {
      res.set('content-type', this.registry.contentType).send(await this.registry.metrics());
    });
  }
}
