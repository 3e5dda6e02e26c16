import { describe, expect, it } from 'vitest';
import { waitFor } from '@jobgraph/kit/testing';
import { useMailbox } from './mail.js';
import { PUBLIC_URL, emailLog, newMember, notificationAbout, notificationsOf, orderPlaced, publish } from './notifications-support.js';
import { useStack } from './support.js';

const mail = useMailbox();
// Retries long enough (0.4 + 0.8 + 1.6 + 3.2 s) for a test to bring its SMTP server back before the DLQ.
const t = useStack(() => ({ SMTP_URL: mail.url, PUBLIC_URL, EVENT_RETRY_DELAYS_MS: '400,800,1600,3200' }));

const link = (event: { data: unknown }) => `/orders/${(event.data as { orderId: string }).orderId}`;

describe('email delivery when SMTP fails', () => {
  it('retries an email while the SMTP server is down and delivers it once when it is back', async () => {
    const buyer = await newMember(t, mail, 'buyer');
    const seller = await newMember(t, mail, 'seller');
    await mail.stop();
    const event = orderPlaced(buyer, seller);
    try {
      await publish(t, 'orders', [event]);
      // A failed attempt is on record (and nothing in-app yet: the handler's transaction rolled back).
      await waitFor(async () => (await emailLog(t, event.id)).some((row) => row.status === 'FAILED'), 10_000, 'a failed attempt');
      expect((await notificationsOf(t, seller)).filter((n) => n.link === link(event))).toEqual([]);
    } finally {
      await mail.start();
    }

    await mail.next(seller.email, /^New order/);
    await mail.next(buyer.email, /^Order placed/);
    await notificationAbout(t, seller, link(event));
    // Give any stray retry time to run before counting.
    await new Promise((r) => setTimeout(r, 1_000));
    expect(mail.to(seller.email).filter((m) => /^New order/.test(m.subject))).toHaveLength(1);
    expect(mail.to(buyer.email).filter((m) => /^Order placed/.test(m.subject))).toHaveLength(1);
    expect((await notificationsOf(t, seller)).filter((n) => n.link === link(event))).toHaveLength(1);
    const log = await emailLog(t, event.id);
    expect(log.map((row) => row.status)).toEqual(['SENT', 'SENT']);
    expect(log.every((row) => row.attempts >= 2 && row.error === null)).toBe(true);
  });

  it('does not send the buyer\'s email again while the seller\'s is being retried', async () => {
    const buyer = await newMember(t, mail, 'buyer');
    const seller = await newMember(t, mail, 'seller');
    mail.refused.add(seller.email);
    const event = orderPlaced(buyer, seller);
    try {
      await publish(t, 'orders', [event]);
      // Two attempts at the seller's address: the event has been retried at least once.
      await waitFor(async () => (await emailLog(t, event.id)).find((row) => row.recipient_id === seller.id && row.attempts >= 2), 10_000, 'a retry');
      const sellerRow = (await emailLog(t, event.id)).find((row) => row.recipient_id === seller.id)!;
      expect(sellerRow).toMatchObject({ status: 'FAILED', error: expect.stringMatching(/451/) });
      expect(mail.to(buyer.email).filter((m) => /^Order placed/.test(m.subject))).toHaveLength(1);
    } finally {
      mail.refused.delete(seller.email);
    }

    await mail.next(seller.email, /^New order/);
    await notificationAbout(t, seller, link(event));
    await new Promise((r) => setTimeout(r, 1_000));
    expect(mail.to(buyer.email).filter((m) => /^Order placed/.test(m.subject))).toHaveLength(1);
    expect(mail.to(seller.email).filter((m) => /^New order/.test(m.subject))).toHaveLength(1);
    // The in-app notifications, rolled back with each failed attempt, are stored once in the end.
    expect((await notificationsOf(t, buyer)).filter((n) => n.link === link(event))).toHaveLength(1);
    expect((await notificationsOf(t, seller)).filter((n) => n.link === link(event))).toHaveLength(1);
  });
});
