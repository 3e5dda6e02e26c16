import { Arg, Args, ArgsType, Ctx, Directive, Field, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { OptimisticLockError } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  BadUserInputError,
  ConflictError,
  ForbiddenError,
  MAX_PAGE_SIZE,
  NotFoundError,
  PageArgs,
  decodeCursor,
  decodeTimeIdCursor,
  eventsOf,
  isAdmin,
  isUuid,
  loaderFor,
  newId,
  pageSize,
  requireCaller,
  toConnection,
  type Caller,
  type Connection,
  type Loader,
} from '@jobgraph/kit';
import { Gig as GigEntity, Seller } from '../entities/index.js';
import { GigStatus, isPublic, statusAfterEdit, transition, type GigAction } from '../domain/gig-workflow.js';
import { normaliseGigFields, normaliseRejectionReason, type GigFields } from '../domain/gig-rules.js';
import { GigsEvents, type GigDeleted, type GigSnapshot, type GigStatusChanged } from '../events/published.js';
import { GIG_COLUMNS, searchGigRows, type GigRow } from '../services/search.js';
import { gigKey, invalidateGig, searchKey } from '../services/gig-cache.js';
import type { GigsContext } from '../services/index.js';
import { categoryView, fromEntity, fromRow, toGigView, type GigData } from './gig-view.js';
import { Category, CreateGigInput, Gig, GigConnection, SearchGigsArgs, UpdateGigInput, UserRef } from './types.js';

/** Gigs by id, one query per request however many the router asks for; cached in Redis. */
function gigLoader(ctx: GigsContext): Loader<string, GigData> {
  return loaderFor(
    ctx,
    'gigs.byId',
    async (ids: readonly string[]) => {
      const { cache, config } = ctx.services;
      const keys = new Map(await Promise.all(ids.map(async (id) => [id, await gigKey(cache, id)] as const)));
      const cached = await Promise.all(ids.map((id) => cache.get<GigData>(keys.get(id)!)));
      const missing = ids.filter((_, i) => cached[i] === null);
      const loaded: GigData[] = [];
      if (missing.length > 0) {
        const rows: GigRow[] = await ctx.em.execute(`select ${GIG_COLUMNS} from gig g where g.id in (?) and g.deleted_at is null`, [missing]);
        for (const row of rows) {
          const data = fromRow(row);
          loaded.push(data);
          await cache.set(keys.get(data.id)!, data, config.GIGS_CACHE_TTL_SECONDS);
        }
      }
      return [...cached.filter((c): c is GigData => c !== null), ...loaded];
    },
    (g) => g.id,
  );
}

const canManage = (caller: Caller | null, sellerId: string): boolean => !!caller && (caller.userId === sellerId || isAdmin(caller));

/** Published gigs are public; others exist only for their seller and admins (everyone else: NOT_FOUND). */
function visible(ctx: GigsContext, d: GigData | null): GigData | null {
  if (!d) return null;
  return isPublic(d.status) || canManage(ctx.caller, d.sellerId) ? d : null;
}

function snapshot(g: GigEntity): GigSnapshot {
  return {
    gigId: g.id,
    sellerId: g.sellerId,
    title: g.title,
    price: { amount: g.price, currency: g.currency },
    deliveryDays: g.deliveryDays,
    status: g.status,
    categoryId: g.categoryId,
  };
}

function checkCategory(ctx: GigsContext, categoryId: string, subCategoryId: string | null): void {
  const category = ctx.services.categories.get(categoryId);
  if (!category || category.parentId !== null) throw new BadUserInputError('categoryId', 'categoryId must be a top-level category from `categories`.');
  if (subCategoryId !== null && ctx.services.categories.get(subCategoryId)?.parentId !== categoryId) {
    throw new BadUserInputError('subCategoryId', 'subCategoryId must be a sub-category of the chosen category.');
  }
}

/**
 * Loads a gig for a change by the caller, runs `change` in a transaction (the version column makes a concurrent
 * change fail with CONFLICT), then invalidates the cache. NOT_FOUND when the caller cannot see it, FORBIDDEN when
 * they can see but not change it.
 */
