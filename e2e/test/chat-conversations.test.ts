import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CancelOfferDocument,
  ChatMessageDocument,
  ConversationDocument,
  MarkConversationReadDocument,
  MessagesDocument,
  MyConversationsDocument,
  RespondToOfferDocument,
  SendMessageDocument,
  SendOfferDocument,
  SetTypingDocument,
  StartConversationDocument,
  UnreadMessageCountDocument,
  UserConversationsDocument,
  type OfferInput,
} from '@jobgraph/client';
import { makeEnvelope, newId, type EventEnvelope } from '@jobgraph/kit';
import { tapEvents, waitFor, type EventTap } from '@jobgraph/kit/testing';
import { codes, useStack } from './support.js';
import { publish, amqpUrl } from './notifications-support.js';
import { chatRows, chatSeller, chatUser, conversationBetween, type ChatUser } from './chat-support.js';
import { OK, ordersQuery, place } from './orders-support.js';

const t = useStack();

let offers: EventTap;
beforeAll(async () => {
  offers = await tapEvents(amqpUrl, 'chat', ['offer.sent', 'offer.accepted', 'offer.declined', 'offer.cancelled'], String(t.stack.env.EVENTS_NAMESPACE));
});
afterAll(async () => {
  await offers?.close();
});

const offerInput = (overrides: Partial<OfferInput> = {}): OfferInput => ({
  price: 12_500,
  deliveryDays: 5,
  description: 'A logo in three variants, with source files and two revisions.',
  ...overrides,
});

async function send(from: ChatUser, conversationId: string, body: string) {
  return (await t.client.expect(SendMessageDocument, { conversationId, body }, { token: from.token })).sendMessage;
}

async function messageCount(conversationId?: string): Promise<number> {
  const rows = await chatRows<{ n: string }>(t, `select count(*) as n from message${conversationId ? ' where conversation_id = ?' : ''}`, conversationId ? [conversationId] : []);
  return Number(rows[0].n);
}

/** An order event as orders announces it (subgraphs/orders/src/events/published.ts). */
function orderEvent(type: string, buyer: ChatUser, seller: ChatUser, data: Record<string, unknown> = {}): EventEnvelope {
  return makeEnvelope(
    'orders',
    type,
    {
      orderId: newId(),
      buyerId: buyer.id,
      sellerId: seller.id,
      gigId: null,
      gigTitle: 'Logo design',
      offerId: null,
      conversationId: null,
      price: { amount: 12_500, currency: 'USD' },
      serviceFee: { amount: 888, currency: 'USD' },
      total: { amount: 13_388, currency: 'USD' },
      status: 'IN_PROGRESS',
      dueAt: '2030-01-08T12:00:00.000Z',
      ...data,
    },
    { correlationId: `test-${newId()}` },
  );
}

