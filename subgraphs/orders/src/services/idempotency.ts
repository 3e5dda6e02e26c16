import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { BadUserInputError, ConflictError } from '@jobgraph/kit';

export const IDEMPOTENCY_HEADER = 'idempotency-key';
/**
 * How long a first request may run before a repeat may take it over (it crashed). Longer than the slowest provider
 * call (Stripe: 30 s × 3 tries), so a repeat never runs beside a first request that is still alive.
 */
const LOCK_MS = 180_000;

/** The client's Idempotency-Key header: required by money-moving mutations; 1–255 visible ASCII characters. */
export function idempotencyKeyOf(req: { headers: Record<string, string | string[] | undefined> }): string {
  const raw = req.headers[IDEMPOTENCY_HEADER];
  const key = (Array.isArray(raw) ? raw[0] : raw)?.trim();
  if (!key) {
    throw new BadUserInputError('Idempotency-Key', 'This mutation needs an Idempotency-Key header (a unique value per intended action, e.g. a UUID, reused when retrying).');
  }
  if (key.length > 255 || !/^[\x21-\x7e]+$/.test(key)) {
    throw new BadUserInputError('Idempotency-Key', 'The Idempotency-Key header must be 1–255 visible ASCII characters.');
  }
  return key;
}

export function requestHash(operation: string, input: unknown): string {
  return createHash('sha256').update(JSON.stringify([operation, input])).digest('hex');
}

export type Begun = { kind: 'new' } | { kind: 'done'; resultId: string };

/**
 * Claims `key` for this request, in its own short transaction. A finished request with the same body returns its
 * result; another body, or a first request still running, is CONFLICT; an abandoned one is taken over.
 */
export async function beginIdempotent(em: EntityManager, userId: string, key: string, operation: string, hash: string): Promise<Begun> {
  return em.transactional(async (tx: EntityManager) => {
    const inserted: unknown[] = await tx.execute(
      `insert into idempotency_key (user_id, key, operation, request_hash, locked_until, created_at)
       values (?, ?, ?, ?, now() + ? * interval '1 millisecond', now()) on conflict do nothing returning key`,
      [userId, key, operation, hash, LOCK_MS],
    );
    if (inserted.length > 0) return { kind: 'new' } as const;
    const rows: Array<{ operation: string; request_hash: string; result_id: string | null; busy: boolean }> = await tx.execute(
      `select operation, request_hash, result_id, coalesce(locked_until > now(), false) as busy
       from idempotency_key where user_id = ? and key = ? for update`,
      [userId, key],
    );
    const row = rows[0];
    if (!row) throw new ConflictError('This Idempotency-Key is being released; retry.');
    if (row.operation !== operation || row.request_hash !== hash) {
      throw new ConflictError('This Idempotency-Key was already used for a different request; use a new key for a new action.', {
        field: 'Idempotency-Key',
      });
    }
    if (row.result_id) return { kind: 'done', resultId: row.result_id } as const;
    if (row.busy) throw new ConflictError('The first request with this Idempotency-Key is still being processed; retry in a moment.');
    await tx.execute(`update idempotency_key set locked_until = now() + ? * interval '1 millisecond' where user_id = ? and key = ?`, [LOCK_MS, userId, key]);
    return { kind: 'new' } as const;
  });
}

/** Records the result, in the transaction that produced it. */
export async function completeIdempotent(em: EntityManager, userId: string, key: string, resultId: string): Promise<void> {
  await em.execute('update idempotency_key set result_id = ?, locked_until = null where user_id = ? and key = ?', [resultId, userId, key]);
}

/** Nothing happened (bad input, a declined card): the key is free again. */
export async function forgetIdempotent(em: EntityManager, userId: string, key: string): Promise<void> {
  await em.execute('delete from idempotency_key where user_id = ? and key = ? and result_id is null', [userId, key]);
}

/**
 * The outcome is unknown (the provider did not answer): keep the key bound to this body but unlock it, so the
 * client's retry with the same key takes over and the provider's own idempotency makes it one charge.
 */
export async function releaseIdempotent(em: EntityManager, userId: string, key: string): Promise<void> {
  await em.execute('update idempotency_key set locked_until = null where user_id = ? and key = ? and result_id is null', [userId, key]);
}
