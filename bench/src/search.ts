/**
 * How gig search holds up on a realistic catalogue: `searchGigs` latency and throughput through the router over N
 * published gigs, and the SQL statements one search costs across all subgraphs (the same for 5 and 50 results, or
 * something loads per row: N+1).
 *
 *   pnpm bench:search [-- --gigs 100000 --duration 10 --connections 16 --warmup 2]
 *   node bench/dist/search.js --gigs 20000 --duration 5
 *
 * Starts the whole stack in this process (fresh databases, free ports, SQL_STATEMENT_LOG=count), creates the
 * sellers through the API, bulk-inserts the gigs straight into gigs' database (multi-row INSERTs; the search
 * trigger fills each row's tsvector), then measures each query with autocannon in a worker thread, twice: with gigs'
 * cache off (every request runs its SQL) and with it on (a repeated search is served from Redis). Asserts nothing
 * about time. Exits 1 when the stack cannot start, a check fails or any request failed; 2 for bad flags.
 */
import { availableParallelism } from 'node:os';
import { Faker, en } from '@faker-js/faker';
import pg from 'pg';
import type { RunningStack } from '@jobgraph/stack';
import { LOAD_FLAGS, loadSettings, parseFlags, runBenchmark, stopOnSignal, wholeNumber } from './cli.js';
import { errorsOf, fmt, measure, table, verify, type LoadResult, type Target } from './load.js';

// Before the stack's modules load (they read the environment): no Apollo usage reporting, quiet logs, and every
// subgraph counts its SQL statements (RunningSubgraph.sqlStatements).
process.env.APOLLO_TELEMETRY_DISABLED ??= '1';
process.env.LOG_LEVEL ??= 'warn';
// Hundreds of requests per second from one IP: the router's rate limits (per user / per IP) are off.
process.env.RATE_LIMIT_USER_PER_MINUTE ??= '0';
process.env.RATE_LIMIT_IP_PER_MINUTE ??= '0';
process.env.SQL_STATEMENT_LOG ??= 'count';

// ---------------------------------------------------------------------------------------------------------------
// Options

const USAGE = `usage: node bench/dist/search.js [--gigs n=100000] [--sellers n=50] [--duration seconds=10] [--connections n=16]
                             [--warmup seconds=2] [--seed n=42]`;
const { gigCount, sellerCount, settings, seed } = parseFlags(USAGE, ['gigs', 'sellers', ...LOAD_FLAGS, 'seed'], (flags) => ({
  gigCount: wholeNumber('gigs', flags.gigs, 100_000, 100),
  sellerCount: wholeNumber('sellers', flags.sellers, 50, 1),
  settings: loadSettings(flags, { duration: 10, connections: 16, warmup: 2 }),
  seed: wholeNumber('seed', flags.seed, 42, 0),
}));

const log = (line: string): void => console.log(line);

const { startStack, fakeGig, fakeSeller } = await import('@jobgraph/stack');
const { newId } = await import('@jobgraph/kit');

// ---------------------------------------------------------------------------------------------------------------
// Talking to the router

interface CategoryRef {
  id: string;
  subCategories: { id: string }[];
}

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

/** Sellers through the API (signUp + becomeSeller), a few at a time; returns their user ids. */
async function createSellers(url: string, faker: Faker, categories: CategoryRef[]): Promise<string[]> {
  const ids: string[] = [];
  let next = 0;
  const one = async (n: number): Promise<void> => {
    const username = `bench-seller-${String(n).padStart(3, '0')}`;
    const { signUp } = await graphql<{ signUp: { accessToken: string; user: { id: string } } }>(
      url,
      'mutation($input: SignUpInput!) { signUp(input: $input) { accessToken user { id } } }',
      { input: { email: `${username}@example.com`, username, password: 'correct horse battery staple' } },
    );
    await graphql(url, 'mutation($input: BecomeSellerInput!) { becomeSeller(input: $input) { id } }', {
      input: fakeSeller(faker, faker.helpers.arrayElement(categories)),
    }, signUp.accessToken);
    ids[n - 1] = signUp.user.id;
  };
  await Promise.all(Array.from({ length: 4 }, async () => {
    while (next < sellerCount) await one(++next);
  }));
  return ids;
}

