/**
 * How orders moves real money: charge the buyer's payment method, refund it, pay a seller out. The platform's own
 * double-entry ledger (services/ledger.ts) records what the money means; a provider only moves it. Every call
 * carries an idempotency key: repeating a call with the same key returns the first outcome and moves nothing twice,
 * which is what makes a client's retry after a timeout safe.
 */
export interface PaymentProvider {
  /** `sandbox` or `stripe`: stored with each payment so a refund goes back through the same provider. */
  readonly name: string;
  charge(request: ChargeRequest): Promise<ChargeResult>;
  refund(request: RefundRequest): Promise<RefundResult>;
  payout(request: PayoutRequest): Promise<PayoutResult>;
}

export interface ChargeRequest {
  /** Same key → same charge, never a second one. */
  idempotencyKey: string;
  /** The provider's id of the buyer's payment method (sandbox: one of SANDBOX_PAYMENT_METHODS). */
  paymentMethod: string;
  amount: number;
  currency: string;
  /** Shown on the provider's dashboard. */
  description: string;
  customerId: string;
}

export interface ChargeResult {
  /** The provider's id of the charge (refunds name it). */
  chargeId: string;
  amount: number;
  currency: string;
}

export interface RefundRequest {
  idempotencyKey: string;
  chargeId: string;
  amount: number;
  currency: string;
}

export interface RefundResult {
  refundId: string;
}

export interface PayoutRequest {
  idempotencyKey: string;
  /** The seller's user id: the provider maps it to their payout account. */
  sellerId: string;
  amount: number;
  currency: string;
}

export interface PayoutResult {
  payoutId: string;
}

/** The card was refused for good (insufficient funds, stolen card…): retrying with the same method will not help. */
export class PaymentDeclinedError extends Error {
  constructor(
    readonly reason: string,
    message = `The payment was declined (${reason}).`,
  ) {
    super(message);
    this.name = 'PaymentDeclinedError';
  }
}

/** The provider could not be reached or failed on its side; the same call may succeed later (same idempotency key). */
export class PaymentUnavailableError extends Error {
  constructor(message = 'The payment provider is unavailable right now.') {
    super(message);
    this.name = 'PaymentUnavailableError';
  }
}
