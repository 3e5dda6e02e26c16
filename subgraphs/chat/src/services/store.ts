/**
 * Chat's reads and writes, in SQL: the resolvers and the event consumers share them, so a message posted by a user
 * and one posted by an order event update the conversation, the unread counts and the read receipts alike.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { newId } from '@jobgraph/kit';
import { MessageKind } from '../entities/message.js';
import { OfferStatus } from '../domain/offer-rules.js';
import type { AttachmentFields } from '../domain/message-rules.js';
import type { OfferTerms } from '../domain/offer-rules.js';
import type { Pair, Parties } from '../domain/conversation-rules.js';

export interface ConversationRow {
  id: string;
  participant_a: string;
  participant_b: string;
  gig_id: string | null;
  buyer_id: string | null;
  seller_id: string | null;
  last_message_id: string | null;
  last_activity_at: Date;
  created_at: Date;
}

export interface MemberRow {
  conversation_id: string;
  user_id: string;
  unread_count: number;
  last_read_at: Date | null;
  last_activity_at: Date;
}

export interface MessageRow {
  id: string;
  conversation_id: string;
  sender_id: string | null;
  kind: MessageKind;
  body: string;
  attachment_name: string | null;
  attachment_url: string | null;
  attachment_size_bytes: string | number | null;
  attachment_content_type: string | null;
  order_id: string | null;
  order_event: string | null;
  created_at: Date;
  offer_seller_id: string | null;
  offer_buyer_id: string | null;
  offer_gig_id: string | null;
  offer_price: number | null;
  offer_currency: string | null;
  offer_delivery_days: number | null;
  offer_description: string | null;
  offer_expires_at: Date | null;
  offer_status: OfferStatus | null;
  offer_responded_at: Date | null;
  offer_order_id: string | null;
}

const CONVERSATION_COLUMNS = 'c.id, c.participant_a, c.participant_b, c.gig_id, c.buyer_id, c.seller_id, c.last_message_id, c.last_activity_at, c.created_at';

export const MESSAGE_SELECT = `select m.id, m.conversation_id, m.sender_id, m.kind, m.body, m.attachment_name, m.attachment_url,
  m.attachment_size_bytes, m.attachment_content_type, m.order_id, m.order_event, m.created_at,
  o.seller_id as offer_seller_id, o.buyer_id as offer_buyer_id, o.gig_id as offer_gig_id, o.price as offer_price,
  o.currency as offer_currency, o.delivery_days as offer_delivery_days, o.description as offer_description,
  o.expires_at as offer_expires_at, o.status as offer_status, o.responded_at as offer_responded_at, o.order_id as offer_order_id
  from message m left join offer o on o.id = m.id`;

/** Rows from the driver carry timestamps as Date already; this keeps the types honest if one comes as a string. */
const date = (v: Date | string): Date => (v instanceof Date ? v : new Date(v));
const conversationRow = (r: ConversationRow): ConversationRow => ({ ...r, last_activity_at: date(r.last_activity_at), created_at: date(r.created_at) });

export const isParticipant = (c: Pick<ConversationRow, 'participant_a' | 'participant_b'>, userId: string): boolean =>
  c.participant_a === userId || c.participant_b === userId;

export const pairOfRow = (c: ConversationRow): Pair => ({ participantA: c.participant_a, participantB: c.participant_b });

export async function findConversations(em: EntityManager, ids: readonly string[]): Promise<ConversationRow[]> {
  if (ids.length === 0) return [];
  const rows: ConversationRow[] = await em.execute(`select ${CONVERSATION_COLUMNS} from conversation c where c.id in (?)`, [ids]);
  return rows.map(conversationRow);
}

/** The conversation if `userId` takes part in it; with `lock`, row-locked for the rest of the transaction. */
export async function conversationOf(em: EntityManager, id: string, userId: string, lock = false): Promise<ConversationRow | null> {
  const rows: ConversationRow[] = await em.execute(
    `select ${CONVERSATION_COLUMNS} from conversation c where c.id = ? and (c.participant_a = ? or c.participant_b = ?)${lock ? ' for update' : ''}`,
    [id, userId, userId],
  );
  return rows[0] ? conversationRow(rows[0]) : null;
}

