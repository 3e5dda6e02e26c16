import { ArgsType, Directive, Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ConnectionType, Money, PageArgs } from '@jobgraph/kit';
import { DisputeOutcome, OrderStatus, Party } from '../domain/order-state.js';
import { ExtensionStatus, PayoutStatus } from '../entities/index.js';

registerEnumType(OrderStatus, {
  name: 'OrderStatus',
  description: 'Where an order stands.',
  valuesConfig: {
    PLACED: { description: 'Paid (the money waits in escrow); the seller has not started. The buyer may still cancel.' },
    IN_PROGRESS: { description: 'The seller is working on it.' },
    DELIVERED: { description: 'The seller delivered; the buyer approves or asks for a revision.' },
    IN_REVISION: { description: 'The buyer asked for changes to the delivery.' },
    COMPLETED: { description: 'Approved: the seller was paid. Final.' },
    CANCELLED: { description: 'Cancelled: the buyer was refunded. Final.' },
    DISPUTED: { description: 'A party opened a dispute; an admin settles it.' },
    SETTLED: { description: 'A dispute ended with the price split between buyer and seller. Final.' },
  },
});

registerEnumType(Party, {
  name: 'OrderParty',
  description: 'Who acted on an order.',
  valuesConfig: {
    BUYER: { description: 'The buyer.' },
    SELLER: { description: 'The seller.' },
    ADMIN: { description: 'A JobGraph admin.' },
    SYSTEM: { description: 'The platform itself.' },
  },
});

registerEnumType(DisputeOutcome, {
  name: 'DisputeOutcome',
  description: 'How an admin settles a dispute.',
  valuesConfig: {
    REFUND: { description: 'The buyer gets the whole total back; the order is CANCELLED.' },
    RELEASE: { description: 'The seller is paid as if the buyer had approved; the order is COMPLETED.' },
    SPLIT: { description: 'Half the price to each (the odd cent to the buyer); the platform keeps its fee; SETTLED.' },
  },
});

registerEnumType(ExtensionStatus, {
  name: 'ExtensionStatus',
  description: 'The buyer\'s answer to a request for more time.',
  valuesConfig: {
    PENDING: { description: 'Waiting for the buyer.' },
    APPROVED: { description: 'Granted: the due date moved.' },
    DECLINED: { description: 'Refused: the due date stays.' },
    CLOSED: { description: 'The order ended before the buyer answered.' },
  },
});

registerEnumType(PayoutStatus, {
  name: 'PayoutStatus',
  description: 'Whether the payment provider has carried out a refund or a withdrawal.',
  valuesConfig: {
    PENDING: { description: 'Recorded; being sent to the payment provider (retried until it answers).' },
    SUCCEEDED: { description: 'Done by the payment provider.' },
    FAILED: { description: 'Refused by the payment provider; a withdrawal\'s amount is back in the wallet.' },
  },
});

export enum OrderRole {
  BUYER = 'BUYER',
  SELLER = 'SELLER',
}
registerEnumType(OrderRole, {
  name: 'OrderRole',
  description: 'Which side of an order a user is on.',
  valuesConfig: {
    BUYER: { description: 'Orders the user bought.' },
    SELLER: { description: 'Orders the user sells.' },
  },
});

@ObjectType('User', { description: 'A JobGraph account (owned by auth); orders adds the user\'s orders and wallet.' })
@Directive('@key(fields: "id")')
export class UserRef {
  @Field(() => ID, { description: 'The user id issued by auth.' })
  id!: string;
}

@ObjectType('Gig', { description: 'A service a seller offers (owned by gigs); orders adds its order statistics.' })
@Directive('@key(fields: "id")')
export class GigRef {
  @Field(() => ID, { description: 'The gig id.' })
  id!: string;
}

@ObjectType({ description: 'How often a gig has been ordered.' })
export class GigOrderStats {
  @Field(() => Int, { description: 'Orders completed.' })
  completed!: number;
  @Field(() => Int, { description: 'Orders open right now (placed, in progress, delivered, in revision or disputed).' })
  inQueue!: number;
}

@ObjectType({ description: 'One delivery of work by the seller.' })
export class OrderDelivery {
  @Field(() => ID, { description: 'The delivery id.' })
  id!: string;
  @Field(() => String, { description: 'The seller\'s note, shown as text.' })
  message!: string;
  @Field(() => [String], { description: 'Links to the delivered files (http or https).' })
  fileUrls!: string[];
  @Field(() => Date, { description: 'When it was delivered.' })
  deliveredAt!: Date;
}

@ObjectType({ description: 'A seller\'s request for more time.' })
export class ExtensionRequest {
  @Field(() => ID, { description: 'The request id.' })
  id!: string;
  @Field(() => Int, { description: 'Days asked for.' })
  days!: number;
  @Field(() => String, { description: 'Why, in the seller\'s words.' })
  reason!: string;
  @Field(() => ExtensionStatus, { description: 'The buyer\'s answer so far.' })
  status!: ExtensionStatus;
  @Field(() => Date, { description: 'When it was asked.' })
  requestedAt!: Date;
  @Field(() => Date, { nullable: true, description: 'When the buyer answered.' })
  decidedAt!: Date | null;
}

