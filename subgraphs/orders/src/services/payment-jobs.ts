import { LockMode, type EntityClass, type FilterQuery, type QueryOrderMap } from '@mikro-orm/core';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from '@jobgraph/kit';
import { PayoutStatus, Refund, Withdrawal, type ProviderCall } from '../entities/index.js';
import { withdrawalReversalPostings } from '../domain/ledger-postings.js';
import { PaymentDeclinedError, type PaymentProvider } from '../payments/provider.js';
import { post } from './ledger.js';

/** Backoff between attempts of one refund or payout: 1 s, 2 s, 4 s … capped at 5 minutes. */
const backoffMs = (attempts: number): number => Math.min(300_000, 1000 * 2 ** Math.max(0, attempts - 1));
const BATCH = 10;
/** A claimed row is not due again for this long: longer than the slowest provider call (Stripe: 30 s × 3 tries). */
const LEASE_MS = 300_000;

/**
 * Sends the refunds and payouts the request path wrote (in the same transaction as their ledger postings) to the
 * payment provider, retrying with backoff until the provider answers. Rows are claimed with `for update skip
 * locked`, so several orders instances share the work; the provider call carries the row id as idempotency key, so
 * a crash between the call and the commit repeats nothing. A payout the provider refuses for good goes back to the
 * seller's wallet (reversing postings); a refused refund is left FAILED for an operator, loudly logged.
 */
export class PaymentJobs {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;

  constructor(
    private readonly orm: MikroORM,
    private readonly provider: PaymentProvider,
    private readonly log: Logger,
    private readonly intervalMs: number,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.poke(), this.intervalMs);
    this.timer.unref();
  }

  /** Runs a pass now (after a commit that wrote a refund or a withdrawal), or right after the current one. */
  poke(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.pass()
      .catch((err: unknown) => this.log.error({ err }, 'payment jobs pass failed'))
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.poke();
        }
      });
  }

  /** Waits for the pass in flight (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.idle();
  }

  private async pass(): Promise<void> {
    while (!this.stopped && (await this.refunds()) + (await this.payouts()) > 0);
  }

  private refunds(): Promise<number> {
    return this.sendDue(
      Refund,
      async (r) => (await this.provider.refund({ idempotencyKey: r.id, chargeId: r.providerChargeId, amount: r.amount, currency: r.currency })).refundId,
      async (r, _em, reason) => {
        this.log.error({ refundId: r.id, orderId: r.orderId, reason }, 'refund refused by the payment provider; an operator must act');
      },
    );
  }

  private payouts(): Promise<number> {
    return this.sendDue(
      Withdrawal,
      async (w) => (await this.provider.payout({ idempotencyKey: w.id, sellerId: w.sellerId, amount: w.amount, currency: w.currency })).payoutId,
      async (w, em, reason) => {
        await post(em, withdrawalReversalPostings(w.sellerId, w.amount, w.currency), { withdrawalId: w.id });
        this.log.warn({ withdrawalId: w.id, reason }, 'payout refused; the amount is back in the wallet');
      },
    );
  }

  /**
   * Claims up to BATCH due rows of one kind in a short transaction (`skip locked`: another instance takes the others)
   * by pushing their next attempt past the longest provider call — a lease — then calls the provider outside any
   * transaction, and records each outcome in its own short one: SUCCEEDED with the provider's reference, FAILED (and
   * `refused`) when the provider said no for good, or a later attempt when it did not answer. A crash during the call
   * leaves the lease to expire; the retry repeats nothing, the row id being the provider's idempotency key.
   */
  private async sendDue<T extends ProviderCall>(
    entity: EntityClass<T>,
    send: (row: T) => Promise<string>,
    refused: (row: T, em: EntityManager, reason: string) => Promise<void>,
  ): Promise<number> {
    const claimed = await this.orm.em.fork().transactional(async (em: EntityManager) => {
      // Generic over the two kinds: the filter names ProviderCall's own columns, which every T has.
      const where = { status: PayoutStatus.PENDING, nextAttemptAt: { $lte: new Date() } } as FilterQuery<ProviderCall> as FilterQuery<T>;
      const due = await em.find(entity, where, {
        limit: BATCH,
        orderBy: { nextAttemptAt: 'asc' } as QueryOrderMap<T>,
        lockMode: LockMode.PESSIMISTIC_PARTIAL_WRITE,
      });
      for (const row of due) {
        row.attempts += 1;
        row.nextAttemptAt = new Date(Date.now() + LEASE_MS);
      }
      return due;
    });
    for (const row of claimed) {
      let outcome: { reference: string } | { declined: string; message: string } | { failed: unknown; message: string };
      try {
        outcome = { reference: await send(row) };
      } catch (err) {
        const message = (err as Error).message.slice(0, 500);
        outcome = err instanceof PaymentDeclinedError ? { declined: err.reason, message } : { failed: err, message };
      }
      await this.orm.em.fork().transactional(async (em: EntityManager) => {
        const current = await em.findOneOrFail(entity, { id: row.id } as FilterQuery<ProviderCall> as FilterQuery<T>);
        if ('reference' in outcome) {
          current.providerReference = outcome.reference;
          current.status = PayoutStatus.SUCCEEDED;
          current.completedAt = new Date();
          current.lastError = null;
        } else if ('declined' in outcome) {
          current.lastError = outcome.message;
          current.status = PayoutStatus.FAILED;
          current.completedAt = new Date();
          await refused(current, em, outcome.declined);
        } else {
          current.lastError = outcome.message;
          current.nextAttemptAt = new Date(Date.now() + backoffMs(current.attempts));
          this.log.warn({ id: current.id, kind: entity.name, attempts: current.attempts, err: outcome.failed }, 'payment provider call failed; will retry');
        }
      });
    }
    return claimed.length;
  }
}
