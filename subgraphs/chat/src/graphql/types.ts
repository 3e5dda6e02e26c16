import { ArgsType, Directive, Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ConnectionType, MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE, Money } from '@jobgraph/kit';
import { MessageKind } from '../entities/message.js';
import { OfferStatus } from '../domain/offer-rules.js';
import { OrderEventKind } from '../domain/system-messages.js';
import { MESSAGE_LIMITS } from '../domain/message-rules.js';
import { OFFER_LIMITS } from '../domain/offer-rules.js';

registerEnumType(MessageKind, {
  name: 'MessageKind',
  description: 'What a message is.',
  valuesConfig: {
    TEXT: { description: 'Text a participant wrote, possibly with an attachment.' },
    OFFER: { description: 'A custom offer from the seller (see `offer`); `body` repeats its description.' },
    SYSTEM: { description: 'Written by JobGraph about an order between the two (no sender; see `orderEvent`).' },
  },
});

registerEnumType(OfferStatus, {
  name: 'OfferStatus',
  description: 'Where a custom offer stands.',
  valuesConfig: {
    PENDING: { description: 'Waiting for the buyer, before its expiry.' },
    ACCEPTED: { description: 'The buyer accepted it (or ordered it); the order is placed with `placeOrder(offerId)`.' },
    DECLINED: { description: 'The buyer declined it.' },
    EXPIRED: { description: 'Nobody answered before `expiresAt`.' },
    CANCELLED: { description: 'The seller withdrew it before the buyer answered.' },
  },
});

registerEnumType(OrderEventKind, {
  name: 'OrderEventKind',
  description: 'The order event a system message reports.',
  valuesConfig: {
    ORDER_PLACED: { description: 'The buyer placed an order.' },
    ORDER_DELIVERED: { description: 'The seller delivered.' },
    ORDER_COMPLETED: { description: 'The order was completed.' },
    ORDER_CANCELLED: { description: 'The order was cancelled.' },
    ORDER_DISPUTED: { description: 'A dispute was opened.' },
    ORDER_DISPUTE_RESOLVED: { description: 'Support settled the dispute.' },
  },
});

@ObjectType('User', { description: 'A JobGraph account (owned by auth); chat adds the user\'s conversations and online status.' })
@Directive('@key(fields: "id")')
export class UserRef {
  @Field(() => ID, { description: 'The user id issued by auth.' })
  id!: string;
}

@ObjectType('Gig', { description: 'A service a seller offers (owned by gigs).' })
@Directive('@key(fields: "id", resolvable: false)')
export class GigRef {
  @Field(() => ID, { description: 'Gig id.' })
  id!: string;
}

@ObjectType({ description: 'A file linked from a message: metadata only; the file itself lives at `url`.' })
export class Attachment {
  @Field(() => String, { description: 'File name as shown.' })
  name!: string;
  @Field(() => String, { description: 'Where to download it (http or https only).' })
  url!: string;
  @Field(() => Int, { description: 'Size in bytes, as the sender stated it.' })
  sizeBytes!: number;
  @Field(() => String, { description: 'Media type, e.g. "image/png".' })
  contentType!: string;
}

@ObjectType({ description: 'A seller\'s custom offer to a buyer: a price, a delivery time and what is included, open until it expires.' })
export class Offer {
  @Field(() => ID, { description: 'Offer id: the id of the message that carries it (the `offerId` of orders\' `placeOrder`).' })
  id!: string;
  @Field(() => Money, { description: 'What the buyer pays the seller (the service fee comes on top at order time).' })
  price!: Money;
  @Field(() => Int, { description: 'Days the seller needs to deliver once ordered.' })
  deliveryDays!: number;
  @Field(() => String, { description: 'What the offer includes (plain text).' })
  description!: string;
  @Field(() => Date, { description: 'After this moment the offer can no longer be accepted.' })
  expiresAt!: Date;
  @Field(() => OfferStatus, { description: 'Where it stands now (EXPIRED once `expiresAt` passed unanswered).' })
  status!: OfferStatus;
  @Field(() => UserRef, { description: 'Who sent it.' })
  seller!: UserRef;
  @Field(() => UserRef, { description: 'Who it is for.' })
  buyer!: UserRef;
  @Field(() => GigRef, { nullable: true, description: 'The gig of the conversation it was sent in; null when the conversation is about no gig (or you cannot see the gig).' })
  gig!: GigRef | null;
  @Field(() => Date, { nullable: true, description: 'When the buyer accepted or declined, or the seller cancelled; null while pending.' })
  respondedAt!: Date | null;
  @Field(() => ID, { nullable: true, description: 'The order placed from it, once placed.' })
  orderId!: string | null;
}

