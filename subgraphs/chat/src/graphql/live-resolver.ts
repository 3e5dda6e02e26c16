import { Arg, Ctx, Directive, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { NotFoundError, isUuid, loaderFor, readPresence, requireCaller } from '@jobgraph/kit';
import { conversationOf } from '../services/store.js';
import type { TypingRecord } from '../services/typing.js';
import type { ChatContext } from '../services/index.js';
import { Presence, TypingEvent, UserRef } from './types.js';

const toTypingView = (r: TypingRecord): TypingEvent => ({
  id: r.id,
  conversationId: r.conversationId,
  user: { id: r.userId },
  startedAt: new Date(r.startedAt),
  expiresAt: new Date(r.expiresAt),
});

/** Presence of many users (a conversation list) in one Redis round trip per request. */
async function presenceOf(ctx: ChatContext, userId: string): Promise<Presence> {
  const loader = loaderFor(
    ctx,
    'chat.presence',
    async (ids: readonly string[]): Promise<Presence[]> =>
      (await readPresence(ctx.services.redis, ctx.services.config.REDIS_PREFIX, ids)).map((p) => ({ id: p.userId, user: { id: p.userId }, online: p.online, lastSeenAt: p.lastSeenAt })),
    (p) => p.id,
  );
  return (await loader.load(userId)) ?? { id: userId, user: { id: userId }, online: false, lastSeenAt: null };
}

/** Typing and presence: live state kept in Redis only (typing here, presence by the router), never in PostgreSQL. */
@Resolver()
export class LiveResolver {
  @Directive('@authenticated')
  @Mutation(() => TypingEvent, {
    description:
      'Tells the other participant that the signed-in user is typing (their `typing` subscription hears it). Send it again every few seconds while typing; repeats within 2 s return the same signal. Nothing is stored beyond its expiry.',
  })
  async setTyping(@Arg('conversationId', () => ID, { description: 'The conversation.' }) conversationId: string, @Ctx() ctx: ChatContext): Promise<TypingEvent> {
    const caller = requireCaller(ctx);
    const conversation = isUuid(conversationId) ? await conversationOf(ctx.em, conversationId, caller.userId) : null;
    if (!conversation) throw new NotFoundError('There is no such conversation.');
    const { record, fresh } = await ctx.services.typing.signal(conversationId, caller.userId, [conversation.participant_a, conversation.participant_b]);
    if (fresh) await ctx.services.live.typing(conversationId, record.id);
    return toTypingView(record);
  }

  @Directive('@authenticated')
  @Query(() => TypingEvent, {
    nullable: true,
    description: 'A typing signal of the other participant of one of your conversations, until it expires; null otherwise, and for your own (what the `typing` subscription loads).',
  })
  async typingEvent(@Arg('id', () => ID, { description: 'The signal id.' }) id: string, @Ctx() ctx: ChatContext): Promise<TypingEvent | null> {
    const caller = requireCaller(ctx);
    if (!isUuid(id)) return null;
    const record = await ctx.services.typing.get(id);
    // The typist's own signal is not news to them: their other tabs do not hear themselves type.
    if (!record || !record.participants.includes(caller.userId) || record.userId === caller.userId) return null;
    return toTypingView(record);
  }

  @Directive('@authenticated')
  @Query(() => Presence, { nullable: true, description: 'Whether a user is online now (what the `presenceChanged` subscription loads); null for an id that is not a user id.' })
  async presence(@Arg('id', () => ID, { description: 'The user id.' }) id: string, @Ctx() ctx: ChatContext): Promise<Presence | null> {
    requireCaller(ctx);
    return isUuid(id) ? presenceOf(ctx, id) : null;
  }
}

@Resolver(() => UserRef)
export class UserPresenceResolver {
  @Directive('@authenticated')
  @FieldResolver(() => Presence, { nullable: true, description: 'Whether the user is online now, and when they were last seen.' })
  presence(@Root() user: UserRef, @Ctx() ctx: ChatContext): Promise<Presence> {
    requireCaller(ctx);
    return presenceOf(ctx, user.id);
  }
}
