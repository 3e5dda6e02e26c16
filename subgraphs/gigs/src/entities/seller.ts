import { Entity, PrimaryKey, Property } from '@mikro-orm/core';

/** Gigs' own read model of sellers, fed by `seller.created` / `seller.updated`: who may create gigs. */
@Entity({ tableName: 'seller' })
export class Seller {
  @PrimaryKey({ type: 'uuid' })
  userId!: string;

  @Property({ type: 'string', length: 30 })
  username!: string;

  @Property({ type: 'datetime' })
  updatedAt: Date = new Date();
}
