import { describe, expect, it } from 'vitest';
import { LIMITS, OrderStanding, ReviewKind, checkRating, replyRefusal, requiredText, reviewRefusal, sideOf } from '../src/domain/review-rules.js';

const order = { buyerId: 'buyer', sellerId: 'seller' };
const field = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (err) {
    return (err as { extensions?: { code?: string; field?: string } }).extensions;
  }
  return null;
};

describe('who reviews whom', () => {
  it('lets the buyer review the seller and the seller review the buyer, and nobody else', () => {
    expect(sideOf(order, 'buyer')).toEqual({ kind: ReviewKind.BUYER_TO_SELLER, revieweeId: 'seller' });
    expect(sideOf(order, 'seller')).toEqual({ kind: ReviewKind.SELLER_TO_BUYER, revieweeId: 'buyer' });
    expect(sideOf(order, 'someone-else')).toBeNull();
  });

  it('opens reviews only on completed orders, and never for yourself', () => {
    expect(reviewRefusal({ ...order, standing: OrderStanding.COMPLETED })).toBeNull();
    expect(reviewRefusal({ ...order, standing: OrderStanding.OPEN })).toMatch(/not completed yet/);
    expect(reviewRefusal({ ...order, standing: OrderStanding.CANCELLED })).toMatch(/cancelled/);
    expect(reviewRefusal({ ...order, standing: OrderStanding.SETTLED })).toMatch(/settled dispute/);
    expect(reviewRefusal({ buyerId: 'same', sellerId: 'same', standing: OrderStanding.COMPLETED })).toMatch(/yourself/);
  });
});

describe('what a review may say', () => {
  it('takes whole stars from 1 to 5 and names the rating field otherwise', () => {
    expect([1, 2, 3, 4, 5].map(checkRating)).toEqual([1, 2, 3, 4, 5]);
    for (const bad of [0, 6, -1, 4.5, Number.NaN]) expect(field(() => checkRating(bad))).toEqual({ code: 'BAD_USER_INPUT', field: 'rating' });
  });

  it('trims comments and refuses empty, oversized or control-character ones', () => {
    expect(requiredText('comment', '  Great work.  ', LIMITS.comment)).toBe('Great work.');
    expect(requiredText('comment', 'x'.repeat(LIMITS.comment), LIMITS.comment)).toHaveLength(LIMITS.comment);
    expect(requiredText('comment', 'Line one\nline two\ttabbed', LIMITS.comment)).toBe('Line one\nline two\ttabbed');
    for (const bad of ['', '   ', 'x'.repeat(LIMITS.comment + 1), 'bell\u0007']) {
      expect(field(() => requiredText('comment', bad, LIMITS.comment))).toEqual({ code: 'BAD_USER_INPUT', field: 'comment' });
    }
  });
});

describe('replies', () => {
  const review = { kind: ReviewKind.BUYER_TO_SELLER, revieweeId: 'seller', repliedAt: null };

  it('let the reviewed seller answer a buyer\'s review once', () => {
    expect(replyRefusal(review, 'seller')).toBeNull();
    expect(replyRefusal({ ...review, repliedAt: new Date() }, 'seller')).toMatchObject({ code: 'CONFLICT' });
  });

  it('are the reviewee\'s alone, and only on reviews of sellers', () => {
    expect(replyRefusal(review, 'buyer')).toMatchObject({ code: 'FORBIDDEN' });
    expect(replyRefusal({ kind: ReviewKind.SELLER_TO_BUYER, revieweeId: 'buyer', repliedAt: null }, 'buyer')).toMatchObject({ code: 'CONFLICT' });
  });
});