// ---------------------------------------------------------------------------------------------------------------
// Bulk insert

const COLUMNS = ['id', 'seller_id', 'title', 'description', 'basic_title', 'basic_description', 'category_id', 'sub_category_id', 'tags',
  'price', 'currency', 'delivery_days', 'cover_image_url', 'status', 'rating_count', 'rating_sum', 'rating_average',
  'stars1', 'stars2', 'stars3', 'stars4', 'stars5', 'created_at', 'updated_at', 'published_at'];
/** Rows per INSERT: 25 columns × 1,000 rows stays well under PostgreSQL's 65,535 parameters. */
const BATCH = 1_000;
const DAY_MS = 24 * 3600 * 1000;

/** A published gig row: listing text from the demo vocabulary, published over the last year, ~40% with reviews. */
function gigRow(faker: Faker, sellers: string[], categories: CategoryRef[], now: number): unknown[] {
  const g = fakeGig(faker, faker.helpers.arrayElement(categories));
  const publishedAt = now - faker.number.int({ min: 0, max: 365 * DAY_MS });
  const createdAt = publishedAt - faker.number.int({ min: 0, max: 14 * DAY_MS });
  const stars = [0, 0, 0, 0, 0];
  if (faker.number.int({ min: 1, max: 10 }) <= 4) {
    // Marketplace ratings lean to 5 stars; a few gigs have many reviews, most have a handful.
    const count = Math.max(1, Math.round(Math.exp(faker.number.float({ min: 0, max: Math.log(400) }))));
    const weights = [0.02, 0.03, 0.07, 0.2, 0.68].map((w) => w * faker.number.float({ min: 0.3, max: 1.7 }));
    const total = weights.reduce((a, b) => a + b, 0);
    for (let i = 0; i < count; i++) {
      let r = faker.number.float({ min: 0, max: total });
      let s = 0;
      while (s < 4 && r > weights[s]) r -= weights[s++];
      stars[s]++;
    }
  }
  const count = stars.reduce((a, b) => a + b, 0);
  const sum = stars.reduce((a, n, i) => a + n * (i + 1), 0);
  return [
    newId(), faker.helpers.arrayElement(sellers), g.title, g.description, g.basicTitle, g.basicDescription, g.categoryId, g.subCategoryId,
    g.tags, g.price, 'USD', g.deliveryDays, g.coverImageUrl, 'PUBLISHED', count, sum, count === 0 ? 0 : sum / count,
    ...stars, new Date(createdAt), new Date(publishedAt), new Date(publishedAt),
  ];
}

