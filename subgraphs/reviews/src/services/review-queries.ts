import type { EntityManager } from '@mikro-orm/postgresql';
import { BadUserInputError, averageRating, decodeCursor, decodeTimeIdCursor, isUuid, toConnection, type Connection } from '@jobgraph/kit';
import { Review } from '../entities/index.js';
import { MAX_RATING, MIN_RATING, ReviewKind, ReviewSort } from '../domain/review-rules.js';
import { monthWindow, responseRate } from '../domain/rating-facts.js';

/*
 * Reads. Lists are keyset-paginated on the partial indexes declared on the Review entity: the WHERE clauses below
 * repeat those indexes' predicates as literals, and every ORDER BY is one direction over the index's columns, so a
 * page costs the same on the first page as on the thousandth.
 */

const BAD_CURSOR = 'after is not a cursor this list issued.';
const VISIBLE_BUYER_REVIEWS = `hidden_at is null and kind = '${ReviewKind.BUYER_TO_SELLER}'`;

/** Sort key of each order: the SQL expression list and the cursor values of a review (all descending). */
const ORDERS: Record<ReviewSort, { keys: string; values: (r: Review) => (string | number)[] }> = {
  NEWEST: { keys: 'created_at, id', values: (r) => [r.createdAt.toISOString(), r.id] },
  HIGHEST: { keys: 'rating, created_at, id', values: (r) => [r.rating, r.createdAt.toISOString(), r.id] },
  // Fewest stars first = (6 - rating) descending, which review_gig_lowest_index stores.
  LOWEST: { keys: '(6 - rating), created_at, id', values: (r) => [6 - r.rating, r.createdAt.toISOString(), r.id] },
};

function badCursor(): never {
  throw new BadUserInputError('after', BAD_CURSOR);
}

/** Checks the sort keys of a decoded cursor (after its tag) and returns them as SQL parameters. */
function keysetParams(order: ReviewSort, values: (string | number)[]): unknown[] {
  const [at, id] = values.slice(-2);
  if (typeof at !== 'string' || Number.isNaN(Date.parse(at)) || typeof id !== 'string' || !isUuid(id)) badCursor();
  if (order === ReviewSort.NEWEST) return [at, id];
  // HIGHEST keeps the stars, LOWEST 6 - stars: 1–5 either way.
  const stars = values[0];
  if (typeof stars !== 'number' || !Number.isInteger(stars) || stars < MIN_RATING || stars > MAX_RATING) badCursor();
  return [stars, at, id];
}

const placeholders = (order: ReviewSort): string => (order === ReviewSort.NEWEST ? '(?::timestamptz, ?::uuid)' : '(?::int, ?::timestamptz, ?::uuid)');

/**
 * One page of reviews matching `where`, in `order`. A cursor starts with `tag` (the sort, or the list's name), so a
 * cursor of another list or sort is refused instead of silently skipping reviews.
 */
async function page(
  em: EntityManager,
  where: string,
  params: unknown[],
  order: ReviewSort,
  after: string | null | undefined,
  size: number,
  tag: string,
): Promise<Connection<Review>> {
  const { keys, values } = ORDERS[order];
  const cursor = decodeCursor(after, order === ReviewSort.NEWEST ? 3 : 4);
  const conditions = [where];
  const all = [...params];
  if (cursor) {
    if (cursor[0] !== tag) badCursor();
    conditions.push(`(${keys}) < ${placeholders(order)}`);
    all.push(...keysetParams(order, cursor.slice(1)));
  }
  const desc = keys.split(', ').map((k) => `${k} desc`).join(', ');
  const rows: Array<Record<string, unknown>> = await em.execute(`select * from review where ${conditions.join(' and ')} order by ${desc} limit ?`, [...all, size + 1]);
  const reviews = rows.map((row) => em.map(Review, row));
  return toConnection(reviews, size, (r) => [tag, ...values(r)]);
}

/** A gig's visible buyer reviews, in `order`. */
export function gigReviews(em: EntityManager, gigId: string, order: ReviewSort, after: string | null | undefined, size: number): Promise<Connection<Review>> {
  return page(em, `gig_id = ?::uuid and ${VISIBLE_BUYER_REVIEWS}`, [gigId], order, after, size, order);
}

/** The visible reviews a user received (of one kind, or both), newest first. */
export function reviewsReceived(em: EntityManager, userId: string, kind: ReviewKind | null, after: string | null | undefined, size: number): Promise<Connection<Review>> {
  const where = `reviewee_id = ?::uuid and hidden_at is null${kind ? ` and kind = '${kind === ReviewKind.SELLER_TO_BUYER ? ReviewKind.SELLER_TO_BUYER : ReviewKind.BUYER_TO_SELLER}'` : ''}`;
  return page(em, where, [userId], ReviewSort.NEWEST, after, size, 'RECEIVED');
}

