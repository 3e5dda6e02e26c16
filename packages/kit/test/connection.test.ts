import { describe, expect, it } from 'vitest';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, decodeCursor, encodeCursor, pageSize, toConnection } from '@jobgraph/kit';

function refusal(fn: () => unknown): { extensions: Record<string, unknown> } {
  try {
    fn();
  } catch (error) {
    return error as { extensions: Record<string, unknown> };
  }
  throw new Error('expected a refusal');
}

describe('page size', () => {
  it(`returns ${DEFAULT_PAGE_SIZE} items when the client does not say how many`, () => {
    expect(pageSize(undefined)).toBe(DEFAULT_PAGE_SIZE);
    expect(pageSize(null)).toBe(DEFAULT_PAGE_SIZE);
  });

  it(`accepts 1 to ${MAX_PAGE_SIZE}`, () => {
    expect(pageSize(1)).toBe(1);
    expect(pageSize(MAX_PAGE_SIZE)).toBe(MAX_PAGE_SIZE);
  });

  it.each([0, -1, MAX_PAGE_SIZE + 1, 2.5])('refuses first = %s as bad input on the field `first`', (first) => {
    expect(refusal(() => pageSize(first)).extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'first' });
  });
});

describe('cursors', () => {
  it('round-trips the sort key of the last item', () => {
    const cursor = encodeCursor(['2026-01-01T00:00:00.000Z', 'a1b2']);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor, 2)).toEqual(['2026-01-01T00:00:00.000Z', 'a1b2']);
    expect(decodeCursor(encodeCursor([42]), 1)).toEqual([42]);
  });

  it('starts from the beginning when there is no cursor', () => {
    expect(decodeCursor(null, 2)).toBeNull();
    expect(decodeCursor(undefined, 2)).toBeNull();
  });

  it.each([
    ['garbage', '!!!not-a-cursor'],
    ['base64 that is not JSON', Buffer.from('hello').toString('base64url')],
    ['JSON that is not a list', Buffer.from('{"a":1}').toString('base64url')],
    ['a list of the wrong length', encodeCursor(['only-one'])],
    ['a list with an object in it', Buffer.from('[{"x":1},"a"]').toString('base64url')],
    ['an empty string', ''],
  ])('refuses %s as bad input on the field `after`', (_what, cursor) => {
    expect(refusal(() => decodeCursor(cursor, 2)).extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'after' });
  });
});

describe('toConnection', () => {
  const rows = [{ id: 'a' }, { id: 'b' }, { id: 'c' }];
  const cursorOf = (row: { id: string }) => [row.id];

  it('says more pages follow when the extra row was fetched, and drops that row', () => {
    const page = toConnection(rows, 2, cursorOf);
    expect(page.edges.map((e) => e.node.id)).toEqual(['a', 'b']);
    expect(page.pageInfo.hasNextPage).toBe(true);
    expect(page.pageInfo.endCursor).toBe(page.edges[1].cursor);
    // The next page continues after "b".
    expect(decodeCursor(page.pageInfo.endCursor, 1)).toEqual(['b']);
  });

  it('says the list is over when fewer rows than size + 1 came back', () => {
    const page = toConnection(rows, 3, cursorOf);
    expect(page.edges).toHaveLength(3);
    expect(page.pageInfo.hasNextPage).toBe(false);
    expect(decodeCursor(page.pageInfo.endCursor, 1)).toEqual(['c']);
  });

  it('has no end cursor for an empty page', () => {
    expect(toConnection([], 5, cursorOf)).toEqual({ edges: [], pageInfo: { hasNextPage: false, endCursor: null } });
  });
});
