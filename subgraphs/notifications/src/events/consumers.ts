import type { ConsumerDefinition } from '@jobgraph/kit';
import {
  ORDER_EVENTS,
  emailVerified,
  offerSent,
  passwordResetRequested,
  reviewCreated,
  userRegistered,
  type EmailVerified,
  type OfferSent,
  type OrderEvent,
  type OrderEventType,
  type PasswordResetRequested,
  type ReviewCreated,
  type UserRegistered,
} from './consumed.js';
import { ORDER_RECIPIENTS, offerMessage, orderMessage, passwordResetMessage, reviewMessage, verificationMessage, welcomeMessage } from '../domain/templates.js';
import { deliver } from '../services/delivery.js';
import { findRecipients, updateRecipientEmail, upsertRecipient } from '../services/recipients.js';
import type { NotificationsServices } from '../services/index.js';

// Consumers are built from the services, but only touch them inside `handle`: tooling (`pnpm events`) lists them
// without starting anything.

/** Account emails, and the read model of users' addresses and names that every other email needs. */
export const authEvents = (services: NotificationsServices): ConsumerDefinition => ({
  name: 'auth-events',
  events: [
    { producer: 'auth', type: 'user.registered', schema: userRegistered },
    { producer: 'auth', type: 'password-reset-requested', schema: passwordResetRequested },
    { producer: 'auth', type: 'user.email-verified', schema: emailVerified },
  ],
  async handle(event, tools) {
    const { em } = tools;
    if (event.type === 'user.registered') {
      const d = event.data as UserRegistered;
      await upsertRecipient(em, d, event.occurredAt);
      await deliver(services, event, tools, [{ recipientId: d.userId, to: d.email, message: verificationMessage(services.site, d) }]);
    } else if (event.type === 'password-reset-requested') {
      const d = event.data as PasswordResetRequested;
      await upsertRecipient(em, d, event.occurredAt);
      await deliver(services, event, tools, [{ recipientId: d.userId, to: d.email, message: passwordResetMessage(services.site, d) }]);
    } else {
      const d = event.data as EmailVerified;
      await updateRecipientEmail(em, d.userId, d.email, event.occurredAt);
      const username = (await findRecipients(em, [d.userId])).get(d.userId)?.username ?? null;
      await deliver(services, event, tools, [{ recipientId: d.userId, to: d.email, message: welcomeMessage(services.site, { email: d.email, username }) }]);
    }
  },
});

/** Order events: the buyer, the seller or both hear of each (ORDER_RECIPIENTS). */
export const orderEvents = (services: NotificationsServices): ConsumerDefinition => ({
  name: 'order-events',
  events: Object.entries(ORDER_EVENTS).map(([type, schema]) => ({ producer: 'orders', type, schema })),
  async handle(event, tools) {
    const order = { type: event.type as OrderEventType, data: event.data } as OrderEvent;
    const { buyerId, sellerId } = order.data;
    const known = await findRecipients(tools.em, [buyerId, sellerId]);
    const names = { buyerName: known.get(buyerId)?.username ?? null, sellerName: known.get(sellerId)?.username ?? null };
    await deliver(
      services,
      event,
      tools,
      ORDER_RECIPIENTS[order.type].map((party) => ({
        recipientId: party === 'buyer' ? buyerId : sellerId,
        message: orderMessage(services.site, order, party, names),
      })),
    );
  },
});

/** A seller's custom offer: the buyer hears of it. */
export const offerEvents = (services: NotificationsServices): ConsumerDefinition => ({
  name: 'offer-events',
  events: [{ producer: 'chat', type: 'offer.sent', schema: offerSent }],
  async handle(event, tools) {
    const d = event.data as OfferSent;
    const known = await findRecipients(tools.em, [d.buyerId, d.sellerId]);
    const names = { buyerName: known.get(d.buyerId)?.username ?? null, sellerName: known.get(d.sellerId)?.username ?? null };
    await deliver(services, event, tools, [{ recipientId: d.buyerId, message: offerMessage(services.site, d, names) }]);
  },
});

/** A new review: the reviewed user hears of it. */
export const reviewEvents = (services: NotificationsServices): ConsumerDefinition => ({
  name: 'review-events',
  events: [{ producer: 'reviews', type: 'review.created', schema: reviewCreated }],
  async handle(event, tools) {
    const d = event.data as ReviewCreated;
    const name = (await findRecipients(tools.em, [d.revieweeId])).get(d.revieweeId)?.username ?? null;
    await deliver(services, event, tools, [{ recipientId: d.revieweeId, message: reviewMessage(services.site, d, name) }]);
  },
});

export const consumers = (services: NotificationsServices): ConsumerDefinition[] => [
  authEvents(services),
  orderEvents(services),
  offerEvents(services),
  reviewEvents(services),
];
