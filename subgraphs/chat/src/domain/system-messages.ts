/**
 * The system messages that order events add to the parties' conversation: plain text both parties read, in the
 * words of neither. Pure, so the texts are unit-tested.
 */
export enum OrderEventKind {
  ORDER_PLACED = 'ORDER_PLACED',
  ORDER_DELIVERED = 'ORDER_DELIVERED',
  ORDER_COMPLETED = 'ORDER_COMPLETED',
  ORDER_CANCELLED = 'ORDER_CANCELLED',
  ORDER_DISPUTED = 'ORDER_DISPUTED',
  ORDER_DISPUTE_RESOLVED = 'ORDER_DISPUTE_RESOLVED',
}

/** Event type → the kind a system message records. */
export const ORDER_EVENT_KINDS = {
  'order.placed': OrderEventKind.ORDER_PLACED,
  'order.delivered': OrderEventKind.ORDER_DELIVERED,
  'order.completed': OrderEventKind.ORDER_COMPLETED,
  'order.cancelled': OrderEventKind.ORDER_CANCELLED,
  'order.disputed': OrderEventKind.ORDER_DISPUTED,
  'order.dispute-resolved': OrderEventKind.ORDER_DISPUTE_RESOLVED,
} as const;
export type ChatOrderEventType = keyof typeof ORDER_EVENT_KINDS;

export interface Money {
  amount: number;
  currency: string;
}

export interface OrderFacts {
  gigTitle: string;
  price: Money;
  total?: Money | null;
  dueAt?: string | null;
  message?: string | null;
  reason?: string | null;
  cancelledBy?: string | null;
  openedBy?: string | null;
  outcome?: string | null;
}

/** Integer minor units in the currency's own decimals, e.g. 12550 EUR → "€125.50". */
export function formatMoney(m: Money): string {
  const format = new Intl.NumberFormat('en-US', { style: 'currency', currency: m.currency });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(m.amount / 10 ** digits);
}

/** "2030-01-01 12:00 UTC": unambiguous for both parties, whatever their time zone. */
export function formatDate(iso: string): string {
  return `${new Date(iso).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

const WHO: Record<string, string> = { BUYER: 'the buyer', SELLER: 'the seller', ADMIN: 'support', SYSTEM: 'JobGraph' };
const OUTCOME: Record<string, string> = {
  REFUND: 'the buyer is refunded',
  RELEASE: 'the payment is released to the seller',
  SPLIT: 'the payment is split between buyer and seller',
};

/** One line, bounded: user-written reasons are quoted, cut at 500 characters. */
const quote = (text: string | null | undefined): string => {
  const t = (text ?? '').trim().replace(/\s+/g, ' ');
  if (!t) return '';
  return ` “${t.length > 500 ? `${t.slice(0, 499)}…` : t}”`;
};

export function systemMessageText(type: ChatOrderEventType, f: OrderFacts): string {
  const title = `“${f.gigTitle}”`;
  switch (type) {
    case 'order.placed':
      return `Order placed: ${title} for ${formatMoney(f.price)}${f.dueAt ? `, due ${formatDate(f.dueAt)}` : ''}.`;
    case 'order.delivered':
      return `The seller delivered ${title}.${quote(f.message)}`;
    case 'order.completed':
      return `Order completed: ${title}.`;
    case 'order.cancelled':
      return `Order cancelled${f.cancelledBy ? ` by ${WHO[f.cancelledBy] ?? 'someone'}` : ''}: ${title}.${quote(f.reason)}`;
    case 'order.disputed':
      return `A dispute was opened${f.openedBy ? ` by ${WHO[f.openedBy] ?? 'someone'}` : ''} on ${title}.${quote(f.reason)}`;
    case 'order.dispute-resolved':
      return `The dispute on ${title} was resolved${f.outcome && OUTCOME[f.outcome] ? `: ${OUTCOME[f.outcome]}` : ''}.`;
  }
}
