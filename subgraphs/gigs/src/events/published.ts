/** What gigs announces (routing keys on `<namespace>.gigs`): what orders' read model needs to sell a gig. */
export const GigsEvents = {
  created: 'gig.created',
  updated: 'gig.updated',
  statusChanged: 'gig.status-changed',
  deleted: 'gig.deleted',
} as const;

export interface GigSnapshot {
  gigId: string;
  sellerId: string;
  title: string;
  price: { amount: number; currency: string };
  deliveryDays: number;
  status: string;
  categoryId: string;
}

export interface GigStatusChanged {
  gigId: string;
  sellerId: string;
  from: string;
  to: string;
  reason: string | null;
}

export interface GigDeleted {
  gigId: string;
  sellerId: string;
}