export async function findMembers(em: EntityManager, conversationIds: readonly string[]): Promise<MemberRow[]> {
  if (conversationIds.length === 0) return [];
  const rows: MemberRow[] = await em.execute(
    'select conversation_id, user_id, unread_count, last_read_at, last_activity_at from conversation_member where conversation_id in (?)',
    [conversationIds],
  );
  return rows.map((r) => ({ ...r, unread_count: Number(r.unread_count), last_read_at: r.last_read_at === null ? null : date(r.last_read_at) }));
}

export async function findMessages(em: EntityManager, ids: readonly string[]): Promise<MessageRow[]> {
  if (ids.length === 0) return [];
  return em.execute(`${MESSAGE_SELECT} where m.id in (?)`, [ids]);
}

/**
 * The conversation of `pair` about `gigId` (null: about no gig), created with both members if there is none. Safe
 * under concurrency: of two transactions creating the same one, the unique index makes the second wait and then
 * find the first's row.
 */
export async function findOrCreateConversation(
  em: EntityManager,
  pair: Pair,
  gigId: string | null,
  now: Date,
  roles: Partial<Parties> = {},
): Promise<{ conversation: ConversationRow; created: boolean }> {
  const id = newId();
  const inserted: Array<{ id: string }> = await em.execute(
    `insert into conversation (id, participant_a, participant_b, gig_id, buyer_id, seller_id, last_message_id, last_activity_at, created_at)
     values (?, ?, ?, ?, ?, ?, null, ?, ?) on conflict do nothing returning id`,
    [id, pair.participantA, pair.participantB, gigId, roles.buyerId ?? null, roles.sellerId ?? null, now, now],
  );
  if (inserted.length > 0) {
    await em.execute(
      `insert into conversation_member (conversation_id, user_id, unread_count, last_read_at, last_activity_at) values (?, ?, 0, null, ?), (?, ?, 0, null, ?)`,
      [id, pair.participantA, now, id, pair.participantB, now],
    );
  }
  const rows: ConversationRow[] = await em.execute(
    `select ${CONVERSATION_COLUMNS} from conversation c where c.participant_a = ? and c.participant_b = ? and c.gig_id is not distinct from ?::uuid`,
    [pair.participantA, pair.participantB, gigId],
  );
  if (!rows[0]) throw new Error('conversation vanished right after it was created');
  return { conversation: conversationRow(rows[0]), created: inserted.length > 0 };
}

/** Records the buyer and seller of a conversation whose roles are not known yet (an existing answer stays). */
export async function fixRoles(em: EntityManager, conversationId: string, parties: Parties): Promise<void> {
  await em.execute('update conversation set buyer_id = ?, seller_id = ? where id = ? and buyer_id is null and seller_id is null', [
    parties.buyerId,
    parties.sellerId,
    conversationId,
  ]);
}

export interface NewMessage {
  conversationId: string;
  /** Null for a system message. */
  senderId: string | null;
  kind: MessageKind;
  body: string;
  attachment?: AttachmentFields | null;
  orderId?: string | null;
  orderEvent?: string | null;
  offer?: { terms: OfferTerms; parties: Parties; gigId: string | null } | null;
}

/**
 * Appends a message: stores it (and its offer), makes it the conversation's last, raises the unread count of every
 * participant but its sender, and marks the conversation read for the sender (replying means having read). Returns
 * the new message's id.
 */
