import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  ApproveDeliveryDocument,
  CancelOrderDocument,
  DeliverOrderDocument,
  MyWalletDocument,
  OpenDisputeDocument,
  OrderDocument,
  PauseGigDocument,
  RequestExtensionDocument,
  RequestRevisionDocument,
  ResolveDisputeDocument,
  RespondToExtensionDocument,
  StartOrderDocument,
  UserOrdersOfDocument,
} from '@jobgraph/client';
import { waitFor } from '@jobgraph/kit/testing';
import { newAdmin, newBuyer, newSeller, type Account } from './gigs-support.js';
import {
  OK,
  balances,
  ledgerProblems,
  orderOf,
  orderPostings,
  orderableGig,
  ordersCount,
  ordersQuery,
  place,
  placed,
  settledRefunds,
  walletOf,
} from './orders-support.js';
import { codes, useStack } from './support.js';

const t = useStack();

async function market(price = 5_000): Promise<{ seller: Account; buyer: Account; admin: Account; gigId: string }> {
  const [seller, buyer, admin] = await Promise.all([newSeller(t), newBuyer(t), newAdmin(t)]);
  const gig = await orderableGig(t, seller, admin, { price });
  return { seller, buyer, admin, gigId: gig.id };
}

/** How many charges the sandbox provider made for a buyer. */
const charges = (buyer: Account) => ordersCount(t, `select count(*) as n from sandbox_operation where kind = 'CHARGE' and reference = ?`, [buyer.id]);
const ordersOf = (buyer: Account) => ordersCount(t, 'select count(*) as n from orders where buyer_id = ?', [buyer.id]);

describe('paying', () => {
  it('creates no order and no ledger entry when the card is declined, and frees the key for another card', async () => {
    const { buyer, gigId } = await market();
    const entriesBefore = await ordersCount(t, 'select count(*) as n from ledger_entry');
    const key = randomUUID();
    const declined = await place(t, buyer, { gigId, paymentMethod: 'pm_sandbox_declined' }, key);
    expect(codes(declined.errors)).toEqual(['BAD_USER_INPUT']);
    expect(declined.errors[0]!.extensions).toMatchObject({ field: 'paymentMethod', declineCode: 'card_declined' });
    const broke = await place(t, buyer, { gigId, paymentMethod: 'pm_sandbox_insufficient_funds' });
    expect(broke.errors[0]!.extensions).toMatchObject({ declineCode: 'insufficient_funds' });
    expect(await ordersOf(buyer)).toBe(0);
    expect(await charges(buyer)).toBe(0);
    expect(await ordersCount(t, 'select count(*) as n from ledger_entry')).toBe(entriesBefore);
    // Nothing happened under that key: the buyer may use it with another card.
    const retried = await place(t, buyer, { gigId, paymentMethod: OK }, key);
    expect(retried.errors).toEqual([]);
  });

  it('charges once when the provider times out after charging and the client retries with the same key', async () => {
    const { buyer, gigId } = await market();
    const key = randomUUID();
    const input = { gigId, paymentMethod: 'pm_sandbox_timeout' };
    const first = await place(t, buyer, input, key);
    expect(codes(first.errors)).toEqual(['UNAVAILABLE']);
    expect(await ordersOf(buyer)).toBe(0);
    // The provider did charge: the retry must find that charge, not make a second one.
    expect(await charges(buyer)).toBe(1);
    const retry = await place(t, buyer, input, key);
    expect(retry.errors).toEqual([]);
    expect(await charges(buyer)).toBe(1);
    expect(await ordersOf(buyer)).toBe(1);
    expect(await orderPostings(t, retry.data!.placeOrder.id)).toEqual({ 'external:card': -5_275, escrow: 5_275 });
  });

  it('charges once when the provider fails before charging and the client retries with the same key', async () => {
    const { buyer, gigId } = await market();
    const key = randomUUID();
    const input = { gigId, paymentMethod: 'pm_sandbox_flaky' };
    expect(codes((await place(t, buyer, input, key)).errors)).toEqual(['UNAVAILABLE']);
    expect(await charges(buyer)).toBe(0);
    const retry = await place(t, buyer, input, key);
    expect(retry.errors).toEqual([]);
    expect(await charges(buyer)).toBe(1);
    // While the outcome was unknown, the key stayed bound to that body.
    const other = await place(t, buyer, { gigId, paymentMethod: OK }, key);
    expect(codes(other.errors)).toEqual(['CONFLICT']);
  });

  it('charges nothing and writes nothing while the provider is down', async () => {
    const { buyer, gigId } = await market();
    const down = await place(t, buyer, { gigId, paymentMethod: 'pm_sandbox_unavailable' });
    expect(codes(down.errors)).toEqual(['UNAVAILABLE']);
    expect(down.errors[0]!.message).toMatch(/same Idempotency-Key/);
    expect(await charges(buyer)).toBe(0);
    expect(await ordersOf(buyer)).toBe(0);
  });
});

