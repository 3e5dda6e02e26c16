import { BadUserInputError } from '@jobgraph/kit';

/** What a notification is about; one per message a user can receive. */
export enum NotificationKind {
  EMAIL_VERIFICATION = 'EMAIL_VERIFICATION',
  PASSWORD_RESET = 'PASSWORD_RESET',
  WELCOME = 'WELCOME',
  ORDER_PLACED = 'ORDER_PLACED',
  ORDER_DELIVERED = 'ORDER_DELIVERED',
  ORDER_REVISION_REQUESTED = 'ORDER_REVISION_REQUESTED',
  ORDER_EXTENSION_REQUESTED = 'ORDER_EXTENSION_REQUESTED',
  ORDER_EXTENSION_DECIDED = 'ORDER_EXTENSION_DECIDED',
  ORDER_COMPLETED = 'ORDER_COMPLETED',
  ORDER_CANCELLED = 'ORDER_CANCELLED',
  ORDER_DISPUTED = 'ORDER_DISPUTED',
  OFFER_RECEIVED = 'OFFER_RECEIVED',
  REVIEW_RECEIVED = 'REVIEW_RECEIVED',
}

/** The field of `NotificationPreferences` (and of its update input) that switches each kind's email. */
export const PREFERENCE_FIELD = {
  EMAIL_VERIFICATION: 'emailVerification',
  PASSWORD_RESET: 'passwordReset',
  WELCOME: 'welcome',
  ORDER_PLACED: 'orderPlaced',
  ORDER_DELIVERED: 'orderDelivered',
  ORDER_REVISION_REQUESTED: 'orderRevisionRequested',
  ORDER_EXTENSION_REQUESTED: 'orderExtensionRequested',
  ORDER_EXTENSION_DECIDED: 'orderExtensionDecided',
  ORDER_COMPLETED: 'orderCompleted',
  ORDER_CANCELLED: 'orderCancelled',
  ORDER_DISPUTED: 'orderDisputed',
  OFFER_RECEIVED: 'offerReceived',
  REVIEW_RECEIVED: 'reviewReceived',
} as const satisfies Record<NotificationKind, string>;

export type PreferenceField = (typeof PREFERENCE_FIELD)[NotificationKind];
export type EmailPreferences = Record<PreferenceField, boolean>;
export type EmailPreferenceChanges = Partial<Record<PreferenceField, boolean | null>>;

/**
 * Security emails: without them nobody could prove an address or get back into an account, so a user cannot turn
 * them off (an attacker with a stolen session could otherwise silence the reset mail of the account they took).
 */
export const SECURITY_KINDS: ReadonlySet<NotificationKind> = new Set([NotificationKind.EMAIL_VERIFICATION, NotificationKind.PASSWORD_RESET]);

const KINDS = Object.values(NotificationKind);

/** Whether `kind` goes out by email for a user whose switched-off kinds are `emailOff`. In-app is always stored. */
export function wantsEmail(kind: NotificationKind, emailOff: readonly string[]): boolean {
  return SECURITY_KINDS.has(kind) || !emailOff.includes(kind);
}

/** The preferences as the API shows them: every kind, on unless switched off. */
export function emailPreferences(emailOff: readonly string[]): EmailPreferences {
  return Object.fromEntries(KINDS.map((kind) => [PREFERENCE_FIELD[kind], wantsEmail(kind, emailOff)])) as EmailPreferences;
}

/**
 * The switched-off kinds after `changes` (omitted or null fields stay as they are). Turning a security email off is
 * BAD_USER_INPUT naming its field; turning it "on" is accepted, since it is on anyway.
 */
export function applyPreferenceChanges(emailOff: readonly string[], changes: EmailPreferenceChanges): NotificationKind[] {
  const off = new Set(KINDS.filter((kind) => emailOff.includes(kind)));
  for (const kind of KINDS) {
    const value = changes[PREFERENCE_FIELD[kind]];
    if (value === undefined || value === null) continue;
    if (!value && SECURITY_KINDS.has(kind)) {
      throw new BadUserInputError(PREFERENCE_FIELD[kind], `${PREFERENCE_FIELD[kind]} emails keep your account safe and cannot be turned off.`);
    }
    if (value) off.delete(kind);
    else off.add(kind);
  }
  return KINDS.filter((kind) => off.has(kind));
}
