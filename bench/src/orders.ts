/**
 * placeOrder under load: throughput and latency of `placeOrder` through the router with N concurrent clients (each
 * its own buyer, each order with a fresh Idempotency-Key, sandbox payment method `pm_sandbox_ok`), and how long
 * the resulting `order.placed` events wait in orders' outbox under that load.
 *
 *   pnpm bench:orders [-- --clients 50 --duration 20 --warmup 3]
 *   node bench/dist/orders.js --clients 20 --duration 10
 *
 * Starts the whole stack in this process (fresh databases, free ports, SQL_STATEMENT_LOG=count), seeds through the
 * router with the typed client: an admin, sellers each with one published gig (waiting until orders' read model
 * knows it), and the buyers. Checks one order, then runs the load with autocannon in a worker thread (one buyer's
 * token and one gig per connection, a fresh Idempotency-Key per request). Outbox lag: for the `order.placed` rows
 * written during the measured run, published_at − created_at from orders' `outbox_event` table, and, as a consumer
 * sees it, the time an AMQP tap on the orders exchange received each event minus its envelope's occurredAt. Then
 * times five orders alone (latency, CPU) and counts the SQL statements one order costs in each subgraph. Prints where
 * the time goes: each service's requests and SQL statements per order, its database pool, CPU per process.
 *
 * Asserts nothing about time. Exits 1 when the stack cannot start, a check fails, a wait runs out or any measured
 * request failed; 2 for bad flags.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { monitorEventLoopDelay, performance, type EventLoopUtilization } from 'node:perf_hooks';
import { connect, type ChannelModel } from 'amqplib';
import pg from 'pg';
import type { RunningStack } from '@jobgraph/stack';
import type { RunningSubgraph } from '@jobgraph/kit';
import { GaveUp, parseFlags, runBenchmark, stopOnSignal, wholeNumber } from './cli.js';
import { errorsOf, fmt, measure, percentile, table, type LoadProgress, type LoadResult, type Target } from './load.js';

// Before the stack's modules load (they read the environment): no Apollo usage reporting, quiet logs, every subgraph
// counts its SQL statements, and the buyers' access tokens outlive the run (the default is 15 minutes).
process.env.APOLLO_TELEMETRY_DISABLED ??= '1';
process.env.LOG_LEVEL ??= 'warn';
// Hundreds of requests per second from one IP: the router's rate limits (per user / per IP) are off.
process.env.RATE_LIMIT_USER_PER_MINUTE ??= '0';
process.env.RATE_LIMIT_IP_PER_MINUTE ??= '0';
process.env.SQL_STATEMENT_LOG ??= 'count';
process.env.ACCESS_TOKEN_TTL_SECONDS ??= '3600';

// ---------------------------------------------------------------------------------------------------------------
// Options

const USAGE = `usage: node bench/dist/orders.js [--clients n=50] [--duration seconds=20] [--warmup seconds=3]
                             [--buyers n (default: one per client)] [--gigs n=10] [--cpu-profile file.cpuprofile]`;
const { clients, duration, warmup, buyerCount, gigCount, cpuProfile } = parseFlags(
  USAGE,
  ['clients', 'duration', 'warmup', 'buyers', 'gigs', 'cpu-profile'],
  (flags) => {
    const clients = wholeNumber('clients', flags.clients, 50, 1);
    return {
      clients,
      duration: wholeNumber('duration', flags.duration, 20, 1),
      warmup: wholeNumber('warmup', flags.warmup, 3, 0),
      buyerCount: wholeNumber('buyers', flags.buyers, clients, 1),
      gigCount: wholeNumber('gigs', flags.gigs, 10, 1),
      cpuProfile: flags['cpu-profile'],
    };
  },
);

const log = (line: string): void => console.log(line);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const tty = process.stderr.isTTY;

const { startStack, setAdmin } = await import('@jobgraph/stack');
const { baseEnv, exchangeFor } = await import('@jobgraph/kit');
const {
  JobGraphClient,
  SignUpDocument,
  SignInDocument,
  BecomeSellerDocument,
  CreateGigDocument,
  SubmitGigForReviewDocument,
  ApproveGigDocument,
  PlaceOrderDocument,
} = await import('@jobgraph/client');
const { print } = await import('graphql');

type Client = InstanceType<typeof JobGraphClient>;

const PASSWORD = 'correct horse battery staple';
const PAYMENT_METHOD = 'pm_sandbox_ok';
const REQUIREMENTS = 'A logo for my bakery, in blue, with a croissant. Vector files please.';

// ---------------------------------------------------------------------------------------------------------------
// Waiting (progress on a terminal every 0.5 s, else every 5 s; gives up after `maxMs`)

async function waitUntil(what: string, done: () => Promise<boolean>, status: () => string, maxMs = 30_000): Promise<void> {
  const started = Date.now();
  let shown = started;
  for (;;) {
    if (await done()) {
      if (tty) process.stderr.write('\n');
      return;
    }
    const now = Date.now();
    if (now - started > maxMs) {
      if (tty) process.stderr.write('\n');
      throw new GaveUp(`gave up after ${maxMs / 1000} s waiting for ${what}: ${status()}`);
    }
    if (tty) process.stderr.write(`\r  waiting for ${what}: ${status()}   `);
    else if (now - shown >= 5_000) {
      log(`  waiting for ${what}: ${status()}`);
      shown = now;
    }
    await sleep(tty ? 500 : 100);
  }
}

/** Runs `fn` for 0..n-1, `parallel` at a time. */
async function pool(n: number, parallel: number, fn: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(parallel, n) }, async () => {
    while (next < n) await fn(next++);
  }));
}

