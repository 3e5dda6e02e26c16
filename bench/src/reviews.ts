/**
 * Reviews at scale: seeds N reviews (default 1,000,000) straight into reviews' database with bulk SQL, times the
 * analytics rebuild (`pnpm reviews rebuild-analytics`, the built command), then measures `Gig.reviews` (three sorts
 * and a deep page) and `gigRatingStats` latency through the router.
 *
 *   pnpm bench:reviews [-- --reviews 1000000 --gigs 2000 --duration 10 --connections 16 --warmup 2]
 *   node bench/dist/reviews.js --reviews 100000 --duration 5
 *
 * Starts the whole stack in this process (fresh databases, free ports). Sellers and reviewers are real accounts
 * created through the API (so `reviewer { username }` resolves in auth); gigs are inserted into gigs' database
 * (published, with the rating summary gigs would have counted from the same reviews); reviews are inserted with
 * `generate_series` in batches, spread over the gigs with a power law (a few gigs hold tens of thousands of
 * reviews, most a handful). Asserts nothing about time. Exits 1 when the stack cannot start, a check fails or any
 * request failed; 2 for bad flags.
 */
import { execFile } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import type { RunningStack } from '@jobgraph/stack';
import { LOAD_FLAGS, loadSettings, parseFlags, runBenchmark, stopOnSignal, wholeNumber } from './cli.js';
import { errorsOf, fmt, measure, table, verify, type LoadResult, type Target } from './load.js';

// Before the stack's modules load (they read the environment): no Apollo usage reporting, quiet logs.
process.env.APOLLO_TELEMETRY_DISABLED ??= '1';
process.env.LOG_LEVEL ??= 'warn';
// Hundreds of requests per second from one IP: the router's rate limits (per user / per IP) are off.
process.env.RATE_LIMIT_USER_PER_MINUTE ??= '0';
process.env.RATE_LIMIT_IP_PER_MINUTE ??= '0';

// ---------------------------------------------------------------------------------------------------------------
// Options

const USAGE = `usage: node bench/dist/reviews.js [--reviews n=1000000] [--gigs n=2000] [--sellers n=20] [--reviewers n=100]
                              [--duration seconds=10] [--connections n=16] [--warmup seconds=2]`;
const { reviewCount, gigCount, sellerCount, reviewerCount, settings } = parseFlags(
  USAGE,
  ['reviews', 'gigs', 'sellers', 'reviewers', ...LOAD_FLAGS],
  (flags) => ({
    reviewCount: wholeNumber('reviews', flags.reviews, 1_000_000, 1_000),
    gigCount: wholeNumber('gigs', flags.gigs, 2_000, 10),
    sellerCount: wholeNumber('sellers', flags.sellers, 20, 1),
    reviewerCount: wholeNumber('reviewers', flags.reviewers, 100, 2),
    settings: loadSettings(flags, { duration: 10, connections: 16, warmup: 2 }),
  }),
);

const log = (line: string): void => console.log(line);

const { startStack, setAdmin } = await import('@jobgraph/stack');
const { encodeCursor } = await import('@jobgraph/kit');

// ---------------------------------------------------------------------------------------------------------------
// Accounts through the API

async function graphql<T>(url: string, query: string, variables: Record<string, unknown> = {}, token?: string): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: unknown[] };
  if (body.errors?.length || !body.data) throw new Error(`GraphQL errors (HTTP ${response.status}): ${JSON.stringify(body.errors ?? body).slice(0, 1000)}`);
  return body.data;
}

interface Account {
  id: string;
  username: string;
  token: string;
}

const PASSWORD = 'correct horse battery staple';
const SELLER_INPUT = {
  fullName: 'Bench Seller',
  oneLiner: 'Reviews at scale',
  description: 'A seller whose gigs collect many reviews for the benchmark.',
  skills: ['benchmarks'],
};

