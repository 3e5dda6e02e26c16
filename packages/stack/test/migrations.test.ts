import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createLogger, dropDatabase, openOrm, pendingSchemaChanges, withDatabase } from '@jobgraph/kit';
import { SUBGRAPHS } from '@jobgraph/stack';

const SERVER_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

describe('each subgraph\'s committed migrations', () => {
  for (const subgraph of SUBGRAPHS) {
    it(`build for ${subgraph.name}, on an empty database, exactly the schema its entities declare (no deploy runs on a drifted schema)`, async () => {
      const { entities, migrations } = subgraph.definition({});
      const url = withDatabase(SERVER_URL, `jobgraph_t_${randomBytes(6).toString('hex')}`);
      const orm = await openOrm({ url, entities, migrations, log: createLogger('test', 'silent') });
      try {
        const applied: Array<{ name: string }> = await orm.em.fork().execute('select name from mikro_orm_migrations order by id');
        expect(applied.map((m) => m.name)).toEqual(migrations.map((m) => m.name));
        expect(await pendingSchemaChanges(orm)).toBe('');
      } finally {
        await orm.close(true);
        await dropDatabase(url);
      }
    });
  }
});
