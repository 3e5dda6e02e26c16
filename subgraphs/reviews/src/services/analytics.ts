import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { delta, mergeFact, type Contribution, type FactEvent, type RatingFact } from '../domain/rating-facts.js';
import { ReviewKind } from '../domain/review-rules.js';

/*
 * Writes of the rating analytics read model. Only the `rating-analytics` consumer (reviews' own events, through the
 * bus) and the rebuild command call these; no request does.
 *
 * Lock order, the same everywhere, so two writers never deadlock: rating_fact, then the seller's totals and month,
 * then the gig's totals and month.
 */

interface FactRow {
  gig_id: string | null;
  seller_id: string;
  rating: number;
  month: string;
  replied: boolean;
  hidden: boolean;
}

const fromRow = (r: FactRow): RatingFact => ({ gigId: r.gig_id, sellerId: r.seller_id, rating: Number(r.rating), month: r.month, replied: r.replied, hidden: r.hidden });

const isZero = (d: Contribution): boolean => d.count === 0 && d.sum === 0 && d.replied === 0 && d.stars.every((n) => n === 0);

/** The two subjects of the analytics; table and key names are constants, never input. */
const SUBJECTS = {
  seller: { totals: 'seller_rating_stats', months: 'seller_rating_month', key: 'seller_id' },
  gig: { totals: 'gig_rating_stats', months: 'gig_rating_month', key: 'gig_id' },
} as const;

async function addTo(em: EntityManager, subject: keyof typeof SUBJECTS, id: string, fact: RatingFact, d: Contribution): Promise<void> {
  const { totals, months, key } = SUBJECTS[subject];
  const extraColumn = subject === 'gig' ? ', seller_id' : '';
  const extraValue = subject === 'gig' ? ', ?' : '';
  const add = (column: string) => `${column} = ${totals}.${column} + excluded.${column}`;
  await em.execute(
    `insert into ${totals} (${key}${extraColumn}, review_count, rating_sum, stars1, stars2, stars3, stars4, stars5, replied_count)
     values (?${extraValue}, ?, ?, ?, ?, ?, ?, ?, ?)
     on conflict (${key}) do update set ${['review_count', 'rating_sum', 'stars1', 'stars2', 'stars3', 'stars4', 'stars5', 'replied_count'].map(add).join(', ')}`,
    [id, ...(subject === 'gig' ? [fact.sellerId] : []), d.count, d.sum, ...d.stars, d.replied],
  );
  await em.execute(
    `insert into ${months} (${key}, month, review_count, rating_sum) values (?, ?, ?, ?)
     on conflict (${key}, month) do update set review_count = ${months}.review_count + excluded.review_count, rating_sum = ${months}.rating_sum + excluded.rating_sum`,
    [id, fact.month, d.count, d.sum],
  );
}

/**
 * Applies what one event tells about a review to the analytics: merges it into the review's fact and moves the
 * seller's (and the gig's) counters by the difference. A repeat changes nothing; any order of events ends equal.
 */
export async function applyFactEvent(em: EntityManager, reviewId: string, event: FactEvent): Promise<void> {
  const fresh = mergeFact(null, event);
  // A first event inserts the fact; a later one finds it and locks it, so two events of one review (prefetch runs
  // several handlers at once) apply one after the other.
  const inserted: unknown[] = await em.execute(
    `insert into rating_fact (review_id, gig_id, seller_id, rating, month, replied, hidden) values (?, ?, ?, ?, ?, ?, ?)
     on conflict (review_id) do nothing returning review_id`,
    [reviewId, fresh.gigId, fresh.sellerId, fresh.rating, fresh.month, fresh.replied, fresh.hidden],
  );
  let before: RatingFact | null = null;
  let after = fresh;
  if (inserted.length === 0) {
    const rows: FactRow[] = await em.execute('select gig_id, seller_id, rating, month, replied, hidden from rating_fact where review_id = ? for update', [reviewId]);
    before = fromRow(rows[0]!);
    after = mergeFact(before, event);
    if (after.replied === before.replied && after.hidden === before.hidden) return;
    await em.execute('update rating_fact set replied = ?, hidden = ? where review_id = ?', [after.replied, after.hidden, reviewId]);
  }
  // Even a zero change is written for a new fact (a review hidden before its creation arrived): its gig, seller
  // and month rows then exist exactly as a rebuild would create them.
  const d = delta(before, after);
  if (before && isZero(d)) return;
  await addTo(em, 'seller', after.sellerId, after, d);
  if (after.gigId) await addTo(em, 'gig', after.gigId, after, d);
}

export interface RebuildProgress {
  /** Called once the number of reviews to copy is known. */
  start?(total: number): void;
  /** Reviews copied so far. */
  update?(done: number): void;
  /** A step after the copy (aggregation), for a log line. */
  step?(name: string): void;
}

