import { z } from 'zod';
import { subgraphEnv, loadConfig, port } from '@jobgraph/kit';

/** The orders subgraph's environment (on top of the kit's). */
export const ordersEnv = {
  ...subgraphEnv,
  ORDERS_PORT: port(4005),
  ORDERS_DATABASE_URL: z.url().optional(),
  /** The one currency orders and wallets use (gigs price in it); an offer in another currency is refused. */
  ORDERS_CURRENCY: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as USD').default('USD'),
  /** Service fee in basis points of the price (550 = 5.5 %), paid by the buyer on top. */
  ORDERS_FEE_BASIS_POINTS: z.coerce.number().int().min(0).max(10_000).default(550),
  /** Flat fee added to orders priced under ORDERS_SMALL_ORDER_THRESHOLD (minor units: 200 = 2.00). */
  ORDERS_SMALL_ORDER_FEE: z.coerce.number().int().min(0).default(200),
  ORDERS_SMALL_ORDER_THRESHOLD: z.coerce.number().int().min(0).default(5000),
  /** How often the payment jobs look for refunds and payouts to send (they are also woken after each commit). */
  ORDERS_PAYMENT_JOBS_INTERVAL_MS: z.coerce.number().int().min(50).max(60_000).default(1000),
  /** Who moves the money: `sandbox` (test cards, no real money) or `stripe` (needs the two STRIPE_* secrets). */
  PAYMENT_PROVIDER: z.enum(['sandbox', 'stripe']).default('sandbox'),
  STRIPE_SECRET_KEY: z.string().regex(/^(sk|rk)_/, 'must be a Stripe secret or restricted key (sk_… or rk_…)').optional(),
  /** Signing secret of the Stripe webhook endpoint, shown in the Stripe dashboard when the endpoint is created. */
  STRIPE_WEBHOOK_SECRET: z.string().startsWith('whsec_', 'must be a webhook signing secret (whsec_…)').optional(),
  /** Sends Stripe API calls to a local mock (`http://127.0.0.1:12111`) instead of api.stripe.com; tests only. */
  STRIPE_API_BASE: z.url().optional(),
};

export type OrdersConfig = ReturnType<typeof loadOrdersConfig>;
export const loadOrdersConfig = (env: Record<string, string | undefined> = process.env) => loadConfig(ordersEnv, env);
