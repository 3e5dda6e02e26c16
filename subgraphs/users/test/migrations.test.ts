import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import type { MikroORM } from '@mikro-orm/postgresql';
import { createLogger, dropDatabase, openOrm, pendingSchemaChanges, withDatabase } from '@jobgraph/kit';
import { usersEntities, usersMigrations } from '@jobgraph/users';

const SERVER_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const url = withDatabase(SERVER_URL, `jobgraph_t_${randomBytes(6).toString('hex')}`);
let orm: MikroORM | undefined;

afterAll(async () => {
  await orm?.close(true);
  await dropDatabase(url);
});

describe('users migrations', () => {
  it('build on an empty database exactly the schema the entities declare, so a deploy never runs on a drifted schema', async () => {
    orm = await openOrm({ url, entities: usersEntities, migrations: usersMigrations, log: createLogger('test', 'silent') });

    const applied: Array<{ name: string }> = await orm.em.fork().execute('select name from mikro_orm_migrations order by id');
    expect(applied.map((m) => m.name)).toEqual(usersMigrations.map((m) => m.name));
    expect(await pendingSchemaChanges(orm)).toBe('');
  });
});