@ObjectType({ description: 'One message of a conversation.' })
export class Message {
  @Field(() => ID, { description: 'Message id (UUIDv7: later messages have greater ids).' })
  id!: string;
  @Field(() => ID, { description: 'The conversation it belongs to.' })
  conversationId!: string;
  @Field(() => MessageKind, { description: 'Text, offer or system message.' })
  kind!: MessageKind;
  @Field(() => String, { description: 'The text (plain text: show it as text, never as HTML); may be empty when a file is attached.' })
  body!: string;
  @Field(() => UserRef, { nullable: true, description: 'Who wrote it; null for a system message.' })
  sender!: UserRef | null;
  @Field(() => Attachment, { nullable: true, description: 'The linked file, if any.' })
  attachment!: Attachment | null;
  @Field(() => Offer, { nullable: true, description: 'The custom offer, for an OFFER message.' })
  offer!: Offer | null;
  @Field(() => ID, { nullable: true, description: 'The order a system message is about.' })
  orderId!: string | null;
  @Field(() => OrderEventKind, { nullable: true, description: 'What happened to that order, for a system message.' })
  orderEvent!: OrderEventKind | null;
  @Field(() => Date, { description: 'When it was sent.' })
  createdAt!: Date;
}

@ObjectType({ description: 'One participant\'s side of a conversation: their unread count and read receipt (both participants see both).' })
export class ConversationParticipant {
  @Field(() => UserRef, { description: 'The participant.' })
  user!: UserRef;
  @Field(() => Int, { description: 'Messages this participant has not read yet.' })
  unreadCount!: number;
  @Field(() => Date, { nullable: true, description: 'Read receipt: every message sent at or before this moment was read. Null until they first read.' })
  lastReadAt!: Date | null;
}

@ObjectType({ description: 'A private conversation between two users, optionally about a gig.' })
@Directive('@key(fields: "id")')
export class Conversation {
  @Field(() => ID, { description: 'Conversation id.' })
  id!: string;
  @Field(() => GigRef, { nullable: true, description: 'The gig it is about, if any (null also when you cannot see the gig).' })
  gig!: GigRef | null;
  @Field(() => UserRef, { nullable: true, description: 'The buyer, once known: fixed by the first custom offer or by an order between the two.' })
  buyer!: UserRef | null;
  @Field(() => UserRef, { nullable: true, description: 'The seller, once known (see `buyer`).' })
  seller!: UserRef | null;
  @Field(() => Date, { description: 'When it was started.' })
  createdAt!: Date;
  @Field(() => Date, { description: 'When its last message arrived (when it was started, until then).' })
  lastActivityAt!: Date;
}

export const ConversationConnection = ConnectionType(Conversation, 'Conversation', 'A page of conversations, most recent activity first.');

@ObjectType({ description: 'Where a page of message history sits: history pages backwards, from the newest message.' })
export class MessageHistoryPageInfo {
  @Field(() => Boolean, { description: 'True when older messages exist before the first edge of this page.' })
  hasPreviousPage!: boolean;
  @Field(() => String, { nullable: true, description: 'Cursor of the first (oldest) edge; pass it as `before` for the previous page.' })
  startCursor!: string | null;
}

@ObjectType({ description: 'One message in a page of history, with its cursor.' })
export class MessageEdge {
  @Field(() => String, { description: 'Opaque position of this edge; pass it as `before` to page back from here.' })
  cursor!: string;
  @Field(() => Message, { description: 'The message.' })
  node!: Message;
}

