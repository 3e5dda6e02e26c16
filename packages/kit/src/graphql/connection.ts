import { ArgsType, Directive, Field, Int, ObjectType, type ClassType } from 'type-graphql';
import { BadUserInputError } from '../errors.js';
import { isUuid } from '../ids.js';

/** Bounds of every list in the API: a client cannot ask for an unbounded page. */
export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

@ObjectType({ description: 'Where a page of a cursor connection sits in the whole list.' })
@Directive('@shareable')
export class PageInfo {
  @Field(() => Boolean, { description: 'True when more items follow the last edge of this page.' })
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true, description: 'Cursor of the last edge; pass it as `after` for the next page.' })
  endCursor!: string | null;
}

@ArgsType()
export class PageArgs {
  @Field(() => Int, { nullable: true, description: `How many items to return (1–${MAX_PAGE_SIZE}, default ${DEFAULT_PAGE_SIZE}).` })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'Return items after this cursor (a previous page\'s `endCursor`).' })
  after?: string | null;
}

export interface Edge<T> {
  cursor: string;
  node: T;
}
export interface Connection<T> {
  edges: Edge<T>[];
  pageInfo: PageInfo;
}

/** Declares `<Name>Connection` and `<Name>Edge` types for a node type. */
export function ConnectionType<T extends object>(node: ClassType<T>, name: string, description: string) {
  @ObjectType(`${name}Edge`, { description: `One ${name} in a page, with its cursor.` })
  class EdgeClass {
    @Field(() => String, { description: 'Opaque position of this edge; pass it as `after` to continue from here.' })
    cursor!: string;

    @Field(() => node, { description: `The ${name}.` })
    node!: T;
  }
  @ObjectType(`${name}Connection`, { description })
  class ConnectionClass {
    @Field(() => [EdgeClass], { description: 'The items of this page, in order.' })
    edges!: EdgeClass[];

    @Field(() => PageInfo, { description: 'Whether more pages follow, and from where.' })
    pageInfo!: PageInfo;
  }
  return ConnectionClass;
}

/** Validates `first`, defaulting it. */
export function pageSize(first: number | null | undefined): number {
  if (first === null || first === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    throw new BadUserInputError('first', `first must be between 1 and ${MAX_PAGE_SIZE}.`);
  }
  return first;
}

/** Keyset cursors: the sort key values of an item, opaque to clients. */
export function encodeCursor(values: (string | number)[]): string {
  return Buffer.from(JSON.stringify(values), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string | null | undefined, arity: number): (string | number)[] | null {
  if (cursor === null || cursor === undefined) return null;
  try {
    const values: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(values) && values.length === arity && values.every((v) => typeof v === 'string' || typeof v === 'number')) {
      return values as (string | number)[];
    }
  } catch {
    // fall through
  }
  throw new BadUserInputError('after', 'after is not a cursor this list issued.');
}

/**
 * The cursor of a newest-first list ordered by (timestamp, id) — what most lists here are — checked and parsed;
 * null when absent. Pair it with `toConnection(rows, size, (r) => [r.createdAt.toISOString(), r.id])`.
 */
export function decodeTimeIdCursor(cursor: string | null | undefined, field = 'after'): { at: Date; id: string } | null {
  const refuse = (): never => {
    throw new BadUserInputError(field, `${field} is not a cursor this list issued.`);
  };
  let values: (string | number)[] | null = null;
  try {
    values = decodeCursor(cursor, 2);
  } catch {
    refuse();
  }
  if (!values) return null;
  const [at, id] = values;
  if (typeof at !== 'string' || Number.isNaN(Date.parse(at)) || typeof id !== 'string' || !isUuid(id)) refuse();
  return { at: new Date(at as string), id: id as string };
}

/** Builds a connection from `size + 1` fetched rows (the extra row only tells whether a next page exists). */
export function toConnection<T>(rows: T[], size: number, cursorOf: (row: T) => (string | number)[]): Connection<T> {
  const page = rows.slice(0, size);
  const edges = page.map((node) => ({ node, cursor: encodeCursor(cursorOf(node)) }));
  return { edges, pageInfo: { hasNextPage: rows.length > size, endCursor: edges.at(-1)?.cursor ?? null } };
}
