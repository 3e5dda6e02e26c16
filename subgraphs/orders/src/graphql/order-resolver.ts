import { Arg, Args, Ctx, Directive, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import {
  ForbiddenError,
  NotFoundError,
  PageArgs,
  decodeTimeIdCursor,
  isAdmin,
  isUuid,
  loaderFor,
  pageSize,
  requireCaller,
  toConnection,
  type Connection,
} from '@jobgraph/kit';
import {
  Order as OrderEntity,
  OrderDelivery as DeliveryEntity,
  OrderExtension as ExtensionEntity,
  OrderRevision as RevisionEntity,
  OrderTimelineEntry as TimelineEntity,
  LedgerEntry,
} from '../entities/index.js';
import { OPEN_STATUSES, OrderStatus } from '../domain/order-state.js';
import { Accounts } from '../domain/ledger-postings.js';
import { placeOrder } from '../services/place-order.js';
import {
  approveDelivery,
  cancelOrder,
  deliverOrder,
  openDispute,
  requestExtension,
  requestRevision,
  resolveDispute,
  respondToExtension,
  startOrder,
} from '../services/order-actions.js';
import { ORDER_NOT_FOUND, partyOf } from '../services/order-steps.js';
import { availableBalance, pendingBalance, withdraw } from '../services/wallet.js';
import type { OrdersContext } from '../services/index.js';
import { toOrderView } from './order-view.js';
import {
  DeliverOrderInput,
  ExtensionRequest,
  GigOrderStats,
  GigRef,
  Order,
  OrderConnection,
  OrderDelivery,
  OrderRole,
  OrderTimelineEntry,
  PlaceOrderInput,
  RequestExtensionInput,
  ResolveDisputeInput,
  RevisionRequest,
  UserOrdersArgs,
  UserRef,
  Wallet,
  WalletTransaction,
  WalletTransactionConnection,
  Withdrawal,
} from './types.js';

/** Orders by id, one query per request; null for ids the caller is no party to. */
function orderLoader(ctx: OrdersContext) {
  return loaderFor(ctx, 'orders.byId', (ids: readonly string[]) => ctx.em.find(OrderEntity, { id: { $in: [...ids] } }), (o) => o.id);
}

async function visibleOrder(ctx: OrdersContext, id: string): Promise<OrderEntity | null> {
  if (!isUuid(id)) return null;
  const order = await orderLoader(ctx).load(id);
  return order && partyOf(order, ctx.caller) ? order : null;
}

/** A one-to-many child list of orders, loaded for every order of the response in one query. */
function childrenOf<T extends { orderId: string }>(ctx: OrdersContext, name: string, load: (ids: string[]) => Promise<T[]>) {
  return loaderFor(
    ctx,
    `orders.${name}`,
    async (ids: readonly string[]) => {
      const rows = await load([...ids]);
      return ids.map((orderId) => ({ orderId, rows: rows.filter((r) => r.orderId === orderId) }));
    },
    (group) => group.orderId,
  );
}

@Resolver(() => Order)
export class OrderResolver {
  @Directive('@authenticated')
  @Query(() => Order, { description: 'An order by id. Only its buyer, its seller and admins see it; for anyone else it does not exist (NOT_FOUND).' })
  async order(@Arg('id', () => ID, { description: 'The order id.' }) id: string, @Ctx() ctx: OrdersContext): Promise<Order> {
    requireCaller(ctx);
    const order = await visibleOrder(ctx, id);
    if (!order) throw new NotFoundError(ORDER_NOT_FOUND);
    return toOrderView(order);
  }

  @Directive('@authenticated')
  @Mutation(() => Order, {
    description:
      'Orders a published gig or accepts a custom offer, and charges the buyer (the money waits in escrow). Needs an Idempotency-Key header: a retry with the same key and input returns the same order and charges once; the same key with another input is CONFLICT.',
  })
  async placeOrder(@Arg('input', () => PlaceOrderInput, { description: 'What to order and how to pay.' }) input: PlaceOrderInput, @Ctx() ctx: OrdersContext): Promise<Order> {
    return toOrderView(await placeOrder(ctx, input));
  }

  @Directive('@authenticated')
  @Mutation(() => Order, { description: 'The seller starts work on a PLACED order (after which the buyer can no longer cancel alone).' })
  async startOrder(@Arg('orderId', () => ID, { description: 'The order.' }) orderId: string, @Ctx() ctx: OrdersContext): Promise<Order> {
    return toOrderView(await startOrder(ctx, orderId));
  }

  @Directive('@authenticated')
  @Mutation(() => Order, { description: 'The seller delivers work; the buyer then approves it or asks for a revision.' })
  async deliverOrder(@Arg('input', () => DeliverOrderInput, { description: 'The delivery.' }) input: DeliverOrderInput, @Ctx() ctx: OrdersContext): Promise<Order> {
    return toOrderView(await deliverOrder(ctx, input));
  }

  @Directive('@authenticated')
  @Mutation(() => Order, { description: 'The buyer asks for changes to a delivery.' })
  async requestRevision(
    @Arg('orderId', () => ID, { description: 'The order.' }) orderId: string,
    @Arg('reason', () => String, { description: 'What should change (1–1,000 characters).' }) reason: string,
    @Ctx() ctx: OrdersContext,
  ): Promise<Order> {
    return toOrderView(await requestRevision(ctx, orderId, reason));
  }

  @Directive('@authenticated')
  @Mutation(() => Order, { description: 'The buyer approves the delivery: the order completes and the seller\'s wallet is credited with the price.' })
  async approveDelivery(@Arg('orderId', () => ID, { description: 'The order.' }) orderId: string, @Ctx() ctx: OrdersContext): Promise<Order> {
    return toOrderView(await approveDelivery(ctx, orderId));
  }

  @Directive('@authenticated')
  @Mutation(() => Order, { description: 'The seller asks the buyer for more time (one request at a time).' })
  async requestExtension(@Arg('input', () => RequestExtensionInput, { description: 'How long and why.' }) input: RequestExtensionInput, @Ctx() ctx: OrdersContext): Promise<Order> {
    return toOrderView(await requestExtension(ctx, input));
  }

  @Directive('@authenticated')
  @Mutation(() => Order, { description: 'The buyer answers the pending extension request; approved, the due date moves.' })
  async respondToExtension(
    @Arg('orderId', () => ID, { description: 'The order.' }) orderId: string,
    @Arg('approve', () => Boolean, { description: 'True to grant the extra days.' }) approve: boolean,
    @Ctx() ctx: OrdersContext,
  ): Promise<Order> {
    return toOrderView(await respondToExtension(ctx, orderId, approve));
  }

  @Directive('@authenticated')
  @Mutation(() => Order, {
    description:
      'Cancels an order and refunds the buyer in full — the buyer before the seller starts, either party once the order is overdue, an admin always. Otherwise it records a request, and the order is cancelled when the other party asks too (see cancellationRequest).',
  })
  async cancelOrder(
    @Arg('orderId', () => ID, { description: 'The order.' }) orderId: string,
    @Arg('reason', () => String, { nullable: true, description: 'Why (up to 1,000 characters).' }) reason: string | null,
    @Ctx() ctx: OrdersContext,
  ): Promise<Order> {
    return toOrderView(await cancelOrder(ctx, orderId, reason));
  }

  @Directive('@authenticated')
  @Mutation(() => Order, { description: 'Either party asks an admin to settle the order (it stops until then).' })
  async openDispute(
    @Arg('orderId', () => ID, { description: 'The order.' }) orderId: string,
    @Arg('reason', () => String, { description: 'What went wrong (1–2,000 characters).' }) reason: string,
    @Ctx() ctx: OrdersContext,
  ): Promise<Order> {
    return toOrderView(await openDispute(ctx, orderId, reason));
  }

  @Directive('@requiresScopes(scopes: [["admin"]])')
  @Mutation(() => Order, { description: 'Settles a disputed order: refund the buyer, release the money to the seller, or split the price. Admins only.' })
  async resolveDispute(@Arg('input', () => ResolveDisputeInput, { description: 'The decision.' }) input: ResolveDisputeInput, @Ctx() ctx: OrdersContext): Promise<Order> {
    if (!isAdmin(ctx.caller)) throw new ForbiddenError('Only admins settle disputes.');
    return toOrderView(await resolveDispute(ctx, input));
  }

  @FieldResolver(() => [OrderDelivery], { description: 'Deliveries, oldest first.' })
  async deliveries(@Root() order: Order, @Ctx() ctx: OrdersContext): Promise<OrderDelivery[]> {
    const loader = childrenOf(ctx, 'deliveries', (ids) => ctx.em.find(DeliveryEntity, { orderId: { $in: ids } }, { orderBy: { deliveredAt: 'asc', id: 'asc' } }));
    return (await loader.load(order.id))?.rows ?? [];
  }

  @FieldResolver(() => [ExtensionRequest], { description: 'Extension requests, oldest first.' })
  async extensionRequests(@Root() order: Order, @Ctx() ctx: OrdersContext): Promise<ExtensionRequest[]> {
    const loader = childrenOf(ctx, 'extensions', (ids) => ctx.em.find(ExtensionEntity, { orderId: { $in: ids } }, { orderBy: { requestedAt: 'asc', id: 'asc' } }));
    return (await loader.load(order.id))?.rows ?? [];
  }

  @FieldResolver(() => [RevisionRequest], { description: 'Revision requests, oldest first.' })
  async revisionRequests(@Root() order: Order, @Ctx() ctx: OrdersContext): Promise<RevisionRequest[]> {
    const loader = childrenOf(ctx, 'revisions', (ids) => ctx.em.find(RevisionEntity, { orderId: { $in: ids } }, { orderBy: { requestedAt: 'asc', id: 'asc' } }));
    return (await loader.load(order.id))?.rows ?? [];
  }

  @FieldResolver(() => [OrderTimelineEntry], { description: 'Every step of the order, oldest first: who did what and when.' })
  async timeline(@Root() order: Order, @Ctx() ctx: OrdersContext): Promise<OrderTimelineEntry[]> {
    const loader = childrenOf(ctx, 'timeline', (ids) => ctx.em.find(TimelineEntity, { orderId: { $in: ids } }, { orderBy: { at: 'asc', id: 'asc' } }));
    const rows = (await loader.load(order.id))?.rows ?? [];
    return rows.map((t) => ({ ...t, actor: t.actorId ? { id: t.actorId } : null }));
  }
}

const canSee = (ctx: OrdersContext, userId: string): boolean => !!ctx.caller && (ctx.caller.userId === userId || isAdmin(ctx.caller));

@Resolver(() => UserRef)
export class UserOrdersResolver {
  @Directive('@authenticated')
  @FieldResolver(() => OrderConnection, { description: 'The user\'s orders as buyer or seller, newest first. Only the user themself and admins.' })
  async orders(@Root() user: UserRef, @Args(() => UserOrdersArgs) args: UserOrdersArgs, @Ctx() ctx: OrdersContext): Promise<Connection<Order>> {
    if (!canSee(ctx, user.id)) throw new ForbiddenError('Only the user themself and admins see their orders.');
    const size = pageSize(args.first);
    const after = decodeTimeIdCursor(args.after);
    const where: Record<string, unknown> = args.role === OrderRole.BUYER ? { buyerId: user.id } : { sellerId: user.id };
    if (args.status) where.status = args.status;
    if (after) where.$or = [{ createdAt: { $lt: after.at } }, { createdAt: after.at, id: { $lt: after.id } }];
    const rows = await ctx.em.find(OrderEntity, where, { orderBy: { createdAt: 'desc', id: 'desc' }, limit: size + 1 });
    const connection = toConnection(rows, size, (o) => [o.createdAt.toISOString(), o.id]);
    return { pageInfo: connection.pageInfo, edges: connection.edges.map((e) => ({ cursor: e.cursor, node: toOrderView(e.node) })) };
  }

  @Directive('@authenticated')
  @FieldResolver(() => Wallet, { description: 'The user\'s earnings as a seller. Only the user themself and admins.' })
  async wallet(@Root() user: UserRef, @Ctx() ctx: OrdersContext): Promise<Wallet> {
    if (!canSee(ctx, user.id)) throw new ForbiddenError('Only the user themself and admins see a wallet.');
    const currency = ctx.services.config.ORDERS_CURRENCY;
    const [available, pending] = await Promise.all([availableBalance(ctx.em.fork(), user.id, currency), pendingBalance(ctx.em.fork(), user.id, currency)]);
    return { userId: user.id, currency, available: { amount: available, currency }, pending: { amount: pending, currency } };
  }
}

@Resolver(() => Wallet)
export class WalletResolver {
  @FieldResolver(() => WalletTransactionConnection, { description: 'Money into and out of the wallet, newest first.' })
  async transactions(@Root() wallet: Wallet, @Args(() => PageArgs) args: PageArgs, @Ctx() ctx: OrdersContext): Promise<Connection<WalletTransaction>> {
    const size = pageSize(args.first);
    const after = decodeTimeIdCursor(args.after);
    const where: Record<string, unknown> = { account: Accounts.wallet(wallet.userId), currency: wallet.currency };
    if (after) where.$or = [{ createdAt: { $lt: after.at } }, { createdAt: after.at, id: { $lt: after.id } }];
    const rows = await ctx.em.find(LedgerEntry, where, { orderBy: { createdAt: 'desc', id: 'desc' }, limit: size + 1 });
    const connection = toConnection(rows, size, (e) => [e.createdAt.toISOString(), e.id]);
    return {
      pageInfo: connection.pageInfo,
      edges: connection.edges.map((e) => ({
        cursor: e.cursor,
        node: {
          id: e.node.id,
          kind: e.node.kind,
          amount: { amount: Number(e.node.amount), currency: e.node.currency },
          order: e.node.orderId ? { id: e.node.orderId } : null,
          createdAt: e.node.createdAt,
        },
      })),
    };
  }

  @Directive('@authenticated')
  @Mutation(() => Withdrawal, {
    description:
      'Withdraws from the signed-in seller\'s wallet to their bank (a payout by the payment provider). Needs an Idempotency-Key header, like placeOrder.',
  })
  async withdraw(@Arg('amount', () => Int, { description: 'How much, in minor units of the wallet\'s currency.' }) amount: number, @Ctx() ctx: OrdersContext): Promise<Withdrawal> {
    const w = await withdraw(ctx, amount);
    return { id: w.id, amount: { amount: w.amount, currency: w.currency }, status: w.status, createdAt: w.createdAt };
  }
}

@Resolver(() => GigRef)
export class GigOrderStatsResolver {
  @FieldResolver(() => GigOrderStats, { description: 'How often this gig has been ordered (public counts).' })
  async orderStats(@Root() gig: GigRef, @Ctx() ctx: OrdersContext): Promise<GigOrderStats> {
    const loader = loaderFor(
      ctx,
      'orders.gigStats',
      async (ids: readonly string[]) => {
        const rows: Array<{ gig_id: string; completed: string; in_queue: string }> = await ctx.em.execute(
          `select gig_id, count(*) filter (where status = ?) as completed, count(*) filter (where status in (?)) as in_queue
           from orders where gig_id in (?) group by gig_id`,
          [OrderStatus.COMPLETED, OPEN_STATUSES, ids.filter(isUuid)],
        );
        return rows.map((r) => ({ gigId: r.gig_id, completed: Number(r.completed), inQueue: Number(r.in_queue) }));
      },
      (s) => s.gigId,
    );
    const stats = isUuid(gig.id) ? await loader.load(gig.id) : null;
    return { completed: stats?.completed ?? 0, inQueue: stats?.inQueue ?? 0 };
  }
}

export const references = {
  Order: {
    __resolveReference: async (reference: { id: string }, ctx: OrdersContext) => {
      const order = await visibleOrder(ctx, reference.id);
      return order ? toOrderView(order) : null;
    },
  },
  User: {
    __resolveReference: (reference: { id: string }) => (isUuid(reference.id) ? { id: reference.id } : null),
  },
  Gig: {
    __resolveReference: (reference: { id: string }) => (isUuid(reference.id) ? { id: reference.id } : null),
  },
};