describe('conversations', () => {
  it('keeps one conversation per pair and gig, whoever starts it, and refuses one with yourself', async () => {
    const a = await chatUser(t, 'one_a');
    const b = await chatUser(t, 'one_b');
    const first = await conversationBetween(t.client, a, b);
    expect((await conversationBetween(t.client, a, b)).id).toBe(first.id);
    expect((await conversationBetween(t.client, b, a)).id).toBe(first.id);
    const gigId = newId();
    const aboutGig = await conversationBetween(t.client, b, a, gigId);
    expect(aboutGig.id).not.toBe(first.id);
    expect(aboutGig.gig).toEqual({ id: gigId }); // a reference: its other fields come from gigs
    expect((await conversationBetween(t.client, a, b, gigId)).id).toBe(aboutGig.id);
    expect(first.otherParticipant).toEqual({ id: b.id, username: b.username });

    const self = await t.client.request(StartConversationDocument, { withUserId: a.id }, { token: a.token });
    expect(codes(self.errors)).toEqual(['BAD_USER_INPUT']);
    expect(self.errors[0].extensions?.field).toBe('withUserId');
  });

  it('lists my conversations by latest activity, in pages, and to nobody else', async () => {
    const me = await chatUser(t, 'lister');
    const others = await Promise.all([1, 2, 3].map((i) => chatUser(t, `peer${i}`)));
    const conversations = [];
    for (const o of others) conversations.push(await conversationBetween(t.client, me, o));
    await send(others[0], conversations[0].id, 'bump the oldest to the top');

    const page1 = (await t.client.expect(MyConversationsDocument, { first: 2 }, { token: me.token })).me!.conversations!;
    expect(page1.edges.map((e) => e.node.id)).toEqual([conversations[0].id, conversations[2].id]);
    expect(page1.pageInfo.hasNextPage).toBe(true);
    const page2 = (await t.client.expect(MyConversationsDocument, { first: 2, after: page1.pageInfo.endCursor }, { token: me.token })).me!.conversations!;
    expect(page2.edges.map((e) => e.node.id)).toEqual([conversations[1].id]);
    expect(page2.pageInfo.hasNextPage).toBe(false);
    expect(page1.edges[0].node.lastMessage?.body).toBe('bump the oldest to the top');

    const snooping = await t.client.request(UserConversationsDocument, { id: me.id }, { token: others[0].token });
    expect(codes(snooping.errors)).toEqual(['FORBIDDEN']);
    const badCursor = await t.client.request(MyConversationsDocument, { after: 'nope' }, { token: me.token });
    expect(codes(badCursor.errors)).toEqual(['BAD_USER_INPUT']);
  });

  it('pages a conversation\'s history backwards from the newest message', async () => {
    const a = await chatUser(t, 'hist_a');
    const b = await chatUser(t, 'hist_b');
    const c = await conversationBetween(t.client, a, b);
    for (const body of ['1', '2', '3', '4', '5']) await send(body === '3' ? b : a, c.id, body);
    const newest = (await t.client.expect(MessagesDocument, { conversationId: c.id, last: 2 }, { token: b.token })).messages;
    expect(newest.edges.map((e) => e.node.body)).toEqual(['4', '5']);
    expect(newest.pageInfo.hasPreviousPage).toBe(true);
    const older = (await t.client.expect(MessagesDocument, { conversationId: c.id, last: 2, before: newest.pageInfo.startCursor }, { token: b.token })).messages;
    expect(older.edges.map((e) => e.node.body)).toEqual(['2', '3']);
    const oldest = (await t.client.expect(MessagesDocument, { conversationId: c.id, last: 2, before: older.pageInfo.startCursor }, { token: b.token })).messages;
    expect(oldest.edges.map((e) => e.node.body)).toEqual(['1']);
    expect(oldest.pageInfo.hasPreviousPage).toBe(false);
    expect(older.edges[1].node.sender).toEqual({ id: b.id, username: b.username });
    const tooMany = await t.client.request(MessagesDocument, { conversationId: c.id, last: 500 }, { token: b.token });
    expect(codes(tooMany.errors)).toEqual(['BAD_USER_INPUT']);
  });

  it('counts unread messages per participant, and clears them with a read receipt', async () => {
    const a = await chatUser(t, 'unread_a');
    const b = await chatUser(t, 'unread_b');
    const c = await conversationBetween(t.client, a, b);
    const other = await conversationBetween(t.client, a, await chatUser(t, 'unread_c'));
    await send(a, c.id, 'hello');
    await send(a, c.id, 'are you there?');
    await send(a, other.id, 'not for b');
    const unreadOf = async (u: ChatUser) => (await t.client.expect(UnreadMessageCountDocument, {}, { token: u.token })).unreadMessageCount;
    expect(await unreadOf(b)).toBe(2);
    expect(await unreadOf(a)).toBe(0); // your own messages are never unread

    const seenByA = (await t.client.expect(ConversationDocument, { id: c.id }, { token: a.token })).conversation!;
    expect(seenByA.unreadCount).toBe(0);
    expect(seenByA.participants.find((p) => p.user.id === b.id)).toMatchObject({ unreadCount: 2, lastReadAt: null });

    const read = (await t.client.expect(MarkConversationReadDocument, { conversationId: c.id }, { token: b.token })).markConversationRead;
    expect(read.unreadCount).toBe(0);
    const receipt = read.participants.find((p) => p.user.id === b.id)!;
    expect(Date.parse(receipt.lastReadAt!)).toBeGreaterThanOrEqual(Date.parse(read.lastActivityAt));
    expect(await unreadOf(b)).toBe(0);

    // Replying reads the conversation too.
    await send(a, c.id, 'one more');
    expect(await unreadOf(b)).toBe(1);
    await send(b, c.id, 'yes, here');
    expect(await unreadOf(b)).toBe(0);
    expect(await unreadOf(a)).toBe(1);
  });

  it('hides a conversation from anyone who does not take part in it (NOT_FOUND, or null)', async () => {
    const a = await chatUser(t, 'priv_a');
    const b = await chatUser(t, 'priv_b');
    const stranger = await chatUser(t, 'priv_x');
    const c = await conversationBetween(t.client, a, b);
    const m = await send(a, c.id, 'between us');
    const as = { token: stranger.token };
    expect((await t.client.expect(ConversationDocument, { id: c.id }, as)).conversation).toBeNull();
    expect((await t.client.expect(ChatMessageDocument, { id: m.id }, as)).message).toBeNull();
    expect(codes((await t.client.request(MessagesDocument, { conversationId: c.id }, as)).errors)).toEqual(['NOT_FOUND']);
    expect(codes((await t.client.request(SendMessageDocument, { conversationId: c.id, body: 'hi' }, as)).errors)).toEqual(['NOT_FOUND']);
    expect(codes((await t.client.request(MarkConversationReadDocument, { conversationId: c.id }, as)).errors)).toEqual(['NOT_FOUND']);
    expect(codes((await t.client.request(SetTypingDocument, { conversationId: c.id }, as)).errors)).toEqual(['NOT_FOUND']);
    expect(new Set(codes((await t.client.request(SendMessageDocument, { conversationId: c.id, body: 'hi' })).errors))).toEqual(new Set(['UNAUTHENTICATED']));
    expect(await messageCount(c.id)).toBe(1);
  });
});

