import type { IncomingMessage } from 'node:http';
import Stripe from 'stripe';
import type { Logger, SubgraphDefinition } from '@jobgraph/kit';

/**
 * The Stripe events orders acts on. Stripe reports these after the API call that caused them has returned (or
 * without any call of ours: a dispute, a bank bouncing a payout), so only a webhook can tell us.
 */
export type HandledStripeEvent =
  | Stripe.PaymentIntentPaymentFailedEvent
  | Stripe.ChargeRefundedEvent
  | Stripe.ChargeDisputeCreatedEvent
  | Stripe.PayoutFailedEvent;

export type HandledStripeEventType = HandledStripeEvent['type'];

export const HANDLED_STRIPE_EVENTS: readonly HandledStripeEventType[] = [
  'payment_intent.payment_failed',
  'charge.refunded',
  'charge.dispute.created',
  'payout.failed',
];

export function isHandledStripeEvent(event: Stripe.Event): event is HandledStripeEvent {
  return (HANDLED_STRIPE_EVENTS as readonly string[]).includes(event.type);
}

/** Stripe's own default: a signature older than five minutes may be a replay. */
export const DEFAULT_WEBHOOK_TOLERANCE_SECONDS = 300;
/** Stripe's event payloads are a few kilobytes; the body is read before it is verified, so cap what a stranger can make us hold. */
const DEFAULT_MAX_BODY_BYTES = 512 * 1024;

export type StripeWebhookFailure = 'missing_secret' | 'missing_signature' | 'bad_signature' | 'stale_timestamp' | 'malformed_payload';

/** A webhook request that is not provably from Stripe, now; `reason` says which check it failed. */
export class StripeWebhookError extends Error {
  constructor(
    readonly reason: StripeWebhookFailure,
    message: string,
  ) {
    super(message);
    this.name = 'StripeWebhookError';
  }
}

/**
 * Verifies a webhook's Stripe-Signature against the raw body exactly as received (any re-serialisation breaks the
 * HMAC) and returns the event. Throws StripeWebhookError when the header is missing, the signature does not match
 * this secret and body, or the signature is older than `toleranceSeconds`.
 */
export function handleStripeWebhook(
  rawBody: Buffer,
  signatureHeader: string | undefined,
  secret: string,
  toleranceSeconds = DEFAULT_WEBHOOK_TOLERANCE_SECONDS,
): Stripe.Event {
  if (!secret) throw new StripeWebhookError('missing_secret', 'No Stripe webhook signing secret is configured (STRIPE_WEBHOOK_SECRET).');
  if (!signatureHeader) throw new StripeWebhookError('missing_signature', 'The request has no Stripe-Signature header.');
  try {
    return Stripe.webhooks.constructEvent(rawBody, signatureHeader, secret, toleranceSeconds);
  } catch (err) {
    if (err instanceof Stripe.errors.StripeSignatureVerificationError) {
      const signedAt = signedAtSeconds(signatureHeader);
      if (signedAt !== null && Date.now() / 1000 - signedAt > toleranceSeconds) {
        throw new StripeWebhookError('stale_timestamp', `The Stripe-Signature timestamp is more than ${toleranceSeconds} s old; refusing a possible replay.`);
      }
      throw new StripeWebhookError('bad_signature', 'The Stripe-Signature does not match the body for this endpoint’s signing secret.');
    }
    // Signed but not JSON: constructEvent parses only after the signature matched.
    if (err instanceof SyntaxError) throw new StripeWebhookError('malformed_payload', 'The webhook body is not a JSON event.');
    throw err;
  }
}

/** The `t=` of a Stripe-Signature header (`t=1700000000,v1=…`), in seconds. */
function signedAtSeconds(header: string): number | null {
  const t = header.split(',').find((part) => part.trim().startsWith('t='));
  const seconds = t ? Number(t.trim().slice(2)) : NaN;
  return Number.isFinite(seconds) ? seconds : null;
}

/** The express app the kit passes to `SubgraphDefinition.routes` (orders reaches express only through the kit). */
export type SubgraphApp = Parameters<NonNullable<SubgraphDefinition<never>['routes']>>[0];

export interface StripeWebhookRouteOptions {
  /** Default `/webhooks/stripe`: the URL registered as the endpoint in the Stripe dashboard. */
  path?: string;
  /** The endpoint's signing secret (`whsec_…`). */
  secret: string;
  /**
   * Called once per verified delivery of a handled event; Stripe delivers at least once, so this must be idempotent
   * by `event.id`. If it throws, Stripe gets a 500 and redelivers later (for up to three days).
   */
  onEvent: (event: HandledStripeEvent) => Promise<void> | void;
  toleranceSeconds?: number;
  maxBodyBytes?: number;
  log?: Pick<Logger, 'warn' | 'error'>;
}

/**
 * Serves Stripe's webhook deliveries: 400 when the request is not provably from Stripe, 200 `{ received: true }` once
 * a handled event has been processed (or an event orders does not act on has been verified, so Stripe stops
 * retrying it), 500 when processing failed and Stripe should retry. Install it from the subgraph's `routes` hook:
 * the kit serves those routes without the internal token, and parses no body outside /graphql, so the raw bytes are
 * still here to verify.
 */
export function stripeWebhookRoute(app: SubgraphApp, options: StripeWebhookRouteOptions): void {
  if (!options.secret) throw new Error('stripeWebhookRoute needs the endpoint signing secret (STRIPE_WEBHOOK_SECRET).');
  const path = options.path ?? '/webhooks/stripe';
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;

  app.post(path, async (req, res) => {
    const body = await readRawBody(req, maxBodyBytes);
    if (!body) {
      res.status(413).json({ error: `The webhook body is larger than ${maxBodyBytes} bytes.` });
      return;
    }
    let event: Stripe.Event;
    try {
      event = handleStripeWebhook(body, req.get('stripe-signature'), options.secret, options.toleranceSeconds);
    } catch (err) {
      if (!(err instanceof StripeWebhookError)) throw err;
      options.log?.warn({ reason: err.reason }, 'refused a Stripe webhook');
      res.status(400).json({ error: err.message });
      return;
    }
    if (isHandledStripeEvent(event)) {
      try {
        await options.onEvent(event);
      } catch (err) {
        options.log?.error({ err, eventId: event.id, type: event.type }, 'Stripe webhook handling failed; Stripe will redeliver');
        res.status(500).json({ error: 'The event could not be processed; it will be retried.' });
        return;
      }
    }
    res.status(200).json({ received: true });
  });
}

/**
 * The request body as bytes, or null when it exceeds `limit`. Orders does not depend on express itself (the app is
 * the kit's), so this stands in for express.raw(); a body some earlier middleware already read raw is taken as is.
 * An oversized body is drained rather than destroyed, so the sender gets the 413 instead of a reset connection.
 */
function readRawBody(req: IncomingMessage & { body?: unknown }, limit: number): Promise<Buffer | null> {
  if (Buffer.isBuffer(req.body)) return Promise.resolve(req.body.length <= limit ? req.body : null);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.on('end', () => resolve(size <= limit ? Buffer.concat(chunks) : null));
    req.on('error', reject);
  });
}