export async function appendMessage(em: EntityManager, message: NewMessage, now: Date): Promise<string> {
  const id = newId();
  const a = message.attachment ?? null;
  await em.execute(
    `insert into message (id, conversation_id, sender_id, kind, body, attachment_name, attachment_url, attachment_size_bytes,
       attachment_content_type, order_id, order_event, created_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [id, message.conversationId, message.senderId, message.kind, message.body, a?.name ?? null, a?.url ?? null, a?.sizeBytes ?? null, a?.contentType ?? null, message.orderId ?? null, message.orderEvent ?? null, now],
  );
  if (message.offer) {
    const { terms, parties, gigId } = message.offer;
    await em.execute(
      `insert into offer (id, conversation_id, seller_id, buyer_id, gig_id, price, currency, delivery_days, description, expires_at, status, responded_at, order_id, created_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, null, null, ?)`,
      [id, message.conversationId, parties.sellerId, parties.buyerId, gigId, terms.price, terms.currency, terms.deliveryDays, terms.description, terms.expiresAt, OfferStatus.PENDING, now],
    );
  }
  // The conversation row is the lock that orders concurrent appends to one conversation.
  await em.execute(
    `update conversation set last_message_id = case when ? >= last_activity_at then ? else last_message_id end,
       last_activity_at = greatest(last_activity_at, ?) where id = ?`,
    [now, id, now, message.conversationId],
  );
  await em.execute(
    `update conversation_member set
       unread_count = case when user_id = ? then 0 else unread_count + 1 end,
       last_read_at = case when user_id = ? then greatest(last_read_at, ?) else last_read_at end,
       last_activity_at = greatest(last_activity_at, ?)
     where conversation_id = ?`,
    [message.senderId, message.senderId, now, now, message.conversationId],
  );
  return id;
}

/**
 * Marks the conversation read for `userId` up to its last message. Returns false when nothing changed (already read),
 * so nobody is told of a non-event.
 */
export async function markRead(em: EntityManager, conversationId: string, userId: string, now: Date): Promise<boolean> {
  const rows: unknown[] = await em.execute(
    `update conversation_member m set unread_count = 0, last_read_at = greatest(?::timestamptz, c.last_activity_at)
     from conversation c
     where c.id = m.conversation_id and m.conversation_id = ? and m.user_id = ?
       and (m.unread_count > 0 or m.last_read_at is null or m.last_read_at < c.last_activity_at)
     returning m.user_id`,
    [now, conversationId, userId],
  );
  return rows.length > 0;
}

/**
 * The message (with its offer) if `userId` takes part in its conversation. With `lock`, its offer row is locked first
 * (until the transaction ends), so two answers to one offer apply one after the other.
 */
export async function messageOf(em: EntityManager, id: string, userId: string, lock = false): Promise<{ message: MessageRow; conversation: ConversationRow } | null> {
  if (lock) await em.execute('select id from offer where id = ? for update', [id]);
  const rows: MessageRow[] = await em.execute(`${MESSAGE_SELECT} where m.id = ?`, [id]);
  const message = rows[0];
  if (!message) return null;
  const conversation = await conversationOf(em, message.conversation_id, userId);
  return conversation ? { message, conversation } : null;
}

/** Changes an offer's status (stamping when it was answered). */
export async function setOfferStatus(em: EntityManager, offerId: string, status: OfferStatus, now: Date): Promise<void> {
  await em.execute('update offer set status = ?, responded_at = ? where id = ?', [status, now, offerId]);
}

/** Keyset page of `userId`'s conversations, most recent activity first; `size + 1` rows (the extra one says "more"). */
export async function conversationsPage(
  em: EntityManager,
  userId: string,
  size: number,
  after: { at: Date; id: string } | null,
): Promise<ConversationRow[]> {
  const params: unknown[] = [userId];
  let where = 'm.user_id = ?';
  if (after) {
    where += ' and (m.last_activity_at, m.conversation_id) < (?::timestamptz, ?::uuid)';
    params.push(after.at.toISOString(), after.id);
  }
  const rows: Array<ConversationRow & { member_activity: Date }> = await em.execute(
    `select ${CONVERSATION_COLUMNS}, m.last_activity_at as member_activity from conversation_member m join conversation c on c.id = m.conversation_id
     where ${where} order by m.last_activity_at desc, m.conversation_id desc limit ?`,
    [...params, size + 1],
  );
  return rows.map(({ member_activity: _, ...r }) => conversationRow(r));
}

/** Keyset page of a conversation's history: the newest `size + 1` messages before `before`, newest first. */
export async function messagesPage(em: EntityManager, conversationId: string, size: number, before: { at: Date; id: string } | null): Promise<MessageRow[]> {
  const params: unknown[] = [conversationId];
  let where = 'm.conversation_id = ?';
  if (before) {
    where += ' and (m.created_at, m.id) < (?::timestamptz, ?::uuid)';
    params.push(before.at.toISOString(), before.id);
  }
  return em.execute(`${MESSAGE_SELECT} where ${where} order by m.created_at desc, m.id desc limit ?`, [...params, size + 1]);
}

/** Sum of `userId`'s unread counts. */
export async function unreadTotal(em: EntityManager, userId: string): Promise<number> {
  const rows: Array<{ n: string | null }> = await em.execute('select sum(unread_count) as n from conversation_member where user_id = ?', [userId]);
  return Number(rows[0]?.n ?? 0);
}

export async function isSeller(em: EntityManager, userId: string): Promise<boolean> {
  const rows: unknown[] = await em.execute('select 1 from seller where user_id = ?', [userId]);
  return rows.length > 0;
}
