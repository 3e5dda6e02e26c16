/**
 * The events chat consumes and the `data` it needs of each (version 1); anything else goes to the consumer's DLQ.
 * Order events follow subgraphs/orders/src/events/published.ts (chat reads only the fields it shows); unknown extra
 * fields are ignored.
 */
import { z } from 'zod';
import { uuidField, moneyField } from '@jobgraph/kit';

const uuid = uuidField;
const dateTime = z.iso.datetime({ offset: true });
const money = moneyField;
const userText = (max: number) => z.string().max(max);

// --- users (producer `users`): who has a seller page ------------------------------------------------------------

export const sellerChanged = z.object({ userId: uuid });

// --- orders (producer `orders`, exchange `<namespace>.orders`) ---------------------------------------------------

const orderBase = {
  orderId: uuid,
  buyerId: uuid,
  sellerId: uuid,
  gigId: uuid.nullish(),
  gigTitle: z.string().min(1).max(500),
  offerId: uuid.nullish(),
  conversationId: uuid.nullish(),
  price: money,
  total: money.nullish(),
  dueAt: dateTime.nullish(),
};

export const orderPlaced = z.object(orderBase);
export const orderDelivered = z.object({ ...orderBase, message: userText(5000).nullish() });
export const orderCompleted = z.object(orderBase);
export const orderCancelled = z.object({ ...orderBase, reason: userText(5000).nullish(), cancelledBy: z.string().max(20).nullish() });
export const orderDisputed = z.object({ ...orderBase, reason: userText(5000).nullish(), openedBy: z.string().max(20).nullish() });
export const orderDisputeResolved = z.object({ ...orderBase, outcome: z.string().max(20).nullish(), note: userText(5000).nullish() });

export const ORDER_EVENTS = {
  'order.placed': orderPlaced,
  'order.delivered': orderDelivered,
  'order.completed': orderCompleted,
  'order.cancelled': orderCancelled,
  'order.disputed': orderDisputed,
  'order.dispute-resolved': orderDisputeResolved,
} as const;

export type OrderEventData = z.infer<typeof orderDisputeResolved> &
  Partial<z.infer<typeof orderDelivered> & z.infer<typeof orderCancelled> & z.infer<typeof orderDisputed>>;
export type SellerChanged = z.infer<typeof sellerChanged>;
