import type { EntityManager } from '@mikro-orm/postgresql';
import { newId } from '@jobgraph/kit';
import { LedgerEntry } from '../entities/index.js';
import type { LedgerTransaction } from '../domain/ledger-postings.js';

/** Writes one balanced ledger transaction in the caller's database transaction. */
export async function post(em: EntityManager, tx: LedgerTransaction, refs: { orderId?: string; withdrawalId?: string } = {}): Promise<void> {
  const transactionId = newId();
  const now = new Date();
  // Postings need no account row (balances are sums of entries); rows exist only to be locked (lockAccount).
  for (const p of tx.postings) {
    em.persist(
      em.create(LedgerEntry, {
        id: newId(),
        transactionId,
        kind: tx.kind,
        account: p.account,
        amount: String(p.amount),
        currency: tx.currency,
        orderId: refs.orderId ?? null,
        withdrawalId: refs.withdrawalId ?? null,
        createdAt: now,
      }),
    );
  }
}

async function ensureAccounts(em: EntityManager, accounts: string[]): Promise<void> {
  const unique = [...new Set(accounts)];
  await em.execute(
    `insert into ledger_account (id, created_at) values ${unique.map(() => '(?, now())').join(', ')} on conflict (id) do nothing`,
    unique,
  );
}

/** An account's balance: the sum of its postings (minor units). */
export async function balanceOf(em: EntityManager, account: string, currency: string): Promise<number> {
  const rows: Array<{ balance: string | null }> = await em.execute(
    'select sum(amount) as balance from ledger_entry where account = ? and currency = ?',
    [account, currency],
  );
  return Number(rows[0]?.balance ?? 0);
}

/**
 * Locks an account for the rest of the transaction, so a check-then-spend (a withdrawal) cannot race another one.
 * The row is created first if the account has never been used.
 */
export async function lockAccount(em: EntityManager, account: string): Promise<void> {
  await ensureAccounts(em, [account]);
  await em.execute('select id from ledger_account where id = ? for update', [account]);
}
