import { Entity, PrimaryKey, Property, Unique, ArrayType } from '@mikro-orm/core';

/** An account: the identity every other subgraph refers to by `id`. */
@Entity({ tableName: 'app_user' })
export class User {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  /** Stored lower-case; unique. */
  @Property({ type: 'string', length: 254 })
  @Unique()
  email!: string;

  /** Stored lower-case; unique. */
  @Property({ type: 'string', length: 30 })
  @Unique()
  username!: string;

  @Property({ type: 'text', hidden: true })
  passwordHash!: string;

  @Property({ type: 'boolean' })
  emailVerified: boolean = false;

  @Property({ type: ArrayType })
  roles: string[] = [];

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();

  @Property({ type: 'datetime' })
  passwordChangedAt: Date = new Date();
}
