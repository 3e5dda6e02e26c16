/**
 * `pnpm seed`: fills a demo marketplace through the router's API — an admin, sellers with seller pages and gigs in
 * every moderation status, and buyers with orders in every stage (paid with the sandbox provider's test card) — as a
 * frontend would create them.
 *
 *   pnpm seed                                   # against a running supergraph (pnpm start), http://127.0.0.1:4000/graphql
 *   pnpm seed -- --start                        # starts the stack (configured ports and databases) for the seeding
 *   node packages/stack/dist/seed.js --url http://host:4000/graphql --sellers 5 --gigs-per-seller 3 --buyers 2 --seed 7
 *
 * Deterministic (Faker seeded per account and per gig, so sizes do not shift anybody's data) and idempotent: a
 * second run signs in to the accounts that exist, skips seller pages that exist, skips gigs whose title the seller
 * already has (and finishes the moderation steps of one a previous run left half-way); orders carry a deterministic
 * Idempotency-Key, so a second run gets the same orders back and only moves on those a previous run left half-way. The admin role is granted on
 * auth's database (there is no API for it): the stack's own when started here, else the one AUTH_DATABASE_URL or
 * DATABASE_URL name (as `pnpm admin`).
 */
import { parseArgs } from 'node:util';
import { Faker, en } from '@faker-js/faker';
import cliProgress from 'cli-progress';
import { fakeGig, fakeSeller, type CategoryRef, type DemoGig } from './demo-data.js';

// Before the stack's modules load (they read the environment): no Apollo usage reporting, quiet service logs.
process.env.APOLLO_TELEMETRY_DISABLED ??= '1';
process.env.LOG_LEVEL ??= 'warn';

const DEFAULT_URL = 'http://127.0.0.1:4000/graphql';
const DEFAULT_PASSWORD = 'jobgraph-demo-2024';
const ADMIN = { email: 'seed-admin@example.com', username: 'seed-admin' };
const USAGE = `usage: node packages/stack/dist/seed.js [--url ${DEFAULT_URL} | --start] [--seed n=42] [--sellers n=20]
                        [--gigs-per-seller n=15] [--buyers n=10] [--orders-per-buyer n=3] [--password text] [--concurrency n=4]`;

type Status = 'DRAFT' | 'PENDING_REVIEW' | 'PUBLISHED' | 'REJECTED' | 'PAUSED';
/** Share of gigs per final status (out of 100). */
const STATUS_WEIGHTS: { value: Status; weight: number }[] = [
  { value: 'PUBLISHED', weight: 70 },
  { value: 'DRAFT', weight: 8 },
  { value: 'PENDING_REVIEW', weight: 8 },
  { value: 'REJECTED', weight: 7 },
  { value: 'PAUSED', weight: 7 },
];
type OrderStage = 'PLACED' | 'IN_PROGRESS' | 'DELIVERED' | 'COMPLETED' | 'CANCELLED';
/** Share of demo orders per final stage (out of 100). */
const ORDER_WEIGHTS: { value: OrderStage; weight: number }[] = [
  { value: 'COMPLETED', weight: 40 },
  { value: 'IN_PROGRESS', weight: 20 },
  { value: 'DELIVERED', weight: 15 },
  { value: 'PLACED', weight: 15 },
  { value: 'CANCELLED', weight: 10 },
];
/** The sandbox provider's test method that always succeeds. */
const DEMO_PAYMENT_METHOD = 'pm_sandbox_ok';

const REJECTION_REASONS = [
  'The cover image does not show your own work; please upload an example you made.',
  'The description promises results nobody can guarantee; please describe what you deliver.',
  'Please remove contact details from the description: buyers reach you through JobGraph.',
  'The title and the description describe different services; please make them agree.',
];

interface Options {
  url: string;
  start: boolean;
  seed: number;
  sellers: number;
  gigsPerSeller: number;
  buyers: number;
  ordersPerBuyer: number;
  password: string;
  concurrency: number;
}

