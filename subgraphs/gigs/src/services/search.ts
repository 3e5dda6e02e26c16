import type { EntityManager } from '@mikro-orm/postgresql';
import { BadUserInputError, decodeCursor, isUuid } from '@jobgraph/kit';
import { GigStatus } from '../domain/gig-workflow.js';

export type SortKey = 'RELEVANCE' | 'NEWEST' | 'PRICE_ASC' | 'PRICE_DESC' | 'RATING';

export interface SearchFilter {
  category?: string | null;
  subCategory?: string | null;
  minPrice?: number | null;
  maxPrice?: number | null;
  maxDeliveryDays?: number | null;
  sellerId?: string | null;
  tags?: string[] | null;
}

export interface SearchRequest {
  query: string | null;
  filter: SearchFilter;
  sort: SortKey;
  size: number;
  after: string | null;
  /** Gigs similar to this one: same category, overlapping tags or similar title (similarGigs). */
  similarTo?: { id: string; title: string; categoryId: string; tags: string[] } | null;
}

/** A gig row as the database returns it (snake_case), plus its sort key values. */
export type GigRow = Record<string, unknown> & { id: string };

type Column = { expr: string; cast: string; kind: 'number' | 'uuid' | 'time' };
const ID: Column = { expr: 'id', cast: 'uuid', kind: 'uuid' };

/** Keyset orders: every sort ends with the id, so equal keys still page without gaps or repeats. */
const ORDERS: Record<Exclude<SortKey, 'RELEVANCE'> | 'SCORE', { dir: 'asc' | 'desc'; columns: Column[] }> = {
  SCORE: { dir: 'desc', columns: [{ expr: 'score', cast: 'double precision', kind: 'number' }, ID] },
  NEWEST: { dir: 'desc', columns: [{ expr: 'published_at', cast: 'timestamptz', kind: 'time' }, ID] },
  PRICE_ASC: { dir: 'asc', columns: [{ expr: 'price', cast: 'int', kind: 'number' }, ID] },
  PRICE_DESC: { dir: 'desc', columns: [{ expr: 'price', cast: 'int', kind: 'number' }, ID] },
  RATING: {
    dir: 'desc',
    columns: [
      { expr: 'rating_average', cast: 'double precision', kind: 'number' },
      { expr: 'rating_count', cast: 'int', kind: 'number' },
      ID,
    ],
  },
};

/** Every gig column but the search document (large, and of no use to a client). */
export const GIG_COLUMNS = [
  'id', 'seller_id', 'title', 'description', 'basic_title', 'basic_description', 'category_id', 'sub_category_id', 'tags',
  'price', 'currency', 'delivery_days', 'cover_image_url', 'status', 'rejection_reason', 'rating_count', 'rating_sum',
  'rating_average', 'stars1', 'stars2', 'stars3', 'stars4', 'stars5', 'created_at', 'updated_at', 'published_at',
  'deleted_at', 'version',
].map((c) => `g.${c}`).join(', ');

/** Longest query we search for: beyond this it is not a search a person typed. */
export const MAX_QUERY_LENGTH = 200;

function checkCursorValues(values: (string | number)[], columns: Column[]): void {
  values.forEach((v, i) => {
    const kind = columns[i].kind;
    const ok = kind === 'number' ? typeof v === 'number' && Number.isFinite(v) : kind === 'uuid' ? typeof v === 'string' && isUuid(v) : typeof v === 'string' && !Number.isNaN(Date.parse(v));
    if (!ok) throw new BadUserInputError('after', 'after is not a cursor of this sort order.');
  });
}

/**
 * One SQL statement per page: full-text match (websearch syntax, weighted title > tags > descriptions) OR a
 * trigram word match on the title (so "javascrpt" finds "JavaScript"), ranked by ts_rank_cd plus title
 * similarity; filters; keyset pagination on the sort's columns. Only published, undeleted gigs.
 */