@ObjectType({ description: 'A buyer\'s request for changes to a delivery.' })
export class RevisionRequest {
  @Field(() => ID, { description: 'The request id.' })
  id!: string;
  @Field(() => String, { description: 'What should change, in the buyer\'s words.' })
  reason!: string;
  @Field(() => Date, { description: 'When it was asked.' })
  requestedAt!: Date;
}

@ObjectType({ description: 'One step in an order\'s life.' })
export class OrderTimelineEntry {
  @Field(() => ID, { description: 'The entry id.' })
  id!: string;
  @Field(() => String, { description: 'What happened: PLACED, STARTED, DELIVERED, REVISION_REQUESTED, EXTENSION_REQUESTED, EXTENSION_APPROVED, EXTENSION_DECLINED, CANCELLATION_REQUESTED, CANCELLED, COMPLETED, DISPUTED, DISPUTE_RESOLVED, BUYER_REVIEWED, SELLER_REVIEWED.' })
  action!: string;
  @Field(() => Party, { description: 'Who did it.' })
  actorRole!: Party;
  @Field(() => UserRef, { nullable: true, description: 'The user who did it (null for the platform).' })
  actor!: UserRef | null;
  @Field(() => OrderStatus, { nullable: true, description: 'The status before (null for the first step).' })
  fromStatus!: OrderStatus | null;
  @Field(() => OrderStatus, { description: 'The status after.' })
  toStatus!: OrderStatus;
  @Field(() => String, { nullable: true, description: 'A reason or note given with the step.' })
  note!: string | null;
  @Field(() => Date, { description: 'When.' })
  at!: Date;
}

@ObjectType({ description: 'A pending request by one party to cancel; the order is cancelled when the other party asks too.' })
export class CancellationRequest {
  @Field(() => Party, { description: 'Who asked.' })
  requestedBy!: Party;
  @Field(() => String, { nullable: true, description: 'Why.' })
  reason!: string | null;
  @Field(() => Date, { description: 'When.' })
  requestedAt!: Date;
}

@ObjectType({ description: 'A dispute over an order and, once an admin settled it, how.' })
export class Dispute {
  @Field(() => Party, { description: 'Who opened it.' })
  openedBy!: Party;
  @Field(() => String, { description: 'Why.' })
  reason!: string;
  @Field(() => Date, { description: 'When it was opened.' })
  openedAt!: Date;
  @Field(() => DisputeOutcome, { nullable: true, description: 'The admin\'s decision (null while open).' })
  outcome!: DisputeOutcome | null;
  @Field(() => String, { nullable: true, description: 'The admin\'s note to both parties.' })
  note!: string | null;
  @Field(() => Date, { nullable: true, description: 'When it was settled.' })
  resolvedAt!: Date | null;
}

@ObjectType({ description: 'An order of a gig or a custom offer: what was bought, the money in escrow, and where it stands. Only its buyer, its seller and admins see it.' })
@Directive('@key(fields: "id")')
export class Order {
  @Field(() => ID, { description: 'The order id.' })
  id!: string;
  @Field(() => GigRef, { nullable: true, description: 'The gig ordered (null for a custom offer that names none).' })
  gig!: GigRef | null;
  @Field(() => ID, { nullable: true, description: 'The custom offer the order came from, if any.' })
  offerId!: string | null;
  @Field(() => String, { description: 'What was bought: the gig\'s title when ordered, or the offer\'s summary.' })
  title!: string;
  @Field(() => UserRef, { description: 'Who bought.' })
  buyer!: UserRef;
  @Field(() => UserRef, { description: 'Who sells.' })
  seller!: UserRef;
  @Field(() => Money, { description: 'The seller\'s price: what they earn on completion.' })
  price!: Money;
  @Field(() => Money, { description: 'The platform\'s service fee, paid by the buyer on top of the price.' })
  serviceFee!: Money;
  @Field(() => Money, { description: 'What the buyer paid: price plus service fee.' })
  total!: Money;
  @Field(() => String, { description: 'What the buyer told the seller they need.' })
  requirements!: string;
  @Field(() => OrderStatus, { description: 'Where the order stands.' })
  status!: OrderStatus;
  @Field(() => Int, { description: 'Delivery time agreed when ordering, in days.' })
  deliveryDays!: number;
  @Field(() => Date, { description: 'When the work is due (moves with approved extensions).' })
  dueAt!: Date;
  @Field(() => Date, { description: 'When it was placed.' })
  createdAt!: Date;
  @Field(() => Date, { nullable: true, description: 'When the seller started.' })
  startedAt!: Date | null;
  @Field(() => Date, { nullable: true, description: 'When it completed.' })
  completedAt!: Date | null;
  @Field(() => Date, { nullable: true, description: 'When it was cancelled.' })
  cancelledAt!: Date | null;
  @Field(() => CancellationRequest, { nullable: true, description: 'A pending cancellation request, if one party asked.' })
  cancellationRequest!: CancellationRequest | null;
  @Field(() => Dispute, { nullable: true, description: 'The dispute, if one was opened.' })
  dispute!: Dispute | null;
  @Field(() => Boolean, { description: 'Whether the buyer has reviewed the seller for this order.' })
  buyerReviewed!: boolean;
  @Field(() => Boolean, { description: 'Whether the seller has reviewed the buyer for this order.' })
  sellerReviewed!: boolean;
}

