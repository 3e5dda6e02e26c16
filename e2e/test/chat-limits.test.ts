import { describe, expect, it } from 'vitest';
import { ConversationUpdatedDocument, PresenceChangedDocument, SendMessageDocument, SendOfferDocument } from '@jobgraph/client';
import { newId } from '@jobgraph/kit';
import { waitFor } from '@jobgraph/kit/testing';
import { codes, useStack } from './support.js';
import { chatRows, chatSeller, chatUser, conversationBetween, listen, refusalCodes, socket } from './chat-support.js';

// Five messages a minute per user, so a test reaches the limit in a few requests.
const t = useStack({ CHAT_MESSAGE_RATE_LIMIT: '5', CHAT_MESSAGE_RATE_WINDOW_SECONDS: '60' });

describe('limits', () => {
  it('limits how fast one user sends messages and offers: RATE_LIMITED with retryAfterSeconds, and nothing stored', async () => {
    const seller = await chatSeller(t, 'fast');
    const buyer = await chatUser(t, 'calm');
    const c = await conversationBetween(t.client, buyer, seller);
    for (let i = 0; i < 4; i++) await t.client.expect(SendMessageDocument, { conversationId: c.id, body: `message ${i}` }, { token: seller.token });
    await t.client.expect(
      SendOfferDocument,
      { conversationId: c.id, offer: { price: 5_000, deliveryDays: 3, description: 'The fifth thing this minute: an offer.' } },
      { token: seller.token },
    );
    const limited = await t.client.request(SendMessageDocument, { conversationId: c.id, body: 'one too many' }, { token: seller.token });
    expect(codes(limited.errors)).toEqual(['RATE_LIMITED']);
    const retryAfter = limited.errors[0].extensions?.retryAfterSeconds as number;
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    const offerLimited = await t.client.request(
      SendOfferDocument,
      { conversationId: c.id, offer: { price: 5_000, deliveryDays: 3, description: 'Still too fast for an offer.' } },
      { token: seller.token },
    );
    expect(codes(offerLimited.errors)).toEqual(['RATE_LIMITED']);
    expect(Number((await chatRows<{ n: string }>(t, 'select count(*) as n from message where conversation_id = ?', [c.id]))[0].n)).toBe(5);

    // The limit is the sender's own: the other participant still talks.
    await t.client.expect(SendMessageDocument, { conversationId: c.id, body: 'I can still write' }, { token: buyer.token });
  });

  it('refuses a 21st subscription on one socket, and a subscription to more than 100 users', async () => {
    const user = await chatUser(t, 'many');
    const s = socket(t.stack.url, user.token);
    try {
      const subs = Array.from({ length: 21 }, () => listen(s.client, ConversationUpdatedDocument, {}));
      await waitFor(() => subs.some((x) => x.errors.length > 0), 10_000, 'a refusal');
      expect(subs.filter((x) => x.errors.length > 0).map((x) => refusalCodes(x.errors))).toEqual([['RATE_LIMITED']]);
      for (const sub of subs) sub.stop();

      const crowd = listen(s.client, PresenceChangedDocument, { userIds: Array.from({ length: 101 }, () => newId()) });
      await waitFor(() => crowd.errors.length > 0, 10_000, 'the refusal');
      expect(refusalCodes(crowd.errors)).toEqual(['BAD_USER_INPUT']);
      const nobody = listen(s.client, PresenceChangedDocument, { userIds: [newId()] });
      await waitFor(() => nobody.errors.length > 0, 10_000, 'the refusal of an unknown user');
      expect(refusalCodes(nobody.errors)).toEqual(['NOT_FOUND']);
    } finally {
      await s.client.dispose();
    }
  });

  it('closes a socket that sends a frame larger than the router accepts', async () => {
    const user = await chatUser(t, 'big');
    const s = socket(t.stack.url, user.token);
    listen(s.client, ConversationUpdatedDocument, {});
    s.client.subscribe({ query: `subscription { conversationUpdated { id } } # ${'x'.repeat(200_000)}` }, { next: () => {}, error: () => {}, complete: () => {} });
    expect(await s.closed).toBe(1009);
    await s.client.dispose();
  });
});
