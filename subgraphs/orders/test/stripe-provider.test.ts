// The Stripe adapter, entirely offline: webhooks are signed with the stripe library's own test helper, and API calls
// go to a fake Stripe on 127.0.0.1 that records what it was sent.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import Stripe from 'stripe';
import { ConfigError } from '@jobgraph/kit';
import { loadOrdersConfig } from '../src/config.js';
import { PaymentDeclinedError, PaymentUnavailableError, type ChargeRequest } from '../src/payments/provider.js';
import { StripeProvider, stripeProviderFromConfig, type PayoutAccountLookup } from '../src/payments/stripe.js';
import {
  handleStripeWebhook,
  stripeWebhookRoute,
  StripeWebhookError,
  type HandledStripeEvent,
  type StripeWebhookRouteOptions,
  type SubgraphApp,
} from '../src/payments/stripe-webhook.js';

const WEBHOOK_SECRET = 'whsec_test_orders_endpoint';
const SECRET_KEY = 'sk_test_orders';

function listening(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

function closing(server: Server): Promise<void> {
  // The stripe client keeps connections alive; without this, close() would wait for them to time out.
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

function stripeEvent(type: string, id = `evt_${Math.random().toString(36).slice(2)}`): string {
  return JSON.stringify({
    id,
    object: 'event',
    api_version: Stripe.API_VERSION,
    created: Math.floor(Date.now() / 1000),
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
    data: { object: { id: 'ch_1', object: 'charge', amount: 5275, currency: 'usd' } },
  });
}

describe('Stripe webhooks', () => {
  // Orders has no express dependency of its own: the route is installed on the app the kit creates, so the test
  // builds its app from the kit's copy of express, the same one a running subgraph uses.
  const kitRequire = createRequire(createRequire(import.meta.url).resolve('@jobgraph/kit'));
  const express = kitRequire('express') as () => SubgraphApp;

  const servers: Server[] = [];
  afterAll(async () => {
    await Promise.all(servers.map(closing));
  });

  async function webhookEndpoint(overrides: Partial<StripeWebhookRouteOptions> = {}) {
    const received: HandledStripeEvent[] = [];
    const app = express();
    stripeWebhookRoute(app, {
      path: '/webhooks/stripe',
      secret: WEBHOOK_SECRET,
      onEvent: (event) => {
        received.push(event);
      },
      ...overrides,
    });
    const server = createServer(app);
    servers.push(server);
    const port = await listening(server);
    const deliver = async (payload: string, signature?: string) => {
      const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
      if (signature !== undefined) headers['stripe-signature'] = signature;
      const response = await fetch(`http://127.0.0.1:${port}/webhooks/stripe`, { method: 'POST', headers, body: payload });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    return { received, deliver };
  }

  it('accepts an event Stripe signed and hands it to the order logic', async () => {
    const { received, deliver } = await webhookEndpoint();
    const payload = stripeEvent('charge.refunded', 'evt_refund_1');

    const response = await deliver(payload, Stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET }));

    expect(response).toEqual({ status: 200, body: { received: true } });
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ id: 'evt_refund_1', type: 'charge.refunded', data: { object: { id: 'ch_1' } } });
  });

  it.each(['payment_intent.payment_failed', 'charge.refunded', 'charge.dispute.created', 'payout.failed'])(
    'passes on a signed %s event',
    async (type) => {
      const { received, deliver } = await webhookEndpoint();
      const payload = stripeEvent(type);
      const response = await deliver(payload, Stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET }));
      expect(response.status).toBe(200);
      expect(received.map((e) => e.type)).toEqual([type]);
    },
  );

  it('refuses an event signed with another endpoint’s secret, and acts on nothing', async () => {
    const { received, deliver } = await webhookEndpoint();
    const payload = stripeEvent('charge.dispute.created');

    const response = await deliver(payload, Stripe.webhooks.generateTestHeaderString({ payload, secret: 'whsec_someone_else' }));

    expect(response.status).toBe(400);
    expect(response.body.error).toMatch(/does not match/);
    expect(received).toEqual([]);
  });

  it('refuses a signed event whose body was altered on the way', async () => {
    const { received, deliver } = await webhookEndpoint();
    const payload = stripeEvent('charge.refunded');
    const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET });

    const response = await deliver(payload.replace('"amount":5275', '"amount":9999999'), signature);

    expect(response.status).toBe(400);
    expect(received).toEqual([]);
  });

  it('refuses a correctly signed event replayed after the five-minute tolerance', async () => {
    const { received, deliver } = await webhookEndpoint();
    const payload = stripeEvent('payout.failed');
    const tenMinutesAgo = Math.floor(Date.now() / 1000) - 600;

    const response = await deliver(payload, Stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET, timestamp: tenMinutesAgo }));

    expect(response.status).toBe(400);
    expect(response.body.error).toMatch(/more than 300 s old/);
    expect(received).toEqual([]);
  });

  it('refuses a delivery without a Stripe-Signature header', async () => {
    const { received, deliver } = await webhookEndpoint();

    const response = await deliver(stripeEvent('charge.refunded'));

    expect(response.status).toBe(400);
    expect(response.body.error).toMatch(/no Stripe-Signature header/);
    expect(received).toEqual([]);
  });

  it('acknowledges a signed event orders does not act on, so Stripe stops redelivering it', async () => {
    const { received, deliver } = await webhookEndpoint();
    const payload = stripeEvent('customer.created');

    const response = await deliver(payload, Stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET }));

    expect(response).toEqual({ status: 200, body: { received: true } });
    expect(received).toEqual([]);
  });

  it('answers 500 when handling the event fails, so Stripe delivers it again later', async () => {
    const { deliver } = await webhookEndpoint({
      onEvent: () => {
        throw new Error('database down');
      },
    });
    const payload = stripeEvent('charge.dispute.created');

    const response = await deliver(payload, Stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET }));

    expect(response.status).toBe(500);
  });

  it('tells the caller which check a webhook failed', () => {
    const payload = stripeEvent('charge.refunded');
    const reasonFor = (body: string, header: string | undefined) => {
      try {
        handleStripeWebhook(Buffer.from(body), header, WEBHOOK_SECRET);
      } catch (err) {
        return err instanceof StripeWebhookError ? err.reason : err;
      }
      return 'accepted';
    };
    const signed = (body: string, timestamp?: number) => Stripe.webhooks.generateTestHeaderString({ payload: body, secret: WEBHOOK_SECRET, timestamp });

    expect(reasonFor(payload, signed(payload))).toBe('accepted');
    expect(reasonFor(payload, undefined)).toBe('missing_signature');
    expect(reasonFor(payload, 'garbage')).toBe('bad_signature');
    expect(reasonFor(`${payload} `, signed(payload))).toBe('bad_signature');
    expect(reasonFor(payload, signed(payload, Math.floor(Date.now() / 1000) - 301))).toBe('stale_timestamp');
    expect(reasonFor('not json', signed('not json'))).toBe('malformed_payload');
  });
});

interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  form: URLSearchParams;
}

type FakeReply = { status: number; body: unknown };

/** A stand-in for api.stripe.com: records each request (Stripe sends form-encoded bodies) and answers with `reply`. */
async function fakeStripe(reply: (request: RecordedRequest) => FakeReply) {
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const recorded = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, form: new URLSearchParams(Buffer.concat(chunks).toString()) };
      requests.push(recorded);
      const { status, body } = reply(recorded);
      res.writeHead(status, { 'content-type': 'application/json', 'request-id': `req_${requests.length}` });
      res.end(JSON.stringify(body));
    });
  });
  const port = await listening(server);
  return { requests, server, apiBase: `http://127.0.0.1:${port}` };
}

/** What Stripe answers to the happy paths. */
function stripeSucceeds(request: RecordedRequest): FakeReply {
  const amount = Number(request.form.get('amount'));
  const currency = request.form.get('currency');
  if (request.path === '/v1/payment_intents') {
    return { status: 200, body: { id: 'pi_paid_1', object: 'payment_intent', amount, currency, status: 'succeeded' } };
  }
  if (request.path === '/v1/refunds') return { status: 200, body: { id: 're_1', object: 'refund', amount, status: 'succeeded' } };
  if (request.path === '/v1/transfers') return { status: 200, body: { id: 'tr_1', object: 'transfer', amount, currency } };
  return { status: 404, body: { error: { type: 'invalid_request_error', message: `Unrecognized request URL (POST: ${request.path})` } } };
}

function stripeError(status: number, error: Record<string, string>): () => FakeReply {
  return () => ({ status, body: { error } });
}

const sellersWithAccounts: PayoutAccountLookup = (sellerId) => (sellerId === 'seller-with-account' ? 'acct_seller_1' : null);

function providerFor(apiBase: string, payoutAccountFor = sellersWithAccounts) {
  // No retries: each test sees exactly the one request its action made.
  return new StripeProvider({ secretKey: SECRET_KEY, webhookSecret: WEBHOOK_SECRET, apiBase, maxNetworkRetries: 0, timeoutMs: 5_000 }, payoutAccountFor);
}

function chargeOf(overrides: Partial<ChargeRequest> = {}): ChargeRequest {
  return {
    idempotencyKey: 'order-key-1',
    paymentMethod: 'pm_card_visa',
    amount: 5275,
    currency: 'USD',
    description: 'Logo design (order 1)',
    customerId: 'buyer-1',
    ...overrides,
  };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (err: unknown) => err,
  );
}