describe('idempotency', () => {
  it('returns the same order for a repeated key and body, and charges once', async () => {
    const { buyer, gigId } = await market();
    const key = randomUUID();
    const input = { gigId, requirements: 'Same request twice.', paymentMethod: OK };
    const first = await place(t, buyer, input, key);
    const second = await place(t, buyer, input, key);
    expect(second.data!.placeOrder.id).toBe(first.data!.placeOrder.id);
    expect(await charges(buyer)).toBe(1);
  });

  it('refuses a reused key with a different body, and a mutation without a key', async () => {
    const { buyer, gigId } = await market();
    const key = randomUUID();
    await place(t, buyer, { gigId, requirements: 'First.', paymentMethod: OK }, key);
    const changed = await place(t, buyer, { gigId, requirements: 'Second.', paymentMethod: OK }, key);
    expect(codes(changed.errors)).toEqual(['CONFLICT']);
    const missing = await place(t, buyer, { gigId, paymentMethod: OK }, null);
    expect(codes(missing.errors)).toEqual(['BAD_USER_INPUT']);
    expect(missing.errors[0]!.extensions).toMatchObject({ field: 'Idempotency-Key' });
    expect(await ordersOf(buyer)).toBe(1);
    expect(await charges(buyer)).toBe(1);
  });

  it('makes one order of five simultaneous requests with one key', async () => {
    const { buyer, gigId } = await market();
    const key = randomUUID();
    const input = { gigId, paymentMethod: OK };
    const results = await Promise.all(Array.from({ length: 5 }, () => place(t, buyer, input, key)));
    const ids = new Set(results.filter((r) => r.errors.length === 0).map((r) => r.data!.placeOrder.id));
    expect(ids.size).toBe(1);
    // The others were told to retry (CONFLICT while the first ran) — and a retry gets the same order.
    for (const r of results.filter((r) => r.errors.length > 0)) expect(codes(r.errors)).toEqual(['CONFLICT']);
    expect((await place(t, buyer, input, key)).data!.placeOrder.id).toBe([...ids][0]);
    expect(await charges(buyer)).toBe(1);
    expect(await ordersOf(buyer)).toBe(1);
  });

  it('keys belong to a user: another user\'s identical key is a new request', async () => {
    const { buyer, gigId } = await market();
    const other = await newBuyer(t);
    const key = randomUUID();
    const mine = await place(t, buyer, { gigId, paymentMethod: OK }, key);
    const theirs = await place(t, other, { gigId, paymentMethod: OK }, key);
    expect(theirs.errors).toEqual([]);
    expect(theirs.data!.placeOrder.id).not.toBe(mine.data!.placeOrder.id);
  });
});

