// Runs the auth subgraph on its own: `node subgraphs/auth/dist/main.js` (containers, docker-compose).
import { runService } from '@jobgraph/kit';
import { loadAuthConfig, startAuth } from './index.js';

await runService('auth', () => startAuth(loadAuthConfig()));