async function changeGig(ctx: GigsContext, id: string, change: (gig: GigEntity, em: EntityManager) => Promise<void> | void): Promise<GigData> {
  const caller = requireCaller(ctx);
  if (!isUuid(id)) throw new NotFoundError('There is no such gig.');
  let result: GigEntity;
  try {
    result = await ctx.em.transactional(async (em: EntityManager) => {
      const gig = await em.findOne(GigEntity, { id, deletedAt: null });
      if (!gig || !(isPublic(gig.status) || canManage(caller, gig.sellerId))) throw new NotFoundError('There is no such gig.');
      if (!canManage(caller, gig.sellerId)) throw new ForbiddenError('Only the gig\'s seller or an admin can change it.');
      await change(gig, em);
      gig.updatedAt = new Date();
      return gig;
    });
  } catch (err) {
    if (err instanceof OptimisticLockError) throw new ConflictError('The gig was changed at the same moment; reload it and try again.');
    throw err;
  }
  await invalidateGig(ctx.services, id);
  return fromEntity(result);
}

function recordStatusChange(ctx: GigsContext, em: EntityManager, gig: GigEntity, from: GigStatus, reason: string | null = null): void {
  if (from === gig.status) return;
  if (gig.status === GigStatus.PUBLISHED) gig.publishedAt = new Date();
  eventsOf(ctx, em).record<GigStatusChanged>(GigsEvents.statusChanged, { gigId: gig.id, sellerId: gig.sellerId, from, to: gig.status, reason });
}

@ArgsType()
class ListArgs {
  @Field(() => Int, { nullable: true, description: `How many (1–${MAX_PAGE_SIZE}, default 20).` })
  first?: number | null;
}

@Resolver(() => Gig)
export class GigResolver {
  @Query(() => Gig, { nullable: true, description: 'A gig by id: published ones for everyone, others for their seller and admins.' })
  async gig(@Arg('id', () => ID, { description: 'The gig id.' }) id: string, @Ctx() ctx: GigsContext): Promise<Gig | null> {
    if (!isUuid(id)) return null;
    const data = visible(ctx, await gigLoader(ctx).load(id));
    return data ? toGigView(data, ctx.services.categories) : null;
  }

  @Query(() => [Category], { description: 'The category catalogue, top-level categories with their sub-categories.' })
  categories(@Ctx() ctx: GigsContext): Category[] {
    const all = ctx.services.categories;
    return [...all.values()].filter((c) => c.parentId === null).sort((a, b) => a.position - b.position).map((c) => categoryView(c, all));
  }

  @Query(() => GigConnection, { description: 'Finds published gigs by words (typos tolerated), filters and a sort order.' })
  async searchGigs(@Args(() => SearchGigsArgs) args: SearchGigsArgs, @Ctx() ctx: GigsContext): Promise<Connection<Gig>> {
    const size = pageSize(args.first);
    const { cache, config, categories } = ctx.services;
    const request = { query: args.query ?? null, filter: args.filter ?? {}, sort: args.sort, size, after: args.after ?? null };
    // Validate the cursor before the cache is consulted, so a bad one is refused even when a page is cached.
    decodeCursor(request.after, args.sort === 'RATING' ? 3 : 2);
    const key = await searchKey(cache, request);
    const page = await cache.getOrLoad(key, config.GIGS_CACHE_TTL_SECONDS, async () => {
      const { rows, cursorOf } = await searchGigRows(ctx.em, request);
      return rows.map((row) => ({ data: fromRow(row), cursor: cursorOf(row) }));
    });
    return mapConnection(toConnection(page ?? [], size, (r) => r.cursor), (r) => toGigView(r.data, categories));
  }

  @Query(() => GigConnection, { description: 'The best-rated published gigs, optionally in one category.' })
  async topRatedGigs(
    @Arg('category', () => ID, { nullable: true, description: 'Top-level category id.' }) category: string | null,
    @Args(() => ListArgs) { first }: ListArgs,
    @Ctx() ctx: GigsContext,
  ): Promise<Connection<Gig>> {
    const size = pageSize(first);
    const { rows, cursorOf } = await searchGigRows(ctx.em, { query: null, filter: { category }, sort: 'RATING', size, after: null });
    return mapConnection(toConnection(rows, size, cursorOf), (row) => toGigView(fromRow(row), ctx.services.categories));
  }