/** `count` accounts named `<prefix>-NNN`, four sign-ups at a time; sellers also get a seller page. */
async function accounts(url: string, prefix: string, count: number, seller: boolean): Promise<Account[]> {
  const out: Account[] = [];
  let next = 0;
  const one = async (n: number): Promise<void> => {
    const username = `${prefix}-${String(n).padStart(4, '0')}`;
    const { signUp } = await graphql<{ signUp: { accessToken: string; user: { id: string } } }>(
      url,
      'mutation($input: SignUpInput!) { signUp(input: $input) { accessToken user { id } } }',
      { input: { email: `${username}@example.com`, username, password: PASSWORD } },
    );
    if (seller) await graphql(url, 'mutation($input: BecomeSellerInput!) { becomeSeller(input: $input) { id } }', { input: SELLER_INPUT }, signUp.accessToken);
    out[n - 1] = { id: signUp.user.id, username, token: signUp.accessToken };
  };
  await Promise.all(Array.from({ length: 4 }, async () => {
    while (next < count) await one(++next);
  }));
  return out;
}

async function admin(stack: RunningStack): Promise<Account> {
  const [account] = await accounts(stack.url, 'bench-admin', 1, false);
  await setAdmin(stack.subgraphs.auth!.orm, `${account!.username}@example.com`, true);
  const { signIn } = await graphql<{ signIn: { accessToken: string } }>(stack.url, 'mutation($input: SignInInput!) { signIn(input: $input) { accessToken } }', {
    input: { login: account!.username, password: PASSWORD },
  });
  return { ...account!, token: signIn.accessToken };
}

// ---------------------------------------------------------------------------------------------------------------
// Bulk SQL

async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

const databaseUrlOf = (stack: RunningStack, name: string): string => {
  const url = stack.subgraphs[name]?.orm.config.get('clientUrl');
  if (!url) throw new Error(`the ${name} subgraph has no database URL`);
  return url;
};

interface Gig {
  id: string;
  sellerId: string;
  sellerUsername: string;
}

/** Published gigs, spread over the sellers, straight into gigs' database. */
async function insertGigs(url: string, sellers: Account[]): Promise<Gig[]> {
  return withClient(url, async (client) => {
    const { rows } = await client.query<{ id: string; seller_id: string }>(
      `insert into gig (id, seller_id, title, description, basic_title, basic_description, category_id, sub_category_id, tags, price, currency,
         delivery_days, status, created_at, updated_at, published_at)
       select gen_random_uuid(), ($1::uuid[])[1 + (i % cardinality($1::uuid[]))], 'I will review your code, gig ' || i,
         'A careful code review with written notes and a call to go through them.', 'Basic review', 'Up to 500 lines.',
         'programming-tech', null, array['review', 'code'], 5000 + (i % 20) * 1000, 'USD', 3, 'PUBLISHED', now(), now(), now()
       from generate_series(1, $2::int) i
       returning id, seller_id`,
      [sellers.map((s) => s.id), gigCount],
    );
    const names = new Map(sellers.map((s) => [s.id, s.username]));
    return rows.map((r) => ({ id: r.id, sellerId: r.seller_id, sellerUsername: names.get(r.seller_id)! }));
  });
}

/** Rows per INSERT … SELECT: the progress line moves every few seconds. */
const BATCH = 100_000;

const COMMENTS = [
  'Great communication and fast delivery.',
  'Exactly what I asked for, would order again.',
  'Good work, a few small fixes were needed.',
  'Took longer than promised but the result is solid.',
  'Not what we agreed on.',
  'Outstanding attention to detail!',
];

/**
 * Reviews straight into reviews' database. Gig k (0-based) is drawn as floor(gigs × u³) for uniform u: a power law
 * where the first gig gets ~(1/gigs)^(1/3) of all reviews (≈8 % with 2,000 gigs) and most gigs a handful. 85 % are
 * buyers' reviews (about the gig, its seller reviewed), 15 % sellers' reviews of buyers; stars lean to 5 as on real
 * marketplaces; 30 % of buyers' reviews carry a seller reply, 0.5 % are hidden. Dates spread over two years.
 */
