/**
 * Live chat at scale: N concurrent `messageAdded` subscribers across TWO router instances sharing Redis, messages
 * sent at a fixed rate; delivery latency, deliveries per second, router memory per connection, loss and duplicates.
 *
 *   pnpm bench:chat [-- --subscribers 1000,5000 --rate 20 --duration 20]
 *   node bench/dist/chat.js --subscribers 200 --duration 5
 *
 * Starts the stack in-process (fresh databases, free ports) and a second router (`startRouterInstance`). Creates the
 * accounts straight in auth's database and signs their access tokens with auth's own key (signing up 5,000 users
 * through the API would spend minutes in Argon2, which is not what is measured), pairs them in conversations
 * (`startConversation` through the router), and opens every subscriber's socket in a child process
 * (chat-clients.ts): of each pair, one participant listens on router A, the other on router B, so every message
 * crosses instances through Redis. See bench/README.md.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createPrivateKey, randomBytes, sign, type JsonWebKey } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import v8 from 'node:v8';
import vm from 'node:vm';
import type { RunningStack, RunningRouter } from '@jobgraph/stack';
import type { ClientCommand, ClientReply, Receipt, SocketSpec } from './chat-clients.js';
import { parseFlags, positiveNumber, stopOnSignal } from './cli.js';
import { fmt, percentile, table } from './load.js';

// ---------------------------------------------------------------------------------------------------------------
// Options

const USAGE = 'usage: node bench/dist/chat.js [--subscribers 1000,5000] [--rate msgs/s=20] [--duration s=20]';
const { sizes, rate, duration } = parseFlags(USAGE, ['subscribers', 'rate', 'duration'], (flags) => ({
  sizes: (flags.subscribers ?? '1000,5000')
    .split(',')
    .map((s) => Math.round(positiveNumber('subscribers', s.trim(), 0, 2)))
    .map((n) => n + (n % 2))
    .sort((a, b) => a - b),
  rate: positiveNumber('rate', flags.rate, 20, 1),
  duration: positiveNumber('duration', flags.duration, 20, 1),
}));

// Before the stack's modules load (they read the environment): no Apollo usage reporting, quiet logs.
process.env.APOLLO_TELEMETRY_DISABLED ??= '1';
process.env.LOG_LEVEL ??= 'warn';
// Hundreds of requests per second from one IP: the router's rate limits (per user / per IP) are off.
process.env.RATE_LIMIT_USER_PER_MINUTE ??= '0';
process.env.RATE_LIMIT_IP_PER_MINUTE ??= '0';

const { startStack, startRouterInstance } = await import('@jobgraph/stack');
const { newId } = await import('@jobgraph/kit');

const log = (line: string): void => console.log(line);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const now = (): number => performance.timeOrigin + performance.now();
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

/** The routers' (and subgraphs') memory: this process only, the subscribers run in another. */
async function settledMemory(): Promise<{ heap: number; rss: number }> {
  for (let i = 0; i < 3; i++) {
    gc();
    await sleep(100);
  }
  const m = process.memoryUsage();
  return { heap: m.heapUsed, rss: m.rss };
}

// ---------------------------------------------------------------------------------------------------------------
// Accounts and tokens

interface BenchUser {
  id: string;
  username: string;
  token: string;
}

/** Inserts `count` accounts into auth's database and signs an access token for each with auth's current key. */
async function createUsers(stack: RunningStack, count: number): Promise<BenchUser[]> {
  const em = stack.subgraphs.auth.orm.em.fork();
  const tag = randomBytes(3).toString('hex');
  const users = Array.from({ length: count }, (_, i) => ({ id: newId(), username: `bench_${tag}_${i}` }));
  for (let i = 0; i < users.length; i += 500) {
    const chunk = users.slice(i, i + 500);
    await em.execute(
      `insert into app_user (id, email, username, password_hash, email_verified, roles, created_at, password_changed_at) values ${chunk
        .map(() => "(?, ?, ?, '!', true, '{}', now(), now())")
        .join(', ')}`,
      chunk.flatMap((u) => [u.id, `${u.username}@bench.example`, u.username]),
    );
  }
  const rows: Array<{ kid: string; private_jwk: JsonWebKey }> = await em.execute('select kid, private_jwk from signing_key where retired_at is null order by created_at desc limit 1');
  const key = createPrivateKey({ key: rows[0].private_jwk, format: 'jwk' });
  const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const header = b64({ alg: 'ES256', kid: rows[0].kid, typ: 'JWT' });
  const iat = Math.floor(Date.now() / 1000);
  return users.map((u) => {
    // The claims auth's SigningKeys writes (issuer and audience as in auth's config), valid for an hour.
    const payload = b64({ sub: u.id, username: u.username, roles: ['user'], scope: 'user', sid: newId(), iss: 'jobgraph-auth', aud: 'jobgraph', iat, exp: iat + 3600 });
    const signature = sign('sha256', Buffer.from(`${header}.${payload}`), { key, dsaEncoding: 'ieee-p1363' }).toString('base64url');
    return { ...u, token: `${header}.${payload}.${signature}` };
  });
}

