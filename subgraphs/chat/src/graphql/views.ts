import { loaderFor, type Loader } from '@jobgraph/kit';
import { effectiveStatus, OfferStatus } from '../domain/offer-rules.js';
import type { OrderEventKind } from '../domain/system-messages.js';
import { findConversations, findMembers, findMessages, isParticipant, type ConversationRow, type MemberRow, type MessageRow } from '../services/store.js';
import type { ChatContext } from '../services/index.js';
import type { Conversation, Message, Offer } from './types.js';

/** A conversation as the API shows it, with what its field resolvers need. */
export interface ConversationView extends Conversation {
  participantA: string;
  participantB: string;
  lastMessageId: string | null;
}

export function toConversationView(r: ConversationRow): ConversationView {
  return {
    id: r.id,
    gig: r.gig_id ? { id: r.gig_id } : null,
    buyer: r.buyer_id ? { id: r.buyer_id } : null,
    seller: r.seller_id ? { id: r.seller_id } : null,
    createdAt: r.created_at,
    lastActivityAt: r.last_activity_at,
    participantA: r.participant_a,
    participantB: r.participant_b,
    lastMessageId: r.last_message_id,
  };
}

function toOfferView(r: MessageRow, now: Date): Offer | null {
  if (r.offer_status === null || r.offer_seller_id === null || r.offer_buyer_id === null || r.offer_expires_at === null) return null;
  const expiresAt = new Date(r.offer_expires_at);
  return {
    id: r.id,
    price: { amount: Number(r.offer_price), currency: String(r.offer_currency) },
    deliveryDays: Number(r.offer_delivery_days),
    description: String(r.offer_description),
    expiresAt,
    status: effectiveStatus(r.offer_status as OfferStatus, expiresAt, now),
    seller: { id: r.offer_seller_id },
    buyer: { id: r.offer_buyer_id },
    gig: r.offer_gig_id ? { id: r.offer_gig_id } : null,
    respondedAt: r.offer_responded_at === null ? null : new Date(r.offer_responded_at),
    orderId: r.offer_order_id,
  };
}

export function toMessageView(r: MessageRow, now = new Date()): Message {
  return {
    id: r.id,
    conversationId: r.conversation_id,
    kind: r.kind,
    body: r.body,
    sender: r.sender_id ? { id: r.sender_id } : null,
    attachment:
      r.attachment_url !== null
        ? { name: String(r.attachment_name), url: r.attachment_url, sizeBytes: Number(r.attachment_size_bytes), contentType: String(r.attachment_content_type) }
        : null,
    offer: toOfferView(r, now),
    orderId: r.order_id,
    orderEvent: (r.order_event as OrderEventKind | null) ?? null,
    createdAt: new Date(r.created_at),
  };
}

/** Conversations by id, one query per request however many are asked for (no visibility check: see `visible`). */
export function conversationLoader(ctx: ChatContext): Loader<string, ConversationRow> {
  return loaderFor(ctx, 'chat.conversations', (ids: readonly string[]) => findConversations(ctx.em, ids), (r) => r.id);
}

/** Both members of each conversation, one query per request. */
export function membersLoader(ctx: ChatContext): Loader<string, { conversationId: string; members: MemberRow[] }> {
  return loaderFor(
    ctx,
    'chat.members',
    async (ids: readonly string[]) => {
      const rows = await findMembers(ctx.em, ids);
      return ids.map((id) => ({ conversationId: id, members: rows.filter((m) => m.conversation_id === id) }));
    },
    (g) => g.conversationId,
  );
}

export function messageLoader(ctx: ChatContext): Loader<string, MessageRow> {
  return loaderFor(ctx, 'chat.messages', (ids: readonly string[]) => findMessages(ctx.em, ids), (r) => r.id);
}

/** The conversation if the caller takes part in it; null otherwise (it does not exist for anyone else). */
export async function visibleConversation(ctx: ChatContext, id: string): Promise<ConversationRow | null> {
  const caller = ctx.caller;
  if (!caller) return null;
  const row = await conversationLoader(ctx).load(id);
  return row && isParticipant(row, caller.userId) ? row : null;
}