describe('the Stripe payment provider', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map(closing));
  });
  async function stripeThat(reply: (request: RecordedRequest) => FakeReply) {
    const fake = await fakeStripe(reply);
    servers.push(fake.server);
    return fake;
  }

  it('charges the buyer’s payment method once, for the order total, under the order’s idempotency key', async () => {
    const stripe = await stripeThat(stripeSucceeds);
    const provider = providerFor(stripe.apiBase);

    const first = await provider.charge(chargeOf());
    // A client retrying after a timeout repeats the key, and Stripe answers with the first charge instead of a new one.
    await provider.charge(chargeOf());

    expect(first).toEqual({ chargeId: 'pi_paid_1', amount: 5275, currency: 'USD' });
    expect(stripe.requests).toHaveLength(2);
    const [request, retry] = stripe.requests;
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/v1/payment_intents');
    expect(request.headers.authorization).toBe(`Bearer ${SECRET_KEY}`);
    expect(request.headers['idempotency-key']).toBe('charge:order-key-1');
    expect(retry.headers['idempotency-key']).toBe('charge:order-key-1');
    expect(Object.fromEntries(request.form)).toMatchObject({
      amount: '5275',
      currency: 'usd',
      payment_method: 'pm_card_visa',
      confirm: 'true',
      off_session: 'true',
      'automatic_payment_methods[enabled]': 'true',
      'automatic_payment_methods[allow_redirects]': 'never',
      'metadata[customerId]': 'buyer-1',
    });
  });

  it('reports a card refused for insufficient funds as a decline with that reason', async () => {
    const stripe = await stripeThat(
      stripeError(402, { type: 'card_error', code: 'card_declined', decline_code: 'insufficient_funds', message: 'Your card has insufficient funds.' }),
    );

    const err = await rejection(providerFor(stripe.apiBase).charge(chargeOf()));

    expect(err).toBeInstanceOf(PaymentDeclinedError);
    expect((err as PaymentDeclinedError).reason).toBe('insufficient_funds');
  });

  it('reports a card error without an issuer reason by its Stripe code', async () => {
    const stripe = await stripeThat(stripeError(402, { type: 'card_error', code: 'expired_card', message: 'Your card has expired.' }));

    const err = await rejection(providerFor(stripe.apiBase).charge(chargeOf()));

    expect(err).toBeInstanceOf(PaymentDeclinedError);
    expect((err as PaymentDeclinedError).reason).toBe('expired_card');
  });

  it('reports an unknown payment method as a decline, not an outage', async () => {
    const stripe = await stripeThat(stripeError(400, { type: 'invalid_request_error', code: 'resource_missing', message: "No such PaymentMethod: 'pm_nope'" }));

    const err = await rejection(providerFor(stripe.apiBase).charge(chargeOf({ paymentMethod: 'pm_nope' })));

    expect(err).toBeInstanceOf(PaymentDeclinedError);
    expect((err as PaymentDeclinedError).reason).toBe('resource_missing');
  });

  it.each([
    ['Stripe fails on its side (500)', 500, { type: 'api_error', message: 'Something went wrong on our end.' }],
    ['Stripe rate-limits us (429)', 429, { type: 'invalid_request_error', code: 'rate_limit', message: 'Too many requests.' }],
    ['our API key is refused (401)', 401, { type: 'invalid_request_error', message: 'Invalid API Key provided.' }],
  ])('reports a temporary outage, which the client may retry with the same key, when %s', async (_when, status, error) => {
    const stripe = await stripeThat(stripeError(status, error));

    const err = await rejection(providerFor(stripe.apiBase).charge(chargeOf()));

    expect(err).toBeInstanceOf(PaymentUnavailableError);
    expect((err as Error).cause).toBeInstanceOf(Stripe.errors.StripeError);
  });

  it.each([
    ['a card that demands a 3-D Secure challenge the buyer cannot complete here', 'requires_action', PaymentDeclinedError],
    ['a payment Stripe has not settled yet', 'processing', PaymentUnavailableError],
  ])('does not count %s as paid', async (_what, status, expected) => {
    const stripe = await stripeThat(() => ({ status: 200, body: { id: 'pi_open_1', object: 'payment_intent', amount: 5275, currency: 'usd', status } }));

    const err = await rejection(providerFor(stripe.apiBase).charge(chargeOf()));

    expect(err).toBeInstanceOf(expected);
  });

  it('reports a temporary outage when Stripe cannot be reached at all', async () => {
    const stripe = await stripeThat(stripeSucceeds);
    const unreachable = stripe.apiBase;
    await closing(servers.pop()!);

    const err = await rejection(providerFor(unreachable).charge(chargeOf()));

    expect(err).toBeInstanceOf(PaymentUnavailableError);
    expect((err as Error).cause).toBeInstanceOf(Stripe.errors.StripeConnectionError);
  });

  it('refunds the buyer’s payment once, against the original payment, under the refund’s idempotency key', async () => {
    const stripe = await stripeThat(stripeSucceeds);

    const result = await providerFor(stripe.apiBase).refund({ idempotencyKey: 'refund-order-1', chargeId: 'pi_paid_1', amount: 5275, currency: 'USD' });

    expect(result).toEqual({ refundId: 're_1' });
    const [request] = stripe.requests;
    expect(request.path).toBe('/v1/refunds');
    expect(request.headers['idempotency-key']).toBe('refund:refund-order-1');
    expect(Object.fromEntries(request.form)).toEqual({ payment_intent: 'pi_paid_1', amount: '5275' });
  });

  it('keeps a refund apart from the charge even when the caller reuses the order’s key for both', async () => {
    const stripe = await stripeThat(stripeSucceeds);
    const provider = providerFor(stripe.apiBase);

    await provider.charge(chargeOf({ idempotencyKey: 'order-7' }));
    await provider.refund({ idempotencyKey: 'order-7', chargeId: 'pi_paid_1', amount: 5275, currency: 'USD' });

    const keys = stripe.requests.map((r) => r.headers['idempotency-key']);
    expect(new Set(keys).size).toBe(2);
  });

  it('pays a seller out to their connected account once, under the payout’s idempotency key', async () => {
    const stripe = await stripeThat(stripeSucceeds);

    const result = await providerFor(stripe.apiBase).payout({ idempotencyKey: 'withdrawal-1', sellerId: 'seller-with-account', amount: 4800, currency: 'USD' });

    expect(result).toEqual({ payoutId: 'tr_1' });
    const [request] = stripe.requests;
    expect(request.path).toBe('/v1/transfers');
    expect(request.headers['idempotency-key']).toBe('payout:withdrawal-1');
    expect(Object.fromEntries(request.form)).toMatchObject({ amount: '4800', currency: 'usd', destination: 'acct_seller_1', 'metadata[sellerId]': 'seller-with-account' });
  });

  it('declines a payout to a seller who has not connected a payout account, without calling Stripe', async () => {
    const stripe = await stripeThat(stripeSucceeds);
    const lookup = vi.fn(sellersWithAccounts);

    const err = await rejection(providerFor(stripe.apiBase, lookup).payout({ idempotencyKey: 'withdrawal-2', sellerId: 'seller-without-account', amount: 4800, currency: 'USD' }));

    expect(err).toBeInstanceOf(PaymentDeclinedError);
    expect((err as PaymentDeclinedError).reason).toBe('no_payout_account');
    expect(lookup).toHaveBeenCalledWith('seller-without-account');
    expect(stripe.requests).toEqual([]);
  });
});

