import type { EntityManager } from '@mikro-orm/postgresql';

export interface RecipientRow {
  userId: string;
  email: string;
  username: string;
}

/** Records a user's address and name from auth's events; an event older than the row changes nothing. */
export async function upsertRecipient(em: EntityManager, user: RecipientRow, occurredAt: string): Promise<void> {
  await em.execute(
    `insert into recipient (user_id, email, username, updated_at) values (?, ?, ?, ?)
     on conflict (user_id) do update set email = excluded.email, username = excluded.username, updated_at = excluded.updated_at
     where recipient.updated_at <= excluded.updated_at`,
    [user.userId, user.email, user.username, occurredAt],
  );
}

/** A verified (possibly changed) address; the name is kept. */
export async function updateRecipientEmail(em: EntityManager, userId: string, email: string, occurredAt: string): Promise<void> {
  await em.execute('update recipient set email = ?, updated_at = ? where user_id = ? and updated_at <= ?', [email, occurredAt, userId, occurredAt]);
}

/** The known users among `ids`, by id. */
export async function findRecipients(em: EntityManager, ids: string[]): Promise<Map<string, RecipientRow>> {
  if (ids.length === 0) return new Map();
  const rows: Array<{ user_id: string; email: string; username: string }> = await em.execute(
    'select user_id, email, username from recipient where user_id in (?)',
    [ids],
  );
  return new Map(rows.map((r) => [r.user_id, { userId: r.user_id, email: r.email, username: r.username }]));
}
