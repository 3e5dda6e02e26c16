// Operator command: `pnpm admin grant <email>` / `pnpm admin revoke <email>`.
import { MikroORM } from '@mikro-orm/postgresql';
import { ConfigError, ensureDatabase, ormConfig, serviceDatabaseUrl } from '@jobgraph/kit';
import { entities } from './entities/index.js';
import { migrations } from './migrations/index.js';
import { loadAuthConfig } from './config.js';
import { setAdmin } from './admin-roles.js';

const [command, email] = process.argv.slice(2);
if ((command !== 'grant' && command !== 'revoke') || !email) {
  console.error('usage: pnpm admin grant <email>   |   pnpm admin revoke <email>');
  process.exit(2);
}
try {
  const config = loadAuthConfig();
  const url = serviceDatabaseUrl('auth', config);
  await ensureDatabase(url);
  const orm = await MikroORM.init(ormConfig({ url, entities, migrations }));
  try {
    await orm.getMigrator().up();
    const user = await setAdmin(orm, email, command === 'grant');
    console.log(`${user.email} (${user.username}) now has roles: ${user.roles.join(', ') || '(none)'}; effective at their next sign-in or refresh.`);
  } finally {
    await orm.close();
  }
} catch (err) {
  console.error(err instanceof ConfigError ? err.message : `failed: ${(err as Error).message}`);
  process.exit(1);
}
