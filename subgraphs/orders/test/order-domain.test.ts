import { describe, expect, it } from 'vitest';
import { DEFAULT_FEE_POLICY, orderAmounts, serviceFee } from '../src/domain/fee-policy.js';
import { OrderStatus, Party, decideCancellation, transition } from '../src/domain/order-state.js';
import {
  chargePostings,
  refundPostings,
  releasePostings,
  splitPostings,
  withdrawalPostings,
  withdrawalReversalPostings,
  type LedgerTransaction,
} from '../src/domain/ledger-postings.js';

const sum = (tx: LedgerTransaction) => tx.postings.reduce((s, p) => s + p.amount, 0);

describe('the service fee', () => {
  it('charges 5.5 % of the price, plus 2.00 under 50.00', () => {
    expect(serviceFee(5_000)).toBe(275);
    expect(serviceFee(4_999)).toBe(275 + 200);
    expect(serviceFee(2_000)).toBe(110 + 200);
    expect(serviceFee(100_000)).toBe(5_500);
  });

  it('rounds half cents up and never produces a fraction', () => {
    // 1,010 × 5.5 % = 55.55 → 56; 1,009 × 5.5 % = 55.495 → 55.
    expect(serviceFee(1_010)).toBe(56 + 200);
    expect(serviceFee(1_009)).toBe(55 + 200);
    for (let price = 0; price < 20_000; price += 7) expect(Number.isInteger(serviceFee(price))).toBe(true);
  });

  it('follows a configured policy', () => {
    expect(serviceFee(10_000, { percentBasisPoints: 1_000, smallOrderFee: 0, smallOrderThreshold: 0 })).toBe(1_000);
    expect(orderAmounts(3_000, DEFAULT_FEE_POLICY)).toEqual({ price: 3_000, serviceFee: 165 + 200, total: 3_365 });
  });

  it('refuses a negative or fractional price', () => {
    expect(() => serviceFee(-1)).toThrow(RangeError);
    expect(() => serviceFee(10.5)).toThrow(RangeError);
  });
});

describe('the order state machine', () => {
  it('walks the happy path: placed, started, delivered, revised, delivered, completed', () => {
    let s = OrderStatus.PLACED;
    s = transition(s, 'start', Party.SELLER);
    s = transition(s, 'deliver', Party.SELLER);
    s = transition(s, 'requestRevision', Party.BUYER);
    s = transition(s, 'deliver', Party.SELLER);
    s = transition(s, 'approve', Party.BUYER);
    expect(s).toBe(OrderStatus.COMPLETED);
  });

  it('refuses a step from the wrong status with CONFLICT and from the wrong party with FORBIDDEN', () => {
    expect(() => transition(OrderStatus.PLACED, 'approve', Party.BUYER)).toThrow(expect.objectContaining({ code: 'CONFLICT' }));
    expect(() => transition(OrderStatus.COMPLETED, 'deliver', Party.SELLER)).toThrow(expect.objectContaining({ code: 'CONFLICT' }));
    expect(() => transition(OrderStatus.DELIVERED, 'approve', Party.SELLER)).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
    expect(() => transition(OrderStatus.DISPUTED, 'resolveDispute', Party.BUYER)).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
  });

  it('lets nothing leave a final status', () => {
    for (const final of [OrderStatus.COMPLETED, OrderStatus.CANCELLED, OrderStatus.SETTLED]) {
      for (const [action, party] of [
        ['start', Party.SELLER],
        ['deliver', Party.SELLER],
        ['requestRevision', Party.BUYER],
        ['approve', Party.BUYER],
        ['requestExtension', Party.SELLER],
        ['openDispute', Party.BUYER],
        ['resolveDispute', Party.ADMIN],
      ] as const) {
        expect(() => transition(final, action, party)).toThrow(expect.objectContaining({ code: 'CONFLICT' }));
      }
      expect(() => decideCancellation({ status: final, party: Party.ADMIN, dueAt: new Date(), now: new Date(), requestedBy: null })).toThrow(
        expect.objectContaining({ code: 'CONFLICT' }),
      );
    }
  });
});

describe('the cancellation rules', () => {
  const now = new Date('2026-11-22T12:00:00Z');
  const later = new Date('2026-11-25T12:00:00Z');
  const earlier = new Date('2026-11-20T12:00:00Z');

  it('lets the buyer cancel alone before the seller starts, not after', () => {
    expect(decideCancellation({ status: OrderStatus.PLACED, party: Party.BUYER, dueAt: later, now, requestedBy: null })).toEqual({ kind: 'cancel', reason: 'BUYER_BEFORE_START' });
    expect(decideCancellation({ status: OrderStatus.IN_PROGRESS, party: Party.BUYER, dueAt: later, now, requestedBy: null })).toEqual({ kind: 'request' });
  });

  it('lets either side cancel alone once the work is overdue, but not a delivered order', () => {
    expect(decideCancellation({ status: OrderStatus.IN_PROGRESS, party: Party.SELLER, dueAt: earlier, now, requestedBy: null })).toEqual({ kind: 'cancel', reason: 'OVERDUE' });
    expect(decideCancellation({ status: OrderStatus.IN_REVISION, party: Party.BUYER, dueAt: earlier, now, requestedBy: null })).toEqual({ kind: 'cancel', reason: 'OVERDUE' });
    expect(decideCancellation({ status: OrderStatus.DELIVERED, party: Party.BUYER, dueAt: earlier, now, requestedBy: null })).toEqual({ kind: 'request' });
  });

  it('cancels when the second party agrees, and refuses a party asking twice', () => {
    expect(decideCancellation({ status: OrderStatus.DELIVERED, party: Party.SELLER, dueAt: later, now, requestedBy: Party.BUYER })).toEqual({ kind: 'cancel', reason: 'AGREED' });
    expect(() => decideCancellation({ status: OrderStatus.DELIVERED, party: Party.BUYER, dueAt: later, now, requestedBy: Party.BUYER })).toThrow(
      expect.objectContaining({ code: 'CONFLICT' }),
    );
  });

  it('sends disputed orders to resolveDispute', () => {
    expect(() => decideCancellation({ status: OrderStatus.DISPUTED, party: Party.ADMIN, dueAt: later, now, requestedBy: null })).toThrow(/settled by an admin/);
  });
});

describe('ledger postings', () => {
  const order = { sellerId: 's1', price: 5_001, serviceFee: 275, total: 5_276, currency: 'USD' };

  it('balances every kind of movement to zero', () => {
    for (const tx of [
      chargePostings(order),
      releasePostings(order),
      refundPostings(order),
      splitPostings(order),
      withdrawalPostings('s1', 100, 'USD'),
      withdrawalReversalPostings('s1', 100, 'USD'),
    ]) {
      expect(sum(tx)).toBe(0);
    }
  });

  it('splits the price with the odd cent to the buyer and the fee to the platform', () => {
    expect(splitPostings(order).postings).toEqual([
      { account: 'escrow', amount: -5_276 },
      { account: 'wallet:s1', amount: 2_500 },
      { account: 'external:card', amount: 2_501 },
      { account: 'fees', amount: 275 },
    ]);
  });

  it('empties escrow for an order on every way out of it', () => {
    const escrowAfter = (out: LedgerTransaction) =>
      [chargePostings(order), out].flatMap((tx) => tx.postings).filter((p) => p.account === 'escrow').reduce((s, p) => s + p.amount, 0);
    expect(escrowAfter(releasePostings(order))).toBe(0);
    expect(escrowAfter(refundPostings(order))).toBe(0);
    expect(escrowAfter(splitPostings(order))).toBe(0);
  });
});
