import { createHash } from 'node:crypto';
import Stripe from 'stripe';
import { ConfigError } from '@jobgraph/kit';
import type { OrdersConfig } from '../config.js';
import {
  PaymentDeclinedError,
  PaymentUnavailableError,
  type ChargeRequest,
  type ChargeResult,
  type PaymentProvider,
  type PayoutRequest,
  type PayoutResult,
  type RefundRequest,
  type RefundResult,
} from './provider.js';

export interface StripeProviderConfig {
  /** Secret API key (`sk_…`, or a restricted `rk_…` with PaymentIntents, Refunds and Transfers write access). */
  secretKey: string;
  /** Signing secret of the webhook endpoint (`whsec_…`); see stripe-webhook.ts. */
  webhookSecret: string;
  /**
   * Where API calls go instead of https://api.stripe.com: protocol, host and port of a local stripe-mock or a test's
   * fake server (`http://127.0.0.1:12111`). Stripe's paths (`/v1/…`) are fixed, so the URL must have no path.
   */
  apiBase?: string;
  /** Retries of a failed network call or 5xx, each with the same idempotency key (so safe). Default 2. */
  maxNetworkRetries?: number;
  /** Per-request timeout. Stripe's own default (80 s) would outlast any client waiting on placeOrder. */
  timeoutMs?: number;
}

/** The seller's Stripe Connect account id (`acct_…`), or null when they have not connected one yet. */
export type PayoutAccountLookup = (sellerId: string) => string | null | Promise<string | null>;

const DEFAULT_MAX_NETWORK_RETRIES = 2;
const DEFAULT_TIMEOUT_MS = 30_000;
// Stripe refuses idempotency keys longer than this.
const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

/**
 * Moves money through Stripe: a charge is a PaymentIntent created and confirmed in one call, a refund goes back to
 * that PaymentIntent, a payout is a Connect transfer to the seller's connected account. Stripe keeps each
 * idempotency key's first response for 24 hours, so a repeated call returns the first outcome (a decline included)
 * and never moves money twice.
 */
export class StripeProvider implements PaymentProvider {
  readonly name = 'stripe';
  readonly webhookSecret: string;
  private readonly stripe: Stripe;

  constructor(
    config: StripeProviderConfig,
    private readonly payoutAccountFor: PayoutAccountLookup,
  ) {
    this.webhookSecret = config.webhookSecret;
    this.stripe = new Stripe(config.secretKey, {
      ...(config.apiBase ? apiAddress(config.apiBase) : {}),
      maxNetworkRetries: config.maxNetworkRetries ?? DEFAULT_MAX_NETWORK_RETRIES,
      timeout: config.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    });
  }

  async charge(request: ChargeRequest): Promise<ChargeResult> {
    let intent: Stripe.PaymentIntent;
    try {
      intent = await this.stripe.paymentIntents.create(
        {
          amount: request.amount,
          currency: request.currency.toLowerCase(),
          payment_method: request.paymentMethod,
          confirm: true,
          // No redirects and off-session: the buyer is on our API, not on a Stripe page, and cannot complete a bank
          // redirect or a 3-D Secure challenge, so a method that insists on one is declined now
          // (`authentication_required`) instead of leaving the order half-paid.
          automatic_payment_methods: { enabled: true, allow_redirects: 'never' },
          off_session: true,
          description: request.description,
          metadata: { customerId: request.customerId },
        },
        { idempotencyKey: stripeIdempotencyKey('charge', request.idempotencyKey) },
      );
    } catch (err) {
      throw toPaymentError(err);
    }
    switch (intent.status) {
      case 'succeeded':
        return { chargeId: intent.id, amount: intent.amount, currency: intent.currency.toUpperCase() };
      case 'requires_action':
        throw new PaymentDeclinedError('authentication_required');
      case 'requires_payment_method': {
        const failure = intent.last_payment_error;
        throw new PaymentDeclinedError(failure?.decline_code || failure?.code || 'card_declined');
      }
      default:
        // `processing` (or a status newer than this code): the money is neither taken nor refused yet, and Stripe
        // settles it later by webhook. Not a decline, since the card may still pay; not paid either.
        throw new PaymentUnavailableError(`The payment is not complete yet (Stripe status ${intent.status}).`);
    }
  }

  async refund(request: RefundRequest): Promise<RefundResult> {
    try {
      // A refund is in the PaymentIntent's own currency; Stripe takes no currency here.
      const refund = await this.stripe.refunds.create(
        { payment_intent: request.chargeId, amount: request.amount },
        { idempotencyKey: stripeIdempotencyKey('refund', request.idempotencyKey) },
      );
      return { refundId: refund.id };
    } catch (err) {
      throw toPaymentError(err);
    }
  }

