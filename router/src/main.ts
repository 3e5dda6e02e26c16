// Runs the router on its own: `node router/dist/main.js` (containers, docker-compose).
import { runService } from '@jobgraph/kit';
import { loadRouterConfig, startRouter } from './index.js';

await runService('router', () => startRouter({ config: loadRouterConfig() }));