describe('the order state machine', () => {
  it('refuses every step that the status does not allow with CONFLICT, changing nothing', async () => {
    const { seller, buyer, admin, gigId } = await market();
    const order = await placed(t, buyer, gigId);
    const books = await balances(t);
    const refused = async (result: Promise<{ errors: readonly { extensions?: Record<string, unknown> }[] }>, code = 'CONFLICT') => {
      expect(codes((await result).errors)).toEqual([code]);
    };
    // PLACED
    await refused(t.client.request(ApproveDeliveryDocument, { orderId: order.id }, { token: buyer.token }));
    await refused(t.client.request(RequestRevisionDocument, { orderId: order.id, reason: 'Nothing delivered yet.' }, { token: buyer.token }));
    await refused(t.client.request(RespondToExtensionDocument, { orderId: order.id, approve: true }, { token: buyer.token }));
    await refused(t.client.request(OpenDisputeDocument, { orderId: order.id, reason: 'Too early.' }, { token: buyer.token }));
    await refused(t.client.request(ResolveDisputeDocument, { input: { orderId: order.id, outcome: 'REFUND' } }, { token: admin.token }));
    // IN_PROGRESS
    await t.client.expect(StartOrderDocument, { orderId: order.id }, { token: seller.token });
    await refused(t.client.request(StartOrderDocument, { orderId: order.id }, { token: seller.token }));
    await refused(t.client.request(ApproveDeliveryDocument, { orderId: order.id }, { token: buyer.token }));
    // COMPLETED
    await t.client.expect(DeliverOrderDocument, { input: { orderId: order.id, message: 'Done.' } }, { token: seller.token });
    await t.client.expect(ApproveDeliveryDocument, { orderId: order.id }, { token: buyer.token });
    const booksAfterCompletion = await balances(t);
    await refused(t.client.request(DeliverOrderDocument, { input: { orderId: order.id, message: 'More.' } }, { token: seller.token }));
    await refused(t.client.request(ApproveDeliveryDocument, { orderId: order.id }, { token: buyer.token }));
    await refused(t.client.request(CancelOrderDocument, { orderId: order.id }, { token: buyer.token }));
    await refused(t.client.request(CancelOrderDocument, { orderId: order.id }, { token: admin.token }));
    await refused(t.client.request(OpenDisputeDocument, { orderId: order.id, reason: 'Late.' }, { token: buyer.token }));
    await refused(t.client.request(RequestExtensionDocument, { input: { orderId: order.id, days: 2, reason: 'Late.' } }, { token: seller.token }));
    expect((await orderOf(t, buyer, order.id)).status).toBe('COMPLETED');
    expect(await balances(t)).toEqual(booksAfterCompletion);
    expect(books.get('escrow')).toBeGreaterThan(0);
    expect(await ledgerProblems(t)).toEqual([]);
  });

  it('lets each step be taken only by its side: a buyer cannot deliver, a seller cannot approve', async () => {
    const { seller, buyer, gigId } = await market();
    const order = await placed(t, buyer, gigId);
    expect(codes((await t.client.request(DeliverOrderDocument, { input: { orderId: order.id, message: 'Me?' } }, { token: buyer.token })).errors)).toEqual(['FORBIDDEN']);
    await t.client.expect(DeliverOrderDocument, { input: { orderId: order.id, message: 'Done.' } }, { token: seller.token });
    expect(codes((await t.client.request(ApproveDeliveryDocument, { orderId: order.id }, { token: seller.token })).errors)).toEqual(['FORBIDDEN']);
    expect((await orderOf(t, buyer, order.id)).status).toBe('DELIVERED');
  });

  it('lets exactly one of a simultaneous approval and cancellation win', async () => {
    for (let round = 0; round < 3; round++) {
      const { seller, buyer, admin, gigId } = await market();
      const order = await placed(t, buyer, gigId);
      await t.client.expect(DeliverOrderDocument, { input: { orderId: order.id, message: 'Done.' } }, { token: seller.token });
      const [approve, cancel] = await Promise.all([
        t.client.request(ApproveDeliveryDocument, { orderId: order.id }, { token: buyer.token }),
        t.client.request(CancelOrderDocument, { orderId: order.id, reason: 'Admin decision.' }, { token: admin.token }),
      ]);
      const winners = [approve, cancel].filter((r) => r.errors.length === 0);
      expect(winners).toHaveLength(1);
      expect([...codes(approve.errors), ...codes(cancel.errors)]).toEqual(['CONFLICT']);
      const final = await orderOf(t, buyer, order.id);
      expect(final.status).toBe(approve.errors.length === 0 ? 'COMPLETED' : 'CANCELLED');
      const postings = await orderPostings(t, order.id);
      expect(postings.escrow).toBe(0);
      // Either the seller was paid or the buyer refunded — never both.
      expect(postings[`wallet:${seller.id}`] ?? 0).toBe(final.status === 'COMPLETED' ? 5_000 : 0);
      expect(postings['external:card']).toBe(final.status === 'COMPLETED' ? -5_275 : 0);
    }
    expect(await ledgerProblems(t)).toEqual([]);
  });
});