export const OrderConnection = ConnectionType(Order, 'Order', 'A page of orders, newest first.');

@ObjectType({ description: 'One movement of a seller\'s wallet.' })
export class WalletTransaction {
  @Field(() => ID, { description: 'The ledger entry id.' })
  id!: string;
  @Field(() => String, { description: 'What moved the money: RELEASE (an order completed), SPLIT (a dispute split), WITHDRAWAL, WITHDRAWAL_REVERSAL (a payout failed and came back).' })
  kind!: string;
  @Field(() => Money, { description: 'Signed: positive into the wallet, negative out of it.' })
  amount!: Money;
  @Field(() => Order, { nullable: true, description: 'The order it is for, if any.' })
  order!: { id: string } | null;
  @Field(() => Date, { description: 'When.' })
  createdAt!: Date;
}

export const WalletTransactionConnection = ConnectionType(WalletTransaction, 'WalletTransaction', 'A page of wallet movements, newest first.');

@ObjectType({ description: 'A seller\'s earnings on JobGraph. Only the user themself and admins see it.' })
export class Wallet {
  userId!: string;
  currency!: string;
  @Field(() => Money, { description: 'Earned and not withdrawn: can be withdrawn now.' })
  available!: Money;
  @Field(() => Money, { description: 'Prices of the user\'s open orders as seller: waiting in escrow until they complete.' })
  pending!: Money;
}

@ObjectType({ description: 'A withdrawal from a wallet to the seller\'s bank.' })
export class Withdrawal {
  @Field(() => ID, { description: 'The withdrawal id.' })
  id!: string;
  @Field(() => Money, { description: 'How much.' })
  amount!: Money;
  @Field(() => PayoutStatus, { description: 'Whether the payment provider has paid it out.' })
  status!: PayoutStatus;
  @Field(() => Date, { description: 'When it was asked for.' })
  createdAt!: Date;
}

@InputType({ description: 'An order of a gig or of a custom offer: exactly one of gigId and offerId. Prices, fees and totals are always computed by JobGraph.' })
export class PlaceOrderInput {
  @Field(() => ID, { nullable: true, description: 'The published gig to order.' })
  gigId?: string | null;
  @Field(() => ID, { nullable: true, description: 'The custom offer (made to you in a conversation) to accept and order.' })
  offerId?: string | null;
  @Field(() => String, { nullable: true, description: 'What the seller needs to know (up to 5,000 characters).' })
  requirements?: string | null;
  @Field(() => String, { description: 'The payment method id from the payment provider (the sandbox\'s test methods: see the README).' })
  paymentMethod!: string;
}

@InputType({ description: 'A delivery of work.' })
export class DeliverOrderInput {
  @Field(() => ID, { description: 'The order.' })
  orderId!: string;
  @Field(() => String, { description: 'A note to the buyer (1–5,000 characters).' })
  message!: string;
  @Field(() => [String], { nullable: true, description: 'Links to the delivered files (http or https, up to 20).' })
  fileUrls?: string[] | null;
}

@InputType({ description: 'A request for more time.' })
export class RequestExtensionInput {
  @Field(() => ID, { description: 'The order.' })
  orderId!: string;
  @Field(() => Int, { description: 'Extra days (1–30).' })
  days!: number;
  @Field(() => String, { description: 'Why (1–1,000 characters).' })
  reason!: string;
}

@InputType({ description: 'An admin\'s decision on a dispute.' })
export class ResolveDisputeInput {
  @Field(() => ID, { description: 'The disputed order.' })
  orderId!: string;
  @Field(() => DisputeOutcome, { description: 'Who gets the money.' })
  outcome!: DisputeOutcome;
  @Field(() => String, { nullable: true, description: 'A note to both parties (up to 2,000 characters).' })
  note?: string | null;
}

@ArgsType()
export class UserOrdersArgs extends PageArgs {
  @Field(() => OrderRole, { description: 'Orders bought or orders sold.' })
  role!: OrderRole;
  @Field(() => OrderStatus, { nullable: true, description: 'Only orders in this status.' })
  status?: OrderStatus | null;
}
