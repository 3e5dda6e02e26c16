import { Migration } from '@mikro-orm/migrations';
import { CATALOGUE } from '../domain/catalogue.js';

/** Seeds (and on later runs, updates) the category catalogue from domain/catalogue.ts. Written by hand. */
export class Migration20261121235235 extends Migration {
  override async up(): Promise<void> {
    const knex = this.getKnex();
    CATALOGUE.forEach((category, i) => {
      this.addSql(
        knex.raw(
          'insert into "category" (id, name, parent_id, position) values (?, ?, null, ?) on conflict (id) do update set name = excluded.name, position = excluded.position',
          [category.id, category.name, i],
        ),
      );
      category.subCategories.forEach((sub, j) => {
        this.addSql(
          knex.raw(
            'insert into "category" (id, name, parent_id, position) values (?, ?, ?, ?) on conflict (id) do update set name = excluded.name, parent_id = excluded.parent_id, position = excluded.position',
            [sub.id, sub.name, category.id, j],
          ),
        );
      });
    });
  }

  override async down(): Promise<void> {
    this.addSql('delete from "category"');
  }
}