  @Query(() => GigConnection, { description: 'Published gigs like this one: same category, shared tags, similar title.' })
  async similarGigs(
    @Arg('gigId', () => ID, { description: 'The gig to compare with.' }) gigId: string,
    @Args(() => ListArgs) { first }: ListArgs,
    @Ctx() ctx: GigsContext,
  ): Promise<Connection<Gig>> {
    const size = pageSize(first);
    const base = isUuid(gigId) ? visible(ctx, await gigLoader(ctx).load(gigId)) : null;
    if (!base) throw new NotFoundError('There is no such gig.');
    const { rows, cursorOf } = await searchGigRows(ctx.em, {
      query: null,
      filter: {},
      sort: 'RELEVANCE',
      size,
      after: null,
      similarTo: { id: base.id, title: base.title, categoryId: base.categoryId, tags: base.tags },
    });
    return mapConnection(toConnection(rows, size, cursorOf), (row) => toGigView(fromRow(row), ctx.services.categories));
  }

  @Directive('@authenticated')
  @Mutation(() => Gig, { description: 'Creates a DRAFT gig for the signed-in seller. FORBIDDEN until the user is a seller.' })
  async createGig(@Arg('input', () => CreateGigInput, { description: 'The new gig.' }) input: CreateGigInput, @Ctx() ctx: GigsContext): Promise<Gig> {
    const caller = requireCaller(ctx);
    const fields = normaliseGigFields(input) as GigFields;
    checkCategory(ctx, fields.categoryId, fields.subCategoryId ?? null);
    const gig = await ctx.em.transactional(async (em: EntityManager) => {
      if (!(await em.findOne(Seller, { userId: caller.userId }))) {
        throw new ForbiddenError('Only sellers create gigs: open a seller page with becomeSeller first.');
      }
      const now = new Date();
      const created = em.create(GigEntity, {
        ...fields,
        subCategoryId: fields.subCategoryId ?? null,
        coverImageUrl: fields.coverImageUrl ?? null,
        id: newId(),
        sellerId: caller.userId,
        currency: ctx.services.config.DEFAULT_CURRENCY,
        status: GigStatus.DRAFT,
        rejectionReason: null,
        createdAt: now,
        updatedAt: now,
        publishedAt: null,
        deletedAt: null,
      });
      em.persist(created);
      eventsOf(ctx, em).record<GigSnapshot>(GigsEvents.created, snapshot(created));
      return created;
    });
    await invalidateGig(ctx.services, gig.id);
    return toGigView(fromEntity(gig), ctx.services.categories);
  }

  @Directive('@authenticated')
  @Mutation(() => Gig, { description: 'Changes a gig. Editing the title or description of a live gig sends it back to review.' })
  async updateGig(
    @Arg('id', () => ID, { description: 'The gig id.' }) id: string,
    @Arg('input', () => UpdateGigInput, { description: 'The fields to change.' }) input: UpdateGigInput,
    @Ctx() ctx: GigsContext,
  ): Promise<Gig> {
    const fields = normaliseGigFields(input);
    const data = await changeGig(ctx, id, (gig, em) => {
      const categoryId = fields.categoryId ?? gig.categoryId;
      const subCategoryId = fields.subCategoryId !== undefined ? fields.subCategoryId : fields.categoryId ? null : gig.subCategoryId;
      checkCategory(ctx, categoryId, subCategoryId);
      const listingChanged = (fields.title !== undefined && fields.title !== gig.title) || (fields.description !== undefined && fields.description !== gig.description);
      const from = gig.status;
      em.assign(gig, { ...fields, categoryId, subCategoryId });
      gig.status = statusAfterEdit(gig.status, listingChanged);
      eventsOf(ctx, em).record<GigSnapshot>(GigsEvents.updated, snapshot(gig));
      recordStatusChange(ctx, em, gig, from);
    });
    return toGigView(data, ctx.services.categories);
  }

  @Directive('@authenticated')
  @Mutation(() => Gig, { description: 'Sends a DRAFT or REJECTED gig to the admins for review.' })
  submitGigForReview(@Arg('id', () => ID, { description: 'The gig id.' }) id: string, @Ctx() ctx: GigsContext): Promise<Gig> {
    return this.move(ctx, id, 'submit');
  }

  @Directive('@requiresScopes(scopes: [["admin"]])')
  @Mutation(() => Gig, { description: 'Publishes a gig waiting for review. Admins only.' })
  approveGig(@Arg('id', () => ID, { description: 'The gig id.' }) id: string, @Ctx() ctx: GigsContext): Promise<Gig> {
    return this.move(ctx, id, 'approve');
  }

