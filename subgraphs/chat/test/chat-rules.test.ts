import { describe, expect, it } from 'vitest';
import {
  MESSAGE_LIMITS,
  OFFER_LIMITS,
  OfferStatus,
  decideOffer,
  effectiveStatus,
  formatMoney,
  normaliseMessage,
  normaliseOfferTerms,
  offerParties,
  pairOf,
  systemMessageText,
} from '@jobgraph/chat';

const A = '01900000-0000-7000-8000-00000000000a';
const B = '01900000-0000-7000-8000-00000000000b';
const C = '01900000-0000-7000-8000-00000000000c';
const now = new Date('2030-01-01T12:00:00.000Z');
const defaults = { currency: 'USD', expiryHours: 168 };
const attachment = { name: 'brief.pdf', url: 'https://files.example/brief.pdf', sizeBytes: 1024, contentType: 'application/pdf' };

const badInput = (field: string) => expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field }) });
const code = (c: string) => expect.objectContaining({ extensions: expect.objectContaining({ code: c }) });

describe('messages', () => {
  it('keeps the text trimmed, and accepts a file without text', () => {
    expect(normaliseMessage({ body: '  hello  ' })).toEqual({ body: 'hello', attachment: null });
    expect(normaliseMessage({ body: null, attachment })).toEqual({ body: '', attachment });
  });

  it('refuses an empty message, naming the body', () => {
    expect(() => normaliseMessage({ body: '   \n ' })).toThrow(badInput('body'));
    expect(() => normaliseMessage({})).toThrow(badInput('body'));
  });

  it('refuses text over the limit, counting characters rather than UTF-16 units', () => {
    expect(() => normaliseMessage({ body: 'x'.repeat(MESSAGE_LIMITS.body.max + 1) })).toThrow(badInput('body'));
    expect(normaliseMessage({ body: '😀'.repeat(MESSAGE_LIMITS.body.max) }).body).toHaveLength(2 * MESSAGE_LIMITS.body.max);
  });

  it('links only http and https files, without credentials', () => {
    for (const url of ['javascript:alert(1)', 'data:text/html,<b>x</b>', 'file:///etc/passwd', 'ftp://files.example/a', 'not a url', 'https://user:pw@files.example/a']) {
      expect(() => normaliseMessage({ body: 'see', attachment: { ...attachment, url } }), url).toThrow(badInput('attachment.url'));
    }
    expect(normaliseMessage({ attachment: { ...attachment, url: 'http://files.example/a b' } }).attachment?.url).toBe('http://files.example/a b');
  });

  it('checks the attachment\'s name, size and media type', () => {
    expect(() => normaliseMessage({ attachment: { ...attachment, name: ' ' } })).toThrow(badInput('attachment.name'));
    expect(() => normaliseMessage({ attachment: { ...attachment, name: 'a\u0000b' } })).toThrow(badInput('attachment.name'));
    expect(() => normaliseMessage({ attachment: { ...attachment, sizeBytes: -1 } })).toThrow(badInput('attachment.sizeBytes'));
    expect(() => normaliseMessage({ attachment: { ...attachment, contentType: 'pdf' } })).toThrow(badInput('attachment.contentType'));
    expect(normaliseMessage({ attachment: { ...attachment, contentType: 'Image/PNG' } }).attachment?.contentType).toBe('image/png');
  });
});

describe('offer terms', () => {
  const terms = { price: 12_500, deliveryDays: 5, description: 'Logo in three variants, source files included.' };

  it('fills the currency and a 7-day expiry by default', () => {
    const t = normaliseOfferTerms(terms, now, defaults);
    expect(t).toMatchObject({ price: 12_500, currency: 'USD', deliveryDays: 5 });
    expect(t.expiresAt.toISOString()).toBe('2030-01-08T12:00:00.000Z');
  });

  it('refuses prices, delivery times and descriptions out of range, naming the field', () => {
    expect(() => normaliseOfferTerms({ ...terms, price: OFFER_LIMITS.price.min - 1 }, now, defaults)).toThrow(badInput('offer.price'));
    expect(() => normaliseOfferTerms({ ...terms, price: 12.5 }, now, defaults)).toThrow(badInput('offer.price'));
    expect(() => normaliseOfferTerms({ ...terms, deliveryDays: 0 }, now, defaults)).toThrow(badInput('offer.deliveryDays'));
    expect(() => normaliseOfferTerms({ ...terms, description: 'short' }, now, defaults)).toThrow(badInput('offer.description'));
    expect(() => normaliseOfferTerms({ ...terms, currency: 'dollars' }, now, defaults)).toThrow(badInput('offer.currency'));
  });

  it('wants an expiry in the future and at most 30 days ahead', () => {
    expect(() => normaliseOfferTerms({ ...terms, expiresAt: now }, now, defaults)).toThrow(badInput('offer.expiresAt'));
    expect(() => normaliseOfferTerms({ ...terms, expiresAt: new Date(now.getTime() + 31 * 86_400_000) }, now, defaults)).toThrow(badInput('offer.expiresAt'));
  });
});

