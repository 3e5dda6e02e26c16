import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ConversationUpdatedDocument,
  MarkConversationReadDocument,
  MessageAddedDocument,
  MessagesDocument,
  PresenceChangedDocument,
  PresenceDocument,
  SendMessageDocument,
  SetTypingDocument,
  TypingDocument,
  TypingEventDocument,
  UnreadMessageCountDocument,
  JobGraphClient,
} from '@jobgraph/client';
import { waitFor } from '@jobgraph/kit/testing';
import { startRouterInstance, type RunningRouter } from '@jobgraph/stack';
import { useStack } from './support.js';
import { chatRows, chatSeller, chatUser, conversationBetween, listen, refusalCodes, settle, socket, tokenExpiringIn } from './chat-support.js';

// Presence claims live 2 s here (heartbeat every ~0.7 s), typing signals 2 s: the tests wait for expiries.
const t = useStack({ PRESENCE_TTL_SECONDS: '2', CHAT_TYPING_TTL_SECONDS: '2' });

/** A second router instance in front of the same subgraphs and Redis: "B"; the stack's own router is "A". */
let routerB: RunningRouter;
let clientB: JobGraphClient;
const sockets: Array<{ dispose(): Promise<void> | void }> = [];

beforeAll(async () => {
  routerB = await startRouterInstance(t.stack);
  clientB = new JobGraphClient(routerB.url);
});

afterAll(async () => {
  await Promise.all(sockets.map((s) => s.dispose()));
  await routerB?.stop();
});

/** A socket that the file closes at the end. */
function tab(routerUrl: string, token: string | null) {
  const s = socket(routerUrl, token);
  sockets.push(s.client);
  return s;
}