// ---------------------------------------------------------------------------------------------------------------
// Seeding, through the router with the typed client

interface Account {
  id: string;
  username: string;
  email: string;
  token: string;
}

const sellerInput = {
  fullName: 'Ada Lovelace',
  oneLiner: 'Analytical engines, tested',
  description: 'I design and verify computation pipelines for marketplaces.',
  skills: ['TypeScript', 'GraphQL'],
  languages: [{ language: 'English', level: 'NATIVE' as const }],
  socialLinks: ['https://example.com/ada'],
};

async function signUp(client: Client, username: string): Promise<Account> {
  const input = { email: `${username}@example.com`, username, password: PASSWORD };
  const { signUp: s } = await client.expect(SignUpDocument, { input });
  return { id: s.user.id, username, email: input.email, token: s.accessToken };
}

/** An admin: the role is granted in auth's database and reaches the token at the next sign-in. */
async function newAdmin(stack: RunningStack, client: Client, tag: string): Promise<Account> {
  const user = await signUp(client, `bench_admin_${tag}`);
  await setAdmin(stack.subgraphs.auth.orm, user.email, true);
  const { signIn } = await client.expect(SignInDocument, { input: { login: user.username, password: PASSWORD } });
  return { ...user, token: signIn.accessToken };
}

/** Queries on one subgraph's database, on connections of the benchmark's own (not the subgraph's pool). */
function openDb(sub: RunningSubgraph<unknown>): pg.Pool {
  const url = sub.orm.config.get('clientUrl');
  if (!url) throw new Error('a subgraph has no database URL');
  return new pg.Pool({ connectionString: url, max: 2 });
}

const count = async (db: pg.Pool, sql: string, params: unknown[] = []): Promise<number> => Number((await db.query<{ n: string }>(sql, params)).rows[0]?.n ?? 0);

interface Gig {
  id: string;
  sellerId: string;
  price: number;
}

/**
 * A seller per gig (signUp + becomeSeller; gigs learns of the seller from users' event), then createGig,
 * submitGigForReview and approveGig (admin): a published gig, as buyers find it.
 */
async function publishedGigs(stack: RunningStack, client: Client, admin: Account, tag: string): Promise<Gig[]> {
  const gigsDb = openDb(stack.subgraphs.gigs);
  const gigs: Gig[] = [];
  try {
    await pool(gigCount, 4, async (i) => {
      const seller = await signUp(client, `bench_seller_${String(i).padStart(3, '0')}_${tag}`);
      await client.expect(BecomeSellerDocument, { input: sellerInput }, { token: seller.token });
      let known = 0;
      await waitUntil(`gigs to learn of seller ${i + 1}`, async () => (known = await count(gigsDb, 'select count(*) as n from seller where user_id = $1', [seller.id])) > 0, () => `${known}`, 10_000);
      // Prices across the small-order threshold (50.00): some orders pay the flat fee, some do not.
      const price = 2_000 + ((i * 3_700) % 18_000);
      const { createGig } = await client.expect(
        CreateGigDocument,
        {
          input: {
            title: `I will design a logo for your bakery, style ${i + 1}`,
            description: 'A clean, memorable logo for your bakery or café, delivered as vector files with a colour guide.',
            basicTitle: 'Basic logo',
            basicDescription: 'One concept, two revisions, vector files.',
            categoryId: 'graphics-design',
            subCategoryId: 'logo-design',
            tags: ['logo', 'branding'],
            price,
            deliveryDays: 3 + (i % 5),
          },
        },
        { token: seller.token },
      );
      await client.expect(SubmitGigForReviewDocument, { id: createGig.id }, { token: seller.token });
      await client.expect(ApproveGigDocument, { id: createGig.id }, { token: admin.token });
      gigs[i] = { id: createGig.id, sellerId: seller.id, price };
    });
  } finally {
    await gigsDb.end();
  }
  return gigs;
}

// ---------------------------------------------------------------------------------------------------------------
// The consumer's view: a tap on orders' exchange that records when each order.placed arrived

interface Tapped {
  /** Date.now() when the tap received it. */
  receivedAt: number;
  /** The envelope's occurredAt (ms since the epoch): when orders recorded the event, inside its transaction. */
  occurredAt: number;
  orderId: string;
}

