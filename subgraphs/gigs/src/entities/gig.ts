import { ArrayType, Entity, Enum, Index, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { GigStatus } from '../domain/gig-workflow.js';

/**
 * A service a seller offers. `search` (weighted title > tags > description) is kept by a trigger from the
 * migration, and `title` has a trigram index for typo-tolerant matching.
 */
@Entity({ tableName: 'gig' })
@Index({ properties: ['sellerId', 'createdAt'] })
@Index({ properties: ['status', 'categoryId', 'publishedAt'] })
@Index({ properties: ['status', 'price'] })
@Index({ properties: ['status', 'ratingAverage'] })
@Index({ name: 'gig_search_index', expression: 'create index "gig_search_index" on "gig" using gin ("search")' })
@Index({ name: 'gig_title_trgm_index', expression: 'create index "gig_title_trgm_index" on "gig" using gin ("title" gin_trgm_ops)' })
export class Gig {
  [OptionalProps]?:
    | 'ratingCount'
    | 'ratingSum'
    | 'ratingAverage'
    | 'stars1'
    | 'stars2'
    | 'stars3'
    | 'stars4'
    | 'stars5'
    | 'version'
    | 'search';

  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Property({ type: 'uuid' })
  sellerId!: string;

  @Property({ type: 'string', length: 80 })
  title!: string;

  @Property({ type: 'text' })
  description!: string;

  @Property({ type: 'string', length: 60 })
  basicTitle!: string;

  @Property({ type: 'string', length: 300 })
  basicDescription!: string;

  @Property({ type: 'string', length: 60 })
  categoryId!: string;

  @Property({ type: 'string', length: 60, nullable: true })
  subCategoryId: string | null = null;

  @Property({ type: ArrayType })
  @Index({ type: 'gin' })
  tags: string[] = [];

  /** Minor units of `currency`. */
  @Property({ type: 'integer' })
  price!: number;

  @Property({ type: 'string', length: 3 })
  currency!: string;

  @Property({ type: 'integer' })
  deliveryDays!: number;

  @Property({ type: 'string', length: 500, nullable: true })
  coverImageUrl: string | null = null;

  @Enum({ items: () => GigStatus, nativeEnumName: 'gig_status' })
  status: GigStatus = GigStatus.DRAFT;

  @Property({ type: 'string', length: 500, nullable: true })
  rejectionReason: string | null = null;

  @Property({ type: 'integer' })
  ratingCount: number = 0;

  @Property({ type: 'integer' })
  ratingSum: number = 0;

  /** Derived from count and sum on every review event; stored so RATING sorts use an index. */
  @Property({ type: 'double' })
  ratingAverage: number = 0;

  @Property({ type: 'integer' }) stars1: number = 0;
  @Property({ type: 'integer' }) stars2: number = 0;
  @Property({ type: 'integer' }) stars3: number = 0;
  @Property({ type: 'integer' }) stars4: number = 0;
  @Property({ type: 'integer' }) stars5: number = 0;

  @Property({ type: 'tsvector', nullable: true, lazy: true, hidden: true })
  search: string | null = null;

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();

  @Property({ type: 'datetime' })
  updatedAt: Date = new Date();

  @Property({ type: 'datetime', nullable: true })
  publishedAt: Date | null = null;

  /** Soft delete: the row stays for orders and reviews that point at it. */
  @Property({ type: 'datetime', nullable: true })
  deletedAt: Date | null = null;

  /** Optimistic lock: of two concurrent changes to one gig, the second fails with CONFLICT instead of winning silently. */
  @Property({ type: 'integer', version: true })
  version: number = 1;
}
