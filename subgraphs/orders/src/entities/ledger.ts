import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';
import type { PostingKind } from '../domain/ledger-postings.js';

/**
 * One posting of the double-entry ledger. Append-only: a mistake is corrected by a reversing transaction, never an
 * update. The postings of one `transactionId` sum to zero (domain/ledger-postings.ts builds them).
 */
@Entity({ tableName: 'ledger_entry' })
@Index({ properties: ['account', 'currency', 'createdAt'] })
@Index({ properties: ['orderId'] })
export class LedgerEntry {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Property({ type: 'uuid' })
  transactionId!: string;

  @Property({ type: 'string', length: 30 })
  kind!: PostingKind;

  @Property({ type: 'string', length: 60 })
  account!: string;

  /** Signed minor units. bigint in the database: the platform's accounts add up every order ever. */
  @Property({ type: 'bigint', columnType: 'bigint' })
  amount!: string;

  @Property({ type: 'string', length: 3 })
  currency!: string;

  @Property({ type: 'uuid', nullable: true })
  orderId: string | null = null;

  @Property({ type: 'uuid', nullable: true })
  withdrawalId: string | null = null;

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();
}

/**
 * One row per ledger account, so a movement that must not overdraw it (a withdrawal) can lock the account with
 * `for update` while it sums the postings.
 */
@Entity({ tableName: 'ledger_account' })
export class LedgerAccount {
  @PrimaryKey({ type: 'string', length: 60 })
  id!: string;

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();
}
