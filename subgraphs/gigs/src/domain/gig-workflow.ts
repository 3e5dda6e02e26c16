import { ConflictError } from '@jobgraph/kit';

/**
 * The moderation workflow: DRAFT → PENDING_REVIEW → PUBLISHED | REJECTED, then PAUSED ⇄ PUBLISHED.
 * A rejected gig can be edited and submitted again. Deletion is soft and allowed from any state.
 */
export enum GigStatus {
  DRAFT = 'DRAFT',
  PENDING_REVIEW = 'PENDING_REVIEW',
  PUBLISHED = 'PUBLISHED',
  REJECTED = 'REJECTED',
  PAUSED = 'PAUSED',
}

export type GigAction = 'submit' | 'approve' | 'reject' | 'pause' | 'resume';

const TRANSITIONS: Record<GigAction, { from: GigStatus[]; to: GigStatus }> = {
  submit: { from: [GigStatus.DRAFT, GigStatus.REJECTED], to: GigStatus.PENDING_REVIEW },
  approve: { from: [GigStatus.PENDING_REVIEW], to: GigStatus.PUBLISHED },
  reject: { from: [GigStatus.PENDING_REVIEW], to: GigStatus.REJECTED },
  pause: { from: [GigStatus.PUBLISHED], to: GigStatus.PAUSED },
  resume: { from: [GigStatus.PAUSED], to: GigStatus.PUBLISHED },
};

/** The status after `action`, or CONFLICT naming what is allowed. */
export function transition(current: GigStatus, action: GigAction): GigStatus {
  const rule = TRANSITIONS[action];
  if (!rule.from.includes(current)) {
    throw new ConflictError(`A ${current} gig cannot be ${pastTense(action)}; only a gig that is ${rule.from.join(' or ')} can.`, {
      status: current,
    });
  }
  return rule.to;
}

function pastTense(action: GigAction): string {
  return { submit: 'submitted for review', approve: 'approved', reject: 'rejected', pause: 'paused', resume: 'resumed' }[action];
}

/** Editing what buyers read (title or description) of a live gig sends it back to review. */
export function statusAfterEdit(current: GigStatus, changedListingText: boolean): GigStatus {
  if (changedListingText && (current === GigStatus.PUBLISHED || current === GigStatus.PAUSED)) return GigStatus.PENDING_REVIEW;
  return current;
}

/** Who but the owner may see a gig that is not published: only admins. */
export const isPublic = (status: GigStatus): boolean => status === GigStatus.PUBLISHED;
