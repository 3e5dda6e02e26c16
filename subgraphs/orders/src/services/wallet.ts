import type { EntityManager } from '@mikro-orm/postgresql';
import { BadUserInputError, NotFoundError, newId, requireCaller } from '@jobgraph/kit';
import { Withdrawal } from '../entities/index.js';
import { Accounts, withdrawalPostings } from '../domain/ledger-postings.js';
import { OPEN_STATUSES } from '../domain/order-state.js';
import { beginIdempotent, completeIdempotent, forgetIdempotent, idempotencyKeyOf, requestHash } from './idempotency.js';
import { balanceOf, lockAccount, post } from './ledger.js';
import type { OrdersContext } from './index.js';

/** What a seller may withdraw: their wallet account's balance. */
export function availableBalance(em: EntityManager, userId: string, currency: string): Promise<number> {
  return balanceOf(em, Accounts.wallet(userId), currency);
}

/** Prices of the seller's open orders: money in escrow that becomes theirs when the orders complete. */
export async function pendingBalance(em: EntityManager, userId: string, currency: string): Promise<number> {
  const rows: Array<{ pending: string | null }> = await em.execute(
    `select sum(price) as pending from orders where seller_id = ? and currency = ? and status in (?)`,
    [userId, currency, OPEN_STATUSES],
  );
  return Number(rows[0]?.pending ?? 0);
}

/**
 * Moves `amount` from the seller's wallet towards their bank: the wallet account is locked while its balance is
 * checked and the postings written, so two withdrawals at once can never overdraw it; the provider's payout is
 * sent by the payment jobs after commit (a refused payout comes back to the wallet). Idempotency-Key required.
 */
export async function withdraw(ctx: OrdersContext, amount: number): Promise<Withdrawal> {
  const caller = requireCaller(ctx);
  const key = idempotencyKeyOf(ctx.req);
  if (!Number.isSafeInteger(amount) || amount < 1) throw new BadUserInputError('amount', 'amount must be a positive whole number of minor units (cents).');
  const currency = ctx.services.config.ORDERS_CURRENCY;
  const begun = await beginIdempotent(ctx.em.fork(), caller.userId, key, 'withdraw', requestHash('withdraw', { amount }));
  if (begun.kind === 'done') {
    const existing = await ctx.em.fork().findOne(Withdrawal, { id: begun.resultId });
    if (!existing) throw new NotFoundError('The withdrawal this Idempotency-Key created no longer exists.');
    return existing;
  }
  try {
    const result = await ctx.em.fork().transactional(async (em: EntityManager) => {
      await lockAccount(em, Accounts.wallet(caller.userId));
      const available = await availableBalance(em, caller.userId, currency);
      if (amount > available) {
        throw new BadUserInputError('amount', `You can withdraw at most ${available} (minor units of ${currency}) right now.`);
      }
      const withdrawal = em.create(Withdrawal, { id: newId(), sellerId: caller.userId, amount, currency, createdAt: new Date(), nextAttemptAt: new Date() });
      em.persist(withdrawal);
      await post(em, withdrawalPostings(caller.userId, amount, currency), { withdrawalId: withdrawal.id });
      await completeIdempotent(em, caller.userId, key, withdrawal.id);
      return withdrawal;
    });
    ctx.services.jobs.poke();
    return result;
  } catch (err) {
    await forgetIdempotent(ctx.em.fork(), caller.userId, key).catch(() => undefined);
    throw err;
  }
}
