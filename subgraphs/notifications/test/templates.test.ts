import { describe, expect, it } from 'vitest';
import {
  NotificationKind,
  ORDER_RECIPIENTS,
  applyPreferenceChanges,
  emailPreferences,
  escapeHtml,
  formatMoney,
  offerMessage,
  orderMessage,
  passwordResetMessage,
  reviewMessage,
  verificationMessage,
  wantsEmail,
  welcomeMessage,
  type Message,
} from '@jobgraph/notifications';

const site = { publicUrl: 'https://app.example' };
const ids = { orderId: '01900000-0000-7000-8000-000000000001', buyerId: '01900000-0000-7000-8000-000000000002', sellerId: '01900000-0000-7000-8000-000000000003' };
const HOSTILE = '<img src=x onerror="alert(1)"> & \'quotes\'';

/** The HTML part with the markup the template itself writes removed: what is left must contain no `<`. */
const userVisibleHtml = (m: Message) => m.email.html.replace(/<\/?(!doctype html|html[^>]*|head|meta[^>]*|title|body[^>]*|div[^>]*|p[^>]*|a [^>]*|a|br)>/gi, '');

describe('escapeHtml', () => {
  it('replaces every character that can start a tag, an entity or end an attribute', () => {
    expect(escapeHtml(`<a href="x" title='y'>Tom & Jerry</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;Tom &amp; Jerry&lt;/a&gt;');
  });

  it('leaves ordinary text, including non-ASCII, as it is', () => {
    expect(escapeHtml('Zoë’s café — 5★')).toBe('Zoë’s café — 5★');
  });

  it('escapes an already escaped string again, so user text reading "&lt;" is shown literally', () => {
    expect(escapeHtml('&lt;')).toBe('&amp;lt;');
  });
});

describe('email templates', () => {
  it('puts the verification token in the email link only, URL-encoded, never in the in-app notification', () => {
    const m = verificationMessage(site, { username: 'ada', verificationToken: 'a+b/c=', verificationExpiresAt: '2030-01-02T03:04:05.000Z' });
    expect(m.kind).toBe(NotificationKind.EMAIL_VERIFICATION);
    expect(m.email.text).toContain('https://app.example/verify-email?token=a%2Bb%2Fc%3D');
    expect(m.email.html).toContain('href="https://app.example/verify-email?token=a%2Bb%2Fc%3D"');
    expect(m.email.text).toContain('expires on 2030-01-02 03:04 UTC');
    expect(`${m.title} ${m.body} ${m.link}`).not.toContain('a%2Bb');
    expect(m.link).toBeNull();
  });

  it('links a reset email to /reset-password with its token', () => {
    const m = passwordResetMessage(site, { username: 'ada', resetToken: 'tok_en', expiresAt: '2030-01-02T03:04:05.000Z' });
    expect(m.email.text).toContain('https://app.example/reset-password?token=tok_en');
    expect(m.body).not.toContain('tok_en');
  });

  it('escapes user-supplied strings in the HTML part of every template, and keeps them as typed in the text part', () => {
    const messages = [
      welcomeMessage(site, { email: 'ada@example.com', username: HOSTILE }),
      ...(Object.keys(ORDER_RECIPIENTS) as (keyof typeof ORDER_RECIPIENTS)[]).flatMap((type) =>
        (['buyer', 'seller'] as const).map((to) =>
          orderMessage(
            site,
            {
              type,
              data: {
                ...ids,
                gigTitle: HOSTILE,
                price: { amount: 100, currency: 'USD' },
                dueAt: '2030-01-01T00:00:00.000Z',
                message: HOSTILE,
                reason: HOSTILE,
                extraDays: 2,
                approved: false,
              },
            } as never,
            to,
            { buyerName: HOSTILE, sellerName: HOSTILE },
          ),
        ),
      ),
      offerMessage(site, { offerId: ids.orderId, buyerId: ids.buyerId, sellerId: ids.sellerId, description: HOSTILE, price: { amount: 100, currency: 'USD' } }, { buyerName: HOSTILE, sellerName: HOSTILE }),
      reviewMessage(site, { reviewId: ids.orderId, gigId: ids.orderId, revieweeId: ids.sellerId, reviewerUsername: HOSTILE, rating: 4, comment: HOSTILE }, HOSTILE),
    ];
    for (const m of messages) {
      expect(userVisibleHtml(m), m.title).not.toContain('<');
      expect(m.email.html, m.title).toContain(escapeHtml(HOSTILE));
      expect(m.email.text, m.title).toContain(HOSTILE);
    }
  });

  it('tells each order party what concerns them, with a link to the order', () => {
    const event = { type: 'order.placed' as const, data: { ...ids, gigTitle: 'Logo design', price: { amount: 12_550, currency: 'EUR' }, dueAt: '2030-01-01T12:00:00.000Z' } };
    const seller = orderMessage(site, event, 'seller', { buyerName: 'bob', sellerName: 'ada' });
    const buyer = orderMessage(site, event, 'buyer', { buyerName: 'bob', sellerName: 'ada' });
    expect(seller.title).toBe('New order: Logo design');
    expect(seller.body).toBe('bob ordered “Logo design” for €125.50. Please deliver by 2030-01-01 12:00 UTC.');
    expect(buyer.title).toBe('Order placed: Logo design');
    expect(buyer.email.text).toMatch(/^Hi bob,/);
    expect(seller.link).toBe(`/orders/${ids.orderId}`);
    expect(seller.email.text).toContain(`https://app.example/orders/${ids.orderId}`);
  });

  it('names unknown parties generically instead of printing "null"', () => {
    const m = orderMessage(site, { type: 'order.delivered', data: { ...ids, gigTitle: 'Logo', message: null } }, 'buyer', { buyerName: null, sellerName: null });
    expect(m.email.text).toMatch(/^Hi,\n\nThe seller delivered your order of “Logo”\./);
    expect(m.email.text).not.toContain('null');
  });

  it('keeps a subject on one bounded line, whatever the gig title', () => {
    const m = orderMessage(site, { type: 'order.completed', data: { ...ids, gigTitle: `Line one\r\nBcc: victim@example.com ${'x'.repeat(300)}` } }, 'seller', { buyerName: 'b', sellerName: 's' });
    expect(m.email.subject).not.toMatch(/[\r\n]/);
    expect(m.email.subject.length).toBeLessThanOrEqual(120);
  });

  it('formats money in minor units with the currency\'s own decimals', () => {
    expect(formatMoney({ amount: 1999, currency: 'USD' })).toBe('$19.99');
    expect(formatMoney({ amount: 500, currency: 'JPY' })).toBe('¥500');
  });
});

describe('email preferences', () => {
  it('sends every kind by default, and honours a switched-off kind', () => {
    expect(Object.values(emailPreferences([])).every(Boolean)).toBe(true);
    expect(wantsEmail(NotificationKind.ORDER_PLACED, [NotificationKind.ORDER_PLACED])).toBe(false);
    expect(wantsEmail(NotificationKind.ORDER_COMPLETED, [NotificationKind.ORDER_PLACED])).toBe(true);
  });

  it('always sends security emails, even if a stored preference says otherwise', () => {
    expect(wantsEmail(NotificationKind.PASSWORD_RESET, [NotificationKind.PASSWORD_RESET])).toBe(true);
  });

  it('refuses to switch off a security email, naming the field, and accepts switching it "on"', () => {
    for (const field of ['emailVerification', 'passwordReset'] as const) {
      expect(() => applyPreferenceChanges([], { [field]: false })).toThrow(expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT', field } }));
    }
    expect(applyPreferenceChanges([], { passwordReset: true })).toEqual([]);
  });

  it('changes only the fields given', () => {
    const off = applyPreferenceChanges([NotificationKind.WELCOME], { orderPlaced: false, reviewReceived: null });
    expect(off).toEqual([NotificationKind.WELCOME, NotificationKind.ORDER_PLACED]);
    expect(applyPreferenceChanges(off, { welcome: true })).toEqual([NotificationKind.ORDER_PLACED]);
  });
});