async function graphql(url: string, token: string, query: string, variables: Record<string, unknown>): Promise<Record<string, unknown>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: Record<string, unknown> | null; errors?: unknown[] };
  if (!response.ok || body.errors?.length || !body.data) throw new Error(`GraphQL ${response.status}: ${JSON.stringify(body.errors ?? body).slice(0, 300)}`);
  return body.data;
}

/** Runs `work` over `items` with at most `concurrency` at a time. */
async function pool<T>(items: T[], concurrency: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        await work(items[i], i);
      }
    }),
  );
}

const START = 'mutation BenchStart($with: ID!) { startConversation(withUserId: $with) { id } }';
const SEND = 'mutation BenchSend($c: ID!, $b: String!) { sendMessage(conversationId: $c, body: $b) { id } }';
/** What each subscriber selects: chat's fields plus the sender's username, which auth owns (one entity fetch). */
const SUBSCRIPTION = 'subscription BenchMessages($conversationId: ID!) { messageAdded(conversationId: $conversationId) { id body createdAt sender { id username } } }';

// ---------------------------------------------------------------------------------------------------------------
// The subscriber process

class Subscribers {
  private readonly child: ChildProcess;
  /** The one command awaiting its reply (commands are sent one at a time). */
  private waiting: { resolve: (reply: ClientReply) => void; reject: (err: Error) => void } | null = null;

