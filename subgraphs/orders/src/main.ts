// Runs the orders subgraph on its own: `node subgraphs/orders/dist/main.js` (containers, docker-compose).
import { runService } from '@jobgraph/kit';
import { loadOrdersConfig, startOrders } from './index.js';

await runService('orders', () => startOrders(loadOrdersConfig()));
