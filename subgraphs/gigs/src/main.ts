// Runs the gigs subgraph on its own: `node subgraphs/gigs/dist/main.js` (containers, docker-compose).
import { runService } from '@jobgraph/kit';
import { loadGigsConfig, startGigs } from './index.js';

await runService('gigs', () => startGigs(loadGigsConfig()));