function parseOptions(): Options {
  const argv = process.argv.slice(2);
  if (argv[0] === '--') argv.shift();
  const { values: v } = parseArgs({
    args: argv,
    options: {
      url: { type: 'string' },
      start: { type: 'boolean' },
      seed: { type: 'string' },
      sellers: { type: 'string' },
      'gigs-per-seller': { type: 'string' },
      buyers: { type: 'string' },
      'orders-per-buyer': { type: 'string' },
      password: { type: 'string' },
      concurrency: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (v.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const int = (name: string, raw: string | undefined, fallback: number, min: number, max: number): number => {
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${name} must be a whole number from ${min} to ${max} (got "${raw}")`);
    return n;
  };
  if (v.start && v.url) throw new Error('--start runs its own stack; --url is for a stack that is already running (give one of them)');
  const password = v.password ?? DEFAULT_PASSWORD;
  if (password.length < 10) throw new Error('--password must be at least 10 characters (auth refuses shorter ones)');
  return {
    url: v.url ?? DEFAULT_URL,
    start: v.start ?? false,
    seed: int('seed', v.seed, 42, 0, 2 ** 31 - 1),
    sellers: int('sellers', v.sellers, 20, 0, 999),
    gigsPerSeller: int('gigs-per-seller', v['gigs-per-seller'], 15, 0, 500),
    buyers: int('buyers', v.buyers, 10, 0, 999),
    ordersPerBuyer: int('orders-per-buyer', v['orders-per-buyer'], 3, 0, 100),
    password,
    concurrency: int('concurrency', v.concurrency, 4, 1, 32),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// The API, as a frontend calls it

interface GraphQLErrorShape {
  message: string;
  extensions?: { code?: string };
}

class ApiError extends Error {
  constructor(
    readonly operation: string,
    readonly errors: GraphQLErrorShape[],
  ) {
    super(`${operation}: ${errors.map((e) => `${e.extensions?.code ?? 'ERROR'} ${e.message}`).join('; ')}`);
  }
  get code(): string | undefined {
    return this.errors[0]?.extensions?.code;
  }
}

class Unreachable extends Error {}

class Api {
  constructor(readonly url: string) {}

  async call<T>(operation: string, query: string, variables: Record<string, unknown> = {}, token?: string, headers: Record<string, string> = {}): Promise<T> {
    let response: Response;
    try {
      response = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
        body: JSON.stringify({ query, variables }),
      });
    } catch (err) {
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      throw new Unreachable(`cannot reach the JobGraph router at ${this.url} (${cause?.code ?? cause?.message ?? (err as Error).message})`);
    }
    const text = await response.text();
    let body: { data?: T | null; errors?: GraphQLErrorShape[] };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      throw new Unreachable(`${this.url} answered HTTP ${response.status} with something that is not GraphQL: ${text.slice(0, 200)}`);
    }
    if (body.errors && body.errors.length > 0) throw new ApiError(operation, body.errors);
    if (!body.data) throw new ApiError(operation, [{ message: `HTTP ${response.status} without data` }]);
    return body.data;
  }
}

const AUTH_PAYLOAD = 'accessToken user { id username }';
interface AuthPayload {
  accessToken: string;
  user: { id: string; username: string };
}

interface Session {
  token: string;
  userId: string;
  signedInAt: number;
}

/** Access tokens live 15 minutes by default: sign in again well before, for long seeds. */
const SESSION_MAX_AGE_MS = 10 * 60 * 1000;

// ---------------------------------------------------------------------------------------------------------------
// Bookkeeping

class Tally {
  readonly counts = new Map<string, { created: number; existing: number }>();
  readonly statuses = new Map<Status, number>();
  readonly orderStages = new Map<string, number>();
  add(what: string, created: boolean): void {
    const c = this.counts.get(what) ?? { created: 0, existing: 0 };
    if (created) c.created++;
    else c.existing++;
    this.counts.set(what, c);
  }
}

/** Runs `work` over `items` with at most `limit` at a time; the first failure stops the rest. */
async function pool<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const runners = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (!failed && next < items.length) {
      const item = items[next++];
      try {
        await work(item);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  });
  await Promise.all(runners);
}

const pad = (n: number): string => String(n).padStart(3, '0');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------------------------
// Seeding

interface Plan {
  sellers: { n: number; email: string; username: string; faker: Faker; category: CategoryRef }[];
  buyers: { n: number; email: string; username: string }[];
}

/** A published gig a demo buyer may order, with its seller's session (to move the order on). */
interface Orderable {
  id: string;
  title: string;
  seller: string;
}

async function seed(api: Api, options: Options, grantAdmin: (email: string) => Promise<void>, bar: cliProgress.SingleBar, tally: Tally) {
  const { password } = options;

  const signIn = async (email: string): Promise<Session> => {
    try {
      const { signIn: p } = await api.call<{ signIn: AuthPayload }>('signIn', `mutation($input: SignInInput!) { signIn(input: $input) { ${AUTH_PAYLOAD} } }`, {
        input: { login: email, password },
      });
      return { token: p.accessToken, userId: p.user.id, signedInAt: Date.now() };
    } catch (err) {
      if (err instanceof ApiError && err.code === 'UNAUTHENTICATED') {
        throw new Error(`${email} exists but does not take the seed password: it was not made by this seed (or its password changed). Use --password, or another database.`);
      }
      throw err;
    }
  };
  /** Signs up, or signs in when the account is there already. */
  const account = async (what: string, email: string, username: string): Promise<Session> => {
    try {
      const { signUp: p } = await api.call<{ signUp: AuthPayload }>('signUp', `mutation($input: SignUpInput!) { signUp(input: $input) { ${AUTH_PAYLOAD} } }`, {
        input: { email, username, password },
      });
      tally.add(what, true);
      return { token: p.accessToken, userId: p.user.id, signedInAt: Date.now() };
    } catch (err) {
      if (!(err instanceof ApiError && err.code === 'CONFLICT')) throw err;
      tally.add(what, false);
      return signIn(email);
    }
  };
  const fresh = async (session: Session, email: string): Promise<Session> =>
    Date.now() - session.signedInAt < SESSION_MAX_AGE_MS ? session : Object.assign(session, await signIn(email));

  // The catalogue (also proves the router serves the gigs subgraph).
  bar.update({ step: 'catalogue' });
  const { categories } = await api.call<{ categories: CategoryRef[] }>('categories', '{ categories { id subCategories { id } } }');
  if (categories.length === 0) throw new Error('the catalogue is empty: is the gigs subgraph migrated?');

  // The admin: an account, the role on auth's database, then a new sign-in so the token carries the admin scope.
  bar.update({ step: 'admin' });
  await account('admin account', ADMIN.email, ADMIN.username);
  await grantAdmin(ADMIN.email);
  const admin = await signIn(ADMIN.email);
  const scope = String((JSON.parse(Buffer.from(admin.token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { scope?: string }).scope ?? '');
  if (!scope.split(' ').includes('admin')) {
    throw new Error(`granted the admin role, but ${ADMIN.email}'s new token has no admin scope: the router's stack uses another auth database than this script (set AUTH_DATABASE_URL or DATABASE_URL, or use --start)`);
  }
  bar.increment({ step: 'admin' });

  const plan: Plan = {
    sellers: Array.from({ length: options.sellers }, (_, i) => {
      const faker = new Faker({ locale: [en] });
      faker.seed([options.seed, 1, i + 1]);
      return { n: i + 1, email: `seed-seller-${pad(i + 1)}@example.com`, username: `seed-seller-${pad(i + 1)}`, faker, category: faker.helpers.arrayElement(categories) };
    }),
    buyers: Array.from({ length: options.buyers }, (_, i) => ({ n: i + 1, email: `seed-buyer-${pad(i + 1)}@example.com`, username: `seed-buyer-${pad(i + 1)}` })),
  };

  const orderable: Orderable[] = [];
  const sellerSessions = new Map<string, { session: Session; email: string }>();
  await pool(plan.sellers, options.concurrency, async (s) => {
    bar.update({ step: s.username });
    let session = await account('seller accounts', s.email, s.username);
    sellerSessions.set(s.username, { session, email: s.email });
    try {
      const profile = fakeSeller(s.faker, s.category);
      await api.call('becomeSeller', 'mutation($input: BecomeSellerInput!) { becomeSeller(input: $input) { id } }', { input: profile }, session.token);
      tally.add('seller pages', true);
    } catch (err) {
      if (!(err instanceof ApiError && err.code === 'CONFLICT')) throw err;
      tally.add('seller pages', false);
    }
    bar.increment();

    // The seller's gigs so far (every status: the seller asks), by title.
    const existing = new Map<string, { id: string; status: Status }>();
    for (let after: string | null = null; ; ) {
      const data: { user: { gigs: { edges: { node: { id: string; title: string; status: Status } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } } | null } =
        await api.call(
          'user.gigs',
          'query($id: ID!, $after: String) { user(id: $id) { gigs(first: 100, after: $after) { edges { node { id title status } } pageInfo { hasNextPage endCursor } } } }',
          { id: session.userId, after },
          session.token,
        );
      for (const { node } of data.user?.gigs.edges ?? []) existing.set(node.title, { id: node.id, status: node.status });
      if (!data.user?.gigs.pageInfo.hasNextPage) break;
      after = data.user.gigs.pageInfo.endCursor;
    }

    // This seller's gigs, each from its own seeded Faker: mostly in the seller's category, some elsewhere.
    const titles = new Set<string>();
    const gigs: { input: DemoGig; status: Status; reason: string }[] = [];
    for (let j = 1; j <= options.gigsPerSeller; j++) {
      const faker = new Faker({ locale: [en] });
      faker.seed([options.seed, 2, s.n, j]);
      const category = faker.number.int({ min: 1, max: 10 }) <= 8 ? s.category : faker.helpers.arrayElement(categories);
      const input = fakeGig(faker, category, (t) => titles.has(t));
      titles.add(input.title);
      gigs.push({ input, status: faker.helpers.weightedArrayElement(STATUS_WEIGHTS), reason: faker.helpers.arrayElement(REJECTION_REASONS) });
    }

    let sellerKnownToGigs = existing.size > 0;
    for (const gig of gigs) {
      bar.update({ step: `${s.username}: ${gig.input.title.slice(0, 40)}` });
      session = await fresh(session, s.email);
      const found = existing.get(gig.input.title);
      let id: string;
      let status: Status;
      if (found) {
        ({ id, status } = found);
      } else {
        // gigs learns about a new seller from users' `seller.created` event: FORBIDDEN until it has.
        for (let waited = 0; ; waited += 250) {
          try {
            const { createGig } = await api.call<{ createGig: { id: string; status: Status } }>(
              'createGig',
              'mutation($input: CreateGigInput!) { createGig(input: $input) { id status } }',
              { input: gig.input },
              session.token,
            );
            ({ id, status } = createGig);
            break;
          } catch (err) {
            if (sellerKnownToGigs || !(err instanceof ApiError && err.code === 'FORBIDDEN') || waited >= 30_000) throw err;
            await sleep(250);
          }
        }
        sellerKnownToGigs = true;
      }
      const before = status;
      status = await advance(api, id, status, gig.status, gig.reason, session, await fresh(admin, ADMIN.email));
      tally.add('gigs', !found);
      if (found && before !== status) tally.add('gigs moved on in the workflow', true);
      tally.statuses.set(status, (tally.statuses.get(status) ?? 0) + 1);
      if (status === 'PUBLISHED') orderable.push({ id, title: gig.input.title, seller: s.username });
      bar.increment();
    }
    sellerSessions.set(s.username, { session, email: s.email });
  });

  // Sorted by seller and title, so that each buyer's n-th order picks the same gig on every run (its key depends on it).
  orderable.sort((a, b) => a.seller.localeCompare(b.seller) || a.title.localeCompare(b.title));
  await pool(plan.buyers, options.concurrency, async (b) => {
    bar.update({ step: b.username });
    let buyer = await account('buyer accounts', b.email, b.username);
    bar.increment();
    // What earlier runs ordered (a repeated key returns one of these).
    const earlier = await api.call<{ me: { orders: { edges: { node: { id: string } }[] } } | null }>(
      'me.orders',
      '{ me { orders(role: BUYER, first: 100) { edges { node { id } } } } }',
      {},
      buyer.token,
    );
    const ordered = new Set(earlier.me?.orders.edges.map((e) => e.node.id) ?? []);
    for (let j = 1; j <= options.ordersPerBuyer; j++) {
      if (orderable.length === 0) {
        bar.increment();
        continue;
      }
      const faker = new Faker({ locale: [en] });
      faker.seed([options.seed, 3, b.n, j]);
      const gig = faker.helpers.arrayElement(orderable);
      const target = faker.helpers.weightedArrayElement(ORDER_WEIGHTS);
      bar.update({ step: `${b.username}: order ${j}` });
      buyer = await fresh(buyer, b.email);
      const seller = sellerSessions.get(gig.seller)!;
      seller.session = await fresh(seller.session, seller.email);
      const order = await placeDemoOrder(api, buyer, gig, `seed-${options.seed}-${b.username}-${j}`, faker.lorem.sentence());
      tally.add('orders', !ordered.has(order.id));
      const stage = await advanceOrder(api, order.id, order.status, target, buyer, seller.session);
      tally.orderStages.set(stage, (tally.orderStages.get(stage) ?? 0) + 1);
      bar.increment();
    }
  });
}

/** Orders a gig with a deterministic key: a repeat returns the first order. Waits while orders learns of the gig. */
async function placeDemoOrder(api: Api, buyer: Session, gig: Orderable, key: string, requirements: string): Promise<{ id: string; status: string }> {
  for (let waited = 0; ; waited += 250) {
    try {
      const { placeOrder } = await api.call<{ placeOrder: { id: string; status: string } }>(
        'placeOrder',
        'mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { id status } }',
        { input: { gigId: gig.id, requirements, paymentMethod: DEMO_PAYMENT_METHOD } },
        buyer.token,
        { 'idempotency-key': key },
      );
      return placeOrder;
    } catch (err) {
      // orders learns of a newly published gig from gigs' events: NOT_FOUND until it has.
      if (!(err instanceof ApiError && err.code === 'NOT_FOUND') || waited >= 30_000) throw err;
      await sleep(250);
    }
  }
}

/** The steps from PLACED to each demo stage; an order off that path (moved by someone) is left as it is. */
const ORDER_PATHS: Record<OrderStage, string[]> = {
  PLACED: ['PLACED'],
  IN_PROGRESS: ['PLACED', 'IN_PROGRESS'],
  DELIVERED: ['PLACED', 'IN_PROGRESS', 'DELIVERED'],
  COMPLETED: ['PLACED', 'IN_PROGRESS', 'DELIVERED', 'COMPLETED'],
  CANCELLED: ['PLACED', 'CANCELLED'],
};

async function advanceOrder(api: Api, orderId: string, status: string, target: OrderStage, buyer: Session, seller: Session): Promise<string> {
  const path = ORDER_PATHS[target];
  let at = path.indexOf(status);
  if (at < 0) return status;
  while (at < path.length - 1) {
    const next = path[at + 1];
    const [mutation, token, call, signature, args] =
      next === 'IN_PROGRESS' ? ['startOrder', seller.token, 'startOrder(orderId: $orderId)', '($orderId: ID!)', { orderId }]
      : next === 'DELIVERED' ? ['deliverOrder', seller.token, 'deliverOrder(input: $input)', '($input: DeliverOrderInput!)', { input: { orderId, message: 'Here is the work, as agreed. Tell me if anything should change.' } }]
      : next === 'COMPLETED' ? ['approveDelivery', buyer.token, 'approveDelivery(orderId: $orderId)', '($orderId: ID!)', { orderId }]
      : ['cancelOrder', buyer.token, 'cancelOrder(orderId: $orderId, reason: "Ordered by mistake.")', '($orderId: ID!)', { orderId }];
    const data = await api.call<Record<string, { status: string }>>(mutation, `mutation${signature} { ${call} { status } }`, args, token);
    status = data[mutation]!.status;
    if (status !== next) throw new Error(`${mutation} left order ${orderId} ${status}, expected ${next}`);
    at += 1;
  }
  return status;
}

/** The moderation steps from `status` to `target` (DRAFT → PENDING_REVIEW → PUBLISHED → PAUSED, or → REJECTED). */
const PATHS: Record<Status, Status[]> = {
  DRAFT: ['DRAFT'],
  PENDING_REVIEW: ['DRAFT', 'PENDING_REVIEW'],
  PUBLISHED: ['DRAFT', 'PENDING_REVIEW', 'PUBLISHED'],
  REJECTED: ['DRAFT', 'PENDING_REVIEW', 'REJECTED'],
  PAUSED: ['DRAFT', 'PENDING_REVIEW', 'PUBLISHED', 'PAUSED'],
};

/** Moves a gig on towards `target`; a gig off that path (changed by someone) is left as it is. */
async function advance(api: Api, id: string, status: Status, target: Status, reason: string, seller: Session, admin: Session): Promise<Status> {
  const path = PATHS[target];
  let at = path.indexOf(status);
  if (at < 0) return status;
  while (at < path.length - 1) {
    const next = path[at + 1];
    const [mutation, token, args] =
      next === 'PENDING_REVIEW' ? ['submitGigForReview', seller.token, { id }]
      : next === 'PUBLISHED' ? ['approveGig', admin.token, { id }]
      : next === 'REJECTED' ? ['rejectGig', admin.token, { id, reason }]
      : ['pauseGig', seller.token, { id }];
    const signature = next === 'REJECTED' ? '($id: ID!, $reason: String!)' : '($id: ID!)';
    const call = next === 'REJECTED' ? `${mutation}(id: $id, reason: $reason)` : `${mutation}(id: $id)`;
    const data = await api.call<Record<string, { status: Status }>>(mutation, `mutation${signature} { ${call} { status } }`, args, token);
    status = data[mutation].status;
    at = path.indexOf(status);
    if (status !== next) throw new Error(`${mutation} left gig ${id} ${status}, expected ${next}`);
  }
  return status;
}

// ---------------------------------------------------------------------------------------------------------------
// Run

function summary(api: Api, options: Options, tally: Tally, seconds: number): string {
  const rows: [string, number, number][] = [...tally.counts.entries()].map(([what, c]) => [what, c.created, c.existing]);
  const width = Math.max(...rows.map((r) => r[0].length), 10);
  const lines = [
    '',
    `Seeded ${api.url} in ${seconds.toFixed(1)} s (faker seed ${options.seed}):`,
    `  ${''.padEnd(width)}  created  already there`,
    ...rows.map(([what, created, existing]) =>
      what === 'gigs moved on in the workflow' ? `  ${what.padEnd(width)}  ${String(created).padStart(7)}` : `  ${what.padEnd(width)}  ${String(created).padStart(7)}  ${String(existing).padStart(13)}`,
    ),
    `  gigs by status: ${[...tally.statuses.entries()].sort((a, b) => b[1] - a[1]).map(([s, n]) => `${s} ${n}`).join(', ') || '—'}`,
    `  orders by status: ${[...tally.orderStages.entries()].sort((a, b) => b[1] - a[1]).map(([s, n]) => `${s} ${n}`).join(', ') || '—'}`,
    '',
    `Sign in (signIn, login = email or username) with password "${options.password}":`,
    `  admin:   ${ADMIN.email} (username ${ADMIN.username}, role admin)`,
  ];
  if (options.sellers > 0) lines.push(`  sellers: seed-seller-001@example.com … seed-seller-${pad(options.sellers)}@example.com`);
  if (options.buyers > 0) lines.push(`  buyers:  seed-buyer-001@example.com … seed-buyer-${pad(options.buyers)}@example.com`);
  return lines.join('\n');
}

async function main(): Promise<number> {
  let options: Options;
  try {
    options = parseOptions();
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  const say = (line: string) => process.stderr.write(`${line}\n`);
  const kit = await import('@jobgraph/kit');
  const auth = await import('@jobgraph/auth');

  let stop: (() => Promise<void>) | null = null;
  let grantAdmin: (email: string) => Promise<void>;
  let api = new Api(options.url);
  if (options.start) {
    const { startStack } = await import('./stack.js');
    say('starting the stack (configured ports and databases)…');
    const stack = await startStack({ onProgress: (line) => say(`  ${line}`) });
    stop = () => stack.stop();
    api = new Api(stack.url);
    grantAdmin = async (email) => {
      await auth.setAdmin(stack.subgraphs.auth.orm, email, true);
    };
  } else {
    // Fail early and clearly when nothing answers at --url.
    await api.call('__typename', '{ __typename }');
    grantAdmin = async (email) => {
      const url = kit.serviceDatabaseUrl('auth', auth.loadAuthConfig(process.env));
      // Auth's database as configured here (AUTH_DATABASE_URL or DATABASE_URL), as it is: the running stack made it.
      const wrongDatabase = `: is it the database of the router's stack? (set AUTH_DATABASE_URL or DATABASE_URL, or use --start)`;
      const orm = await kit
        .openOrm({ url, entities: auth.authEntities, migrations: auth.authMigrations, log: kit.createLogger('seed', 'warn'), connectOnly: true })
        .catch((err: Error) => {
          throw new Error(`cannot open auth's database ${kit.databaseName(url)} to grant the admin role (${err.message})${wrongDatabase}`);
        });
      try {
        await auth.setAdmin(orm, email, true);
      } catch (err) {
        if (err instanceof kit.NotFoundError) {
          throw new Error(`auth's database ${kit.databaseName(url)} has no account ${email}, though the router just signed it up${wrongDatabase}`);
        }
        if (!(err instanceof kit.AppError)) throw new Error(`granting the admin role on ${kit.databaseName(url)} failed (${(err as Error).message})${wrongDatabase}`);
        throw err;
      } finally {
        await orm.close();
      }
    };
  }

  const tally = new Tally();
  const total = 1 + options.sellers * (1 + options.gigsPerSeller) + options.buyers * (1 + options.ordersPerBuyer);
  const bar = new cliProgress.SingleBar(
    { stream: process.stderr, format: 'seeding {bar} {value}/{total} | {step}', hideCursor: true, clearOnComplete: false, etaBuffer: 50 },
    cliProgress.Presets.shades_classic,
  );
  const started = Date.now();
  bar.start(total, 0, { step: 'connecting' });
  try {
    await seed(api, options, grantAdmin, bar, tally);
    bar.update({ step: 'done' });
    bar.stop();
    console.log(summary(api, options, tally, (Date.now() - started) / 1000));
    return 0;
  } catch (err) {
    bar.stop();
    throw err;
  } finally {
    if (stop) {
      say('stopping the stack…');
      await stop();
    }
  }
}

try {
  process.exitCode = await main();
} catch (err) {
  if (err instanceof Unreachable) {
    console.error(`\n${err.message}.\nStart the supergraph first (pnpm start), point --url at it, or pass --start to run one for the seeding.`);
  } else if (err instanceof Error && err.name === 'ConfigError') {
    console.error(err.message);
  } else {
    console.error(`\nseeding failed: ${err instanceof Error ? err.message : String(err)}`);
  }
  process.exitCode = 1;
}
// Connections the services leave behind (pools, AMQP) must not keep a finished seed alive.
setTimeout(() => process.exit(), 2_000).unref();