export interface RebuildResult {
  reviews: number;
  gigs: number;
  sellers: number;
  seconds: number;
}

/** Reviews copied per statement: big enough to be fast, small enough for a progress bar that moves. */
export const REBUILD_BATCH = 20_000;

const totalsSelect = (key: string, extra = '') => `select ${key}${extra},
    count(*) filter (where not hidden), coalesce(sum(rating) filter (where not hidden), 0),
    count(*) filter (where not hidden and rating = 1), count(*) filter (where not hidden and rating = 2),
    count(*) filter (where not hidden and rating = 3), count(*) filter (where not hidden and rating = 4),
    count(*) filter (where not hidden and rating = 5), count(*) filter (where not hidden and replied)
  from rating_fact`;

/**
 * Rebuilds the analytics from the write model (the `review` table) in one transaction: every buyer's review
 * becomes a fact with its current reply and hidden state, and the counters are summed from the facts — the same
 * facts and sums the events produce incrementally (a test compares the two).
 *
 * The tables are locked in EXCLUSIVE mode, so readers keep the old numbers until the new ones commit, while the
 * consumer waits; events it applies after the commit merge into facts the rebuild already has, which changes
 * nothing for facts that were current and adds what the rebuild could not see yet.
 */
export async function rebuildAnalytics(orm: MikroORM, progress: RebuildProgress = {}): Promise<RebuildResult> {
  const started = Date.now();
  return orm.em.fork().transactional(async (em: EntityManager) => {
    await em.execute('lock table rating_fact, seller_rating_stats, seller_rating_month, gig_rating_stats, gig_rating_month in exclusive mode');
    for (const table of ['rating_fact', 'seller_rating_stats', 'seller_rating_month', 'gig_rating_stats', 'gig_rating_month']) await em.execute(`delete from ${table}`);
    const counted: Array<{ n: number }> = await em.execute(`select count(*)::int as n from review where kind = '${ReviewKind.BUYER_TO_SELLER}'`);
    const total = counted[0]?.n ?? 0;
    progress.start?.(total);
    let done = 0;
    let last: string | null = null;
    for (;;) {
      // Keyset over the primary key: each batch is one index range, however far the copy has got.
      const rows: Array<{ n: number; last: string | null }> = await em.execute(
        `with batch as (
           select id, gig_id, reviewee_id, rating, to_char(created_at at time zone 'UTC', 'YYYY-MM') as month, reply is not null as replied, hidden_at is not null as hidden
           from review where kind = '${ReviewKind.BUYER_TO_SELLER}' ${last ? 'and id > ?' : ''} order by id limit ${REBUILD_BATCH}
         ), copied as (
           insert into rating_fact (review_id, gig_id, seller_id, rating, month, replied, hidden) select * from batch
         )
         select (select count(*)::int from batch) as n, (select id from batch order by id desc limit 1) as last`,
        last ? [last] : [],
      );
      const n = rows[0]?.n ?? 0;
      if (n === 0) break;
      done += n;
      last = rows[0]!.last;
      progress.update?.(done);
      if (n < REBUILD_BATCH) break;
    }
    progress.step?.('summing per seller');
    await em.execute(`insert into seller_rating_stats (seller_id, review_count, rating_sum, stars1, stars2, stars3, stars4, stars5, replied_count)
      ${totalsSelect('seller_id')} group by seller_id`);
    await em.execute(`insert into seller_rating_month (seller_id, month, review_count, rating_sum)
      select seller_id, month, count(*) filter (where not hidden), coalesce(sum(rating) filter (where not hidden), 0) from rating_fact group by seller_id, month`);
    progress.step?.('summing per gig');
    // A gig has one seller: any of its facts names it.
    await em.execute(`insert into gig_rating_stats (gig_id, seller_id, review_count, rating_sum, stars1, stars2, stars3, stars4, stars5, replied_count)
      ${totalsSelect('gig_id', ', (array_agg(seller_id))[1]')} where gig_id is not null group by gig_id`);
    await em.execute(`insert into gig_rating_month (gig_id, month, review_count, rating_sum)
      select gig_id, month, count(*) filter (where not hidden), coalesce(sum(rating) filter (where not hidden), 0) from rating_fact where gig_id is not null group by gig_id, month`);
    const sizes: Array<{ gigs: number; sellers: number }> = await em.execute(
      'select (select count(*)::int from gig_rating_stats) as gigs, (select count(*)::int from seller_rating_stats) as sellers',
    );
    return { reviews: done, gigs: sizes[0]?.gigs ?? 0, sellers: sizes[0]?.sellers ?? 0, seconds: (Date.now() - started) / 1000 };
  });
}
