import { Arg, Args, ArgsType, Ctx, Directive, Field, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { EntityManager } from '@mikro-orm/postgresql';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import {
  ConflictError,
  averageRating,
  NotFoundError,
  PageArgs,
  decodeCursor,
  eventsOf,
  isUuid,
  loaderFor,
  pageSize,
  requireCaller,
  toConnection,
  type Connection,
  type Loader,
  type SubgraphContext,
} from '@jobgraph/kit';
import { BuyerProfile as BuyerEntity, SellerProfile as SellerEntity } from '../entities/index.js';
import { normaliseSellerFields, type SellerProfileFields } from '../domain/seller-profile-rules.js';
import { UsersEvents, type SellerChanged } from '../events/published.js';
import type { UsersConfig } from '../config.js';
import {
  BecomeSellerInput,
  BuyerProfile,
  LanguageLevel,
  SellerProfile,
  SellerProfileConnection,
  UpdateSellerProfileInput,
  UserRef,
} from './types.js';

export interface UsersServices {
  config: UsersConfig;
}
export type UsersContext = SubgraphContext<UsersServices>;

function sellerLoader(ctx: UsersContext): Loader<string, SellerEntity> {
  return loaderFor(ctx, 'users.sellers', (ids: readonly string[]) => ctx.em.find(SellerEntity, { userId: { $in: [...ids] } }), (s) => s.userId);
}
function buyerLoader(ctx: UsersContext): Loader<string, BuyerEntity> {
  return loaderFor(ctx, 'users.buyers', (ids: readonly string[]) => ctx.em.find(BuyerEntity, { userId: { $in: [...ids] } }), (b) => b.userId);
}

export function toSellerView(s: SellerEntity): SellerProfile {
  return {
    id: s.userId,
    user: { id: s.userId },
    username: s.username,
    fullName: s.fullName,
    oneLiner: s.oneLiner,
    description: s.description,
    skills: s.skills,
    languages: s.languages.map((l) => ({ language: l.language, level: l.level as LanguageLevel })),
    experience: s.experience,
    education: s.education,
    certificates: s.certificates,
    socialLinks: s.socialLinks,
    responseTimeHours: s.responseTimeHours,
    stats: {
      ongoingJobs: s.ongoingJobs,
      completedJobs: s.completedJobs,
      cancelledJobs: s.cancelledJobs,
      earnings: { amount: s.earnings, currency: s.currency },
    },
    rating: {
      count: s.ratingCount,
      average: averageRating(s.ratingSum, s.ratingCount),
    },
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
  };
}

function sellerChanged(s: SellerEntity): SellerChanged {
  return {
    userId: s.userId,
    username: s.username,
    fullName: s.fullName,
    oneLiner: s.oneLiner,
    skills: s.skills,
    languages: s.languages,
    responseTimeHours: s.responseTimeHours,
  };
}

@ArgsType()
class SellersArgs extends PageArgs {
  @Field(() => String, { nullable: true, description: 'Only sellers with this skill (case-insensitive).' })
  skill?: string | null;
}

@Resolver(() => UserRef)
export class UserProfilesResolver {
  @FieldResolver(() => BuyerProfile, { nullable: true, description: 'The user\'s buyer profile (every user has one once registration is processed).' })
  async buyer(@Root() user: UserRef, @Ctx() ctx: UsersContext): Promise<BuyerProfile | null> {
    const b = await buyerLoader(ctx).load(user.id);
    return b ? { username: b.username, memberSince: b.createdAt, rating: { count: b.ratingCount, average: averageRating(b.ratingSum, b.ratingCount) } } : null;
  }

  @FieldResolver(() => SellerProfile, { nullable: true, description: 'The user\'s seller page; null until they become a seller.' })
  async seller(@Root() user: UserRef, @Ctx() ctx: UsersContext): Promise<SellerProfile | null> {
    const s = await sellerLoader(ctx).load(user.id);
    return s ? toSellerView(s) : null;
  }
}

@Resolver(() => SellerProfile)
export class SellerProfileResolver {
  @Query(() => SellerProfile, { nullable: true, description: 'A seller by username; null when there is no such seller.' })
  async sellerByUsername(@Arg('username', () => String, { description: 'Username, any letter case.' }) username: string, @Ctx() ctx: UsersContext): Promise<SellerProfile | null> {
    const s = await ctx.em.findOne(SellerEntity, { username: username.trim().toLowerCase() });
    return s ? toSellerView(s) : null;
  }

  @Query(() => SellerProfileConnection, { description: 'Sellers, newest first, optionally those with a skill.' })
  async sellers(@Args(() => SellersArgs) args: SellersArgs, @Ctx() ctx: UsersContext): Promise<Connection<SellerProfile>> {
    const size = pageSize(args.first);
    const after = decodeCursor(args.after, 2);
    const qb = ctx.em.createQueryBuilder(SellerEntity, 's').select('*');
    if (args.skill) qb.andWhere('s.skills @> array[?]::text[]', [args.skill.trim().toLowerCase()]);
    if (after) qb.andWhere('(s.created_at, s.user_id) < (?, ?)', [new Date(String(after[0])), String(after[1])]);
    const rows = await qb.orderBy({ createdAt: 'desc', userId: 'desc' }).limit(size + 1).getResultList();
    return toConnection(rows.map(toSellerView), size, (s) => [s.createdAt.toISOString(), s.id]);
  }

  @Directive('@authenticated')
  @Mutation(() => SellerProfile, { description: 'Opens a seller page for the signed-in user. CONFLICT if they already have one.' })
  async becomeSeller(@Arg('input', () => BecomeSellerInput, { description: 'The new seller page.' }) input: BecomeSellerInput, @Ctx() ctx: UsersContext): Promise<SellerProfile> {
    const caller = requireCaller(ctx);
    const fields = normaliseSellerFields(input) as SellerProfileFields;
    const profile = await ctx.em
      .transactional(async (em: EntityManager) => {
      // The buyer profile normally exists already (from user.registered); if that event is still in flight,
      // the router-verified username is as good as the event's.
      await em.execute('insert into buyer_profile (user_id, username, created_at) values (?, ?, now()) on conflict (user_id) do nothing', [
        caller.userId,
        caller.username,
      ]);
      const buyer = await em.findOneOrFail(BuyerEntity, { userId: caller.userId });
      if (await em.findOne(SellerEntity, { userId: caller.userId })) {
        throw new ConflictError('You are already a seller; use updateSellerProfile to change your page.');
      }
      const seller = em.create(SellerEntity, {
        ...fields,
        userId: caller.userId,
        username: buyer.username,
        currency: ctx.services.config.DEFAULT_CURRENCY,
        createdAt: new Date(),
        updatedAt: new Date(),
      });
      em.persist(seller);
      eventsOf(ctx, em).record<SellerChanged>(UsersEvents.sellerCreated, sellerChanged(seller));
      return seller;
    })
      .catch((err: unknown) => {
        // Two becomeSeller calls racing: the primary key lets one win.
        if (err instanceof UniqueConstraintViolationException) throw new ConflictError('You are already a seller.');
        throw err;
      });
    return toSellerView(profile);
  }

  @Directive('@authenticated')
  @Mutation(() => SellerProfile, { description: 'Changes the signed-in seller\'s page. NOT_FOUND if they are not a seller.' })
  async updateSellerProfile(
    @Arg('input', () => UpdateSellerProfileInput, { description: 'The fields to change.' }) input: UpdateSellerProfileInput,
    @Ctx() ctx: UsersContext,
  ): Promise<SellerProfile> {
    const caller = requireCaller(ctx);
    const fields = normaliseSellerFields(input);
    const profile = await ctx.em.transactional(async (em: EntityManager) => {
      const seller = await em.findOne(SellerEntity, { userId: caller.userId }, { lockMode: 4 /* PESSIMISTIC_WRITE */ });
      if (!seller) throw new NotFoundError('You are not a seller yet; use becomeSeller first.');
      em.assign(seller, { ...fields, updatedAt: new Date() });
      eventsOf(ctx, em).record<SellerChanged>(UsersEvents.sellerUpdated, sellerChanged(seller));
      return seller;
    });
    return toSellerView(profile);
  }
}

export const references = {
  User: {
    __resolveReference: (reference: { id: string }) => (isUuid(reference.id) ? { id: reference.id } : null),
  },
};
