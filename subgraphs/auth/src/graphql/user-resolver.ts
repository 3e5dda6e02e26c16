import { Arg, Args, Ctx, Directive, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import {
  ForbiddenError,
  UnauthenticatedError,
  PageArgs,
  decodeCursor,
  isAdmin,
  isUuid,
  loaderFor,
  pageSize,
  requireCaller,
  toConnection,
  type Connection,
  type Loader,
} from '@jobgraph/kit';
import { User } from '../entities/index.js';
import type { AuthContext } from '../services/index.js';
import { UserConnection, UserType } from './types.js';

/** One query for all the users a request references, however many entities the router asks about. */
export function userLoader(ctx: AuthContext): Loader<string, User> {
  return loaderFor(ctx, 'auth.users', (ids: readonly string[]) => ctx.em.find(User, { id: { $in: [...ids] } }), (u) => u.id);
}

const PROVEN = 'auth.proven-user';

/**
 * Records that this request proved it is `userId` without an access token (sign-in, sign-up, refresh,
 * email verification), so the payload may show the user's own email and roles.
 */
export function markProvenUser(ctx: AuthContext, userId: string): void {
  ctx.loaders.set(PROVEN, userId);
}

/** Owner-only fields: the directive language cannot say "the user themself", so the subgraph decides. */
function requireSelfOrAdmin(ctx: AuthContext, user: User, what: string): void {
  if (ctx.loaders.get(PROVEN) === user.id) return;
  if (!ctx.caller) throw new UnauthenticatedError(`You must be signed in to see ${what}.`);
  if (ctx.caller.userId !== user.id && !isAdmin(ctx.caller)) {
    throw new ForbiddenError(`Only the user themself or an admin can see ${what}.`);
  }
}

@Resolver(() => UserType)
export class UserResolver {
  @Directive('@authenticated')
  @Query(() => UserType, { nullable: true, description: 'The signed-in user.' })
  async me(@Ctx() ctx: AuthContext): Promise<User | null> {
    const caller = requireCaller(ctx);
    return userLoader(ctx).load(caller.userId);
  }

  @Query(() => UserType, { nullable: true, description: 'A user by id; null when there is none.' })
  async user(@Arg('id', () => ID, { description: 'The user id.' }) id: string, @Ctx() ctx: AuthContext): Promise<User | null> {
    if (!isUuid(id)) return null;
    return userLoader(ctx).load(id);
  }

  @Directive('@requiresScopes(scopes: [["admin"]])')
  @Query(() => UserConnection, { description: 'Every account, newest first. Admins only.' })
  async users(@Args(() => PageArgs) args: PageArgs, @Ctx() ctx: AuthContext): Promise<Connection<User>> {
    const size = pageSize(args.first);
    const after = decodeCursor(args.after, 1);
    const rows = await ctx.em.find(User, after ? { id: { $lt: String(after[0]) } } : {}, { orderBy: { id: 'desc' }, limit: size + 1 });
    return toConnection(rows, size, (u) => [u.id]);
  }

  @FieldResolver(() => String, { nullable: true })
  email(@Root() user: User, @Ctx() ctx: AuthContext): string {
    requireSelfOrAdmin(ctx, user, 'an email address');
    return user.email;
  }

  @FieldResolver(() => [String], { nullable: true })
  roles(@Root() user: User, @Ctx() ctx: AuthContext): string[] {
    requireSelfOrAdmin(ctx, user, 'roles');
    return user.roles;
  }
}

export const references = {
  User: {
    __resolveReference: (reference: { id: string }, ctx: AuthContext) => (isUuid(reference.id) ? userLoader(ctx).load(reference.id) : null),
  },
};
