import { Arg, Args, Ctx, Directive, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  BadUserInputError,
  ForbiddenError,
  NotFoundError,
  PageArgs,
  decodeTimeIdCursor,
  isUuid,
  pageSize,
  requireCaller,
  toConnection,
  type Connection,
} from '@jobgraph/kit';
import { otherParticipant, pairOf } from '../domain/conversation-rules.js';
import { conversationOf, conversationsPage, findOrCreateConversation, markRead, unreadTotal } from '../services/store.js';
import type { ChatContext } from '../services/index.js';
import { Conversation, ConversationConnection, ConversationParticipant, Message, UserRef } from './types.js';
import { membersLoader, messageLoader, toConversationView, toMessageView, visibleConversation, type ConversationView } from './views.js';

const NO_SUCH_CONVERSATION = 'There is no such conversation.';

@Resolver(() => Conversation)
export class ConversationResolver {
  @Directive('@authenticated')
  @Query(() => Conversation, { nullable: true, description: 'One of the signed-in user\'s conversations; null for any other (also what live subscriptions load).' })
  async conversation(@Arg('id', () => ID, { description: 'The conversation id.' }) id: string, @Ctx() ctx: ChatContext): Promise<ConversationView | null> {
    requireCaller(ctx);
    if (!isUuid(id)) return null;
    const row = await visibleConversation(ctx, id);
    return row ? toConversationView(row) : null;
  }

  @Directive('@authenticated')
  @Query(() => Int, { description: 'How many messages the signed-in user has not read, across all their conversations.' })
  async unreadMessageCount(@Ctx() ctx: ChatContext): Promise<number> {
    return unreadTotal(ctx.em, requireCaller(ctx).userId);
  }

  @Directive('@authenticated')
  @Mutation(() => Conversation, {
    description: 'Opens the signed-in user\'s conversation with another user, optionally about a gig; returns the existing one when the two already have one about that gig (or about no gig).',
  })
  async startConversation(
    @Arg('withUserId', () => ID, { description: 'The other participant.' }) withUserId: string,
    @Arg('gigId', () => ID, { nullable: true, description: 'The gig it is about, if any.' }) gigId: string | null,
    @Ctx() ctx: ChatContext,
  ): Promise<ConversationView> {
    const caller = requireCaller(ctx);
    if (!isUuid(withUserId)) throw new BadUserInputError('withUserId', 'withUserId must be a user id.');
    if (gigId !== null && gigId !== undefined && !isUuid(gigId)) throw new BadUserInputError('gigId', 'gigId must be a gig id.');
    // Starting conversations counts against the same per-user budget as messages: each one reaches the other
    // user live (conversationUpdated) and stores two rows, so unbounded starts would be spam and growth.
    await ctx.services.limiter.consume(caller.userId);
    const pair = pairOf(caller.userId, withUserId);
    const { conversation, created } = await ctx.em.transactional((em: EntityManager) => findOrCreateConversation(em, pair, gigId ?? null, new Date()));
    if (created) await ctx.services.live.conversationUpdated([pair.participantA, pair.participantB], conversation.id);
    return toConversationView(conversation);
  }

  @Directive('@authenticated')
  @Mutation(() => Conversation, {
    description: 'Marks every message of the conversation read for the signed-in user: their unread count drops to 0 and the other participant sees the read receipt.',
  })
  async markConversationRead(@Arg('conversationId', () => ID, { description: 'The conversation.' }) conversationId: string, @Ctx() ctx: ChatContext): Promise<ConversationView> {
    const caller = requireCaller(ctx);
    if (!isUuid(conversationId)) throw new NotFoundError(NO_SUCH_CONVERSATION);
    const result = await ctx.em.transactional(async (em: EntityManager) => {
      const conversation = await conversationOf(em, conversationId, caller.userId);
      if (!conversation) throw new NotFoundError(NO_SUCH_CONVERSATION);
      return { conversation, changed: await markRead(em, conversationId, caller.userId, new Date()) };
    });
    const { conversation, changed } = result;
    if (changed) await ctx.services.live.conversationUpdated([conversation.participant_a, conversation.participant_b], conversation.id);
    return toConversationView(conversation);
  }

  @FieldResolver(() => [ConversationParticipant], { description: 'Both participants, with their unread counts and read receipts.' })
  async participants(@Root() c: ConversationView, @Ctx() ctx: ChatContext): Promise<ConversationParticipant[]> {
    const members = (await membersLoader(ctx).load(c.id))?.members ?? [];
    return [c.participantA, c.participantB].map((userId) => {
      const m = members.find((x) => x.user_id === userId);
      return { user: { id: userId }, unreadCount: m?.unread_count ?? 0, lastReadAt: m?.last_read_at ?? null };
    });
  }

  @FieldResolver(() => UserRef, { description: 'The participant who is not the signed-in user.' })
  otherParticipant(@Root() c: ConversationView, @Ctx() ctx: ChatContext): UserRef {
    return { id: otherParticipant({ participantA: c.participantA, participantB: c.participantB }, requireCaller(ctx).userId) };
  }

  @FieldResolver(() => Int, { description: 'How many of its messages the signed-in user has not read.' })
  async unreadCount(@Root() c: ConversationView, @Ctx() ctx: ChatContext): Promise<number> {
    const userId = requireCaller(ctx).userId;
    return (await membersLoader(ctx).load(c.id))?.members.find((m) => m.user_id === userId)?.unread_count ?? 0;
  }

  @FieldResolver(() => Message, { nullable: true, description: 'The newest message; null while there is none.' })
  async lastMessage(@Root() c: ConversationView, @Ctx() ctx: ChatContext): Promise<Message | null> {
    if (!c.lastMessageId) return null;
    const row = await messageLoader(ctx).load(c.lastMessageId);
    return row ? toMessageView(row) : null;
  }
}

@Resolver(() => UserRef)
export class UserConversationsResolver {
  @Directive('@authenticated')
  @FieldResolver(() => ConversationConnection, {
    nullable: true,
    description: 'The user\'s conversations, most recent activity first. Only the user themself sees them (others: FORBIDDEN).',
  })
  async conversations(@Root() user: UserRef, @Args(() => PageArgs) args: PageArgs, @Ctx() ctx: ChatContext): Promise<Connection<ConversationView>> {
    const caller = requireCaller(ctx);
    // Private even to admins: conversations are between two people.
    if (caller.userId !== user.id) throw new ForbiddenError('Only the user themself can see their conversations.');
    const size = pageSize(args.first);
    const after = decodeTimeIdCursor(args.after);
    const rows = await conversationsPage(ctx.em, user.id, size, after);
    // The member row's activity is the keyset; it equals the conversation's.
    return toConnection(rows.map(toConversationView), size, (c) => [c.lastActivityAt.toISOString(), c.id]);
  }
}
