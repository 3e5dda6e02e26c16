import type { Express } from 'express';

/**
 * `/health`: the process is alive. `/ready`: the supergraph is loaded and every subgraph answers its `/health`
 * (what a load balancer should wait for before sending traffic).
 */
export function healthRoutes(app: Express, state: { loaded: () => boolean; subgraphUrls: () => Map<string, string> }): void {
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok', service: 'router' });
  });
  app.get('/ready', async (_req, res) => {
    if (!state.loaded()) {
      res.status(503).json({ status: 'unavailable', reason: 'supergraph not loaded' });
      return;
    }
    const checks = await Promise.all(
      [...state.subgraphUrls()].map(async ([name, url]) => {
        try {
          const r = await fetch(new URL('/health', url), { signal: AbortSignal.timeout(2_000) });
          return [name, r.ok ? 'ok' : `status ${r.status}`] as const;
        } catch (err) {
          return [name, (err as Error).message] as const;
        }
      }),
    );
    const subgraphs = Object.fromEntries(checks);
    const ready = checks.every(([, status]) => status === 'ok');
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'unavailable', subgraphs });
  });
}