async function insertReviews(url: string, gigs: Gig[], reviewers: Account[]): Promise<number> {
  return withClient(url, async (client) => {
    const started = Date.now();
    const tty = process.stderr.isTTY;
    let lastTenth = -1;
    for (let done = 0; done < reviewCount; ) {
      const rows = Math.min(BATCH, reviewCount - done);
      await client.query(
        `insert into review (id, order_id, gig_id, reviewer_id, reviewer_username, reviewee_id, kind, rating, comment, reply, replied_at, created_at, hidden_at, hidden_reason, report_count)
         select gen_random_uuid(), gen_random_uuid(), ($1::uuid[])[g],
           case when buyer_side then ($3::uuid[])[r] else ($2::uuid[])[g] end,
           case when buyer_side then ($4::text[])[r] else ($5::text[])[g] end,
           case when buyer_side then ($2::uuid[])[g] else ($3::uuid[])[r] end,
           (case when buyer_side then 'BUYER_TO_SELLER' else 'SELLER_TO_BUYER' end)::review_kind,
           case when u < 0.62 then 5 when u < 0.85 then 4 when u < 0.93 then 3 when u < 0.97 then 2 else 1 end,
           ($6::text[])[1 + (n % cardinality($6::text[]))],
           case when buyer_side and replied then 'Thank you for the review!' end,
           case when buyer_side and replied then at + interval '1 day' end,
           at, case when hidden then at + interval '2 days' end, case when hidden then 'bench' end, 0
         from (
           select n, 1 + floor(cardinality($1::uuid[]) * power(random(), 3))::int as g, 1 + floor(random() * cardinality($3::uuid[]))::int as r,
             random() < 0.85 as buyer_side, random() < 0.3 as replied, random() < 0.005 as hidden, random() as u,
             now() - random() * interval '730 days' as at
           from generate_series(1, $7::int) n
         ) s`,
        [gigs.map((g) => g.id), gigs.map((g) => g.sellerId), reviewers.map((r) => r.id), reviewers.map((r) => r.username), gigs.map((g) => g.sellerUsername), COMMENTS, rows],
      );
      done += rows;
      const seconds = (Date.now() - started) / 1000;
      const line = `  inserted ${done.toLocaleString('en')} / ${reviewCount.toLocaleString('en')} reviews (${fmt(done / seconds, 0)} rows/s)`;
      const tenth = Math.floor((done / reviewCount) * 10);
      if (tty) process.stderr.write(`\r${line}`);
      else if (tenth !== lastTenth) log(line);
      lastTenth = tenth;
    }
    if (tty) process.stderr.write('\n');
    // What autovacuum would do soon after such a load: give the planner the new table's statistics.
    await client.query('analyze review');
    const size = await client.query<{ size: string }>(`select pg_size_pretty(pg_total_relation_size('review')) as size`);
    log(`  ${reviewCount.toLocaleString('en')} reviews in ${fmt((Date.now() - started) / 1000, 1)} s; table with indexes: ${size.rows[0]?.size}`);
    return (Date.now() - started) / 1000;
  });
}

interface GigTotals {
  gig_id: string;
  n: number;
  s: number;
  s1: number;
  s2: number;
  s3: number;
  s4: number;
  s5: number;
}

/** The buyers' visible reviews per gig, straight from the write model (what every aggregate must show). */
async function totalsFromReviews(url: string): Promise<GigTotals[]> {
  return withClient(url, async (client) => {
    const { rows } = await client.query<GigTotals>(
      `select gig_id, count(*)::int as n, sum(rating)::int as s, count(*) filter (where rating = 1)::int as s1, count(*) filter (where rating = 2)::int as s2,
         count(*) filter (where rating = 3)::int as s3, count(*) filter (where rating = 4)::int as s4, count(*) filter (where rating = 5)::int as s5
       from review where kind = 'BUYER_TO_SELLER' and hidden_at is null group by gig_id order by count(*) desc`,
    );
    return rows;
  });
}