async function insertGigs(databaseUrl: string, sellers: string[], categories: CategoryRef[], faker: Faker): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const started = Date.now();
  const now = Date.now();
  const tty = process.stderr.isTTY;
  let lastShown = -1;
  try {
    for (let done = 0; done < gigCount; ) {
      const rows = Math.min(BATCH, gigCount - done);
      const params: unknown[] = [];
      const values: string[] = [];
      for (let r = 0; r < rows; r++) {
        const row = gigRow(faker, sellers, categories, now);
        values.push(`(${row.map((_, c) => `$${params.length + c + 1}`).join(', ')})`);
        params.push(...row);
      }
      await client.query(`insert into gig (${COLUMNS.join(', ')}) values ${values.join(', ')}`, params);
      done += rows;
      const seconds = (Date.now() - started) / 1000;
      const line = `  inserted ${done.toLocaleString('en')} / ${gigCount.toLocaleString('en')} gigs (${fmt(done / seconds, 0)} rows/s)`;
      const tenth = Math.floor((done / gigCount) * 10);
      if (tty) process.stderr.write(`\r${line}`);
      else if (tenth !== lastShown) log(line);
      lastShown = tenth;
    }
    if (tty) process.stderr.write('\n');
    // What autovacuum would do soon after such a load: give the planner the new table's statistics.
    await client.query('analyze gig');
    const size = await client.query<{ size: string }>(`select pg_size_pretty(pg_total_relation_size('gig')) as size`);
    log(`  ${gigCount.toLocaleString('en')} gigs in ${fmt((Date.now() - started) / 1000, 1)} s; table with indexes: ${size.rows[0]?.size}`);
    return (Date.now() - started) / 1000;
  } finally {
    await client.end();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// What is measured

const CARD = 'edges { node { id title price { amount currency } rating { average count } seller { username } } } pageInfo { hasNextPage endCursor }';
const SEARCH = `query Search($query: String, $filter: GigFilter, $sort: GigSort!) { searchGigs(query: $query, filter: $filter, sort: $sort, first: 20) { ${CARD} } }`;

interface SearchCase {
  name: string;
  variables: { query?: string; filter?: Record<string, unknown>; sort: string };
}

const CASES: SearchCase[] = [
  { name: 'common word: "website"', variables: { query: 'website', sort: 'RELEVANCE' } },
  { name: 'typo: "wordpres"', variables: { query: 'wordpres', sort: 'RELEVANCE' } },
  {
    name: 'filter only, PRICE_ASC',
    variables: { filter: { category: 'programming-tech', maxPrice: 20_000, maxDeliveryDays: 7 }, sort: 'PRICE_ASC' },
  },
];

function searchTarget(url: string, c: SearchCase): Target {
  return {
    name: c.name,
    url,
    body: JSON.stringify({ query: SEARCH, variables: c.variables, operationName: 'Search' }),
    headers: async () => ({ 'content-type': 'application/json' }),
    refresh: false,
    // A non-empty first page with the seller's username from auth.
    marker: '"username":"bench-seller-',
    check: (body) => {
      const edges = (body.data as { searchGigs?: { edges?: unknown[] } } | undefined)?.searchGigs?.edges;
      return edges && edges.length > 0 ? null : `no results: ${JSON.stringify(body.data).slice(0, 200)}`;
    },
  };
}

/** The Redis client behind gigs' cache: disconnected, every cache read misses and every search runs its SQL. */
interface RedisSwitch {
  disconnect(): void;
  connect(): Promise<void>;
  status: string;
}

function gigsCacheSwitch(stack: RunningStack): { off(): void; on(): Promise<void> } | null {
  const redis = (stack.subgraphs.gigs?.services as { redis?: RedisSwitch } | undefined)?.redis;
  if (!redis || typeof redis.disconnect !== 'function') return null;
  return {
    off: () => redis.disconnect(),
    on: async () => {
      if (redis.status === 'end') await redis.connect();
    },
  };
}

/**
 * Waits until no statement runs on `database` any more (at most 60 s): a request autocannon gave up on still runs
 * its query to the end, and must not slow the next measurement down.
 */
async function settle(databaseUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const { rows } = await client.query<{ n: number }>(
        `select count(*)::int as n from pg_stat_activity where datname = current_database() and state = 'active' and pid <> pg_backend_pid()`,
      );
      if ((rows[0]?.n ?? 0) === 0 || Date.now() > deadline) return;
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    await client.end();
  }
}

/** Median time of `n` requests sent one after another: what one search costs without queueing behind others. */
async function alone(target: Target, n = 5): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    const response = await fetch(target.url, { method: 'POST', headers: await target.headers(), body: target.body });
    const text = await response.text();
    times.push(performance.now() - started);
    if (response.status !== 200 || text.includes('"errors"')) throw new Error(`"${target.name}" failed: HTTP ${response.status} ${text.slice(0, 500)}`);
  }
  return times.sort((a, b) => a - b)[Math.floor(n / 2)];
}