@ObjectType({ description: 'A page of a conversation\'s messages, oldest first within the page.' })
export class MessageConnection {
  @Field(() => [MessageEdge], { description: 'The messages of this page, oldest first (as a chat shows them).' })
  edges!: MessageEdge[];
  @Field(() => MessageHistoryPageInfo, { description: 'Whether older pages exist, and from where.' })
  pageInfo!: MessageHistoryPageInfo;
}

@ArgsType()
export class MessagesArgs {
  @Field(() => ID, { description: 'The conversation.' })
  conversationId!: string;
  @Field(() => Int, { nullable: true, description: `How many messages (1–${MAX_PAGE_SIZE}, default ${DEFAULT_PAGE_SIZE}): the newest ones before \`before\`.` })
  last?: number | null;
  @Field(() => String, { nullable: true, description: 'Return messages before this cursor (a previous page\'s `startCursor`); omitted: the newest.' })
  before?: string | null;
}

@ObjectType({ description: 'A participant is typing in a conversation. Short-lived: it exists for a few seconds and is never stored.' })
export class TypingEvent {
  @Field(() => ID, { description: 'Signal id; `typingEvent(id)` finds it until `expiresAt`.' })
  id!: string;
  @Field(() => ID, { description: 'The conversation.' })
  conversationId!: string;
  @Field(() => UserRef, { description: 'Who is typing.' })
  user!: UserRef;
  @Field(() => Date, { description: 'When the signal was sent.' })
  startedAt!: Date;
  @Field(() => Date, { description: 'Show "typing…" until then, unless another signal or a message comes first.' })
  expiresAt!: Date;
}

@ObjectType({ description: 'Whether a user is connected right now (has a live subscription socket open on any router instance).' })
export class Presence {
  @Field(() => ID, { description: 'The user id (a presence is identified by its user).' })
  id!: string;
  @Field(() => UserRef, { description: 'The user.' })
  user!: UserRef;
  @Field(() => Boolean, { description: 'True while the user has at least one open connection.' })
  online!: boolean;
  @Field(() => Date, { nullable: true, description: 'While online: the last heartbeat (seconds ago); offline: when the last connection closed. Null if not seen in 30 days.' })
  lastSeenAt!: Date | null;
}

@InputType({ description: 'A file to link from a message: metadata only (upload the file elsewhere first).' })
export class AttachmentInput {
  @Field(() => String, { description: `File name (1–${MESSAGE_LIMITS.attachment.name.max} characters).` })
  name!: string;
  @Field(() => String, { description: `Where it can be downloaded: an http or https URL (at most ${MESSAGE_LIMITS.attachment.url.max} characters).` })
  url!: string;
  @Field(() => Int, { description: 'Size in bytes.' })
  sizeBytes!: number;
  @Field(() => String, { description: 'Media type, e.g. "application/pdf".' })
  contentType!: string;
}

@InputType({ description: 'The terms of a custom offer.' })
export class OfferInput {
  @Field(() => Int, { description: `Price in minor units (${OFFER_LIMITS.price.min}–${OFFER_LIMITS.price.max}, e.g. 12500 for 125.00).` })
  price!: number;
  @Field(() => String, { nullable: true, description: 'ISO 4217 currency code; default the marketplace currency (USD).' })
  currency?: string | null;
  @Field(() => Int, { description: `Days to deliver once ordered (${OFFER_LIMITS.deliveryDays.min}–${OFFER_LIMITS.deliveryDays.max}).` })
  deliveryDays!: number;
  @Field(() => String, { description: `What is included (${OFFER_LIMITS.description.min}–${OFFER_LIMITS.description.max} characters).` })
  description!: string;
  @Field(() => Date, { nullable: true, description: `Until when the buyer can accept (future, at most ${OFFER_LIMITS.expiryDays.max} days ahead); default 7 days.` })
  expiresAt?: Date | null;
}
