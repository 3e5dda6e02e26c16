import { Entity, PrimaryKey, Property } from '@mikro-orm/core';

/** Chat's read model of who has a seller page, from users' `seller.created`: who may send custom offers. */
@Entity({ tableName: 'seller' })
export class Seller {
  @PrimaryKey({ type: 'uuid' })
  userId!: string;

  @Property({ type: 'datetime' })
  updatedAt!: Date;
}