/** Gives gigs' rating summaries the numbers gigs would have counted from the same reviews' events. */
async function syncGigRatings(url: string, totals: GigTotals[]): Promise<void> {
  await withClient(url, (client) =>
    client.query(
      `update gig set rating_count = t.n, rating_sum = t.s, rating_average = t.s::double precision / t.n,
         stars1 = t.s1, stars2 = t.s2, stars3 = t.s3, stars4 = t.s4, stars5 = t.s5
       from (select * from unnest($1::uuid[], $2::int[], $3::int[], $4::int[], $5::int[], $6::int[], $7::int[], $8::int[]) as x(id, n, s, s1, s2, s3, s4, s5)) t
       where gig.id = t.id`,
      [totals.map((t) => t.gig_id), totals.map((t) => t.n), totals.map((t) => t.s), totals.map((t) => t.s1), totals.map((t) => t.s2), totals.map((t) => t.s3), totals.map((t) => t.s4), totals.map((t) => t.s5)],
    ),
  );
}

const CLI = fileURLToPath(new URL('../../subgraphs/reviews/dist/cli.js', import.meta.url));

/** `pnpm reviews rebuild-analytics`, the built command, against the stack's reviews database; wall time in s. */
async function rebuild(url: string): Promise<{ seconds: number; output: string }> {
  const started = Date.now();
  const { stdout } = await promisify(execFile)(process.execPath, [CLI, 'rebuild-analytics'], {
    env: { ...process.env, REVIEWS_DATABASE_URL: url, LOG_LEVEL: 'warn' },
    timeout: 30 * 60_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  return { seconds: (Date.now() - started) / 1000, output: stdout.trim() };
}

/** The plan PostgreSQL picks for a page of a gig's reviews (what the index does for us). */
async function plan(url: string, sql: string, params: unknown[]): Promise<string[]> {
  return withClient(url, async (client) => {
    const { rows } = await client.query<{ 'QUERY PLAN': string }>(`explain (analyze, buffers, costs off, timing off, summary off) ${sql}`, params);
    return rows.map((r) => r['QUERY PLAN']);
  });
}

// ---------------------------------------------------------------------------------------------------------------
// What is measured

const CARD = 'edges { cursor node { id rating comment createdAt sellerReply { body } reviewer { username } } } pageInfo { hasNextPage endCursor }';
const GIG_REVIEWS = `query GigReviews($gigId: ID!, $sort: ReviewSort!, $after: String) { gig(id: $gigId) { id rating { count average } reviews(sort: $sort, first: 20, after: $after) { ${CARD} } } }`;
const STATS = `query Stats($gigId: ID!) { gigRatingStats(gigId: $gigId, months: 12) { count average distribution { stars count } repliedCount responseRate monthly { month count average } } }`;

function reviewsTarget(url: string, name: string, variables: Record<string, unknown>): Target {
  return {
    name,
    url,
    body: JSON.stringify({ query: GIG_REVIEWS, variables, operationName: 'GigReviews' }),
    headers: async () => ({ 'content-type': 'application/json' }),
    refresh: false,
    // A full first page with the reviewers' usernames from auth.
    marker: '"username":"bench-reviewer-',
    check: (body) => {
      const edges = (body.data as { gig?: { reviews?: { edges?: unknown[] } } } | undefined)?.gig?.reviews?.edges;
      return edges && edges.length === 20 ? null : `expected 20 reviews: ${JSON.stringify(body.data).slice(0, 200)}`;
    },
  };
}

function statsTarget(url: string, gigId: string, token: string, count: number): Target {
  return {
    name: 'gigRatingStats(months: 12)',
    url,
    body: JSON.stringify({ query: STATS, variables: { gigId }, operationName: 'Stats' }),
    headers: async () => ({ 'content-type': 'application/json', authorization: `Bearer ${token}` }),
    refresh: false,
    marker: `"count":${count},`,
    check: (body) => ((body.data as { gigRatingStats?: { count?: number } } | undefined)?.gigRatingStats?.count === count ? null : `expected count ${count}`),
  };
}

/** Median time of `n` requests sent one after another: what one request costs without queueing behind others. */
async function alone(target: Target, n = 5): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    const response = await fetch(target.url, { method: 'POST', headers: await target.headers(), body: target.body });
    const text = await response.text();
    times.push(performance.now() - started);
    if (response.status !== 200 || text.includes('"errors"')) throw new Error(`"${target.name}" failed: HTTP ${response.status} ${text.slice(0, 500)}`);
  }
  return times.sort((a, b) => a - b)[Math.floor(n / 2)]!;
}