export async function searchGigRows(em: EntityManager, req: SearchRequest): Promise<{ rows: GigRow[]; cursorOf: (row: GigRow) => (string | number)[] }> {
  const params: unknown[] = [];
  const where: string[] = [`g.status = '${GigStatus.PUBLISHED}'`, 'g.deleted_at is null'];
  let score = '0::double precision';
  let from = 'gig g';
  const query = req.query?.trim() ?? '';
  if (query.length > MAX_QUERY_LENGTH) throw new BadUserInputError('query', `query must be at most ${MAX_QUERY_LENGTH} characters.`);
  const selectParams: unknown[] = [];
  const fromParams: unknown[] = [];
  if (query) {
    // Full-text first (GIN index, weighted ranking). Only a query with no full-text match at all falls back to
    // trigram matching on titles, so typos still find gigs; "match at all" does not depend on the page, so every
    // page of one search uses the same mode and cursors stay valid. (OR-ing both in one query made common words
    // rank every row by both measures: 0.7 s at 100,000 gigs, bench/README.md.)
    const fullText = await em.execute(
      `select exists(select 1 from gig g where g.status = '${GigStatus.PUBLISHED}' and g.deleted_at is null and g.search @@ websearch_to_tsquery('english', ?)) as hit`,
      [query],
    );
    if ((fullText[0] as { hit: boolean }).hit) {
      score = `ts_rank_cd(g.search, q.tsq)::double precision`;
      from = `gig g cross join websearch_to_tsquery('english', ?) as q(tsq)`;
      fromParams.push(query);
      where.push('g.search @@ q.tsq');
    } else {
      score = `word_similarity(?, g.title)::double precision`;
      selectParams.push(query);
      where.push('? <% g.title');
      params.push(query);
    }
  }
  if (req.similarTo) {
    const s = req.similarTo;
    score = `(coalesce(cardinality(array(select unnest(g.tags) intersect select unnest(array[${s.tags.map(() => '?').join(',') || 'null'}]::text[]))), 0) + similarity(g.title, ?))::double precision`;
    selectParams.push(...s.tags, s.title);
    where.push('g.category_id = ?', 'g.id <> ?::uuid');
    params.push(s.categoryId, s.id);
  }
  const f = req.filter;
  if (f.category) { where.push('g.category_id = ?'); params.push(f.category); }
  if (f.subCategory) { where.push('g.sub_category_id = ?'); params.push(f.subCategory); }
  if (f.minPrice != null) { where.push('g.price >= ?'); params.push(f.minPrice); }
  if (f.maxPrice != null) { where.push('g.price <= ?'); params.push(f.maxPrice); }
  if (f.maxDeliveryDays != null) { where.push('g.delivery_days <= ?'); params.push(f.maxDeliveryDays); }
  if (f.sellerId) {
    if (!isUuid(f.sellerId)) throw new BadUserInputError('filter.sellerId', 'sellerId must be a user id.');
    where.push('g.seller_id = ?::uuid');
    params.push(f.sellerId);
  }
  if (f.tags && f.tags.length > 0) {
    where.push(`g.tags @> array[${f.tags.map(() => '?').join(',')}]::text[]`);
    params.push(...f.tags.map((t) => t.trim().toLowerCase()));
  }

  const order = ORDERS[(query || req.similarTo) && req.sort === 'RELEVANCE' ? 'SCORE' : req.sort === 'RELEVANCE' ? 'NEWEST' : req.sort];
  const keyset: string[] = [];
  const keysetParams: unknown[] = [];
  const after = decodeCursor(req.after, order.columns.length);
  if (after) {
    checkCursorValues(after, order.columns);
    keyset.push(`(${order.columns.map((c) => `s.${c.expr}`).join(', ')}) ${order.dir === 'desc' ? '<' : '>'} (${order.columns.map((c) => `?::${c.cast}`).join(', ')})`);
    keysetParams.push(...after);
  }
  const orderBy = order.columns.map((c) => `s.${c.expr} ${order.dir}`).join(', ');
  const sql = `select * from (select ${GIG_COLUMNS}, ${score} as score from ${from} where ${where.join(' and ')}) s
    ${keyset.length ? `where ${keyset.join(' and ')}` : ''} order by ${orderBy} limit ?`;
  const rows: GigRow[] = await em.execute(sql, [...selectParams, ...fromParams, ...params, ...keysetParams, req.size + 1]);
  const cursorOf = (row: GigRow) =>
    order.columns.map((c) => {
      const v = row[c.expr];
      if (c.kind === 'time') return (v instanceof Date ? v : new Date(String(v))).toISOString();
      if (c.kind === 'number') return Number(v);
      return String(v);
    });
  return { rows, cursorOf };
}