  @Directive('@requiresScopes(scopes: [["admin"]])')
  @Mutation(() => Gig, { description: 'Refuses a gig waiting for review, with a reason the seller sees. Admins only.' })
  rejectGig(
    @Arg('id', () => ID, { description: 'The gig id.' }) id: string,
    @Arg('reason', () => String, { description: 'What the seller must change (5–500 characters).' }) reason: string,
    @Ctx() ctx: GigsContext,
  ): Promise<Gig> {
    return this.move(ctx, id, 'reject', normaliseRejectionReason(reason));
  }

  @Directive('@authenticated')
  @Mutation(() => Gig, { description: 'Takes a published gig offline.' })
  pauseGig(@Arg('id', () => ID, { description: 'The gig id.' }) id: string, @Ctx() ctx: GigsContext): Promise<Gig> {
    return this.move(ctx, id, 'pause');
  }

  @Directive('@authenticated')
  @Mutation(() => Gig, { description: 'Puts a paused gig back online.' })
  resumeGig(@Arg('id', () => ID, { description: 'The gig id.' }) id: string, @Ctx() ctx: GigsContext): Promise<Gig> {
    return this.move(ctx, id, 'resume');
  }

  @Directive('@authenticated')
  @Mutation(() => Boolean, { description: 'Deletes a gig (it stays on record for orders and reviews, but nobody finds it).' })
  async deleteGig(@Arg('id', () => ID, { description: 'The gig id.' }) id: string, @Ctx() ctx: GigsContext): Promise<boolean> {
    await changeGig(ctx, id, (gig, em) => {
      gig.deletedAt = new Date();
      eventsOf(ctx, em).record<GigDeleted>(GigsEvents.deleted, { gigId: gig.id, sellerId: gig.sellerId });
    });
    return true;
  }

  private async move(ctx: GigsContext, id: string, action: GigAction, reason: string | null = null): Promise<Gig> {
    const data = await changeGig(ctx, id, (gig, em) => {
      if ((action === 'approve' || action === 'reject') && !isAdmin(ctx.caller)) throw new ForbiddenError('Only admins review gigs.');
      const from = gig.status;
      gig.status = transition(gig.status, action);
      gig.rejectionReason = action === 'reject' ? reason : null;
      recordStatusChange(ctx, em, gig, from, reason);
    });
    return toGigView(data, ctx.services.categories);
  }

  @FieldResolver(() => UserRef)
  seller(@Root() gig: Gig): UserRef {
    return gig.seller;
  }
}

function mapConnection<A, B>(c: Connection<A>, f: (a: A) => B): Connection<B> {
  return { pageInfo: c.pageInfo, edges: c.edges.map((e) => ({ cursor: e.cursor, node: f(e.node) })) };
}

@Resolver(() => UserRef)
export class UserGigsResolver {
  @FieldResolver(() => GigConnection, {
    description: 'Gigs this user sells, newest first: published ones for everyone; every status for the user themself and admins.',
  })
  async gigs(@Root() user: UserRef, @Args(() => PageArgs) args: PageArgs, @Ctx() ctx: GigsContext): Promise<Connection<Gig>> {
    const size = pageSize(args.first);
    const after = decodeTimeIdCursor(args.after);
    const all = canManage(ctx.caller, user.id);
    const where = ['g.seller_id = ?::uuid', 'g.deleted_at is null', ...(all ? [] : [`g.status = '${GigStatus.PUBLISHED}'`])];
    const params: unknown[] = [user.id];
    if (after) {
      where.push('(g.created_at, g.id) < (?::timestamptz, ?::uuid)');
      params.push(after.at.toISOString(), after.id);
    }
    const rows: GigRow[] = await ctx.em.execute(
      `select ${GIG_COLUMNS} from gig g where ${where.join(' and ')} order by g.created_at desc, g.id desc limit ?`,
      [...params, size + 1],
    );
    const data = rows.map(fromRow);
    return mapConnection(toConnection(data, size, (d) => [d.createdAt, d.id]), (d) => toGigView(d, ctx.services.categories));
  }
}

export const references = {
  Gig: {
    __resolveReference: async (reference: { id: string }, ctx: GigsContext) => {
      if (!isUuid(reference.id)) return null;
      const data = visible(ctx, await gigLoader(ctx).load(reference.id));
      return data ? toGigView(data, ctx.services.categories) : null;
    },
  },
  User: {
    __resolveReference: (reference: { id: string }) => (isUuid(reference.id) ? { id: reference.id } : null),
  },
};