describe('offer answers', () => {
  const offer = { status: OfferStatus.PENDING, expiresAt: new Date(now.getTime() + 60_000), buyerId: B, sellerId: A };

  it('lets the buyer accept or decline, and the seller cancel, a pending offer', () => {
    expect(decideOffer(offer, B, 'accept', now)).toBe(OfferStatus.ACCEPTED);
    expect(decideOffer(offer, B, 'decline', now)).toBe(OfferStatus.DECLINED);
    expect(decideOffer(offer, A, 'cancel', now)).toBe(OfferStatus.CANCELLED);
  });

  it('forbids the seller to accept their own offer and the buyer to cancel it', () => {
    expect(() => decideOffer(offer, A, 'accept', now)).toThrow(code('FORBIDDEN'));
    expect(() => decideOffer(offer, B, 'cancel', now)).toThrow(code('FORBIDDEN'));
    expect(() => decideOffer(offer, C, 'accept', now)).toThrow(code('FORBIDDEN'));
  });

  it('reads a pending offer past its expiry as EXPIRED, and refuses to accept it', () => {
    const later = new Date(offer.expiresAt.getTime());
    expect(effectiveStatus(OfferStatus.PENDING, offer.expiresAt, later)).toBe(OfferStatus.EXPIRED);
    expect(effectiveStatus(OfferStatus.ACCEPTED, offer.expiresAt, later)).toBe(OfferStatus.ACCEPTED);
    expect(() => decideOffer(offer, B, 'accept', later)).toThrow(code('CONFLICT'));
  });

  it('answers an offer only once', () => {
    expect(() => decideOffer({ ...offer, status: OfferStatus.DECLINED }, B, 'accept', now)).toThrow(code('CONFLICT'));
    expect(() => decideOffer({ ...offer, status: OfferStatus.ACCEPTED }, A, 'cancel', now)).toThrow(code('CONFLICT'));
  });
});

describe('participants and roles', () => {
  it('stores a pair in one order whoever starts, and refuses a conversation with oneself', () => {
    expect(pairOf(B, A)).toEqual(pairOf(A, B));
    expect(() => pairOf(A, A)).toThrow(badInput('withUserId'));
  });

  it('makes the first offer\'s sender the seller, if they are a seller', () => {
    expect(offerParties(pairOf(A, B), { buyerId: null, sellerId: null }, B, true)).toEqual({ sellerId: B, buyerId: A });
    expect(() => offerParties(pairOf(A, B), { buyerId: null, sellerId: null }, B, false)).toThrow(code('FORBIDDEN'));
  });

  it('refuses an offer from the buyer of a conversation whose roles are known', () => {
    expect(() => offerParties(pairOf(A, B), { buyerId: B, sellerId: A }, B, true)).toThrow(code('FORBIDDEN'));
    expect(offerParties(pairOf(A, B), { buyerId: B, sellerId: A }, A, true)).toEqual({ sellerId: A, buyerId: B });
  });
});

describe('system messages about orders', () => {
  const facts = { gigTitle: 'Logo design', price: { amount: 12_550, currency: 'EUR' }, dueAt: '2030-01-08T12:00:00.000Z' };

  it('says what happened to the order, in one line', () => {
    expect(systemMessageText('order.placed', facts)).toBe('Order placed: “Logo design” for €125.50, due 2030-01-08 12:00 UTC.');
    expect(systemMessageText('order.completed', facts)).toBe('Order completed: “Logo design”.');
    expect(systemMessageText('order.cancelled', { ...facts, cancelledBy: 'SELLER', reason: 'Out of\ntime' })).toBe('Order cancelled by the seller: “Logo design”. “Out of time”');
    expect(systemMessageText('order.dispute-resolved', { ...facts, outcome: 'SPLIT' })).toBe('The dispute on “Logo design” was resolved: the payment is split between buyer and seller.');
  });

  it('bounds quoted user text', () => {
    const text = systemMessageText('order.delivered', { ...facts, message: 'x'.repeat(2000) });
    expect(text.length).toBeLessThan(600);
  });

  it('formats money with the currency\'s own decimals', () => {
    expect(formatMoney({ amount: 1999, currency: 'USD' })).toBe('$19.99');
    expect(formatMoney({ amount: 500, currency: 'JPY' })).toBe('¥500');
  });
});
