import { BadUserInputError, ForbiddenError } from '@jobgraph/kit';

/**
 * Who is who in a conversation. Two participants, stored in a canonical order (the smaller id first), so that one
 * pair and one gig can have exactly one conversation whoever started it.
 */
export interface Pair {
  participantA: string;
  participantB: string;
}

export function pairOf(one: string, other: string): Pair {
  if (one === other) throw new BadUserInputError('withUserId', 'You cannot start a conversation with yourself.');
  return one < other ? { participantA: one, participantB: other } : { participantA: other, participantB: one };
}

export interface Roles {
  buyerId: string | null;
  sellerId: string | null;
}

export interface Parties {
  buyerId: string;
  sellerId: string;
}

/**
 * The parties of an offer `senderId` sends in a conversation between `pair`. "Seller side" means: the sender must be
 * a seller (chat's read model of users' seller pages); and once the conversation's roles are known — fixed by its
 * first offer, or by an order between the two — only its seller sends offers. Otherwise the sender becomes the
 * seller and the other participant the buyer.
 */
export function offerParties(pair: Pair, roles: Roles, senderId: string, senderIsSeller: boolean): Parties {
  if (!senderIsSeller) throw new ForbiddenError('Only sellers send custom offers: open a seller page with becomeSeller first.');
  if (roles.buyerId === senderId) throw new ForbiddenError('You are the buyer in this conversation; only the seller sends offers here.');
  const other = pair.participantA === senderId ? pair.participantB : pair.participantA;
  return { sellerId: senderId, buyerId: other };
}

/** The other participant. */
export function otherParticipant(pair: Pair, userId: string): string {
  return pair.participantA === userId ? pair.participantB : pair.participantA;
}
