import { ConflictError, ForbiddenError } from '@jobgraph/kit';

/**
 * An order's life. Paid orders start PLACED (money in escrow, the seller has not started); the seller starts,
 * delivers (possibly several times, after revision requests), and the buyer's approval completes it. Cancellation and
 * disputes can end it early; an admin settles disputes. Terminal: COMPLETED, CANCELLED, SETTLED.
 */
export enum OrderStatus {
  PLACED = 'PLACED',
  IN_PROGRESS = 'IN_PROGRESS',
  DELIVERED = 'DELIVERED',
  IN_REVISION = 'IN_REVISION',
  COMPLETED = 'COMPLETED',
  CANCELLED = 'CANCELLED',
  DISPUTED = 'DISPUTED',
  /** A dispute ended with the price split between buyer and seller. */
  SETTLED = 'SETTLED',
}

/** Who acts on an order: its buyer, its seller, an admin, or the platform itself. */
export enum Party {
  BUYER = 'BUYER',
  SELLER = 'SELLER',
  ADMIN = 'ADMIN',
  SYSTEM = 'SYSTEM',
}

export const OPEN_STATUSES: readonly OrderStatus[] = [
  OrderStatus.PLACED,
  OrderStatus.IN_PROGRESS,
  OrderStatus.DELIVERED,
  OrderStatus.IN_REVISION,
  OrderStatus.DISPUTED,
];
export const isOpen = (s: OrderStatus): boolean => OPEN_STATUSES.includes(s);

/** Statuses in which the seller still owes work (the due date matters). */
const WORKING: readonly OrderStatus[] = [OrderStatus.PLACED, OrderStatus.IN_PROGRESS, OrderStatus.IN_REVISION];

export type OrderAction =
  | 'start'
  | 'deliver'
  | 'requestRevision'
  | 'approve'
  | 'requestExtension'
  | 'respondToExtension'
  | 'openDispute'
  | 'resolveDispute';

interface Rule {
  by: Party[];
  from: readonly OrderStatus[];
  /** Null: the status stays (the action records something on the order). */
  to: OrderStatus | null;
  describe: string;
}

const RULES: Record<OrderAction, Rule> = {
  start: { by: [Party.SELLER], from: [OrderStatus.PLACED], to: OrderStatus.IN_PROGRESS, describe: 'started' },
  deliver: { by: [Party.SELLER], from: WORKING, to: OrderStatus.DELIVERED, describe: 'delivered' },
  requestRevision: { by: [Party.BUYER], from: [OrderStatus.DELIVERED], to: OrderStatus.IN_REVISION, describe: 'sent back for a revision' },
  approve: { by: [Party.BUYER], from: [OrderStatus.DELIVERED], to: OrderStatus.COMPLETED, describe: 'approved' },
  requestExtension: { by: [Party.SELLER], from: WORKING, to: null, describe: 'given an extension request' },
  respondToExtension: { by: [Party.BUYER], from: [...WORKING, OrderStatus.DELIVERED], to: null, describe: 'given an extension decision' },
  openDispute: {
    by: [Party.BUYER, Party.SELLER],
    from: [OrderStatus.IN_PROGRESS, OrderStatus.DELIVERED, OrderStatus.IN_REVISION],
    to: OrderStatus.DISPUTED,
    describe: 'disputed',
  },
  // The status after a resolution depends on the outcome (disputeOutcomeStatus).
  resolveDispute: { by: [Party.ADMIN], from: [OrderStatus.DISPUTED], to: null, describe: 'resolved' },
};

const PARTY_NAME: Record<Party, string> = { BUYER: 'the buyer', SELLER: 'the seller', ADMIN: 'an admin', SYSTEM: 'the platform' };

/** The status after `action` by `party`: FORBIDDEN when that party may not take it, CONFLICT when the status forbids it. */
export function transition(current: OrderStatus, action: OrderAction, party: Party): OrderStatus {
  const rule = RULES[action];
  if (!rule.by.includes(party)) {
    throw new ForbiddenError(`Only ${rule.by.map((p) => PARTY_NAME[p]).join(' or ')} can do this on an order.`);
  }
  if (!rule.from.includes(current)) {
    throw new ConflictError(`A ${current} order cannot be ${rule.describe}; only one that is ${rule.from.join(', ')} can.`, { status: current });
  }
  return rule.to ?? current;
}

export enum DisputeOutcome {
  /** The buyer gets the whole total back; the order is CANCELLED. */
  REFUND = 'REFUND',
  /** The seller is paid as if the buyer had approved; the order is COMPLETED. */
  RELEASE = 'RELEASE',
  /** The price is halved between them (the odd cent to the buyer); the platform keeps its fee; SETTLED. */
  SPLIT = 'SPLIT',
}

export function disputeOutcomeStatus(outcome: DisputeOutcome): OrderStatus {
  return { REFUND: OrderStatus.CANCELLED, RELEASE: OrderStatus.COMPLETED, SPLIT: OrderStatus.SETTLED }[outcome];
}

/** What a cancellation attempt does: cancel now, or record a request the other party has to agree to. */
export type CancellationDecision = { kind: 'cancel'; reason: 'BUYER_BEFORE_START' | 'OVERDUE' | 'AGREED' | 'ADMIN' } | { kind: 'request' };

/**
 * The cancellation rules: the buyer may cancel until the seller starts; either party once the order is overdue
 * (the seller owes work past the due date); an admin always; otherwise a party asks and the cancellation happens
 * when the other party asks too. A disputed order is settled by resolveDispute instead.
 */
export function decideCancellation(input: {
  status: OrderStatus;
  party: Party;
  dueAt: Date;
  now: Date;
  /** Who already asked to cancel, if anyone. */
  requestedBy: Party | null;
}): CancellationDecision {
  const { status, party } = input;
  const cancellable: readonly OrderStatus[] = [...WORKING, OrderStatus.DELIVERED];
  if (!cancellable.includes(status)) {
    const hint = status === OrderStatus.DISPUTED ? ' A disputed order is settled by an admin.' : '';
    throw new ConflictError(`A ${status} order cannot be cancelled.${hint}`, { status });
  }
  if (party === Party.ADMIN) return { kind: 'cancel', reason: 'ADMIN' };
  if (party !== Party.BUYER && party !== Party.SELLER) throw new ForbiddenError('Only the buyer, the seller or an admin can cancel an order.');
  if (party === Party.BUYER && status === OrderStatus.PLACED) return { kind: 'cancel', reason: 'BUYER_BEFORE_START' };
  if (WORKING.includes(status) && input.now.getTime() > input.dueAt.getTime()) return { kind: 'cancel', reason: 'OVERDUE' };
  if (input.requestedBy === party) {
    throw new ConflictError('You already asked to cancel this order; the other party has to agree.', { status });
  }
  if (input.requestedBy !== null) return { kind: 'cancel', reason: 'AGREED' };
  return { kind: 'request' };
}

/** How many days an extension may add, and how many pending requests an order may have (one). */
export const MAX_EXTENSION_DAYS = 30;
