/**
 * Every event notifications consumes, and the `data` it expects of each (version 1). auth's payloads exist today;
 * those of orders, chat and reviews are what notifications needs from them when they are built — README's events
 * table lists the same fields. A message that does not match goes to the consumer's DLQ with the reason.
 */
import { z } from 'zod';
import { uuidField, moneyField } from '@jobgraph/kit';

const uuid = uuidField;
/** As auth stores them (normalised, one @); no whitespace, so nothing can spill into a mail header. */
const email = z.string().max(254).regex(/^[^\s@]+@[^\s@]+$/, 'must be an email address');
const username = z.string().min(1).max(30);
const dateTime = z.iso.datetime({ offset: true });
const money = moneyField;
/** Free text a user typed (a reason, a delivery note): shown as text, never as markup. */
const userText = (max: number) => z.string().max(max);

// --- auth (producer `auth`, exchange `<namespace>.auth`) ---------------------------------------------------------

export const userRegistered = z.object({
  userId: uuid,
  email,
  username,
  /** Raw single-use token: it goes into the email's link only, never into a table or a log. */
  verificationToken: z.string().min(1).max(200),
  verificationExpiresAt: dateTime,
});

export const passwordResetRequested = z.object({
  userId: uuid,
  email,
  username,
  /** Raw single-use token: it goes into the email's link only, never into a table or a log. */
  resetToken: z.string().min(1).max(200),
  expiresAt: dateTime,
});

export const emailVerified = z.object({ userId: uuid, email });

// --- orders (producer `orders`, exchange `<namespace>.orders`) ---------------------------------------------------

/** Fields every order event carries: who the two parties are and what was ordered. */
const orderBase = {
  orderId: uuid,
  buyerId: uuid,
  sellerId: uuid,
  gigTitle: z.string().min(1).max(200),
};

export const orderPlaced = z.object({ ...orderBase, price: money, dueAt: dateTime });
export const orderDelivered = z.object({ ...orderBase, message: userText(2000).nullish() });
export const orderRevisionRequested = z.object({ ...orderBase, reason: userText(2000).nullish() });
export const orderExtensionRequested = z.object({ ...orderBase, extraDays: z.number().int().min(1).max(90), reason: userText(2000).nullish() });
export const orderExtensionDecided = z.object({
  ...orderBase,
  approved: z.boolean(),
  extraDays: z.number().int().min(1).max(90),
  /** The due date after the decision. */
  dueAt: dateTime.nullish(),
});
export const orderCompleted = z.object(orderBase);
export const orderCancelled = z.object({ ...orderBase, reason: userText(2000).nullish(), cancelledBy: z.enum(['BUYER', 'SELLER', 'ADMIN', 'SYSTEM']).nullish() });
export const orderDisputed = z.object({ ...orderBase, reason: userText(2000).nullish(), openedBy: z.enum(['BUYER', 'SELLER']).nullish() });

/** The order events and their schemas, by type. */
export const ORDER_EVENTS = {
  'order.placed': orderPlaced,
  'order.delivered': orderDelivered,
  'order.revision-requested': orderRevisionRequested,
  'order.extension-requested': orderExtensionRequested,
  'order.extension-decided': orderExtensionDecided,
  'order.completed': orderCompleted,
  'order.cancelled': orderCancelled,
  'order.disputed': orderDisputed,
} as const;
export type OrderEventType = keyof typeof ORDER_EVENTS;
/** An order event's type with its parsed data, so templates can switch on the type. */
export type OrderEvent = { [T in OrderEventType]: { type: T; data: z.infer<(typeof ORDER_EVENTS)[T]> } }[OrderEventType];

// --- chat (producer `chat`, exchange `<namespace>.chat`) ---------------------------------------------------------

/** A seller's custom offer to a buyer in a conversation. */
export const offerSent = z.object({
  offerId: uuid,
  conversationId: uuid.nullish(),
  buyerId: uuid,
  sellerId: uuid,
  description: z.string().min(1).max(2000),
  price: money,
  deliveryDays: z.number().int().min(1).max(365).nullish(),
});

// --- reviews (producer `reviews`, fanout exchange `<namespace>.review.created`) -----------------------------------

export const reviewCreated = z.object({
  reviewId: uuid,
  /** The order reviewed (reviews sends it; the link when the order had no gig). */
  orderId: uuid.nullish(),
  /** Null for a review of a custom offer that named no gig. */
  gigId: uuid.nullish(),
  /** Who is reviewed (the seller for a buyer's review, the buyer for a seller's): the one notified. */
  revieweeId: uuid,
  reviewerUsername: username,
  rating: z.number().int().min(1).max(5),
  kind: z.enum(['BUYER_TO_SELLER', 'SELLER_TO_BUYER']).nullish(),
  comment: userText(2000).nullish(),
});

export type UserRegistered = z.infer<typeof userRegistered>;
export type PasswordResetRequested = z.infer<typeof passwordResetRequested>;
export type EmailVerified = z.infer<typeof emailVerified>;
export type OfferSent = z.infer<typeof offerSent>;
export type ReviewCreated = z.infer<typeof reviewCreated>;
export type Money = z.infer<typeof money>;