  constructor() {
    const execArgv = typeof (globalThis as { WebSocket?: unknown }).WebSocket === 'function' ? [] : ['--experimental-websocket'];
    this.child = fork(new URL('./chat-clients.js', import.meta.url), [], { execArgv: [...execArgv, '--max-old-space-size=2048'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.child.on('message', (reply: ClientReply) => this.waiting?.resolve(reply));
    this.child.on('exit', (code) => this.waiting?.reject(new Error(`subscriber process exited (${code})`)));
  }

  private ask(command: ClientCommand): Promise<ClientReply> {
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.child.send(command);
    });
  }

  async open(sockets: SocketSpec[]): Promise<Extract<ClientReply, { type: 'opened' }>> {
    const reply = await this.ask({ type: 'open', sockets, query: SUBSCRIPTION, concurrency: 100 });
    if (reply.type !== 'opened') throw new Error(reply.type === 'failed' ? reply.message : 'unexpected reply');
    return reply;
  }

  async report(): Promise<Extract<ClientReply, { type: 'report' }>> {
    const reply = await this.ask({ type: 'report' });
    if (reply.type !== 'report') throw new Error('unexpected reply');
    return reply;
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.send({ type: 'close' } satisfies ClientCommand);
    await Promise.race([exited, sleep(5_000)]);
    this.child.kill();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// One run

interface RunResult {
  subscribers: number;
  openSeconds: number;
  readySeconds: number;
  sent: number;
  sendFailures: number;
  sendRate: number;
  deliveries: number;
  deliveryRate: number;
  p50: number;
  p99: number;
  max: number;
  serverP50: number;
  serverP99: number;
  mutationP50: number;
  heapPerConnection: number;
  rssPerConnection: number;
  lost: number;
  duplicated: number;
  subscriberErrors: number;
  firstError: string | null;
}

async function run(n: number, users: BenchUser[], conversations: string[], routers: { a: string; b: string }): Promise<RunResult> {
  const pairs = n / 2;
  // Socket 2i: participant 2i of conversation i on router A; socket 2i+1: participant 2i+1 on router B.
  const specs: SocketSpec[] = [];
  for (let i = 0; i < pairs; i++) {
    specs.push({ url: routers.a, token: users[2 * i].token, conversationId: conversations[i] });
    specs.push({ url: routers.b, token: users[2 * i + 1].token, conversationId: conversations[i] });
  }
  const before = await settledMemory();
  const subscribers = new Subscribers();
  try {
    log(`  opening ${n} sockets (${pairs} on each router)…`);
    const opened = await subscribers.open(specs);
    if (opened.failed > 0) throw new Error(`${opened.failed} sockets failed to open: ${opened.firstError}`);

    // Readiness: graphql-ws has no "subscribed" acknowledgement, so one probe message per conversation must reach
    // both of its sockets before measuring (an event published before the router listens is never replayed).
    log('  waiting until every subscriber hears its conversation (one probe message each)…');
    const readyStarted = performance.now();
    const heard = new Set<number>();
    let probeSeq = 0;
    let missingConversations = [...Array(pairs).keys()];
    const probeOf = new Map<number, number>();
    for (let attempt = 0; missingConversations.length > 0; attempt++) {
      if (attempt > 10) throw new Error(`${missingConversations.length} conversations never reached their subscribers`);
      await pool(missingConversations, 50, async (i) => {
        const seq = probeSeq++;
        probeOf.set(seq, i);
        await graphql(routers.a, users[2 * i].token, SEND, { c: conversations[i], b: `bench:p:${seq}:probe` });
      });
      const deadline = Date.now() + 10_000;
      while (Date.now() < deadline) {
        await sleep(500);
        for (const r of (await subscribers.report()).receipts) if (r.phase === 'p') heard.add(r.socket);
        if (heard.size === n) break;
      }
      missingConversations = missingConversations.filter((i) => !heard.has(2 * i) || !heard.has(2 * i + 1));
    }
    const readySeconds = (performance.now() - readyStarted) / 1000;
    const after = await settledMemory();

    log(`  sending ${Math.round(rate * duration)} messages at ${rate}/s for ${duration} s…`);
    const total = Math.round(rate * duration);
    const sentAt: number[] = [];
    const conversationOf: number[] = [];
    const mutationMs: number[] = [];
    let sendFailures = 0;
    const inflight = new Set<Promise<void>>();
    const t0 = performance.now();
    let seq = 0;
    while (seq < total) {
      const due = Math.min(total, Math.floor(((performance.now() - t0) / 1000) * rate) + 1);
      while (seq < due) {
        const s = seq++;
        const i = s % pairs;
        const sender = s % 4 < 2 ? 2 * i : 2 * i + 1; // both sides write; both routers serve writes
        const url = sender % 2 === 0 ? routers.a : routers.b;
        conversationOf[s] = i;
        sentAt[s] = now();
        const p = graphql(url, users[sender].token, SEND, { c: conversations[i], b: `bench:m:${s}:${'x'.repeat(40)}` })
          .then(() => void mutationMs.push(now() - sentAt[s]))
          .catch(() => void (sendFailures += 1))
          .finally(() => inflight.delete(p));
        inflight.add(p);
      }
      await sleep(5);
    }
    await Promise.all(inflight);
    const lastSent = Math.max(...sentAt);

    // Collect until every expected delivery arrived, or nothing new came for 10 s; then 1 s more for duplicates.
    const receipts: Receipt[] = [];
    const expected = (total - sendFailures) * 2;
    let lastProgress = Date.now();
    let measured = 0;
    for (;;) {
      await sleep(250);
      const report = await subscribers.report();
      const fresh = report.receipts.filter((r) => r.phase === 'm');
      receipts.push(...fresh);
      if (fresh.length > 0) lastProgress = Date.now();
      measured += fresh.length;
      if (measured >= expected || Date.now() - lastProgress > 10_000) break;
    }
    await sleep(1_000);
    const final = await subscribers.report();
    receipts.push(...final.receipts.filter((r) => r.phase === 'm'));

    // Verification: each message must reach both sockets of its conversation exactly once.
    const seen = new Map<string, number>();
    for (const r of receipts) seen.set(`${r.seq}:${r.socket}`, (seen.get(`${r.seq}:${r.socket}`) ?? 0) + 1);
    let lost = 0;
    let duplicated = 0;
    for (let s = 0; s < total; s++) {
      for (const socket of [2 * conversationOf[s], 2 * conversationOf[s] + 1]) {
        const c = seen.get(`${s}:${socket}`) ?? 0;
        if (c === 0) lost += 1;
        if (c > 1) duplicated += c - 1;
      }
    }
    const latencies = receipts.map((r) => r.at - sentAt[r.seq]).sort((a, b) => a - b);
    const server = receipts.map((r) => r.at - r.createdAt).filter(Number.isFinite).sort((a, b) => a - b);
    const lastReceipt = Math.max(...receipts.map((r) => r.at));
    mutationMs.sort((a, b) => a - b);
    return {
      subscribers: n,
      openSeconds: opened.ms / 1000,
      readySeconds,
      sent: total,
      sendFailures,
      sendRate: total / ((lastSent - sentAt[0]) / 1000 || 1),
      deliveries: receipts.length,
      deliveryRate: receipts.length / ((lastReceipt - sentAt[0]) / 1000 || 1),
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      max: latencies.at(-1) ?? NaN,
      serverP50: percentile(server, 50),
      serverP99: percentile(server, 99),
      mutationP50: percentile(mutationMs, 50),
      heapPerConnection: (after.heap - before.heap) / n,
      rssPerConnection: (after.rss - before.rss) / n,
      lost,
      duplicated,
      subscriberErrors: final.errors,
      firstError: final.firstError,
    };
  } finally {
    await subscribers.close();
    // Let both routers see the sockets close before the next run measures its baseline.
    await sleep(3_000);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Main

let stack: RunningStack | null = null;
let routerB: RunningRouter | null = null;
const { stop, release } = stopOnSignal('stopping', async () => {
  await routerB?.stop().catch((err: unknown) => console.error('could not stop router B:', err));
  await stack?.stop();
});

let exitCode = 0;
try {
  log('starting the stack (fresh databases, free ports) and a second router…');
  stack = await startStack({
    freshDatabases: true,
    freePorts: true,
    // The per-user message limit would throttle the senders: it is not what is measured here.
    env: { ...process.env, CHAT_MESSAGE_RATE_LIMIT: '100000' },
    onProgress: (line) => log(`  ${line}`),
  });
  routerB = await startRouterInstance(stack);
  const routers = { a: stack.url, b: routerB.url };
  log(`  router A at ${routers.a}, router B at ${routers.b}`);

  const largest = sizes.at(-1)!;
  log(`creating ${largest} accounts in auth's database and signing their tokens…`);
  const users = await createUsers(stack, largest);
  log(`starting ${largest / 2} conversations through router A…`);
  const conversations: string[] = [];
  const started = performance.now();
  await pool([...Array(largest / 2).keys()], 25, async (i) => {
    const data = await graphql(routers.a, users[2 * i].token, START, { with: users[2 * i + 1].id });
    conversations[i] = (data.startConversation as { id: string }).id;
  });
  log(`  ${fmt((performance.now() - started) / 1000, 1)} s`);

  const results: RunResult[] = [];
  for (const n of sizes) {
    log(`run: ${n} subscribers`);
    const r = await run(n, users, conversations, routers);
    results.push(r);
    log(`  done: ${r.deliveries} deliveries, p50 ${fmt(r.p50)} ms, p99 ${fmt(r.p99)} ms, lost ${r.lost}, duplicated ${r.duplicated}`);
    if (r.lost > 0 || r.duplicated > 0 || r.sendFailures > 0) exitCode = 1;
  }

  log('');
  log(`messageAdded { id body createdAt sender { id username } }, half the sockets on each router, ${rate} msgs/s for ${duration} s`);
  log('');
  log(
    table([
      ['subscribers', 'open s', 'ready s', 'msgs sent', 'sent/s', 'delivered', 'deliveries/s', 'p50 ms', 'p99 ms', 'max ms', 'commit→recv p50/p99', 'send p50 ms', 'heap/conn', 'rss/conn', 'lost', 'dup'],
      ...results.map((r) => [
        String(r.subscribers),
        fmt(r.openSeconds, 1),
        fmt(r.readySeconds, 1),
        `${r.sent}${r.sendFailures ? ` (${r.sendFailures} failed)` : ''}`,
        fmt(r.sendRate, 1),
        String(r.deliveries),
        fmt(r.deliveryRate, 1),
        fmt(r.p50),
        fmt(r.p99),
        fmt(r.max),
        `${fmt(r.serverP50, 1)} / ${fmt(r.serverP99, 1)}`,
        fmt(r.mutationP50),
        `${fmt(r.heapPerConnection / 1024, 1)} KiB`,
        `${fmt(r.rssPerConnection / 1024, 1)} KiB`,
        String(r.lost),
        String(r.duplicated),
      ]),
    ]),
  );
  for (const r of results) if (r.subscriberErrors > 0) log(`WARNING: ${r.subscribers} subscribers: ${r.subscriberErrors} errors, first: ${r.firstError}`);
  if (exitCode !== 0) log('FAILED: a message was lost or duplicated, or a send failed (see the table).');
} catch (err) {
  console.error(err);
  exitCode = 1;
} finally {
  await stop();
  release();
}
process.exit(exitCode);
