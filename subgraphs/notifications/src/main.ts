// Runs the notifications subgraph on its own: `node subgraphs/notifications/dist/main.js` (containers, docker-compose).
import { runService } from '@jobgraph/kit';
import { loadNotificationsConfig, startNotifications } from './index.js';

await runService('notifications', () => startNotifications(loadNotificationsConfig()));