  async payout(request: PayoutRequest): Promise<PayoutResult> {
    const destination = await this.payoutAccountFor(request.sellerId);
    if (!destination) {
      throw new PaymentDeclinedError('no_payout_account', 'The seller has not connected a payout account yet.');
    }
    try {
      const transfer = await this.stripe.transfers.create(
        {
          amount: request.amount,
          currency: request.currency.toLowerCase(),
          destination,
          metadata: { sellerId: request.sellerId },
        },
        { idempotencyKey: stripeIdempotencyKey('payout', request.idempotencyKey) },
      );
      return { payoutId: transfer.id };
    } catch (err) {
      throw toPaymentError(err);
    }
  }
}

/** What the Stripe adapter needs from the orders config (config.ts). */
export type StripeEnv = Pick<OrdersConfig, 'PAYMENT_PROVIDER' | 'STRIPE_SECRET_KEY' | 'STRIPE_WEBHOOK_SECRET' | 'STRIPE_API_BASE'>;

/**
 * Refuses PAYMENT_PROVIDER=stripe without both secrets, naming each missing one. Call it at start-up so a bad
 * deployment fails before it takes an order, not at the first charge.
 */
export function checkPaymentProviderConfig(config: StripeEnv): void {
  if (config.PAYMENT_PROVIDER !== 'stripe') return;
  const problems: string[] = [];
  if (!config.STRIPE_SECRET_KEY) problems.push('STRIPE_SECRET_KEY: is required when PAYMENT_PROVIDER=stripe');
  if (!config.STRIPE_WEBHOOK_SECRET) problems.push('STRIPE_WEBHOOK_SECRET: is required when PAYMENT_PROVIDER=stripe');
  if (problems.length > 0) throw new ConfigError(problems);
}

/** The Stripe provider the environment describes; throws ConfigError when it is incomplete. */
export function stripeProviderFromConfig(
  config: StripeEnv,
  payoutAccountFor: PayoutAccountLookup,
  overrides: Pick<StripeProviderConfig, 'maxNetworkRetries' | 'timeoutMs'> = {},
): StripeProvider {
  checkPaymentProviderConfig({ ...config, PAYMENT_PROVIDER: 'stripe' });
  return new StripeProvider(
    {
      secretKey: config.STRIPE_SECRET_KEY!,
      webhookSecret: config.STRIPE_WEBHOOK_SECRET!,
      apiBase: config.STRIPE_API_BASE,
      ...overrides,
    },
    payoutAccountFor,
  );
}

/**
 * Stripe scopes idempotency keys to the account, not to the endpoint: a refund sent with the key that paid the order
 * would be refused as a reuse. Prefixing the operation keeps the three kinds of call apart; hashing keeps a long
 * caller key within Stripe's limit without losing its uniqueness.
 */
function stripeIdempotencyKey(operation: 'charge' | 'refund' | 'payout', key: string): string {
  const prefixed = `${operation}:${key}`;
  if (prefixed.length <= MAX_IDEMPOTENCY_KEY_LENGTH) return prefixed;
  return `${operation}:sha256:${createHash('sha256').update(key).digest('hex')}`;
}

function apiAddress(apiBase: string): { host: string; port: number; protocol: 'http' | 'https' } {
  const url = new URL(apiBase);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError([`STRIPE_API_BASE: must be an http or https URL, got ${url.protocol}`]);
  }
  if (url.pathname !== '/' || url.search) {
    throw new ConfigError(['STRIPE_API_BASE: must be protocol, host and port only (Stripe adds /v1/… itself)']);
  }
  const protocol = url.protocol === 'http:' ? 'http' : 'https';
  return { host: url.hostname, port: url.port ? Number(url.port) : protocol === 'http' ? 80 : 443, protocol };
}

/**
 * Sorts Stripe's failures into the two the orders saga understands. A card error, or a request Stripe will never
 * accept (unknown payment method, refund larger than the charge), is a decline: the same call cannot succeed.
 * Everything on Stripe's side or between us — network, timeouts, 5xx, rate limits, and our own bad credentials,
 * which are an operator's fix and not the buyer's fault — is unavailability: the same call may succeed later.
 */
function toPaymentError(err: unknown): unknown {
  const errors = Stripe.errors;
  let mapped: Error;
  if (err instanceof errors.StripeCardError) {
    // The library fills a missing decline_code with '', hence || rather than ??.
    mapped = new PaymentDeclinedError(err.decline_code || err.code || 'card_declined');
  } else if (err instanceof errors.StripeIdempotencyError) {
    mapped = new PaymentDeclinedError('idempotency_key_reused');
  } else if (err instanceof errors.StripeInvalidRequestError) {
    mapped = new PaymentDeclinedError(err.code ?? 'invalid_request');
  } else if (err instanceof errors.StripeError) {
    mapped = new PaymentUnavailableError();
  } else {
    return err;
  }
  // Keeps Stripe's request id and raw error for the log, out of the message a client may see.
  mapped.cause = err;
  return mapped;
}
