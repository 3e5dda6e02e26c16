/** Integer minor units of `currency`, as orders sends them. */
export interface StatsMoney {
  amount: number;
  currency: string;
}

/** The order events that move a seller's counters, reduced to what the counting needs. */
export type SellerStatsEvent =
  | { type: 'order.placed' }
  | { type: 'order.completed'; sellerEarnings: StatsMoney }
  | { type: 'order.cancelled' }
  | { type: 'order.dispute-resolved'; outcome: 'REFUND' | 'RELEASE' | 'SPLIT'; sellerEarnings: StatsMoney };

/** How one event moves a seller's counters; `earnings` is null when it credits nothing. */
export interface SellerStatsChange {
  ongoingJobs: -1 | 0 | 1;
  completedJobs: 0 | 1;
  cancelledJobs: 0 | 1;
  earnings: StatsMoney | null;
}

/**
 * Every order is counted as ongoing once (placed) and leaves that count once, by the event that ends it: completed,
 * cancelled, or a SPLIT settlement. A dispute resolved by REFUND or RELEASE returns null: orders follows it with
 * order.cancelled or order.completed, which do the counting, so counting here too would count the order twice.
 */
export function sellerStatsChange(event: SellerStatsEvent): SellerStatsChange | null {
  switch (event.type) {
    case 'order.placed':
      return { ongoingJobs: 1, completedJobs: 0, cancelledJobs: 0, earnings: null };
    case 'order.completed':
      return { ongoingJobs: -1, completedJobs: 1, cancelledJobs: 0, earnings: event.sellerEarnings };
    case 'order.cancelled':
      return { ongoingJobs: -1, completedJobs: 0, cancelledJobs: 1, earnings: null };
    case 'order.dispute-resolved':
      // A split is neither a completed nor a cancelled job: the order just stops being ongoing, and the seller's share counts.
      return event.outcome === 'SPLIT' ? { ongoingJobs: -1, completedJobs: 0, cancelledJobs: 0, earnings: event.sellerEarnings } : null;
  }
}
