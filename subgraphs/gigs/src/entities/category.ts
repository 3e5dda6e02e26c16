import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';

/** A category or sub-category of the catalogue (domain/catalogue.ts), seeded by a migration. */
@Entity({ tableName: 'category' })
@Index({ properties: ['parentId', 'position'] })
export class Category {
  @PrimaryKey({ type: 'string', length: 60 })
  id!: string;

  @Property({ type: 'string', length: 80 })
  name!: string;

  @Property({ type: 'string', length: 60, nullable: true })
  parentId: string | null = null;

  @Property({ type: 'integer' })
  position: number = 0;
}
