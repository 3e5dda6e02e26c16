// Runs the users subgraph on its own: `node subgraphs/users/dist/main.js` (containers, docker-compose).
import { runService } from '@jobgraph/kit';
import { loadUsersConfig, startUsers } from './index.js';

await runService('users', () => startUsers(loadUsersConfig()));