describe('cancelling', () => {
  it('refunds the buyer in full when they cancel before the seller starts', async () => {
    const { buyer, gigId } = await market();
    const order = await placed(t, buyer, gigId);
    const cancelled = (await t.client.expect(CancelOrderDocument, { orderId: order.id, reason: 'Changed my mind.' }, { token: buyer.token })).cancelOrder;
    expect(cancelled.status).toBe('CANCELLED');
    expect(await orderPostings(t, order.id)).toEqual({ 'external:card': 0, escrow: 0 });
    expect(await settledRefunds(t, order.id)).toEqual([{ amount: 5_275, status: 'SUCCEEDED' }]);
    // What the provider actually sent back to this buyer's card.
    const refunded = await ordersCount(
      t,
      `select coalesce(sum(r.amount), 0) as n from sandbox_operation r join sandbox_operation c on r.reference = c.id::text where r.kind = 'REFUND' and c.reference = ?`,
      [buyer.id],
    );
    expect(refunded).toBe(5_275);
  });

  it('needs both sides once work started, and cancels when the second one asks', async () => {
    const { seller, buyer, gigId } = await market();
    const order = await placed(t, buyer, gigId);
    await t.client.expect(StartOrderDocument, { orderId: order.id }, { token: seller.token });
    const asked = (await t.client.expect(CancelOrderDocument, { orderId: order.id, reason: 'Scope changed.' }, { token: buyer.token })).cancelOrder;
    expect(asked.status).toBe('IN_PROGRESS');
    expect(asked.cancellationRequest).toMatchObject({ requestedBy: 'BUYER', reason: 'Scope changed.' });
    expect(codes((await t.client.request(CancelOrderDocument, { orderId: order.id }, { token: buyer.token })).errors)).toEqual(['CONFLICT']);
    const agreed = (await t.client.expect(CancelOrderDocument, { orderId: order.id }, { token: seller.token })).cancelOrder;
    expect(agreed.status).toBe('CANCELLED');
    expect(await settledRefunds(t, order.id)).toEqual([{ amount: 5_275, status: 'SUCCEEDED' }]);
  });

  it('lets either side cancel alone once the order is overdue', async () => {
    const { seller, buyer, gigId } = await market();
    const order = await placed(t, buyer, gigId);
    await t.client.expect(StartOrderDocument, { orderId: order.id }, { token: seller.token });
    await ordersQuery(t, `update orders set due_at = now() - interval '1 hour' where id = ?`, [order.id]);
    const cancelled = (await t.client.expect(CancelOrderDocument, { orderId: order.id, reason: 'Late.' }, { token: seller.token })).cancelOrder;
    expect(cancelled.status).toBe('CANCELLED');
    const detail = await orderOf(t, buyer, order.id);
    expect(detail.timeline.at(-1)).toMatchObject({ action: 'CANCELLED', actorRole: 'SELLER', note: 'OVERDUE: Late.' });
  });
});