// ---------------------------------------------------------------------------------------------------------------
// Run

async function main(): Promise<number> {
  log(`reviews: ${reviewCount.toLocaleString('en')} reviews over ${gigCount.toLocaleString('en')} gigs of ${sellerCount} sellers, ${reviewerCount} reviewers; ` +
    `${settings.duration} s per run after ${settings.warmup} s warm-up, ${settings.connections} connections`);
  log('starting the stack (fresh databases, free ports)…');
  let stack: RunningStack | undefined;
  const { finish } = stopOnSignal('stopping the stack', () => (stack ? stack.stop() : Promise.resolve()));
  try {
    stack = await startStack({ freshDatabases: true, freePorts: true, env: process.env, onProgress: (line) => log(`  ${line}`) });
    if (!stack.subgraphs.reviews) throw new Error(`expected a reviews subgraph, got ${Object.keys(stack.subgraphs).join(', ')}`);
    log(`  router at ${stack.url}`);
    const reviewsDb = databaseUrlOf(stack, 'reviews');
    const gigsDb = databaseUrlOf(stack, 'gigs');

    log(`creating ${sellerCount} sellers, ${reviewerCount} reviewers and an admin through the API…`);
    const sellers = await accounts(stack.url, 'bench-seller', sellerCount, true);
    const reviewers = await accounts(stack.url, 'bench-reviewer', reviewerCount, false);
    const root = await admin(stack);
    // gigs learns of sellers from users' events; its gig rows need nothing of them, but wait so nothing races.
    log(`inserting ${gigCount.toLocaleString('en')} published gigs into gigs' database…`);
    const gigs = await insertGigs(gigsDb, sellers);

    log(`inserting ${reviewCount.toLocaleString('en')} reviews into reviews' database (generate_series, ${BATCH.toLocaleString('en')} per statement)…`);
    const seedSeconds = await insertReviews(reviewsDb, gigs, reviewers);
    const totals = await totalsFromReviews(reviewsDb);
    await syncGigRatings(gigsDb, totals);
    const hot = totals[0]!;
    const typical = totals[Math.floor(totals.length / 2)]!;
    log(`  the most reviewed gig has ${hot.n.toLocaleString('en')} visible buyers' reviews, the median gig ${typical.n}`);

    log('rebuilding the analytics: node subgraphs/reviews/dist/cli.js rebuild-analytics (empty analytics tables)…');
    const rebuilt = await rebuild(reviewsDb);
    log(`  ${rebuilt.output}`);
    log(`  wall time including the command's start: ${fmt(rebuilt.seconds, 1)} s`);
    // What an operator usually runs: over analytics that are already full (every row deleted, then written again).
    log('rebuilding again, over the full analytics tables…');
    const again = await rebuild(reviewsDb);
    log(`  ${again.output}`);
    log(`  wall time including the command's start: ${fmt(again.seconds, 1)} s`);
    await withClient(reviewsDb, (c) => c.query('analyze rating_fact; analyze gig_rating_stats; analyze gig_rating_month; analyze seller_rating_stats; analyze seller_rating_month'));

    // A cursor 10,000 reviews deep (or half way for a smaller gig), made the way the API makes them.
    const depth = Math.min(10_000, Math.floor(hot.n / 2));
    const deep = await withClient(reviewsDb, async (c) => {
      const { rows } = await c.query<{ created_at: Date; id: string }>(
        `select created_at, id from review where gig_id = $1 and hidden_at is null and kind = 'BUYER_TO_SELLER' order by created_at desc, id desc offset $2 limit 1`,
        [hot.gig_id, depth],
      );
      return encodeCursor(['NEWEST', rows[0]!.created_at.toISOString(), rows[0]!.id]);
    });

    const targets = [
      reviewsTarget(stack.url, `Gig.reviews NEWEST, hottest gig (${hot.n.toLocaleString('en')})`, { gigId: hot.gig_id, sort: 'NEWEST' }),
      reviewsTarget(stack.url, 'Gig.reviews HIGHEST, hottest gig', { gigId: hot.gig_id, sort: 'HIGHEST' }),
      reviewsTarget(stack.url, 'Gig.reviews LOWEST, hottest gig', { gigId: hot.gig_id, sort: 'LOWEST' }),
      reviewsTarget(stack.url, `Gig.reviews NEWEST, ${depth.toLocaleString('en')} deep`, { gigId: hot.gig_id, sort: 'NEWEST', after: deep }),
      reviewsTarget(stack.url, `Gig.reviews NEWEST, median gig (${typical.n})`, { gigId: typical.gig_id, sort: 'NEWEST' }),
      statsTarget(stack.url, hot.gig_id, root.token, hot.n),
    ].filter((target, i) => i !== 4 || typical.n >= 21);

    log('verifying one response of each query (and that the rebuilt analytics match the reviews)…');
    for (const target of targets) await verify(target, log);

    const plans: Array<[string, string[]]> = [];
    for (const [name, order] of [['NEWEST', 'created_at desc, id desc'], ['HIGHEST', 'rating desc, created_at desc, id desc'], ['LOWEST', '(6 - rating) desc, created_at desc, id desc']] as const) {
      plans.push([
        name,
        await plan(reviewsDb, `select * from review where gig_id = $1::uuid and hidden_at is null and kind = 'BUYER_TO_SELLER' order by ${order} limit 21`, [hot.gig_id]),
      ]);
    }

    const results: { name: string; alone: number; r: LoadResult }[] = [];
    for (const target of targets) {
      const single = await alone(target);
      log(`measuring ${target.name}: alone ${fmt(single)} ms; load (${settings.warmup} s warm-up + ${settings.duration} s)…`);
      const r = await measure(target, settings);
      results.push({ name: target.name, alone: single, r });
      log(`  ${fmt(r.rps, 0)} req/s, p50 ${fmt(r.p50)} ms, p95 ${fmt(r.p95)} ms, p99 ${fmt(r.p99)} ms, ${errorsOf(r)} errors (${r.timeouts} timeouts)`);
    }

    // -------------------------------------------------------------------------------------------------------------
    // Report
    log('');
    log(`Results: ${reviewCount.toLocaleString('en')} reviews (${gigCount.toLocaleString('en')} gigs) through the router ` +
      `(${settings.duration} s measured after ${settings.warmup} s warm-up, ${settings.connections} connections, ${availableParallelism()} CPUs, Node ${process.version}):`);
    log('');
    log(`seed (bulk INSERT … SELECT generate_series): ${fmt(seedSeconds, 1)} s`);
    log(`rebuild-analytics, empty analytics: ${fmt(rebuilt.seconds, 1)} s wall (${rebuilt.output})`);
    log(`rebuild-analytics, full analytics:  ${fmt(again.seconds, 1)} s wall (${again.output})`);
    log('');
    log(
      table([
        ['query', 'alone ms', 'requests', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'errors'],
        ...results.map(({ name, alone: single, r }) => [name, fmt(single), String(r.requests), fmt(r.rps, 0), fmt(r.p50), fmt(r.p95), fmt(r.p99), String(errorsOf(r))]),
      ]),
    );
    log('');
    log('Gig.reviews selection: gig { id rating { count average } reviews(first: 20) { ' + CARD + ' } } (gigs, reviews, then auth for usernames).');
    log('"alone": median of 5 requests sent one after another (no queueing); the other columns are under load.');
    log('The router, the subgraphs, PostgreSQL, Redis and the load generator share this machine: compare rows of one run.');
    log('');
    log('PostgreSQL\'s plan for the first page of the hottest gig in each sort:');
    for (const [name, lines] of plans) {
      log(`  ${name}:`);
      for (const line of lines) log(`    ${line}`);
    }
    const failed = results.reduce((a, { r }) => a + errorsOf(r), 0);
    if (failed > 0) {
      log('');
      log(`WARNING: ${failed} request(s) failed (non-2xx, GraphQL errors, wrong data or timeouts); the figures are not trustworthy.`);
      for (const { name, r } of results) if (errorsOf(r) > 0) log(`  ${name}: ${r.sampleError ?? ''}`);
    }
    return failed > 0 ? 1 : 0;
  } finally {
    await finish();
  }
}

await runBenchmark(main);
