import { Arg, Args, Ctx, Directive, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  BadUserInputError,
  ForbiddenError,
  MAX_PAGE_SIZE,
  decodeCursor,
  isUuid,
  pageSize,
  requireCaller,
  toConnection,
  type Connection,
} from '@jobgraph/kit';
import { NotificationPreference } from '../entities/index.js';
import { applyPreferenceChanges, emailPreferences, type EmailPreferenceChanges } from '../domain/kinds.js';
import type { NotificationsContext } from '../services/index.js';
import type { NotificationKind } from '../domain/kinds.js';
import {
  Notification,
  NotificationConnection,
  NotificationPreferences,
  NotificationsArgs,
  UpdateNotificationPreferencesInput,
  UserRef,
} from './types.js';

interface NotificationRow {
  id: string;
  kind: NotificationKind;
  title: string;
  body: string;
  link: string | null;
  created_at: Date;
  read_at: Date | null;
}

const toView = (r: NotificationRow): Notification => ({
  id: r.id,
  kind: r.kind,
  title: r.title,
  body: r.body,
  link: r.link,
  createdAt: new Date(r.created_at),
  readAt: r.read_at === null ? null : new Date(r.read_at),
});

@Resolver(() => UserRef)
export class UserNotificationsResolver {
  @Directive('@authenticated')
  @FieldResolver(() => NotificationConnection, {
    nullable: true,
    description: 'The user\'s notifications, newest first. Only the user themself sees them (others: FORBIDDEN).',
  })
  async notifications(@Root() user: UserRef, @Args(() => NotificationsArgs) args: NotificationsArgs, @Ctx() ctx: NotificationsContext): Promise<Connection<Notification>> {
    const caller = requireCaller(ctx);
    // Private even to admins: they can be about a user's orders and money.
    if (caller.userId !== user.id) throw new ForbiddenError('Only the user themself can see their notifications.');
    const size = pageSize(args.first);
    const after = decodeCursor(args.after, 2);
    const where = ['recipient_id = ?'];
    const params: unknown[] = [user.id];
    if (args.unreadOnly) where.push('read_at is null');
    if (after) {
      if (typeof after[0] !== 'string' || Number.isNaN(Date.parse(after[0])) || typeof after[1] !== 'string' || !isUuid(after[1])) {
        throw new BadUserInputError('after', 'after is not a cursor this list issued.');
      }
      where.push('(created_at, id) < (?::timestamptz, ?::uuid)');
      params.push(after[0], after[1]);
    }
    const rows: NotificationRow[] = await ctx.em.execute(
      `select id, kind, title, body, link, created_at, read_at from notification where ${where.join(' and ')} order by created_at desc, id desc limit ?`,
      [...params, size + 1],
    );
    return toConnection(rows.map(toView), size, (n) => [n.createdAt.toISOString(), n.id]);
  }
}

async function preferencesRow(em: EntityManager, userId: string): Promise<string[]> {
  return (await em.findOne(NotificationPreference, { userId }))?.emailOff ?? [];
}

@Resolver()
export class NotificationSettingsResolver {
  @Directive('@authenticated')
  @Query(() => Notification, {
    nullable: true,
    description: 'One of the signed-in user\'s notifications; null for anyone else\'s (also what live subscriptions load).',
  })
  async notification(@Arg('id', () => ID, { description: 'The notification id.' }) id: string, @Ctx() ctx: NotificationsContext): Promise<Notification | null> {
    const caller = requireCaller(ctx);
    if (!isUuid(id)) return null;
    const rows: NotificationRow[] = await ctx.em.execute(
      'select id, kind, title, body, link, created_at, read_at from notification where id = ? and recipient_id = ?',
      [id, caller.userId],
    );
    return rows[0] ? toView(rows[0]) : null;
  }

  @Directive('@authenticated')
  @Query(() => Int, { description: 'How many of the signed-in user\'s notifications are unread.' })
  async unreadNotificationCount(@Ctx() ctx: NotificationsContext): Promise<number> {
    const caller = requireCaller(ctx);
    const rows: Array<{ n: string }> = await ctx.em.execute('select count(*) as n from notification where recipient_id = ? and read_at is null', [caller.userId]);
    return Number(rows[0].n);
  }

  @Directive('@authenticated')
  @Mutation(() => Int, {
    description: 'Marks the signed-in user\'s notifications read: those in `ids`, or all with `all: true`. Returns how many were unread and are now read; ids of other users\' notifications are ignored.',
  })
  async markNotificationsRead(
    @Arg('ids', () => [ID], { nullable: true, description: `Notification ids (up to ${MAX_PAGE_SIZE}).` }) ids: string[] | null,
    @Arg('all', () => Boolean, { nullable: true, defaultValue: false, description: 'Mark every notification read (then omit ids).' }) all: boolean | null,
    @Ctx() ctx: NotificationsContext,
  ): Promise<number> {
    const caller = requireCaller(ctx);
    if (all && ids) throw new BadUserInputError('all', 'Give either ids or all: true, not both.');
    if (!all && !ids) throw new BadUserInputError('ids', 'Give the ids to mark read, or all: true.');
    if (ids && ids.length > MAX_PAGE_SIZE) throw new BadUserInputError('ids', `At most ${MAX_PAGE_SIZE} ids at a time; use all: true for everything.`);
    const bad = ids?.findIndex((id) => !isUuid(id)) ?? -1;
    if (bad >= 0) throw new BadUserInputError(`ids[${bad}]`, 'Not a notification id.');
    if (ids && ids.length === 0) return 0;
    // The recipient condition is what keeps other users' notifications untouched, whatever ids a client sends.
    const rows: unknown[] = await ctx.em.execute(
      `update notification set read_at = now() where recipient_id = ? and read_at is null${ids ? ' and id in (?)' : ''} returning id`,
      ids ? [caller.userId, ids] : [caller.userId],
    );
    return rows.length;
  }

  @Directive('@authenticated')
  @Query(() => NotificationPreferences, { description: 'Which notifications the signed-in user also gets by email.' })
  async notificationPreferences(@Ctx() ctx: NotificationsContext): Promise<NotificationPreferences> {
    const caller = requireCaller(ctx);
    return emailPreferences(await preferencesRow(ctx.em, caller.userId));
  }

  @Directive('@authenticated')
  @Mutation(() => NotificationPreferences, {
    description: 'Turns emails of some kinds on or off. In-app notifications are always kept. Turning off a security email is BAD_USER_INPUT.',
  })
  async updateNotificationPreferences(
    @Arg('input', () => UpdateNotificationPreferencesInput, { description: 'The switches to change.' }) input: UpdateNotificationPreferencesInput,
    @Ctx() ctx: NotificationsContext,
  ): Promise<NotificationPreferences> {
    const caller = requireCaller(ctx);
    const emailOff = await ctx.em.transactional(async (em: EntityManager) => {
      // The row exists (or is created) and is locked, so two concurrent updates apply one after the other.
      await em.execute("insert into notification_preference (user_id, email_off, updated_at) values (?, '{}', now()) on conflict (user_id) do nothing", [caller.userId]);
      const row = await em.findOneOrFail(NotificationPreference, { userId: caller.userId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      row.emailOff = applyPreferenceChanges(row.emailOff, { ...input } as EmailPreferenceChanges);
      row.updatedAt = new Date();
      return row.emailOff;
    });
    return emailPreferences(emailOff);
  }
}

export const references = {
  User: {
    __resolveReference: (reference: { id: string }) => (isUuid(reference.id) ? { id: reference.id } : null),
  },
};