/** Visible reviews users reported, most recently reported first (the admins' queue). */
export async function reportedReviews(em: EntityManager, after: string | null | undefined, size: number): Promise<Connection<Review>> {
  const cursor = decodeTimeIdCursor(after);
  const params: unknown[] = [];
  let keyset = '';
  if (cursor) {
    keyset = 'and (last_reported_at, id) < (?::timestamptz, ?::uuid)';
    params.push(cursor.at.toISOString(), cursor.id);
  }
  const rows: Array<Record<string, unknown>> = await em.execute(
    `select * from review where hidden_at is null and report_count > 0 ${keyset} order by last_reported_at desc, id desc limit ?`,
    [...params, size + 1],
  );
  const reviews = rows.map((row) => em.map(Review, row));
  return toConnection(reviews, size, (r) => [r.lastReportedAt!.toISOString(), r.id]);
}

export interface StarCounts {
  count: number;
  sum: number;
  /** Index 0 = 1 star … 4 = 5 stars. */
  stars: number[];
}

export const emptyStars = (): StarCounts => ({ count: 0, sum: 0, stars: [0, 0, 0, 0, 0] });

/** count, average and the distribution 5 → 1, as the API shows them. */
export function ratingView(s: StarCounts): { count: number; average: number | null; distribution: { stars: number; count: number }[] } {
  return {
    count: s.count,
    average: averageRating(s.sum, s.count),
    distribution: [5, 4, 3, 2, 1].map((stars) => ({ stars, count: s.stars[stars - 1] ?? 0 })),
  };
}

/** Users' ratings on both sides from the visible reviews themselves, for many users in one query. */
export async function userRatings(em: EntityManager, userIds: readonly string[]): Promise<Array<{ userId: string; asSeller: StarCounts; asBuyer: StarCounts }>> {
  const ids = userIds.filter(isUuid);
  const result = new Map(ids.map((id) => [id, { userId: id, asSeller: emptyStars(), asBuyer: emptyStars() }]));
  if (ids.length === 0) return [...result.values()];
  const rows: Array<{ reviewee_id: string; kind: ReviewKind; rating: number; n: number }> = await em.execute(
    'select reviewee_id, kind, rating, count(*)::int as n from review where reviewee_id in (?) and hidden_at is null group by reviewee_id, kind, rating',
    [ids],
  );
  for (const r of rows) {
    const user = result.get(r.reviewee_id);
    if (!user) continue;
    const side = r.kind === ReviewKind.BUYER_TO_SELLER ? user.asSeller : user.asBuyer;
    side.count += r.n;
    side.sum += r.n * Number(r.rating);
    side.stars[Number(r.rating) - 1] += r.n;
  }
  return [...result.values()];
}

export const MAX_MONTHS = 60;

export interface StatsView {
  count: number;
  average: number | null;
  distribution: { stars: number; count: number }[];
  repliedCount: number;
  responseRate: number | null;
  monthly: { month: string; count: number; average: number | null }[];
}

interface TotalsRow {
  seller_id: string;
  review_count: number;
  rating_sum: number;
  stars1: number;
  stars2: number;
  stars3: number;
  stars4: number;
  stars5: number;
  replied_count: number;
}

/** The analytics of a gig or a seller over the last `months` calendar months; null totals when it has none yet. */
export async function ratingStats(
  em: EntityManager,
  subject: 'gig' | 'seller',
  id: string,
  months: number,
  now = new Date(),
): Promise<{ sellerId: string | null; stats: StatsView }> {
  if (!Number.isInteger(months) || months < 1 || months > MAX_MONTHS) throw new BadUserInputError('months', `months must be between 1 and ${MAX_MONTHS}.`);
  const window = monthWindow(now, months);
  const [totals, key] = subject === 'gig' ? ['gig_rating_stats', 'gig_id'] : ['seller_rating_stats', 'seller_id'];
  const monthTable = subject === 'gig' ? 'gig_rating_month' : 'seller_rating_month';
  const rows: TotalsRow[] = isUuid(id) ? await em.execute(`select * from ${totals} where ${key} = ?`, [id]) : [];
  const monthRows: Array<{ month: string; review_count: number; rating_sum: number }> =
    rows.length > 0 ? await em.execute(`select month, review_count, rating_sum from ${monthTable} where ${key} = ? and month >= ?`, [id, window[0]]) : [];
  const byMonth = new Map(monthRows.map((m) => [m.month, m]));
  const t = rows[0];
  const counts: StarCounts = t
    ? { count: t.review_count, sum: t.rating_sum, stars: [t.stars1, t.stars2, t.stars3, t.stars4, t.stars5] }
    : emptyStars();
  const replied = t?.replied_count ?? 0;
  return {
    sellerId: t ? t.seller_id : null,
    stats: {
      ...ratingView(counts),
      repliedCount: replied,
      responseRate: responseRate(replied, counts.count),
      monthly: window.map((month) => {
        const m = byMonth.get(month);
        return { month, count: m?.review_count ?? 0, average: averageRating(m?.rating_sum ?? 0, m?.review_count ?? 0) };
      }),
    },
  };
}