describe('disputes', () => {
  async function disputed(price: number) {
    const m = await market(price);
    const order = await placed(t, m.buyer, m.gigId);
    await t.client.expect(DeliverOrderDocument, { input: { orderId: order.id, message: 'Done.' } }, { token: m.seller.token });
    await t.client.expect(OpenDisputeDocument, { orderId: order.id, reason: 'Not what we agreed.' }, { token: m.buyer.token });
    return { ...m, order };
  }

  it('refunds the whole total on REFUND', async () => {
    const { buyer, admin, order } = await disputed(5_000);
    const resolved = (await t.client.expect(ResolveDisputeDocument, { input: { orderId: order.id, outcome: 'REFUND', note: 'No usable delivery.' } }, { token: admin.token })).resolveDispute;
    expect(resolved.status).toBe('CANCELLED');
    expect(resolved.dispute).toMatchObject({ openedBy: 'BUYER', outcome: 'REFUND', note: 'No usable delivery.' });
    expect(await settledRefunds(t, order.id)).toEqual([{ amount: 5_275, status: 'SUCCEEDED' }]);
    expect((await orderOf(t, buyer, order.id)).status).toBe('CANCELLED');
  });

  it('pays the seller on RELEASE', async () => {
    const { seller, admin, order } = await disputed(5_000);
    const resolved = (await t.client.expect(ResolveDisputeDocument, { input: { orderId: order.id, outcome: 'RELEASE' } }, { token: admin.token })).resolveDispute;
    expect(resolved.status).toBe('COMPLETED');
    expect((await walletOf(t, seller)).available.amount).toBe(5_000);
  });

  it('halves the price on SPLIT, the odd cent to the buyer, and keeps the fee', async () => {
    const { seller, admin, order } = await disputed(5_001);
    const resolved = (await t.client.expect(ResolveDisputeDocument, { input: { orderId: order.id, outcome: 'SPLIT' } }, { token: admin.token })).resolveDispute;
    expect(resolved.status).toBe('SETTLED');
    expect((await walletOf(t, seller)).available.amount).toBe(2_500);
    expect(await settledRefunds(t, order.id)).toEqual([{ amount: 2_501, status: 'SUCCEEDED' }]);
    expect(await orderPostings(t, order.id)).toEqual({ 'external:card': -(5_001 + 275) + 2_501, escrow: 0, [`wallet:${seller.id}`]: 2_500, fees: 275 });
    expect(await ledgerProblems(t)).toEqual([]);
  });

  it('lets only admins settle a dispute', async () => {
    const { buyer, seller, order } = await disputed(5_000);
    for (const who of [buyer, seller]) {
      const result = await t.client.request(ResolveDisputeDocument, { input: { orderId: order.id, outcome: 'REFUND' } }, { token: who.token });
      // Refused by the router (admin scope) before orders is called.
      expect(new Set(codes(result.errors))).toEqual(new Set(['FORBIDDEN']));
    }
    expect((await orderOf(t, buyer, order.id)).status).toBe('DISPUTED');
  });
});

describe('who sees an order', () => {
  it('hides an order from everyone but its two parties and admins, for reading and for every action', async () => {
    const { seller, buyer, admin, gigId } = await market();
    const stranger = await newBuyer(t, 'stranger');
    const order = await placed(t, buyer, gigId);
    expect((await orderOf(t, admin, order.id)).id).toBe(order.id);
    expect((await orderOf(t, seller, order.id)).id).toBe(order.id);
    const attempts = [
      t.client.request(OrderDocument, { id: order.id }, { token: stranger.token }),
      t.client.request(StartOrderDocument, { orderId: order.id }, { token: stranger.token }),
      t.client.request(DeliverOrderDocument, { input: { orderId: order.id, message: 'Hi.' } }, { token: stranger.token }),
      t.client.request(ApproveDeliveryDocument, { orderId: order.id }, { token: stranger.token }),
      t.client.request(CancelOrderDocument, { orderId: order.id }, { token: stranger.token }),
      t.client.request(OpenDisputeDocument, { orderId: order.id, reason: 'Mine now.' }, { token: stranger.token }),
      t.client.request(RequestExtensionDocument, { input: { orderId: order.id, days: 2, reason: 'x' } }, { token: stranger.token }),
    ];
    for (const result of await Promise.all(attempts)) expect(codes(result.errors)).toEqual(['NOT_FOUND']);
    // Unknown and malformed ids look the same as someone else's.
    expect(codes((await t.client.request(OrderDocument, { id: randomUUID() }, { token: stranger.token })).errors)).toEqual(['NOT_FOUND']);
    expect(codes((await t.client.request(OrderDocument, { id: 'not-an-id' }, { token: stranger.token })).errors)).toEqual(['NOT_FOUND']);
    // Other users' orders and wallets are not listed either (user(id) is admin-only; admins see them).
    const asAdmin = (await t.client.expect(UserOrdersOfDocument, { id: buyer.id }, { token: admin.token })).user;
    expect(asAdmin?.orders.edges.map((e) => e.node.id)).toEqual([order.id]);
    const anonymous = await t.client.request(OrderDocument, { id: order.id }, {});
    expect(new Set(codes(anonymous.errors))).toEqual(new Set(['UNAUTHENTICATED']));
    expect((await orderOf(t, buyer, order.id)).status).toBe('PLACED');
    expect((await t.client.expect(MyWalletDocument, {}, { token: stranger.token })).me?.wallet.available.amount).toBe(0);
  });
});