describe('bad input writes nothing', () => {
  it('refuses an empty or oversized message, and an attachment that is not an http(s) link', async () => {
    const a = await chatUser(t, 'bad_a');
    const b = await chatUser(t, 'bad_b');
    const c = await conversationBetween(t.client, a, b);
    const attachment = { name: 'brief.pdf', url: 'https://files.example/brief.pdf', sizeBytes: 2048, contentType: 'application/pdf' };
    const attempts = [
      { body: '', field: 'body' },
      { body: '   ', field: 'body' },
      { body: 'x'.repeat(5_001), field: 'body' },
      { body: 'see attached', attachment: { ...attachment, url: 'javascript:alert(1)' }, field: 'attachment.url' },
      { body: 'see attached', attachment: { ...attachment, url: 'file:///etc/passwd' }, field: 'attachment.url' },
      { body: 'see attached', attachment: { ...attachment, sizeBytes: -5 }, field: 'attachment.sizeBytes' },
    ];
    for (const { field, ...input } of attempts) {
      const res = await t.client.request(SendMessageDocument, { conversationId: c.id, ...input }, { token: a.token });
      expect(codes(res.errors), field).toEqual(['BAD_USER_INPUT']);
      expect(res.errors[0].extensions?.field).toBe(field);
    }
    expect(await messageCount(c.id)).toBe(0);

    const ok = (await t.client.expect(SendMessageDocument, { conversationId: c.id, attachment }, { token: a.token })).sendMessage;
    expect(ok).toMatchObject({ body: '', attachment });
  });
});