describe('choosing Stripe by environment', () => {
  it('uses the sandbox unless told otherwise', () => {
    expect(loadOrdersConfig({}).PAYMENT_PROVIDER).toBe('sandbox');
  });

  it('refuses PAYMENT_PROVIDER=stripe without the secret key and the webhook secret, naming both', () => {
    const config = loadOrdersConfig({ PAYMENT_PROVIDER: 'stripe' });

    let err: unknown;
    try {
      stripeProviderFromConfig(config, () => null);
    } catch (caught) {
      err = caught;
    }

    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems).toEqual([
      'STRIPE_SECRET_KEY: is required when PAYMENT_PROVIDER=stripe',
      'STRIPE_WEBHOOK_SECRET: is required when PAYMENT_PROVIDER=stripe',
    ]);
  });

  it('refuses a webhook secret that is not a signing secret', () => {
    expect(() => loadOrdersConfig({ PAYMENT_PROVIDER: 'stripe', STRIPE_SECRET_KEY: SECRET_KEY, STRIPE_WEBHOOK_SECRET: 'sk_test_wrong_one' })).toThrow(
      /STRIPE_WEBHOOK_SECRET: must be a webhook signing secret/,
    );
  });

  it('sends API calls to STRIPE_API_BASE when it is set', async () => {
    const stripe = await fakeStripe(stripeSucceeds);
    try {
      const config = loadOrdersConfig({ PAYMENT_PROVIDER: 'stripe', STRIPE_SECRET_KEY: SECRET_KEY, STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET, STRIPE_API_BASE: stripe.apiBase });

      await stripeProviderFromConfig(config, () => null, { maxNetworkRetries: 0 }).charge(chargeOf());

      expect(stripe.requests.map((r) => r.path)).toEqual(['/v1/payment_intents']);
    } finally {
      await closing(stripe.server);
    }
  });
});