describe('bad input', () => {
  it('refuses malformed orders and deliveries with BAD_USER_INPUT naming the field, writing nothing', async () => {
    const { seller, buyer, gigId } = await market();
    const cases: Array<[Parameters<typeof place>[2], string]> = [
      [{ gigId, offerId: randomUUID(), paymentMethod: OK }, 'offerId'],
      [{ paymentMethod: OK }, 'gigId'],
      [{ gigId, requirements: 'x'.repeat(5_001), paymentMethod: OK }, 'requirements'],
      [{ gigId, requirements: 'escape \u001b[31m red', paymentMethod: OK }, 'requirements'],
      [{ gigId, paymentMethod: '' }, 'paymentMethod'],
    ];
    for (const [input, field] of cases) {
      const result = await place(t, buyer, input);
      expect(codes(result.errors), field).toEqual(['BAD_USER_INPUT']);
      expect(result.errors[0]!.extensions?.field).toBe(field);
    }
    const badKey = await place(t, buyer, { gigId, paymentMethod: OK }, 'x'.repeat(256));
    expect(codes(badKey.errors)).toEqual(['BAD_USER_INPUT']);
    expect(await ordersOf(buyer)).toBe(0);
    expect(await ordersCount(t, 'select count(*) as n from idempotency_key where user_id = ?', [buyer.id])).toBe(0);

    const order = await placed(t, buyer, gigId);
    const deliveries: Array<[Record<string, unknown>, string]> = [
      [{ message: '' }, 'message'],
      [{ message: 'ok', fileUrls: ['javascript:alert(1)'] }, 'fileUrls[0]'],
      [{ message: 'ok', fileUrls: ['file:///etc/passwd'] }, 'fileUrls[0]'],
      [{ message: 'ok', fileUrls: Array.from({ length: 21 }, (_, i) => `https://x.example/${i}`) }, 'fileUrls'],
    ];
    for (const [input, field] of deliveries) {
      const result = await t.client.request(DeliverOrderDocument, { input: { orderId: order.id, ...input } as never }, { token: seller.token });
      expect(codes(result.errors), field).toEqual(['BAD_USER_INPUT']);
      expect(result.errors[0]!.extensions?.field).toBe(field);
    }
    for (const days of [0, 31]) {
      const result = await t.client.request(RequestExtensionDocument, { input: { orderId: order.id, days, reason: 'More time.' } }, { token: seller.token });
      expect(codes(result.errors)).toEqual(['BAD_USER_INPUT']);
    }
    const detail = await orderOf(t, buyer, order.id);
    expect(detail.status).toBe('PLACED');
    expect(detail.deliveries).toEqual([]);
    expect(detail.extensionRequests).toEqual([]);
  });

  it('refuses ordering one\'s own gig, an unknown gig, and a gig that is not published', async () => {
    const { seller, admin, gigId } = await market();
    expect(codes((await place(t, seller, { gigId, paymentMethod: OK })).errors)).toEqual(['FORBIDDEN']);
    const buyer = await newBuyer(t);
    expect(codes((await place(t, buyer, { gigId: randomUUID(), paymentMethod: OK })).errors)).toEqual(['NOT_FOUND']);
    await t.client.expect(PauseGigDocument, { id: gigId }, { token: seller.token });
    await waitFor(async () => (await ordersCount(t, `select count(*) as n from gig_listing where gig_id = ? and status = 'PAUSED'`, [gigId])) > 0, 10_000, 'orders to hear the pause');
    const paused = await place(t, buyer, { gigId, paymentMethod: OK });
    expect(codes(paused.errors)).toEqual(['CONFLICT']);
    expect(admin.id).not.toBe(buyer.id);
    expect(await charges(buyer)).toBe(0);
    expect(await charges(seller)).toBe(0);
  });
});
