/** What users announces (routing keys on `jobgraph.users`). Gigs keeps its seller read model from these. */
export const UsersEvents = {
  sellerCreated: 'seller.created',
  sellerUpdated: 'seller.updated',
} as const;

export interface SellerChanged {
  userId: string;
  username: string;
  fullName: string;
  oneLiner: string;
  skills: string[];
  languages: { language: string; level: string }[];
  responseTimeHours: number;
}