/** Like tapEvents (@jobgraph/kit/testing), on a private auto-deleted queue, but keeps each event's arrival time. */
async function tapOrderPlaced(amqpUrl: string, namespace: string): Promise<{ byId: Map<string, Tapped>; close(): Promise<void> }> {
  const connection: ChannelModel = await connect(amqpUrl);
  const channel = await connection.createChannel();
  const exchange = exchangeFor(namespace, 'orders', 'order.placed');
  await channel.assertExchange(exchange.name, exchange.type, { durable: true });
  const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true });
  await channel.bindQueue(queue, exchange.name, exchange.type === 'fanout' ? '' : 'order.placed');
  const byId = new Map<string, Tapped>();
  await channel.consume(queue, (m) => {
    if (!m) return;
    const receivedAt = Date.now();
    const e = JSON.parse(m.content.toString('utf8')) as { id: string; occurredAt: string; data: { orderId: string } };
    byId.set(e.id, { receivedAt, occurredAt: Date.parse(e.occurredAt), orderId: e.data.orderId });
  }, { noAck: true });
  return { byId, close: () => connection.close() };
}

// ---------------------------------------------------------------------------------------------------------------
// Where the time goes: the services' HTTP timers, CPU per process, the event loop

/** Sum and count of jobgraph_http_request_duration_seconds over POST requests (the GraphQL endpoint) of one service. */
async function httpTimer(metricsUrl: string): Promise<{ sum: number; count: number }> {
  const text = await (await fetch(metricsUrl, { signal: AbortSignal.timeout(10_000) })).text();
  const t = { sum: 0, count: 0 };
  for (const line of text.split('\n')) {
    if (!line.includes('method="POST"')) continue;
    if (line.startsWith('jobgraph_http_request_duration_seconds_sum{')) t.sum += Number(line.split(' ').at(-1));
    else if (line.startsWith('jobgraph_http_request_duration_seconds_count{')) t.count += Number(line.split(' ').at(-1));
  }
  return t;
}

const CLOCK_TICKS = 100; // USER_HZ: /proc reports CPU times in 1/100 s on Linux

