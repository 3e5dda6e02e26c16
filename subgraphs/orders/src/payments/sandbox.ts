import type { MikroORM } from '@mikro-orm/postgresql';
import type { EntityManager } from '@mikro-orm/postgresql';
import { newId } from '@jobgraph/kit';
import { SandboxOperation } from '../entities/index.js';
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

/**
 * Test payment methods of the sandbox provider, like a real provider's test cards. Each behaves the same every time,
 * so a test or a demo can pick the outcome it wants.
 */
export const SANDBOX_PAYMENT_METHODS = {
  /** Always succeeds. */
  ok: 'pm_sandbox_ok',
  /** Always declined (card_declined). */
  declined: 'pm_sandbox_declined',
  /** Always declined (insufficient_funds). */
  insufficientFunds: 'pm_sandbox_insufficient_funds',
  /** The first attempt per idempotency key fails before charging (provider unreachable); later attempts succeed. */
  flaky: 'pm_sandbox_flaky',
  /** The first attempt charges but the answer is lost (a timeout); a retry with the same key returns that charge. */
  timeout: 'pm_sandbox_timeout',
  /** The provider is down: every attempt fails, nothing is charged. */
  unavailable: 'pm_sandbox_unavailable',
} as const;

const KNOWN = new Set<string>(Object.values(SANDBOX_PAYMENT_METHODS));

type Outcome<T> = { ok: T } | { fail: Error };

/**
 * The default provider: keeps its books in orders' database (`sandbox_operation`), as an external provider would on
 * its side, with the same idempotency contract — one operation per key, a repeat returns it. Each call runs in its
 * own transaction, apart from the caller's: like a real provider, what it did stays done whatever the caller does next.
 */
export class SandboxProvider implements PaymentProvider {
  readonly name = 'sandbox';

  constructor(private readonly orm: MikroORM) {}

  async charge(request: ChargeRequest): Promise<ChargeResult> {
    const key = `charge:${request.idempotencyKey}`;
    const outcome = await this.run<ChargeResult>(async (em) => {
      const existing = await em.findOne(SandboxOperation, { idempotencyKey: key });
      if (existing) {
        if (existing.amount !== request.amount || existing.currency !== request.currency || existing.paymentMethod !== request.paymentMethod) {
          return { fail: new PaymentDeclinedError('idempotency_key_reused', 'This idempotency key was already used for a different payment.') };
        }
        return { ok: { chargeId: existing.id, amount: existing.amount, currency: existing.currency } };
      }
      const attempt = await this.attempt(em, key);
      const method = request.paymentMethod;
      if (!KNOWN.has(method)) return { fail: new PaymentDeclinedError('invalid_payment_method', `Unknown payment method; the sandbox accepts ${[...KNOWN].join(', ')}.`) };
      if (method === SANDBOX_PAYMENT_METHODS.declined) return { fail: new PaymentDeclinedError('card_declined') };
      if (method === SANDBOX_PAYMENT_METHODS.insufficientFunds) return { fail: new PaymentDeclinedError('insufficient_funds') };
      if (method === SANDBOX_PAYMENT_METHODS.unavailable) return { fail: new PaymentUnavailableError() };
      if (method === SANDBOX_PAYMENT_METHODS.flaky && attempt === 1) return { fail: new PaymentUnavailableError() };
      const charge = this.record(em, 'CHARGE', key, request.customerId, request.amount, request.currency, method);
      if (method === SANDBOX_PAYMENT_METHODS.timeout && attempt === 1) return { fail: new PaymentUnavailableError('The payment provider did not answer in time.') };
      return { ok: { chargeId: charge.id, amount: charge.amount, currency: charge.currency } };
    });
    return unwrap(outcome);
  }

  async refund(request: RefundRequest): Promise<RefundResult> {
    const key = `refund:${request.idempotencyKey}`;
    const outcome = await this.run<RefundResult>(async (em) => {
      const existing = await em.findOne(SandboxOperation, { idempotencyKey: key });
      if (existing) return { ok: { refundId: existing.id } };
      const charge = await em.findOne(SandboxOperation, { id: request.chargeId, kind: 'CHARGE' });
      if (!charge) return { fail: new PaymentDeclinedError('no_such_charge') };
      const refunded: Array<{ sum: string | null }> = await em.execute(
        `select sum(amount) as sum from sandbox_operation where kind = 'REFUND' and reference = ?`,
        [charge.id],
      );
      if (Number(refunded[0]?.sum ?? 0) + request.amount > charge.amount) return { fail: new PaymentDeclinedError('refund_exceeds_charge') };
      const refund = this.record(em, 'REFUND', key, charge.id, request.amount, request.currency, null);
      return { ok: { refundId: refund.id } };
    });
    return unwrap(outcome);
  }

  async payout(request: PayoutRequest): Promise<PayoutResult> {
    const key = `payout:${request.idempotencyKey}`;
    const outcome = await this.run<PayoutResult>(async (em) => {
      const existing = await em.findOne(SandboxOperation, { idempotencyKey: key });
      if (existing) return { ok: { payoutId: existing.id } };
      const payout = this.record(em, 'PAYOUT', key, request.sellerId, request.amount, request.currency, null);
      return { ok: { payoutId: payout.id } };
    });
    return unwrap(outcome);
  }

  private async run<T>(fn: (em: EntityManager) => Promise<Outcome<T>>): Promise<Outcome<T>> {
    try {
      return await this.orm.em.fork().transactional((em: EntityManager) => fn(em));
    } catch (err) {
      // Two calls with one key at the same instant: the loser sees the winner's operation on its next call.
      if ((err as { code?: string }).code === '23505') return { fail: new PaymentUnavailableError('A payment with this key is being processed.') };
      throw err;
    }
  }

  private async attempt(em: EntityManager, key: string): Promise<number> {
    const rows: Array<{ attempts: number }> = await em.execute(
      `insert into sandbox_attempt (idempotency_key, attempts) values (?, 1)
       on conflict (idempotency_key) do update set attempts = sandbox_attempt.attempts + 1 returning attempts`,
      [key],
    );
    return rows[0]!.attempts;
  }

  private record(em: EntityManager, kind: string, key: string, reference: string, amount: number, currency: string, method: string | null): SandboxOperation {
    const op = em.create(SandboxOperation, { id: newId(), kind, idempotencyKey: key, reference, amount, currency, paymentMethod: method, createdAt: new Date() });
    em.persist(op);
    return op;
  }
}

function unwrap<T>(outcome: Outcome<T>): T {
  if ('fail' in outcome) throw outcome.fail;
  return outcome.ok;
}
