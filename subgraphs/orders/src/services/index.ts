import type { Logger, SubgraphContext, SubgraphInfra } from '@jobgraph/kit';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { OrdersConfig } from '../config.js';
import type { FeePolicy } from '../domain/fee-policy.js';
import type { PaymentProvider } from '../payments/provider.js';
import { SandboxProvider } from '../payments/sandbox.js';
import { checkPaymentProviderConfig, stripeProviderFromConfig } from '../payments/stripe.js';
import { stripeWebhookRoute, type HandledStripeEvent, type SubgraphApp } from '../payments/stripe-webhook.js';
import { PaymentJobs } from './payment-jobs.js';

export interface OrdersServices {
  config: OrdersConfig;
  feePolicy: FeePolicy;
  provider: PaymentProvider;
  jobs: PaymentJobs;
  orm: MikroORM;
  log: Logger;
}

export type OrdersContext = SubgraphContext<OrdersServices>;

export function createOrdersServices(config: OrdersConfig, infra: SubgraphInfra): OrdersServices {
  checkPaymentProviderConfig(config);
  // Sellers' Stripe connected-account ids are not collected yet: until they are, Stripe payouts are declined
  // (no_payout_account) and the amount goes back to the wallet.
  const provider: PaymentProvider = config.PAYMENT_PROVIDER === 'stripe' ? stripeProviderFromConfig(config, () => null) : new SandboxProvider(infra.orm);
  const jobs = new PaymentJobs(infra.orm, provider, infra.log.child({ component: 'payment-jobs' }), config.ORDERS_PAYMENT_JOBS_INTERVAL_MS);
  jobs.start();
  return {
    config,
    feePolicy: {
      percentBasisPoints: config.ORDERS_FEE_BASIS_POINTS,
      smallOrderFee: config.ORDERS_SMALL_ORDER_FEE,
      smallOrderThreshold: config.ORDERS_SMALL_ORDER_THRESHOLD,
    },
    provider,
    jobs,
    orm: infra.orm,
    log: infra.log,
  };
}

/** Stripe's webhook endpoint (only with PAYMENT_PROVIDER=stripe): each verified event is kept once, for reconciliation. */
export function ordersRoutes(app: SubgraphApp, services: OrdersServices): void {
  const secret = services.config.STRIPE_WEBHOOK_SECRET;
  if (services.config.PAYMENT_PROVIDER !== 'stripe' || !secret) return;
  stripeWebhookRoute(app, {
    secret,
    log: services.log,
    onEvent: async (event: HandledStripeEvent) => {
      const rows: unknown[] = await services.orm.em
        .fork()
        .execute(
          `insert into provider_event (id, provider, type, payload, received_at) values (?, 'stripe', ?, ?, now()) on conflict (id) do nothing returning id`,
          [event.id, event.type, JSON.stringify(event.data.object)],
        );
      if (rows.length > 0) services.log.warn({ stripeEventId: event.id, type: event.type }, 'payment provider reported an event that needs reconciliation');
    },
  });
}

export async function closeOrdersServices(services: OrdersServices): Promise<void> {
  await services.jobs.stop();
}
