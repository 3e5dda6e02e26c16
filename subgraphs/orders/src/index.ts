import 'reflect-metadata';
import { startSubgraph, runtimeOptions, type RunningSubgraph, type SubgraphDefinition } from '@jobgraph/kit';
import { entities } from './entities/index.js';
import { migrations } from './migrations/index.js';
import { consumers } from './events/consumers.js';
import { GigOrderStatsResolver, OrderResolver, UserOrdersResolver, WalletResolver, references } from './graphql/order-resolver.js';
import { closeOrdersServices, createOrdersServices, ordersRoutes, type OrdersServices } from './services/index.js';
import { loadOrdersConfig, ordersEnv, type OrdersConfig } from './config.js';

export { loadOrdersConfig, ordersEnv, type OrdersConfig, type OrdersServices };
export { entities as ordersEntities } from './entities/index.js';
export { migrations as ordersMigrations } from './migrations/index.js';
export * from './domain/fee-policy.js';
export * from './domain/order-state.js';
export * from './domain/ledger-postings.js';
export * from './events/published.js';
export { SANDBOX_PAYMENT_METHODS } from './payments/sandbox.js';

/** The orders subgraph: orders of gigs and custom offers, escrow, the double-entry ledger, wallets and payouts. */
export function ordersSubgraph(config: OrdersConfig): SubgraphDefinition<OrdersServices> {
  return {
    name: 'orders',
    resolvers: [OrderResolver, UserOrdersResolver, WalletResolver, GigOrderStatsResolver],
    references,
    entities,
    migrations,
    consumers,
    services: (infra) => createOrdersServices(config, infra),
    routes: ordersRoutes,
    close: closeOrdersServices,
  };
}

export function startOrders(config: OrdersConfig, overrides: { port?: number; databaseUrl?: string } = {}): Promise<RunningSubgraph<OrdersServices>> {
  return startSubgraph(ordersSubgraph(config), runtimeOptions('orders', config, overrides));
}
