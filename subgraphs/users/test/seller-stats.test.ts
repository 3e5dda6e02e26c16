import { describe, expect, it } from 'vitest';
import { sellerStatsChange } from '@jobgraph/users';

const earnings = { amount: 4_000, currency: 'USD' };

describe('seller stats rules', () => {
  it('counts a placed order as ongoing', () => {
    expect(sellerStatsChange({ type: 'order.placed' })).toEqual({ ongoingJobs: 1, completedJobs: 0, cancelledJobs: 0, earnings: null });
  });

  it('moves a completed order from ongoing to completed and credits the seller', () => {
    expect(sellerStatsChange({ type: 'order.completed', sellerEarnings: earnings })).toEqual({ ongoingJobs: -1, completedJobs: 1, cancelledJobs: 0, earnings });
  });

  it('moves a cancelled order from ongoing to cancelled without earnings', () => {
    expect(sellerStatsChange({ type: 'order.cancelled' })).toEqual({ ongoingJobs: -1, completedJobs: 0, cancelledJobs: 1, earnings: null });
  });

  it('ends a split dispute with the seller\'s share, counted neither completed nor cancelled', () => {
    expect(sellerStatsChange({ type: 'order.dispute-resolved', outcome: 'SPLIT', sellerEarnings: earnings })).toEqual({ ongoingJobs: -1, completedJobs: 0, cancelledJobs: 0, earnings });
  });

  it('leaves refunded and released disputes to the cancellation or completion that follows them', () => {
    expect(sellerStatsChange({ type: 'order.dispute-resolved', outcome: 'REFUND', sellerEarnings: { amount: 0, currency: 'USD' } })).toBeNull();
    expect(sellerStatsChange({ type: 'order.dispute-resolved', outcome: 'RELEASE', sellerEarnings: earnings })).toBeNull();
  });
});