/** One request's SQL statements per subgraph (fewest of `runs` tries: a subgraph's outbox relay polls every second). */
async function countStatements(stack: RunningStack, first: number, runs = 3): Promise<{ perSubgraph: Record<string, number>; total: number; statements: Record<string, string[]> }> {
  const query = `query Count($first: Int!) { searchGigs(first: $first) { edges { node { title seller { username seller { rating { average } } } } } } }`;
  let best: { perSubgraph: Record<string, number>; total: number; statements: Record<string, string[]> } | null = null;
  for (let i = 0; i < runs; i++) {
    for (const s of Object.values(stack.subgraphs)) s.sqlStatements?.reset();
    const data = await graphql<{ searchGigs: { edges: { node: { seller: { username: string; seller: { rating: unknown } | null } } }[] } }>(stack.url, query, { first });
    const edges = data.searchGigs.edges;
    if (edges.length !== first) throw new Error(`searchGigs(first: ${first}) returned ${edges.length} gigs`);
    if (edges.some((e) => !e.node.seller.username || !e.node.seller.seller)) throw new Error('a gig came back without its seller\'s username or seller page');
    const perSubgraph: Record<string, number> = {};
    const statements: Record<string, string[]> = {};
    for (const [name, s] of Object.entries(stack.subgraphs)) {
      if (!s.sqlStatements) throw new Error(`subgraph ${name} does not count statements: start it with SQL_STATEMENT_LOG=count`);
      perSubgraph[name] = s.sqlStatements.count;
      statements[name] = [...s.sqlStatements.statements];
    }
    const total = Object.values(perSubgraph).reduce((a, b) => a + b, 0);
    if (!best || total < best.total) best = { perSubgraph, total, statements };
  }
  return best!;
}

// ---------------------------------------------------------------------------------------------------------------
// Run

