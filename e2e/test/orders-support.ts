import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import {
  MyWalletDocument,
  OrderDocument,
  PlaceOrderDocument,
  type OrderDetailsFragment,
  type OrderFieldsFragment,
  type PlaceOrderInput,
  type PlaceOrderMutation,
  type CreateGigInput,
  type GigFieldsFragment,
} from '@jobgraph/client';
import { makeEnvelope, newId } from '@jobgraph/kit';
import { waitFor } from '@jobgraph/kit/testing';
import type { Result } from '@jobgraph/client';
import { publishedGig, type Account } from './gigs-support.js';
import { publish } from './notifications-support.js';
import type { TestStack } from './support.js';

export const OK = 'pm_sandbox_ok';

/** Rows straight from orders' database: what was (not) written. */
export async function ordersQuery<T = Record<string, unknown>>(t: TestStack, sql: string, params: unknown[] = []): Promise<T[]> {
  const orm = t.stack.subgraphs.orders!.orm as MikroORM;
  return orm.em.fork().execute(sql, params);
}

export async function ordersCount(t: TestStack, sql: string, params: unknown[] = []): Promise<number> {
  const rows = await ordersQuery<{ n: string }>(t, sql, params);
  return Number(rows[0]!.n);
}

/** A published gig that orders' read model already knows (it learns of gigs from gigs' events). */
export async function orderableGig(t: TestStack, seller: Account, admin: Account, overrides: Partial<CreateGigInput> = {}): Promise<GigFieldsFragment> {
  const gig = await publishedGig(t, seller, admin, overrides);
  await waitFor(
    async () => (await ordersCount(t, `select count(*) as n from gig_listing where gig_id = ? and status = 'PUBLISHED'`, [gig.id])) > 0,
    10_000,
    'orders to learn that the gig is published',
  );
  return gig;
}

/** placeOrder as a client sends it, with an Idempotency-Key (a fresh one unless given). */
export function place(t: TestStack, buyer: Pick<Account, 'token'>, input: PlaceOrderInput, key: string | null = randomUUID()): Promise<Result<PlaceOrderMutation>> {
  return t.client.request(PlaceOrderDocument, { input }, { token: buyer.token, headers: key === null ? {} : { 'idempotency-key': key } });
}

export async function placed(t: TestStack, buyer: Account, gigId: string, paymentMethod = OK): Promise<OrderFieldsFragment> {
  const result = await place(t, buyer, { gigId, requirements: 'A logo for my bakery, in blue.', paymentMethod });
  if (result.errors.length > 0 || !result.data) throw new Error(`placeOrder failed: ${JSON.stringify(result.errors)}`);
  return result.data.placeOrder;
}

export async function orderOf(t: TestStack, who: Account, id: string): Promise<OrderDetailsFragment> {
  return (await t.client.expect(OrderDocument, { id }, { token: who.token })).order;
}

export async function walletOf(t: TestStack, who: Account) {
  const me = (await t.client.expect(MyWalletDocument, { first: 50 }, { token: who.token })).me;
  if (!me?.wallet) throw new Error('no wallet');
  return me.wallet;
}

/** The ledger's books: every balance, by account (minor units). */
export async function balances(t: TestStack): Promise<Map<string, number>> {
  const rows = await ordersQuery<{ account: string; balance: string }>(t, 'select account, sum(amount) as balance from ledger_entry group by account');
  return new Map(rows.map((r) => [r.account, Number(r.balance)]));
}

/** Postings about one order, by account. */
export async function orderPostings(t: TestStack, orderId: string): Promise<Record<string, number>> {
  const rows = await ordersQuery<{ account: string; balance: string }>(t, 'select account, sum(amount) as balance from ledger_entry where order_id = ? group by account', [orderId]);
  return Object.fromEntries(rows.map((r) => [r.account, Number(r.balance)]));
}

/**
 * The money invariants: every ledger transaction sums to zero, no internal account is negative, and escrow holds
 * exactly the totals of the open orders. Returns the problems found (empty when the books are right).
 */
export async function ledgerProblems(t: TestStack): Promise<string[]> {
  const problems: string[] = [];
  const unbalanced = await ordersQuery<{ transaction_id: string; s: string }>(t, 'select transaction_id, sum(amount) as s from ledger_entry group by transaction_id having sum(amount) <> 0');
  for (const u of unbalanced) problems.push(`transaction ${u.transaction_id} sums to ${u.s}`);
  for (const [account, balance] of await balances(t)) {
    if (!account.startsWith('external:') && balance < 0) problems.push(`${account} is negative (${balance})`);
  }
  const escrow = (await balances(t)).get('escrow') ?? 0;
  const open = await ordersCount(
    t,
    `select coalesce(sum(total), 0) as n from orders where status in ('PLACED', 'IN_PROGRESS', 'DELIVERED', 'IN_REVISION', 'DISPUTED')`,
  );
  if (escrow !== open) problems.push(`escrow holds ${escrow} but open orders total ${open}`);
  return problems;
}

/** A custom offer as chat announces it, published straight to chat's exchange; resolves once orders has it. */
export async function offerFromChat(
  t: TestStack,
  seller: Account,
  buyer: Account,
  terms: { price?: number; deliveryDays?: number; expiresAt?: string | null; gigId?: string | null; description?: string } = {},
): Promise<string> {
  const offerId = newId();
  const event = makeEnvelope(
    'chat',
    'offer.sent',
    {
      offerId,
      conversationId: newId(),
      buyerId: buyer.id,
      sellerId: seller.id,
      gigId: terms.gigId ?? null,
      description: terms.description ?? 'A landing page in three days, with two rounds of changes.',
      price: { amount: terms.price ?? 12_000, currency: 'USD' },
      deliveryDays: terms.deliveryDays ?? 3,
      expiresAt: terms.expiresAt === undefined ? new Date(Date.now() + 86_400_000).toISOString() : terms.expiresAt,
    },
    { correlationId: newId() },
  );
  await publish(t, 'chat', [event]);
  await waitFor(async () => (await ordersCount(t, 'select count(*) as n from offer where id = ?', [offerId])) > 0, 10_000, 'orders to learn of the offer');
  return offerId;
}

/** chat's offer.accepted / declined / cancelled, published straight to chat's exchange. */
export async function offerDecision(t: TestStack, type: 'offer.accepted' | 'offer.declined' | 'offer.cancelled', offerId: string, seller: Account, buyer: Account): Promise<void> {
  await publish(t, 'chat', [makeEnvelope('chat', type, { offerId, conversationId: null, buyerId: buyer.id, sellerId: seller.id }, { correlationId: newId() })]);
}

/** The refunds the payment jobs must send for an order, once they are all done. */
export async function settledRefunds(t: TestStack, orderId: string): Promise<Array<{ amount: number; status: string }>> {
  return waitFor(async () => {
    const rows = await ordersQuery<{ amount: number; status: string }>(t, 'select amount, status from refund where order_id = ? order by created_at', [orderId]);
    return rows.length > 0 && rows.every((r) => r.status !== 'PENDING') ? rows : null;
  }, 10_000, 'the refunds to reach the payment provider');
}