describe('live chat across two router instances sharing Redis', () => {
  it('delivers a message sent through instance A to the other participant on instance B, with fields from other subgraphs, and to the sender\'s other tab', async () => {
    const seller = await chatSeller(t, 'live_seller');
    const buyer = await chatUser(t, 'live_buyer');
    const conversation = await conversationBetween(t.client, buyer, seller);

    const buyerOnB = listen(tab(routerB.url, buyer.token).client, MessageAddedDocument, { conversationId: conversation.id });
    const sellersOtherTab = listen(tab(routerB.url, seller.token).client, MessageAddedDocument, { conversationId: conversation.id });
    await settle();

    const sent = (await t.client.expect(SendMessageDocument, { conversationId: conversation.id, body: 'Hi! I can start on Monday.' }, { token: seller.token })).sendMessage;

    const received = await waitFor(() => buyerOnB.results[0], 10_000, 'the message on instance B');
    expect(received.messageAdded).toMatchObject({
      id: sent.id,
      body: 'Hi! I can start on Monday.',
      kind: 'TEXT',
      // username from auth, the seller page from users: neither is chat's.
      sender: { id: seller.id, username: seller.username, seller: { fullName: 'Ada Lovelace', rating: { count: 0, average: null } } },
    });
    await waitFor(() => sellersOtherTab.results[0], 10_000, 'the message in the sender\'s other tab');
    expect(sellersOtherTab.results[0].messageAdded.id).toBe(sent.id);

    // Once each: two instances listen on the same channel, each delivers only to its own sockets.
    await settle(500);
    expect(buyerOnB.results).toHaveLength(1);
    expect(sellersOtherTab.results).toHaveLength(1);
    expect([...buyerOnB.errors, ...sellersOtherTab.errors]).toEqual([]);
  });

  it('refuses a non-participant\'s subscription with NOT_FOUND, and tells them nothing', async () => {
    const a = await chatUser(t, 'pair_a');
    const b = await chatUser(t, 'pair_b');
    const stranger = await chatUser(t, 'stranger');
    const conversation = await conversationBetween(t.client, a, b);

    const strangerTab = tab(routerB.url, stranger.token).client;
    const messages = listen(strangerTab, MessageAddedDocument, { conversationId: conversation.id });
    const typing = listen(strangerTab, TypingDocument, { conversationId: conversation.id });
    const unknown = listen(strangerTab, MessageAddedDocument, { conversationId: 'not-an-id' });
    await waitFor(() => messages.errors.length > 0 && typing.errors.length > 0 && unknown.errors.length > 0, 10_000, 'the refusals');
    expect(refusalCodes(messages.errors)).toEqual(['NOT_FOUND']);
    expect(refusalCodes(typing.errors)).toEqual(['NOT_FOUND']);
    expect(refusalCodes(unknown.errors)).toEqual(['NOT_FOUND']);
    expect((messages.errors[0] as Array<{ extensions: { field: string } }>)[0].extensions.field).toBe('conversationId');

    // The participants' own subscription on the same instance works, and the stranger's socket is still usable.
    const bTab = listen(tab(routerB.url, b.token).client, MessageAddedDocument, { conversationId: conversation.id });
    await settle();
    await t.client.expect(SendMessageDocument, { conversationId: conversation.id, body: 'private' }, { token: a.token });
    await t.client.expect(SetTypingDocument, { conversationId: conversation.id }, { token: a.token });
    await waitFor(() => bTab.results[0], 10_000, 'the participant\'s message');
    await settle(300);
    expect(messages.results).toEqual([]);
    expect(typing.results).toEqual([]);
  });

  it('keeps both participants\' unread counts and read receipts live through conversationUpdated', async () => {
    const seller = await chatSeller(t, 'rr_seller');
    const buyer = await chatUser(t, 'rr_buyer');
    const conversation = await conversationBetween(t.client, buyer, seller);
    const buyerUpdates = listen(tab(routerB.url, buyer.token).client, ConversationUpdatedDocument, {});
    const sellerUpdates = listen(tab(t.stack.url, seller.token).client, ConversationUpdatedDocument, {});
    await settle();

    await t.client.expect(SendMessageDocument, { conversationId: conversation.id, body: 'one' }, { token: seller.token });
    await clientB.expect(SendMessageDocument, { conversationId: conversation.id, body: 'two' }, { token: seller.token });
    const unread = await waitFor(() => buyerUpdates.results.find((u) => u.conversationUpdated.unreadCount === 2), 10_000, 'the buyer\'s unread count of 2');
    expect(unread.conversationUpdated.lastMessage?.body).toBe('two');
    expect((await t.client.expect(UnreadMessageCountDocument, {}, { token: buyer.token })).unreadMessageCount).toBe(2);

    const before = (await t.client.expect(MessagesDocument, { conversationId: conversation.id }, { token: seller.token })).messages.edges;
    expect(before.map((e) => e.node.seen)).toEqual([false, false]);

    await clientB.expect(MarkConversationReadDocument, { conversationId: conversation.id }, { token: buyer.token });
    // The seller sees the receipt live: the buyer's side now has a read time and nothing unread.
    const receipt = await waitFor(
      () => sellerUpdates.results.find((u) => u.conversationUpdated.participants.some((p) => p.user.id === buyer.id && p.lastReadAt !== null && p.unreadCount === 0)),
      10_000,
      'the read receipt on the seller\'s side',
    );
    expect(receipt.conversationUpdated.id).toBe(conversation.id);
    expect((await t.client.expect(UnreadMessageCountDocument, {}, { token: buyer.token })).unreadMessageCount).toBe(0);
    const after = (await t.client.expect(MessagesDocument, { conversationId: conversation.id }, { token: seller.token })).messages.edges;
    expect(after.map((e) => e.node.seen)).toEqual([true, true]);
  });

  it('shows "typing…" to the other participant only, once per burst, and keeps nothing of it', async () => {
    const seller = await chatSeller(t, 'ty_seller');
    const buyer = await chatUser(t, 'ty_buyer');
    const conversation = await conversationBetween(t.client, buyer, seller);
    const tables = await chatRows<{ table_name: string }>(t, "select table_name from information_schema.tables where table_schema = 'public'");
    const count = async () => {
      let n = 0;
      for (const { table_name } of tables) n += Number((await chatRows<{ n: string }>(t, `select count(*) as n from "${table_name}"`))[0].n);
      return n;
    };
    const rowsBefore = await count();

    const buyerTyping = listen(tab(routerB.url, buyer.token).client, TypingDocument, { conversationId: conversation.id });
    const sellerTyping = listen(tab(routerB.url, seller.token).client, TypingDocument, { conversationId: conversation.id });
    await settle();
    const first = (await t.client.expect(SetTypingDocument, { conversationId: conversation.id }, { token: seller.token })).setTyping;
    const again = (await t.client.expect(SetTypingDocument, { conversationId: conversation.id }, { token: seller.token })).setTyping;
    expect(again.id).toBe(first.id);

    const heard = await waitFor(() => buyerTyping.results[0], 10_000, 'the typing signal');
    expect(heard.typing).toMatchObject({ id: first.id, conversationId: conversation.id, user: { id: seller.id, username: seller.username } });
    await settle(300);
    expect(buyerTyping.results).toHaveLength(1);
    expect(sellerTyping.results).toEqual([]);

    expect((await t.client.expect(TypingEventDocument, { id: first.id }, { token: buyer.token })).typingEvent?.id).toBe(first.id);
    await waitFor(async () => (await t.client.expect(TypingEventDocument, { id: first.id }, { token: buyer.token })).typingEvent === null, 5_000, 'the signal to expire');
    expect(tables.map((r) => r.table_name)).not.toContain('typing');
    expect(await count()).toBe(rowsBefore);
  });

  it('shows a user online while they have a socket on any instance, and offline when the last one closes', async () => {
    const watcher = await chatUser(t, 'watcher');
    const user = await chatUser(t, 'present');
    const changes = listen(tab(t.stack.url, watcher.token).client, PresenceChangedDocument, { userIds: [user.id] });
    await settle();
    expect((await t.client.expect(PresenceDocument, { id: user.id }, { token: watcher.token })).presence).toMatchObject({ online: false, lastSeenAt: null });

    const onB = socket(routerB.url, user.token);
    const online = await waitFor(() => changes.results.find((c) => c.presenceChanged.online), 10_000, 'the user to come online');
    expect(online.presenceChanged).toMatchObject({ id: user.id, user: { username: user.username } });
    const onA = socket(t.stack.url, user.token);
    await waitFor(async () => (await t.client.expect(PresenceDocument, { id: user.id }, { token: watcher.token })).presence?.online, 5_000, 'presence online');

    await onB.client.dispose();
    await settle(500);
    expect(changes.results).toHaveLength(1); // still online on A
    await onA.client.dispose();
    const offline = await waitFor(() => changes.results.find((c) => !c.presenceChanged.online), 10_000, 'the user to go offline');
    expect(Date.parse(offline.presenceChanged.lastSeenAt as string)).toBeGreaterThan(Date.now() - 10_000);
    expect(changes.results).toHaveLength(2);
  });

  it('takes the users of a router instance that stops offline', async () => {
    const routerC = await startRouterInstance(t.stack);
    let stopped = false;
    try {
      const watcher = await chatUser(t, 'watcher_c');
      const user = await chatUser(t, 'on_c');
      const changes = listen(tab(t.stack.url, watcher.token).client, PresenceChangedDocument, { userIds: [user.id] });
      await settle();
      const onC = socket(routerC.url, user.token);
      await waitFor(() => changes.results.find((c) => c.presenceChanged.online), 10_000, 'the user to come online on C');
      stopped = true;
      await routerC.stop();
      await waitFor(() => changes.results.find((c) => !c.presenceChanged.online), 10_000, 'the user to go offline with C');
      await onC.client.dispose();
    } finally {
      if (!stopped) await routerC.stop();
    }
  });

  it('closes a socket with the forbidden code (4403) when its token expires while connected', async () => {
    const user = await chatUser(t, 'expiring');
    const other = await chatUser(t, 'other');
    const conversation = await conversationBetween(t.client, user, other);
    const token = await tokenExpiringIn(t, user, 2);
    const s = tab(routerB.url, token);
    const live = listen(s.client, MessageAddedDocument, { conversationId: conversation.id });
    expect(await s.closed).toBe(4403);
    expect(live.results).toEqual([]);
  });
});