describe('custom offers', () => {
  it('lets the seller send an offer the buyer accepts, and announces both for orders', async () => {
    const seller = await chatSeller(t, 'offer_seller');
    const buyer = await chatUser(t, 'offer_buyer');
    const gigId = newId();
    const c = await conversationBetween(t.client, buyer, seller, gigId);
    const sent = (await t.client.expect(SendOfferDocument, { conversationId: c.id, offer: offerInput({ currency: 'eur' }) }, { token: seller.token })).sendOffer;
    expect(sent).toMatchObject({
      kind: 'OFFER',
      body: offerInput().description,
      offer: { id: sent.id, price: { amount: 12_500, currency: 'EUR' }, deliveryDays: 5, status: 'PENDING', seller: { id: seller.id }, buyer: { id: buyer.id }, respondedAt: null },
    });
    const event = await offers.next((e) => e.type === 'offer.sent' && (e.data as { offerId: string }).offerId === sent.id);
    expect(event.producer).toBe('chat');
    expect(event.data).toEqual({
      offerId: sent.id,
      conversationId: c.id,
      buyerId: buyer.id,
      sellerId: seller.id,
      gigId,
      description: offerInput().description,
      price: { amount: 12_500, currency: 'EUR' },
      deliveryDays: 5,
      expiresAt: sent.offer!.expiresAt,
    });
    const roles = (await t.client.expect(ConversationDocument, { id: c.id }, { token: buyer.token })).conversation!;
    expect(roles).toMatchObject({ seller: { id: seller.id }, buyer: { id: buyer.id } });

    const accepted = (await t.client.expect(RespondToOfferDocument, { messageId: sent.id, accept: true }, { token: buyer.token })).respondToOffer;
    expect(accepted.offer).toMatchObject({ status: 'ACCEPTED' });
    expect(accepted.offer!.respondedAt).not.toBeNull();
    const acceptedEvent = await offers.next((e) => e.type === 'offer.accepted' && (e.data as { offerId: string }).offerId === sent.id);
    expect(acceptedEvent.data).toEqual({ offerId: sent.id, conversationId: c.id, buyerId: buyer.id, sellerId: seller.id });

    const twice = await t.client.request(RespondToOfferDocument, { messageId: sent.id, accept: false }, { token: buyer.token });
    expect(codes(twice.errors)).toEqual(['CONFLICT']);
  });

  it('refuses an offer from the buyer side', async () => {
    const seller = await chatSeller(t, 'side_seller');
    const buyer = await chatUser(t, 'side_buyer');
    const c = await conversationBetween(t.client, buyer, seller);
    const fromBuyer = await t.client.request(SendOfferDocument, { conversationId: c.id, offer: offerInput() }, { token: buyer.token });
    expect(codes(fromBuyer.errors)).toEqual(['FORBIDDEN']);

    // A buyer who is also a seller still cannot offer once the conversation's seller is known.
    const sellingBuyer = await chatSeller(t, 'side_both');
    const c2 = await conversationBetween(t.client, sellingBuyer, seller);
    await t.client.expect(SendOfferDocument, { conversationId: c2.id, offer: offerInput() }, { token: seller.token });
    const reversed = await t.client.request(SendOfferDocument, { conversationId: c2.id, offer: offerInput() }, { token: sellingBuyer.token });
    expect(codes(reversed.errors)).toEqual(['FORBIDDEN']);
    expect(await messageCount(c.id)).toBe(0);
    expect(await messageCount(c2.id)).toBe(1);

    const badTerms = await t.client.request(SendOfferDocument, { conversationId: c2.id, offer: offerInput({ price: 1 }) }, { token: seller.token });
    expect(codes(badTerms.errors)).toEqual(['BAD_USER_INPUT']);
    expect(badTerms.errors[0].extensions?.field).toBe('offer.price');
  });

  it('refuses to accept an expired offer, or someone else\'s, and lets only the seller cancel', async () => {
    const seller = await chatSeller(t, 'exp_seller');
    const buyer = await chatUser(t, 'exp_buyer');
    const stranger = await chatUser(t, 'exp_stranger');
    const c = await conversationBetween(t.client, buyer, seller);
    const shortLived = (
      await t.client.expect(SendOfferDocument, { conversationId: c.id, offer: offerInput({ expiresAt: new Date(Date.now() + 1_500).toISOString() }) }, { token: seller.token })
    ).sendOffer;
    const other = (await t.client.expect(SendOfferDocument, { conversationId: c.id, offer: offerInput() }, { token: seller.token })).sendOffer;

    expect(codes((await t.client.request(RespondToOfferDocument, { messageId: other.id, accept: true }, { token: stranger.token })).errors)).toEqual(['NOT_FOUND']);
    expect(codes((await t.client.request(RespondToOfferDocument, { messageId: other.id, accept: true }, { token: seller.token })).errors)).toEqual(['FORBIDDEN']);
    expect(codes((await t.client.request(CancelOfferDocument, { messageId: other.id }, { token: buyer.token })).errors)).toEqual(['FORBIDDEN']);
    const plain = await send(buyer, c.id, 'not an offer');
    expect(codes((await t.client.request(RespondToOfferDocument, { messageId: plain.id, accept: true }, { token: buyer.token })).errors)).toEqual(['BAD_USER_INPUT']);

    await new Promise((r) => setTimeout(r, 1_700));
    const late = await t.client.request(RespondToOfferDocument, { messageId: shortLived.id, accept: true }, { token: buyer.token });
    expect(codes(late.errors)).toEqual(['CONFLICT']);
    expect((await t.client.expect(ChatMessageDocument, { id: shortLived.id }, { token: buyer.token })).message?.offer?.status).toBe('EXPIRED');

    const cancelled = (await t.client.expect(CancelOfferDocument, { messageId: other.id }, { token: seller.token })).cancelOffer;
    expect(cancelled.offer?.status).toBe('CANCELLED');
    await offers.next((e) => e.type === 'offer.cancelled' && (e.data as { offerId: string }).offerId === other.id);
    expect(codes((await t.client.request(RespondToOfferDocument, { messageId: other.id, accept: true }, { token: buyer.token })).errors)).toEqual(['CONFLICT']);
    expect(offers.events.some((e) => e.type === 'offer.accepted' && [shortLived.id, other.id].includes((e.data as { offerId: string }).offerId))).toBe(false);
  });

  // Needs the orders subgraph (being built in subgraphs/orders): offer.accepted → orders' read model → placeOrder(offerId).
  it('lets the buyer order an accepted offer through orders\' placeOrder, at the offer\'s terms, once', async () => {
    const seller = await chatSeller(t, 'deal_seller');
    const buyer = await chatUser(t, 'deal_buyer');
    const c = await conversationBetween(t.client, buyer, seller);
    const offer = (await t.client.expect(SendOfferDocument, { conversationId: c.id, offer: offerInput({ price: 12_500, deliveryDays: 5 }) }, { token: seller.token })).sendOffer;
    await t.client.expect(RespondToOfferDocument, { messageId: offer.id, accept: true }, { token: buyer.token });
    // orders hears offer.sent and offer.accepted through the bus (no call between subgraphs).
    await waitFor(
      async () => (await ordersQuery<{ status: string }>(t, 'select status from offer where id = ?', [offer.id]))[0]?.status === 'ACCEPTED',
      10_000,
      'orders to learn of the accepted offer',
    );
    const result = await place(t, buyer, { offerId: offer.id, requirements: 'As we discussed.', paymentMethod: OK });
    expect(result.errors).toEqual([]);
    const order = result.data!.placeOrder;
    expect(order).toMatchObject({ offerId: offer.id, seller: { id: seller.id }, price: { amount: 12_500, currency: 'USD' }, deliveryDays: 5 });
    expect(codes((await place(t, buyer, { offerId: offer.id, paymentMethod: OK })).errors)).toEqual(['CONFLICT']);
    // And chat tells both of them in their conversation, and links the offer to the order.
    await waitFor(
      async () => (await chatRows(t, "select 1 from message where order_event = 'ORDER_PLACED' and order_id = ? and conversation_id = ?", [order.id, c.id])).length === 1,
      10_000,
      'the order\'s system message in the conversation',
    );
    const ordered = (await t.client.expect(ChatMessageDocument, { id: offer.id }, { token: buyer.token })).message!.offer!;
    expect(ordered).toMatchObject({ status: 'ACCEPTED', orderId: order.id });
  });
});

