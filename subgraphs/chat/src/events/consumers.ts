import type { ConsumerDefinition } from '@jobgraph/kit';
import { MessageKind } from '../entities/message.js';
import { pairOf } from '../domain/conversation-rules.js';
import { OfferStatus } from '../domain/offer-rules.js';
import { ORDER_EVENT_KINDS, systemMessageText, type ChatOrderEventType } from '../domain/system-messages.js';
import { appendMessage, conversationOf, findOrCreateConversation, fixRoles, type ConversationRow } from '../services/store.js';
import type { ChatServices } from '../services/index.js';
import { ORDER_EVENTS, sellerChanged, type OrderEventData, type SellerChanged } from './consumed.js';

// Consumers are built from the services, but only touch them inside `handle`: tooling (`pnpm events`) lists them
// without starting anything.

/** Who may send custom offers: users with a seller page (users' `seller.created`; `seller.updated` for late joiners). */
export const sellerEvents: ConsumerDefinition = {
  name: 'seller-events',
  events: [
    { producer: 'users', type: 'seller.created', schema: sellerChanged },
    { producer: 'users', type: 'seller.updated', schema: sellerChanged },
  ],
  async handle(event, { em }) {
    const d = event.data as SellerChanged;
    await em.execute(
      'insert into seller (user_id, updated_at) values (?, ?) on conflict (user_id) do update set updated_at = greatest(seller.updated_at, excluded.updated_at)',
      [d.userId, event.occurredAt],
    );
  },
};

/**
 * Order events become a system message in the conversation of the order's buyer and seller: the one the order
 * names (orders copies an offer's conversation), else theirs about the order's gig, started if there is none. The
 * kit's inbox makes each event post once, however often it is delivered. `order.placed` from a custom offer also
 * marks that offer ACCEPTED (if it was still pending) and links it to the order.
 */
export const orderEvents = (services: ChatServices): ConsumerDefinition => ({
  name: 'order-events',
  events: Object.entries(ORDER_EVENTS).map(([type, schema]) => ({ producer: 'orders', type, schema })),
  async handle(event, { em, log, afterCommit }) {
    const type = event.type as ChatOrderEventType;
    const d = event.data as OrderEventData;
    if (d.buyerId === d.sellerId) {
      log.warn({ orderId: d.orderId }, 'order between a user and themself: no conversation to post in');
      return;
    }
    const now = new Date();
    let conversation: ConversationRow | null = null;
    if (d.conversationId) {
      const named = await conversationOf(em, d.conversationId, d.buyerId);
      if (named && (named.participant_a === d.sellerId || named.participant_b === d.sellerId)) conversation = named;
    }
    conversation ??= (await findOrCreateConversation(em, pairOf(d.buyerId, d.sellerId), d.gigId ?? null, now)).conversation;
    await fixRoles(em, conversation.id, { buyerId: d.buyerId, sellerId: d.sellerId });
    if (type === 'order.placed' && d.offerId) {
      await em.execute(
        `update offer set status = case when status = ? then ? else status end, responded_at = coalesce(responded_at, ?), order_id = ?
         where id = ? and buyer_id = ? and seller_id = ?`,
        [OfferStatus.PENDING, OfferStatus.ACCEPTED, now, d.orderId, d.offerId, d.buyerId, d.sellerId],
      );
    }
    const messageId = await appendMessage(
      em,
      {
        conversationId: conversation.id,
        senderId: null,
        kind: MessageKind.SYSTEM,
        body: systemMessageText(type, d),
        orderId: d.orderId,
        orderEvent: ORDER_EVENT_KINDS[type],
      },
      now,
    );
    const { id, participant_a, participant_b } = conversation;
    afterCommit(async () => {
      await services.live.messageAdded(id, messageId);
      await services.live.conversationUpdated([participant_a, participant_b], id);
    });
  },
});

export const consumers = (services: ChatServices): ConsumerDefinition[] => [sellerEvents, orderEvents(services)];
