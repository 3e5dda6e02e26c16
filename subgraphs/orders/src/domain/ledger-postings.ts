/**
 * The double-entry rules: every movement of money is one ledger transaction whose postings sum to zero, and an
 * account's balance is the sum of its postings (never a stored number). Internal accounts — escrow, the platform's
 * fees, each seller's wallet — can never go below zero. The `external:*` accounts stand for the world outside
 * (buyers' cards, sellers' bank accounts); their balances mirror what entered and left the platform.
 */
export const Accounts = {
  /** Buyers' payment methods: charges take from it, refunds give back. */
  card: 'external:card',
  /** Sellers' bank accounts: withdrawals go there. */
  payouts: 'external:payouts',
  /** Money paid for orders that are not finished yet. */
  escrow: 'escrow',
  /** The platform's service fees. */
  fees: 'fees',
  wallet: (sellerId: string): string => `wallet:${sellerId}`,
} as const;

export const isInternalAccount = (account: string): boolean => !account.startsWith('external:');

export type PostingKind = 'CHARGE' | 'RELEASE' | 'REFUND' | 'SPLIT' | 'WITHDRAWAL' | 'WITHDRAWAL_REVERSAL';

export interface Posting {
  account: string;
  /** Signed minor units: what the account gains (negative: loses). */
  amount: number;
}

export interface LedgerTransaction {
  kind: PostingKind;
  currency: string;
  postings: Posting[];
}

function balanced(kind: PostingKind, currency: string, postings: Posting[]): LedgerTransaction {
  const nonZero = postings.filter((p) => p.amount !== 0);
  const sum = nonZero.reduce((s, p) => s + p.amount, 0);
  if (sum !== 0) throw new Error(`unbalanced ${kind} transaction (sum ${sum})`);
  for (const p of nonZero) if (!Number.isSafeInteger(p.amount)) throw new Error(`${kind}: amount ${p.amount} is not an integer`);
  return { kind, currency, postings: nonZero };
}

export interface OrderMoney {
  sellerId: string;
  price: number;
  serviceFee: number;
  total: number;
  currency: string;
}

/** The buyer pays the total into escrow. */
export const chargePostings = (o: OrderMoney): LedgerTransaction =>
  balanced('CHARGE', o.currency, [
    { account: Accounts.card, amount: -o.total },
    { account: Accounts.escrow, amount: o.total },
  ]);

/** Completion: the price goes to the seller's wallet, the fee to the platform. */
export const releasePostings = (o: OrderMoney): LedgerTransaction =>
  balanced('RELEASE', o.currency, [
    { account: Accounts.escrow, amount: -o.total },
    { account: Accounts.wallet(o.sellerId), amount: o.price },
    { account: Accounts.fees, amount: o.serviceFee },
  ]);

/** Cancellation: the buyer gets the whole total back (the fee included: they got nothing). */
export const refundPostings = (o: OrderMoney): LedgerTransaction =>
  balanced('REFUND', o.currency, [
    { account: Accounts.escrow, amount: -o.total },
    { account: Accounts.card, amount: o.total },
  ]);

/** The seller's half of a split (rounded down: the odd cent goes back to the buyer). */
export const splitSellerShare = (price: number): number => Math.floor(price / 2);

/** A split dispute: half the price each, the platform keeps its fee (it did its part). */
export function splitPostings(o: OrderMoney): LedgerTransaction {
  const seller = splitSellerShare(o.price);
  return balanced('SPLIT', o.currency, [
    { account: Accounts.escrow, amount: -o.total },
    { account: Accounts.wallet(o.sellerId), amount: seller },
    { account: Accounts.card, amount: o.price - seller },
    { account: Accounts.fees, amount: o.serviceFee },
  ]);
}

/** A withdrawal leaves the wallet when it is requested; a failed payout puts it back. */
export const withdrawalPostings = (sellerId: string, amount: number, currency: string): LedgerTransaction =>
  balanced('WITHDRAWAL', currency, [
    { account: Accounts.wallet(sellerId), amount: -amount },
    { account: Accounts.payouts, amount },
  ]);

export const withdrawalReversalPostings = (sellerId: string, amount: number, currency: string): LedgerTransaction =>
  balanced('WITHDRAWAL_REVERSAL', currency, [
    { account: Accounts.payouts, amount: -amount },
    { account: Accounts.wallet(sellerId), amount },
  ]);
