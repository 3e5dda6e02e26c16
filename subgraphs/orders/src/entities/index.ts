import { GigListing, Offer } from './read-models.js';
import { Order, OrderDelivery, OrderExtension, OrderRevision, OrderTimelineEntry } from './order.js';
import { LedgerAccount, LedgerEntry } from './ledger.js';
import { Payment, ProviderEvent, Refund, Withdrawal } from './payment.js';
import { IdempotencyKey } from './idempotency.js';
import { SandboxAttempt, SandboxOperation } from './sandbox.js';

export * from './read-models.js';
export * from './order.js';
export * from './ledger.js';
export * from './payment.js';
export * from './idempotency.js';
export * from './sandbox.js';

export const entities = [
  GigListing,
  Offer,
  Order,
  OrderDelivery,
  OrderExtension,
  OrderRevision,
  OrderTimelineEntry,
  LedgerEntry,
  LedgerAccount,
  Payment,
  Refund,
  Withdrawal,
  ProviderEvent,
  IdempotencyKey,
  SandboxOperation,
  SandboxAttempt,
];