describe('order events in the conversation', () => {
  it('posts each order event once as a system message in the pair\'s conversation, and marks an ordered offer accepted', async () => {
    const seller = await chatSeller(t, 'ord_seller');
    const buyer = await chatUser(t, 'ord_buyer');
    const c = await conversationBetween(t.client, buyer, seller);
    const offer = (await t.client.expect(SendOfferDocument, { conversationId: c.id, offer: offerInput() }, { token: seller.token })).sendOffer;

    const placed = orderEvent('order.placed', buyer, seller, { offerId: offer.id, conversationId: c.id, gigTitle: offer.offer!.description.slice(0, 40) });
    await publish(t, 'orders', [placed, placed]); // a redelivery changes nothing
    const system = await waitFor(async () => {
      const edges = (await t.client.expect(MessagesDocument, { conversationId: c.id }, { token: buyer.token })).messages.edges;
      return edges.find((e) => e.node.kind === 'SYSTEM')?.node;
    }, 10_000, 'the system message');
    const orderId = (placed.data as { orderId: string }).orderId;
    expect(system).toMatchObject({ sender: null, orderId, orderEvent: 'ORDER_PLACED' });
    expect(system.body).toMatch(/^Order placed: “.+” for \$125\.00, due 2030-01-08 12:00 UTC\.$/);
    const ordered = (await t.client.expect(ChatMessageDocument, { id: offer.id }, { token: buyer.token })).message!.offer!;
    expect(ordered).toMatchObject({ status: 'ACCEPTED', orderId });

    const completed = orderEvent('order.completed', buyer, seller, { orderId, conversationId: c.id });
    await publish(t, 'orders', [completed]);
    await waitFor(async () => (await chatRows(t, "select 1 from message where order_event = 'ORDER_COMPLETED' and order_id = ?", [orderId])).length === 1, 10_000, 'the completion message');
    await new Promise((r) => setTimeout(r, 300));
    expect(Number((await chatRows<{ n: string }>(t, 'select count(*) as n from message where order_id = ?', [orderId]))[0].n)).toBe(2);
    // Both parties have the system messages unread.
    const view = (await t.client.expect(ConversationDocument, { id: c.id }, { token: seller.token })).conversation!;
    expect(view.unreadCount).toBe(2);
  });

  it('starts the pair\'s conversation about the ordered gig when they have none', async () => {
    const seller = await chatUser(t, 'gig_seller');
    const buyer = await chatUser(t, 'gig_buyer');
    const gigId = newId();
    await publish(t, 'orders', [orderEvent('order.placed', buyer, seller, { gigId })]);
    const listed = await waitFor(async () => (await t.client.expect(MyConversationsDocument, {}, { token: buyer.token })).me!.conversations!.edges[0]?.node, 10_000, 'the new conversation');
    expect(listed).toMatchObject({ otherParticipant: { id: seller.id }, buyer: { id: buyer.id }, seller: { id: seller.id }, unreadCount: 1, lastMessage: { kind: 'SYSTEM' } });
    // It is the one the two get when they start talking about that gig.
    expect((await conversationBetween(t.client, seller, buyer, gigId)).id).toBe(listed.id);
  });
});