/** user + system CPU seconds of a /proc/…/stat file. */
async function statCpu(path: string): Promise<{ comm: string; seconds: number }> {
  const stat = await readFile(path, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { comm: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')), seconds: (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS };
}

/** CPU seconds so far of the processes that matter here, by pid, with their group (Linux; empty elsewhere). */
async function processCpu(databasePrefix: string): Promise<Map<number, { group: string; seconds: number }>> {
  const byPid = new Map<number, { group: string; seconds: number }>();
  let pids: string[] = [];
  try {
    pids = (await readdir('/proc')).filter((p) => /^\d+$/.test(p) && Number(p) !== process.pid);
  } catch {
    return byPid;
  }
  await Promise.all(pids.map(async (pid) => {
    try {
      const { comm, seconds } = await statCpu(`/proc/${pid}/stat`);
      let group: string | null = null;
      if (comm === 'postgres') {
        const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8');
        group = cmdline.includes(databasePrefix) ? "PostgreSQL: this stack's connections" : 'PostgreSQL: other (background, other databases)';
      } else if (comm === 'beam.smp') group = 'RabbitMQ';
      else if (comm === 'redis-server') group = 'Redis';
      if (group) byPid.set(Number(pid), { group, seconds });
    } catch {
      // gone meanwhile
    }
  }));
  return byPid;
}

/** CPU used between two readings, by group: processes that started meanwhile count whole, those that ended are lost. */
function cpuByGroup(before: Map<number, { group: string; seconds: number }>, after: Map<number, { group: string; seconds: number }>): Map<string, number> {
  const groups = new Map<string, number>();
  for (const [pid, { group, seconds }] of after) groups.set(group, (groups.get(group) ?? 0) + seconds - (before.get(pid)?.seconds ?? 0));
  return groups;
}

/** CPU seconds of this process's main thread (the router's and every subgraph's event loop): its task has the pid's id. */
const mainThreadCpu = (): Promise<number> => statCpu(`/proc/${process.pid}/task/${process.pid}/stat`).then((s) => s.seconds, () => NaN);

/** Busy and total CPU seconds of the whole machine, from /proc/stat. */
async function machineCpu(): Promise<{ busy: number; all: number }> {
  try {
    const line = (await readFile('/proc/stat', 'utf8')).split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const all = line.slice(0, 8).reduce((a, b) => a + b, 0);
    const idle = line[3]! + line[4]!;
    return { busy: (all - idle) / CLOCK_TICKS, all: all / CLOCK_TICKS };
  } catch {
    return { busy: NaN, all: NaN };
  }
}

/** The knex (tarn) connection pool behind a subgraph's ORM. */
interface PoolLike {
  numUsed(): number;
  numPendingAcquires(): number;
  max: number;
}

function poolOf(sub: RunningSubgraph<unknown>): PoolLike | null {
  const connection = sub.orm.em.getConnection() as unknown as { getKnex?: () => { client?: { pool?: PoolLike } } };
  return connection.getKnex?.().client?.pool ?? null;
}

/** Samples every subgraph's pool every 100 ms: connections in use, requests waiting for one. */
class PoolSampler {
  readonly stats = new Map<string, { samples: number; used: number; waiting: number; maxWaiting: number; size: number }>();
  private timer: NodeJS.Timeout | null = null;
  constructor(private readonly pools: Array<[string, PoolLike]>) {}
  start(): void {
    this.timer = setInterval(() => {
      for (const [name, pool] of this.pools) {
        const s = this.stats.get(name) ?? { samples: 0, used: 0, waiting: 0, maxWaiting: 0, size: pool.max };
        const waiting = pool.numPendingAcquires();
        s.samples++;
        s.used += pool.numUsed();
        s.waiting += waiting;
        s.maxWaiting = Math.max(s.maxWaiting, waiting);
        this.stats.set(name, s);
      }
    }, 100);
  }
  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
  now(name: string): { used: number; waiting: number } | null {
    const pool = this.pools.find(([n]) => n === name)?.[1];
    return pool ? { used: pool.numUsed(), waiting: pool.numPendingAcquires() } : null;
  }
}

interface Snapshot {
  at: number;
  elu: EventLoopUtilization;
  self: NodeJS.CpuUsage;
  mainThread: number;
  processes: Map<number, { group: string; seconds: number }>;
  machine: { busy: number; all: number };
  http: Map<string, { sum: number; count: number }>;
  /** SQL statements sent so far, by subgraph (SQL_STATEMENT_LOG=count). */
  sql: Map<string, number>;
}

async function snapshot(stack: RunningStack, services: Array<[string, string]>, databasePrefix: string): Promise<Snapshot> {
  const at = Date.now();
  const sql = new Map(Object.entries(stack.subgraphs).map(([name, s]) => [name, s.sqlStatements?.count ?? NaN]));
  const elu = performance.eventLoopUtilization();
  const self = process.cpuUsage();
  const [mainThread, processes, machine, http] = await Promise.all([
    mainThreadCpu(),
    processCpu(databasePrefix),
    machineCpu(),
    Promise.all(services.map(async ([name, url]) => [name, await httpTimer(url).catch(() => ({ sum: NaN, count: NaN }))] as const)).then((e) => new Map(e)),
  ]);
  return { at, elu, self, mainThread, processes, machine, http, sql };
}

// ---------------------------------------------------------------------------------------------------------------
// Run

async function main(): Promise<number> {
  log(`orders: placeOrder through the router, ${clients} concurrent clients (${Math.min(buyerCount, clients)} buyers), ${gigCount} gigs; ${duration} s measured after ${warmup} s warm-up`);
  log('starting the stack (fresh databases, free ports)…');
  let stack: RunningStack | undefined;
  let tap: Awaited<ReturnType<typeof tapOrderPlaced>> | undefined;
  let ordersDb: pg.Pool | undefined;
  const { finish } = stopOnSignal('stopping the stack', async () => {
    await tap?.close().catch(() => undefined);
    await ordersDb?.end().catch(() => undefined);
    await stack?.stop();
  });
  try {
    stack = await startStack({ freshDatabases: true, freePorts: true, env: process.env, onProgress: (line) => log(`  ${line}`) });
    const orders = stack.subgraphs.orders;
    if (!orders) throw new Error(`expected an orders subgraph, got ${Object.keys(stack.subgraphs).join(', ')}`);
    log(`  router at ${stack.url}`);
    ordersDb = openDb(orders);
    const db = ordersDb;
    // jobgraph_<tag>_: the stack's databases, to tell its PostgreSQL connections from others'.
    const databasePrefix = decodeURIComponent(new URL(String(orders.orm.config.get('clientUrl'))).pathname.slice(1)).replace(/orders$/, '');
    const client = new JobGraphClient(stack.url);
    const tag = randomBytes(3).toString('hex');

    // -------------------------------------------------------------------------------------------------------------
    // Seed
    log('seeding through the router: an admin, sellers with one published gig each, the buyers…');
    const admin = await newAdmin(stack, client, tag);
    const gigs = await publishedGigs(stack, client, admin, tag);
    let listed = 0;
    await waitUntil(
      "orders' read model (gig_listing) to know every published gig",
      async () => (listed = await count(db, `select count(*) as n from gig_listing where gig_id = any($1) and status = 'PUBLISHED'`, [gigs.map((g) => g.id)])) === gigs.length,
      () => `${listed} / ${gigs.length}`,
    );
    log(`  ${gigs.length} published gigs (prices ${fmt(Math.min(...gigs.map((g) => g.price)) / 100)}–${fmt(Math.max(...gigs.map((g) => g.price)) / 100)} USD), known to orders`);
    const buyers: Account[] = [];
    let signedUp = 0;
    await pool(buyerCount, 4, async (i) => {
      buyers[i] = await signUp(client, `bench_buyer_${String(i).padStart(3, '0')}_${tag}`);
      signedUp++;
      if (tty) process.stderr.write(`\r  signed up ${signedUp} / ${buyerCount} buyers`);
    });
    if (tty) process.stderr.write('\n');
    log(`  ${buyers.length} buyers signed up`);

    const ns = String(stack.env.EVENTS_NAMESPACE);
    tap = await tapOrderPlaced(stack.env.AMQP_URL ?? baseEnv.AMQP_URL.parse(undefined), ns);
    const tapped = tap.byId;

    // -------------------------------------------------------------------------------------------------------------
    // One order, checked
    const placeOne = async (buyer: Account, gig: Gig): Promise<{ id: string; ms: number }> => {
      const started = performance.now();
      const result = await client.request(
        PlaceOrderDocument,
        { input: { gigId: gig.id, requirements: REQUIREMENTS, paymentMethod: PAYMENT_METHOD } },
        { token: buyer.token, headers: { 'idempotency-key': randomUUID() } },
      );
      const ms = performance.now() - started;
      const order = result.data?.placeOrder;
      if (result.errors.length > 0 || !order) throw new Error(`placeOrder failed (HTTP ${result.status}): ${JSON.stringify(result.errors).slice(0, 1000)}`);
      if (order.status !== 'PLACED' || order.buyer.id !== buyer.id || order.seller.id !== gig.sellerId || order.price.amount !== gig.price || !order.seller.username) {
        throw new Error(`placeOrder returned an unexpected order: ${JSON.stringify(order).slice(0, 1000)}`);
      }
      return { id: order.id, ms };
    };
    const eventOf = async (orderId: string): Promise<void> => {
      const seen = (): boolean => [...tapped.values()].some((t) => t.orderId === orderId);
      await waitUntil(`order.placed of order ${orderId} on ${ns}.orders`, async () => seen(), () => 'not yet', 10_000);
    };

    log('checking one order (typed client, PlaceOrderDocument, fresh Idempotency-Key)…');
    const first = await placeOne(buyers[0]!, gigs[0]!);
    await eventOf(first.id);
    log(`  order ${first.id}: PLACED, buyer and seller right, order.placed received`);

    const names = Object.keys(stack.subgraphs);

    // -------------------------------------------------------------------------------------------------------------
    // The load
    const body = (gig: Gig): string =>
      JSON.stringify({ query: print(PlaceOrderDocument), variables: { input: { gigId: gig.id, requirements: REQUIREMENTS, paymentMethod: PAYMENT_METHOD } }, operationName: 'PlaceOrder' });
    const target: Target = {
      name: 'placeOrder',
      url: stack.url,
      body: body(gigs[0]!),
      headers: async () => ({ 'content-type': 'application/json' }),
      refresh: false,
      marker: '"status":"PLACED"',
      check: () => null,
      // Connection i is buyer i (mod buyers) ordering gig i (mod gigs); every request gets a new Idempotency-Key.
      perConnection: Array.from({ length: clients }, (_, i) => ({
        headers: { authorization: `Bearer ${buyers[i % buyers.length]!.token}` },
        body: body(gigs[i % gigs.length]!),
      })),
      uniqueHeader: 'idempotency-key',
    };
    const metricsOf = (url: string): string => url.replace(/\/graphql$/, '/metrics');
    const services: Array<[string, string]> = [['router', metricsOf(stack.url)], ...names.map((n) => [n, metricsOf(stack!.subgraphs[n]!.url)] as [string, string])];

    // --cpu-profile: a V8 CPU profile of the main thread (router and subgraphs) during the warm-up and the measured
    // run (started before the warm-up: starting the profiler blocks the thread for a moment).
    const profiler = cpuProfile ? new Session() : null;
    if (profiler) {
      profiler.connect();
      await profiler.post('Profiler.enable');
      await profiler.post('Profiler.start');
    }
    let before: Promise<Snapshot> | null = null;
    let backlog = NaN;
    let backlogQuery: Promise<void> | null = null;
    let lastLine = 0;
    const pools = new PoolSampler(names.flatMap((n) => {
      const pool = poolOf(stack!.subgraphs[n]!);
      return pool ? [[n, pool] as [string, PoolLike]] : [];
    }));
    // How late the main thread's timers fire: roughly what every await on I/O waits for its turn on a busy loop.
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    const onProgress = (p: LoadProgress): void => {
      if (p.phase === 'measured' && p.elapsed === 0) {
        before = snapshot(stack!, services, databasePrefix);
        pools.start();
        loopDelay.enable();
      }
      backlogQuery ??= count(db, 'select count(*) as n from outbox_event where published_at is null')
        .then((n) => void (backlog = n), () => undefined)
        .finally(() => (backlogQuery = null));
      const line = `  ${p.phase} ${fmt(p.elapsed, 0)} / ${p.duration} s: ${p.responses.toLocaleString('en')} responses (${fmt(p.responses / Math.max(p.elapsed, 1e-9), 0)}/s), ${p.failed} failed; outbox backlog ${Number.isNaN(backlog) ? '…' : backlog}; orders' pool ${pools.now('orders')?.used ?? '?'} in use, ${pools.now('orders')?.waiting ?? '?'} waiting`;
      const now = Date.now();
      if (tty) process.stderr.write(`\r${line}   `);
      else if (p.elapsed === 0 || now - lastLine >= 5_000) {
        log(line);
        lastLine = now;
      }
    };
    log(`measuring: ${clients} clients, ${warmup} s warm-up + ${duration} s…`);
    const r: LoadResult = await measure(target, { connections: clients, warmup, duration }, onProgress);
    pools.stop();
    loopDelay.disable();
    const after = await snapshot(stack, services, databasePrefix);
    if (tty) process.stderr.write('\n');
    if (profiler && cpuProfile) {
      const { profile } = await profiler.post('Profiler.stop');
      await writeFile(cpuProfile, JSON.stringify(profile));
      profiler.disconnect();
      log(`  CPU profile of the warm-up and the measured run written to ${cpuProfile} (open it in Chrome DevTools → Performance, or speedscope)`);
    }
    if (!before) throw new Error('the load generator never reported the start of the measured run');
    const start: Snapshot = await before;

    // -------------------------------------------------------------------------------------------------------------
    // Outbox lag of the measured run's events
    log('waiting for the outbox to drain and the tap to receive every event of the measured run…');
    let unpublished = 0;
    await waitUntil(
      "orders' outbox to drain",
      async () => (unpublished = await count(db, 'select count(*) as n from outbox_event where published_at is null')) === 0,
      () => `${unpublished} unpublished`,
    );
    const { rows } = await db.query<{ id: string; created: number; published: number }>(
      `select id, extract(epoch from created_at)::float8 * 1000 as created, extract(epoch from published_at)::float8 * 1000 as published
         from outbox_event where type = 'order.placed' and created_at >= to_timestamp($1 / 1000.0) and created_at < to_timestamp($2 / 1000.0)`,
      [r.startedAt, r.endedAt],
    );
    let received = 0;
    try {
      await waitUntil(
        'the tap to receive them',
        async () => (received = rows.reduce((a, row) => a + (tapped.has(row.id) ? 1 : 0), 0)) === rows.length,
        () => `${received} / ${rows.length}`,
      );
    } catch (err) {
      if (!(err instanceof GaveUp)) throw err;
      log(`WARNING: ${err.message}`);
    }
    const ordersInWindow = await count(db, 'select count(*) as n from orders where created_at >= to_timestamp($1 / 1000.0) and created_at < to_timestamp($2 / 1000.0)', [r.startedAt, r.endedAt]);
    const relayLag = rows.map((row) => row.published - row.created).sort((a, b) => a - b);
    const consumerLag = rows
      .map((row) => tapped.get(row.id))
      .filter((t): t is Tapped => t !== undefined)
      .map((t) => t.receivedAt - t.occurredAt)
      .sort((a, b) => a - b);
    // The relay's batches: rows one relay transaction picked up share its published_at (now()). Publishing a batch
    // takes from that start to the tap's receipt of its last event; then the relay marks and commits, and the next
    // batch starts once it has a connection again.
    const byStart = new Map<number, typeof rows>();
    for (const row of rows) byStart.set(row.published, [...(byStart.get(row.published) ?? []), row]);
    const batches = [...byStart].sort(([a], [b]) => a - b);
    const publishing: number[] = [];
    const between: number[] = [];
    batches.forEach(([startedAt, batch], i) => {
      const last = Math.max(...batch.map((row) => tapped.get(row.id)?.receivedAt ?? NaN));
      if (Number.isFinite(last)) publishing.push(last - startedAt);
      const next = batches[i + 1]?.[0];
      if (next !== undefined && Number.isFinite(last)) between.push(next - last);
    });
    publishing.sort((a, b) => a - b);
    between.sort((a, b) => a - b);
    const batchSizes = batches.map(([, batch]) => batch.length);

    // -------------------------------------------------------------------------------------------------------------
    // Five orders one after another, nothing else running (after the load: the code is warm): latency, and the SQL
    // statements of each subgraph, from the request to the consumers (fewest of the five: a poll may fall into one).
    log('five orders alone, one after another: latency, SQL statements per subgraph…');
    const fewest: Record<string, number> = {};
    let ordersStatements: string[] = [];
    const alone: number[] = [];
    for (let i = 0; i < 5; i++) {
      for (const s of Object.values(stack.subgraphs)) s.sqlStatements?.reset();
      const { id, ms } = await placeOne(buyers[(i + 1) % buyers.length]!, gigs[(i + 1) % gigs.length]!);
      await eventOf(id);
      // The relay marks the batch after its publishes; the consumers of users, notifications and chat run meanwhile.
      await sleep(500);
      alone.push(ms);
      for (const name of names) {
        const counter = stack.subgraphs[name]!.sqlStatements;
        if (!counter) throw new Error(`subgraph ${name} does not count statements: start it with SQL_STATEMENT_LOG=count`);
        if (fewest[name] === undefined || counter.count < fewest[name]!) {
          fewest[name] = counter.count;
          if (name === 'orders') ordersStatements = [...counter.statements];
        }
      }
    }
    const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    const aloneMs = median(alone);
    log(`  median latency ${fmt(aloneMs, 1)} ms`);

    // -------------------------------------------------------------------------------------------------------------
    // Report
    const seconds = (after.at - start.at) / 1000;
    const ok = r.requests - errorsOf(r);
    const ordersPerSecond = ok / duration;
    log('');
    log(`Results: placeOrder through the router, ${clients} clients (${Math.min(buyerCount, clients)} buyers, ${gigCount} gigs), ${duration} s measured after ${warmup} s warm-up (${availableParallelism()} CPUs, Node ${process.version}):`);
    log('');
    log(
      table([
        ['measure', 'value'],
        ['orders placed (correct responses)', ok.toLocaleString('en')],
        ['orders/s', fmt(ordersPerSecond, 1)],
        ['latency p50 / p95 / p99 / max ms', `${fmt(r.p50, 1)} / ${fmt(r.p95, 1)} / ${fmt(r.p99, 1)} / ${fmt(r.max, 1)}`],
        ['latency mean ms', fmt(r.mean, 1)],
        ['alone (one at a time, median of 5) ms', fmt(aloneMs, 1)],
        ['errors (non-2xx/gql/net/timeouts)', `${errorsOf(r)} (${r.non2xx}/${r.graphqlErrors}/${r.socketErrors - r.timeouts}/${r.timeouts})`],
        ['order.placed rows written in the run', `${rows.length.toLocaleString('en')} (orders rows: ${ordersInWindow.toLocaleString('en')})`],
        ['outbox lag p50 / p95 / p99 / max ms', `${fmt(percentile(relayLag, 50), 1)} / ${fmt(percentile(relayLag, 95), 1)} / ${fmt(percentile(relayLag, 99), 1)} / ${fmt(relayLag.at(-1) ?? NaN, 1)}`],
        ['consumer lag p50 / p95 / p99 / max ms', `${fmt(percentile(consumerLag, 50), 1)} / ${fmt(percentile(consumerLag, 95), 1)} / ${fmt(percentile(consumerLag, 99), 1)} / ${fmt(consumerLag.at(-1) ?? NaN, 1)}`],
        ['events received by the tap', `${consumerLag.length.toLocaleString('en')} / ${rows.length.toLocaleString('en')}`],
        ['relay batches: count, events mean / max', `${batches.length} (${fmt(rows.length / Math.max(batches.length, 1), 1)} / ${Math.max(0, ...batchSizes)})`],
        ['relay: publishing a batch p50 / p95 ms', `${fmt(percentile(publishing, 50), 1)} / ${fmt(percentile(publishing, 95), 1)}`],
        ['relay: then until the next batch p50 / p95 ms', `${fmt(percentile(between, 50), 1)} / ${fmt(percentile(between, 95), 1)}`],
      ]),
    );
    log('');
    log('orders/s = correct responses (2xx, no errors, status PLACED) / measured seconds. Latency: as the client sees it.');
    log('alone: five orders one after another after the load, nothing else running.');
    log('outbox lag = published_at − created_at of the order.placed rows created during the measured run (orders\' outbox_event):');
    log('  created_at is set when the event is recorded, just before the order\'s transaction commits; published_at is the');
    log('  start of the relay transaction that picked the row up (now()), before it published and marked it.');
    log('consumer lag = when an AMQP tap on <namespace>.orders (this process) received the event − its envelope\'s occurredAt');
    log('  (recorded with created_at): commit, relay pick-up, publish with confirm, delivery, and this event loop\'s delay.');
    log('relay batches: the rows one relay transaction picked up (same published_at). Publishing = from its start to the tap\'s');
    log('  receipt of its last event (the relay publishes one event at a time, each after the previous one\'s confirm); then');
    log('  = from there to the next batch\'s start (marking and commit, then a connection from orders\' pool for the next).');

    log('');
    log(`Where the time goes (measured run, ${fmt(seconds, 1)} s):`);
    log('');
    // Per order: per order.placed row written in the window (timed-out requests still cost their work).
    const orderCount = Math.max(rows.length, 1);
    log(
      table([
        ['service', 'POST requests', 'per order', 'mean ms', 'SQL per order: alone', 'under load', 'pool in use (mean/size)', 'waiting (mean/max)'],
        ...services.map(([name]) => {
          const a = after.http.get(name) ?? { sum: NaN, count: NaN };
          const b = start.http.get(name) ?? { sum: NaN, count: NaN };
          const n = a.count - b.count;
          const pool = pools.stats.get(name);
          return [
            name,
            n.toLocaleString('en'),
            fmt(n / orderCount, 2),
            fmt(n > 0 ? ((a.sum - b.sum) / n) * 1000 : NaN, 1),
            name === 'router' ? '' : String(fewest[name] ?? ''),
            name === 'router' ? '' : fmt(((after.sql.get(name) ?? NaN) - (start.sql.get(name) ?? NaN)) / orderCount, 1),
            pool ? `${fmt(pool.used / pool.samples, 1)} / ${pool.size}` : '',
            pool ? `${fmt(pool.waiting / pool.samples, 1)} / ${pool.maxWaiting}` : '',
          ];
        }),
      ]),
    );
    log('');
    log(`per order: per order.placed row written in the measured run (${rows.length.toLocaleString('en')}). POST requests / mean ms: each`);
    log('service\'s own HTTP timer (jobgraph_http_request_duration_seconds); the router\'s mean includes its calls to the');
    log('subgraphs. SQL per order: alone = one order by itself, fewest of 5 tries, including the outbox relay\'s publish and the');
    log('consumers of order.placed (users, notifications, chat); under load = every statement of the measured run (also the');
    log('relays\' and payment jobs\' polls) / orders. Pool: each subgraph\'s database pool, sampled every 100 ms: connections in');
    log('use, and requests waiting for one.');
    const elu = performance.eventLoopUtilization(after.elu, start.elu);
    const selfCpu = (after.self.user - start.self.user + after.self.system - start.self.system) / 1e6;
    const mainCpu = after.mainThread - start.mainThread;
    const machineBusy = after.machine.busy - start.machine.busy;
    const machineAll = after.machine.all - start.machine.all;
    const groups = [...cpuByGroup(start.processes, after.processes)].sort(([a], [b]) => a.localeCompare(b));
    const known = selfCpu + groups.reduce((a, [, cpu]) => a + cpu, 0);
    const share = (cpu: number): string => `${fmt((100 * cpu) / machineAll, 0)}%`;
    const perOrder = (cpu: number): string => fmt((cpu * 1000) / orderCount, 1);
    log('');
    log(`CPU over the measured run (${fmt(machineAll, 1)} CPU-seconds available: ${availableParallelism()} CPUs × ${fmt(seconds, 1)} s):`);
    log('');
    log(
      table([
        ['who', 'CPU-s', 'share of the machine', 'CPU ms per order'],
        ['this process: router, every subgraph, load generator', fmt(selfCpu, 1), share(selfCpu), perOrder(selfCpu)],
        ['  its main thread (router + subgraphs, one event loop)', fmt(mainCpu, 1), share(mainCpu), perOrder(mainCpu)],
        ...groups.map(([g, cpu]) => [g, fmt(cpu, 1), share(cpu), g.includes('this stack') ? perOrder(cpu) : '']),
        ['everything else (other processes)', fmt(machineBusy - known, 1), share(machineBusy - known), ''],
        ['idle', fmt(machineAll - machineBusy, 1), share(machineAll - machineBusy), ''],
      ]),
    );
    log('');
    const delayMs = (p: number): string => fmt(loopDelay.count > 0 ? loopDelay.percentile(p) / 1e6 : NaN, 1);
    log(`The router and all six subgraphs share one Node.js event loop (one CPU at most); it was busy ${fmt(elu.utilization * 100, 0)}% of the`);
    log(`measured run (event-loop utilization) and used ${fmt(mainCpu, 1)} CPU-s in ${fmt(seconds, 1)} s. At ${perOrder(mainCpu)} ms of main-thread CPU`);
    log(`per order, a CPU of its own would serve about ${fmt(orderCount / mainCpu, 0)} orders/s. Its timers fired late by ${delayMs(50)} ms (p50),`);
    log(`${delayMs(99)} ms (p99) (monitorEventLoopDelay): roughly what each await on I/O waits for its turn. autocannon runs in a worker thread of`);
    log('this process. "everything else" is other processes on the machine (e.g. a concurrent test run): they take CPU from');
    log('this one; processes that ended during the run are counted there too.');
    log('');
    log('SQL statements of one placeOrder in orders (request path, then the outbox relay), shortened:');
    for (const sql of ordersStatements) log(`  ${sql.replace(/\s+/g, ' ').slice(0, 150)}${sql.length > 150 ? '…' : ''}`);

    const failed = errorsOf(r) - r.timeouts;
    if (failed + r.timeouts > 0) {
      log('');
      if (r.timeouts > 0) log(`WARNING: ${r.timeouts} request(s) got no answer within 10 s: the percentiles leave them out.`);
      if (failed > 0) log(`WARNING: ${failed} request(s) failed (non-2xx, GraphQL errors or connection errors)${r.sampleError ? `; e.g. ${r.sampleError}` : ''}`);
    }
    if (consumerLag.length < rows.length) log(`WARNING: the tap received ${consumerLag.length} of ${rows.length} events.`);
    log('');
    log('Everything (router, subgraphs, PostgreSQL, RabbitMQ, the load generator) shares this machine: compare runs only on');
    log('the same, otherwise idle machine (see "everything else" above). Nothing about time is asserted.');
    return failed > 0 || consumerLag.length < rows.length ? 1 : 0;
  } finally {
    await finish();
  }
}

await runBenchmark(main);