async function main(): Promise<number> {
  log(`search: ${gigCount.toLocaleString('en')} gigs, ${sellerCount} sellers; ${settings.duration} s per run after ${settings.warmup} s warm-up, ${settings.connections} connections`);
  log('starting the stack (fresh databases, free ports)…');
  let stack: RunningStack | undefined;
  const { finish } = stopOnSignal('stopping the stack', () => (stack ? stack.stop() : Promise.resolve()));
  try {
    stack = await startStack({ freshDatabases: true, freePorts: true, env: process.env, onProgress: (line) => log(`  ${line}`) });
    const gigs = stack.subgraphs.gigs;
    if (!gigs) throw new Error(`expected a gigs subgraph, got ${Object.keys(stack.subgraphs).join(', ')}`);
    log(`  router at ${stack.url}`);

    const faker = new Faker({ locale: [en] });
    faker.seed(seed);
    const { categories } = await graphql<{ categories: CategoryRef[] }>(stack.url, '{ categories { id subCategories { id } } }');
    log(`creating ${sellerCount} sellers through the API (signUp + becomeSeller)…`);
    const sellers = await createSellers(stack.url, faker, categories);

    log(`inserting ${gigCount.toLocaleString('en')} published gigs into gigs' database…`);
    const databaseUrl = gigs.orm.config.get('clientUrl');
    if (!databaseUrl) throw new Error('the gigs subgraph has no database URL');
    await insertGigs(databaseUrl, sellers, categories, faker);

    const cache = gigsCacheSwitch(stack);
    if (!cache) log('note: gigs\' cache client was not found; every run below may be served from the cache');

    log('verifying one response of each query…');
    const targets = CASES.map((c) => searchTarget(stack!.url, c));
    cache?.off();
    for (const target of targets) await verify(target, log);

    log('counting SQL statements of one request, N = 5 and N = 50 (gigs\' cache off)…');
    const counts = { 5: await countStatements(stack, 5), 50: await countStatements(stack, 50) };

    const results: { name: string; mode: string; alone: number; r: LoadResult }[] = [];
    for (const [mode, enable] of [['cache off', false], ['cached', true]] as const) {
      if (enable) await cache?.on();
      else cache?.off();
      if (mode === 'cache off' && cache) log('(gigs\' Redis client is disconnected for the "cache off" runs: gigs logs "cache unavailable" once; expected)');
      for (const target of targets) {
        // Cached: the first request fills the cache (gigs does not coalesce concurrent misses: without this, the
        // warm-up's 16 simultaneous misses would all run the query).
        await settle(databaseUrl);
        const single = await alone(target);
        log(`measuring ${target.name}, ${mode}: alone ${fmt(single)} ms; load (${settings.warmup} s warm-up + ${settings.duration} s)…`);
        const r = await measure(target, settings);
        results.push({ name: target.name, mode, alone: single, r });
        log(`  ${fmt(r.rps, 0)} req/s, p50 ${fmt(r.p50)} ms, p95 ${fmt(r.p95)} ms, p99 ${fmt(r.p99)} ms, ${errorsOf(r)} errors (${r.timeouts} timeouts)`);
      }
    }
    await cache?.on();

    // -------------------------------------------------------------------------------------------------------------
    // Report
    log('');
    log(`Results: searchGigs(first: 20) through the router over ${gigCount.toLocaleString('en')} published gigs (${settings.duration} s measured after ${settings.warmup} s warm-up, ${settings.connections} connections, ${availableParallelism()} CPUs, Node ${process.version}):`);
    log(`selection: ${CARD}`);
    log('');
    log(
      table([
        ['query', 'gigs cache', 'alone ms', 'requests', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'errors', 'non-2xx/gql/net/timeouts'],
        ...results.map(({ name, mode, alone: single, r }) => [
          name, mode, fmt(single), String(r.requests), fmt(r.rps, 0), fmt(r.p50), fmt(r.p95), fmt(r.p99), String(errorsOf(r)),
          `${r.non2xx}/${r.graphqlErrors}/${r.socketErrors - r.timeouts}/${r.timeouts}`,
        ]),
      ]),
    );
    log('');
    log('"cache off": gigs\' Redis cache disconnected, every request runs the search SQL on PostgreSQL (a search nobody');
    log('made in the last GIGS_CACHE_TTL_SECONDS). "cached": the same request repeated, its page served from Redis.');
    log('"alone": median of 5 requests sent one after another (no queueing); the other columns are under load.');
    log('The router, the subgraphs, PostgreSQL, Redis and the load generator share this machine: compare rows of one run.');
    log('');
    const names = Object.keys(counts[5].perSubgraph);
    log('SQL statements of one request: searchGigs(first: N) { edges { node { title seller { username seller { rating { average } } } } } }');
    log('');
    log(
      table([
        ['N', ...names, 'total'],
        ...([5, 50] as const).map((n) => [String(n), ...names.map((s) => String(counts[n].perSubgraph[s])), String(counts[n].total)]),
      ]),
    );
    log('');
    const equal = counts[5].total === counts[50].total;
    log(equal ? `Equal for N = 5 and N = 50 (${counts[5].total} statements): no N+1.` : `WARNING: N = 5 costs ${counts[5].total} statements, N = 50 costs ${counts[50].total}: something loads per row (N+1).`);
    for (const [s, list] of Object.entries(counts[50].statements)) {
      for (const sql of list) log(`  ${s}: ${sql.replace(/\s+/g, ' ').slice(0, 150)}${sql.length > 150 ? '…' : ''}`);
    }

    // Wrong answers fail the benchmark; requests that time out under load (autocannon waits 10 s) are a finding.
    const failed = results.reduce((a, { r }) => a + errorsOf(r) - r.timeouts, 0);
    const timeouts = results.reduce((a, { r }) => a + r.timeouts, 0);
    if (failed + timeouts > 0) {
      log('');
      if (timeouts > 0) log(`WARNING: ${timeouts} request(s) got no answer within 10 s under load: the percentiles of those runs leave them out.`);
      if (failed > 0) log(`WARNING: ${failed} request(s) failed (non-2xx, GraphQL errors or connection errors); the figures are not trustworthy.`);
      for (const { name, mode, r } of results) {
        if (errorsOf(r) > 0) log(`  ${name} (${mode}): ${r.timeouts} timeouts${r.sampleError ? `; e.g. ${r.sampleError}` : ''}`);
      }
    }
    return failed > 0 ? 1 : 0;
  } finally {
    await finish();
  }
}

await runBenchmark(main);
