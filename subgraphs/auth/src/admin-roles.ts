import type { MikroORM } from '@mikro-orm/postgresql';
import { NotFoundError } from '@jobgraph/kit';
import { User } from './entities/index.js';

/**
 * Grants or revokes the admin role (operators only: there is no API for it). The change reaches the user's
 * access token at their next refresh, at most ACCESS_TOKEN_TTL_SECONDS later.
 */
export async function setAdmin(orm: MikroORM, email: string, admin: boolean): Promise<User> {
  const em = orm.em.fork();
  const user = await em.findOne(User, { email: email.trim().toLowerCase() });
  if (!user) throw new NotFoundError(`No account has the email ${email}.`);
  const roles = new Set(user.roles);
  if (admin) roles.add('admin');
  else roles.delete('admin');
  user.roles = [...roles].sort();
  await em.flush();
  return user;
}
