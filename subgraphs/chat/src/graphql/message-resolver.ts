import { Arg, Args, Ctx, Directive, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { EntityManager } from '@mikro-orm/postgresql';
import { BadUserInputError, NotFoundError, decodeTimeIdCursor, encodeCursor, eventsOf, isUuid, pageSize, requireCaller } from '@jobgraph/kit';
import { MessageKind } from '../entities/message.js';
import { normaliseMessage } from '../domain/message-rules.js';
import { decideOffer, normaliseOfferTerms, OfferStatus, type OfferAction } from '../domain/offer-rules.js';
import { offerParties } from '../domain/conversation-rules.js';
import { ChatEvents, type OfferParties, type OfferSent } from '../events/published.js';
import {
  appendMessage,
  conversationOf,
  findMessages,
  fixRoles,
  isSeller,
  messageOf,
  messagesPage,
  pairOfRow,
  setOfferStatus,
  type ConversationRow,
} from '../services/store.js';
import type { ChatContext } from '../services/index.js';
import { AttachmentInput, Conversation, Message, MessageConnection, MessagesArgs, OfferInput } from './types.js';
import { membersLoader, messageLoader, toConversationView, toMessageView, visibleConversation, type ConversationView } from './views.js';

const NO_SUCH_CONVERSATION = 'There is no such conversation.';
const NO_SUCH_MESSAGE = 'There is no such message.';

/** After a commit: the new message to its conversation's subscribers, the changed conversation to both participants. */
async function announce(ctx: ChatContext, conversation: ConversationRow, messageId: string | null): Promise<void> {
  if (messageId) await ctx.services.live.messageAdded(conversation.id, messageId);
  await ctx.services.live.conversationUpdated([conversation.participant_a, conversation.participant_b], conversation.id);
}

@Resolver(() => Message)
export class MessageResolver {
  @Directive('@authenticated')
  @Query(() => Message, { nullable: true, description: 'One message of the signed-in user\'s conversations; null for any other (also what live subscriptions load).' })
  async message(@Arg('id', () => ID, { description: 'The message id.' }) id: string, @Ctx() ctx: ChatContext): Promise<Message | null> {
    requireCaller(ctx);
    if (!isUuid(id)) return null;
    const row = await messageLoader(ctx).load(id);
    if (!row || !(await visibleConversation(ctx, row.conversation_id))) return null;
    return toMessageView(row);
  }

  @Directive('@authenticated')
  @Query(() => MessageConnection, {
    description: 'A conversation\'s history, paging backwards: the newest `last` messages before `before`, oldest first within the page. NOT_FOUND unless the signed-in user takes part.',
  })
  async messages(@Args(() => MessagesArgs) args: MessagesArgs, @Ctx() ctx: ChatContext): Promise<MessageConnection> {
    requireCaller(ctx);
    let size: number;
    try {
      size = pageSize(args.last);
    } catch {
      throw new BadUserInputError('last', 'last must be between 1 and 100.');
    }
    const before = decodeTimeIdCursor(args.before, 'before');
    if (!isUuid(args.conversationId) || !(await visibleConversation(ctx, args.conversationId))) throw new NotFoundError(NO_SUCH_CONVERSATION);
    const rows = await messagesPage(ctx.em, args.conversationId, size, before);
    const now = new Date();
    const page = rows.slice(0, size).reverse();
    const edges = page.map((r) => {
      const node = toMessageView(r, now);
      return { node, cursor: encodeCursor([node.createdAt.toISOString(), node.id]) };
    });
    return { edges, pageInfo: { hasPreviousPage: rows.length > size, startCursor: edges[0]?.cursor ?? null } };
  }

  @Directive('@authenticated')
  @Mutation(() => Message, {
    description: `Sends a message to a conversation of the signed-in user. Text and/or an attachment; RATE_LIMITED (with retryAfterSeconds) when sending too fast.`,
  })
  async sendMessage(
    @Arg('conversationId', () => ID, { description: 'The conversation.' }) conversationId: string,
    @Arg('body', () => String, { nullable: true, description: 'The text (up to 5000 characters); may be omitted when a file is attached.' }) body: string | null,
    @Arg('attachment', () => AttachmentInput, { nullable: true, description: 'A file to link (metadata only).' }) attachment: AttachmentInput | null,
    @Ctx() ctx: ChatContext,
  ): Promise<Message> {
    const caller = requireCaller(ctx);
    const content = normaliseMessage({ body, attachment });
    if (!isUuid(conversationId)) throw new NotFoundError(NO_SUCH_CONVERSATION);
    const now = new Date();
    const { conversation, messageId } = await ctx.em.transactional(async (em: EntityManager) => {
      const c = await conversationOf(em, conversationId, caller.userId, true);
      if (!c) throw new NotFoundError(NO_SUCH_CONVERSATION);
      // Counted only for conversations the sender is in (a stranger's attempt is NOT_FOUND, not a spent allowance).
      await ctx.services.limiter.consume(caller.userId);
      const id = await appendMessage(em, { conversationId, senderId: caller.userId, kind: MessageKind.TEXT, body: content.body, attachment: content.attachment }, now);
      return { conversation: c, messageId: id };
    });
    await announce(ctx, conversation, messageId);
    return this.reload(ctx, messageId);
  }

  @Directive('@authenticated')
  @Mutation(() => Message, {
    description:
      'Sends a custom offer in a conversation: only a seller, and only the seller side of it (the first offer makes its sender the seller and the other participant the buyer; an order between the two fixes them too). Counts toward the message rate limit.',
  })
  async sendOffer(
    @Arg('conversationId', () => ID, { description: 'The conversation.' }) conversationId: string,
    @Arg('offer', () => OfferInput, { description: 'The terms.' }) offer: OfferInput,
    @Ctx() ctx: ChatContext,
  ): Promise<Message> {
    const caller = requireCaller(ctx);
    const now = new Date();
    const { config } = ctx.services;
    const terms = normaliseOfferTerms(offer, now, { currency: config.DEFAULT_CURRENCY, expiryHours: config.CHAT_OFFER_DEFAULT_EXPIRY_HOURS });
    const found = isUuid(conversationId) ? await conversationOf(ctx.em, conversationId, caller.userId) : null;
    if (!found) throw new NotFoundError(NO_SUCH_CONVERSATION);
    const seller = await isSeller(ctx.em, caller.userId);
    offerParties(pairOfRow(found), { buyerId: found.buyer_id, sellerId: found.seller_id }, caller.userId, seller);
    await ctx.services.limiter.consume(caller.userId);
    const { conversation, messageId } = await ctx.em.transactional(async (em: EntityManager) => {
      // Again under the lock: an order or another offer may have fixed the roles since.
      const c = await conversationOf(em, conversationId, caller.userId, true);
      if (!c) throw new NotFoundError(NO_SUCH_CONVERSATION);
      const parties = offerParties(pairOfRow(c), { buyerId: c.buyer_id, sellerId: c.seller_id }, caller.userId, seller);
      await fixRoles(em, c.id, parties);
      const id = await appendMessage(
        em,
        { conversationId, senderId: caller.userId, kind: MessageKind.OFFER, body: terms.description, offer: { terms, parties, gigId: c.gig_id } },
        now,
      );
      eventsOf(ctx, em).record<OfferSent>(ChatEvents.offerSent, {
        offerId: id,
        conversationId,
        buyerId: parties.buyerId,
        sellerId: parties.sellerId,
        gigId: c.gig_id,
        description: terms.description,
        price: { amount: terms.price, currency: terms.currency },
        deliveryDays: terms.deliveryDays,
        expiresAt: terms.expiresAt.toISOString(),
      });
      return { conversation: c, messageId: id };
    });
    await announce(ctx, conversation, messageId);
    return this.reload(ctx, messageId);
  }

  @Directive('@authenticated')
  @Mutation(() => Message, {
    description: 'The buyer accepts or declines a pending offer. FORBIDDEN for its seller; CONFLICT once it is answered, cancelled or expired.',
  })
  respondToOffer(
    @Arg('messageId', () => ID, { description: 'The offer\'s message (its id is the offer id).' }) messageId: string,
    @Arg('accept', () => Boolean, { description: 'true to accept, false to decline.' }) accept: boolean,
    @Ctx() ctx: ChatContext,
  ): Promise<Message> {
    return this.answer(ctx, messageId, accept ? 'accept' : 'decline');
  }

  @Directive('@authenticated')
  @Mutation(() => Message, { description: 'The seller withdraws a pending offer. FORBIDDEN for the buyer (who declines instead); CONFLICT once it is answered or expired.' })
  cancelOffer(@Arg('messageId', () => ID, { description: 'The offer\'s message.' }) messageId: string, @Ctx() ctx: ChatContext): Promise<Message> {
    return this.answer(ctx, messageId, 'cancel');
  }

  @FieldResolver(() => Conversation, { description: 'The conversation it belongs to.' })
  async conversation(@Root() m: Message, @Ctx() ctx: ChatContext): Promise<ConversationView> {
    const row = await visibleConversation(ctx, m.conversationId);
    if (!row) throw new NotFoundError(NO_SUCH_CONVERSATION);
    return toConversationView(row);
  }

  @FieldResolver(() => Boolean, {
    description: 'Read receipt: true once every participant other than its sender has read it (for a system message: both participants).',
  })
  async seen(@Root() m: Message, @Ctx() ctx: ChatContext): Promise<boolean> {
    const members = (await membersLoader(ctx).load(m.conversationId))?.members ?? [];
    const others = members.filter((x) => x.user_id !== m.sender?.id);
    return others.length > 0 && others.every((x) => x.last_read_at !== null && x.last_read_at.getTime() >= m.createdAt.getTime());
  }

  private async answer(ctx: ChatContext, messageId: string, action: OfferAction): Promise<Message> {
    const caller = requireCaller(ctx);
    if (!isUuid(messageId)) throw new NotFoundError(NO_SUCH_MESSAGE);
    const now = new Date();
    const conversation = await ctx.em.transactional(async (em: EntityManager) => {
      const found = await messageOf(em, messageId, caller.userId, true);
      if (!found) throw new NotFoundError(NO_SUCH_MESSAGE);
      const { message, conversation: c } = found;
      if (message.kind !== MessageKind.OFFER || message.offer_status === null || message.offer_buyer_id === null || message.offer_seller_id === null || message.offer_expires_at === null) {
        throw new BadUserInputError('messageId', 'That message is not an offer.');
      }
      const offer = { status: message.offer_status, expiresAt: new Date(message.offer_expires_at), buyerId: message.offer_buyer_id, sellerId: message.offer_seller_id };
      const status = decideOffer(offer, caller.userId, action, now);
      await setOfferStatus(em, messageId, status, now);
      const type = status === OfferStatus.ACCEPTED ? ChatEvents.offerAccepted : status === OfferStatus.DECLINED ? ChatEvents.offerDeclined : ChatEvents.offerCancelled;
      eventsOf(ctx, em).record<OfferParties>(type, { offerId: messageId, conversationId: c.id, buyerId: offer.buyerId, sellerId: offer.sellerId });
      return c;
    });
    await announce(ctx, conversation, null);
    return this.reload(ctx, messageId);
  }

  /**
   * The message as committed, after a change the caller was allowed to make (a fresh read: the request's loader may
   * hold the state before the change).
   */
  private async reload(ctx: ChatContext, messageId: string): Promise<Message> {
    const [row] = await findMessages(ctx.em, [messageId]);
    if (!row) throw new NotFoundError(NO_SUCH_MESSAGE);
    return toMessageView(row);
  }
}
