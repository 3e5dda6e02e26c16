/**
 * How fast notifications turns orders into email: end-to-end throughput and latency from a committed `order.placed`
 * to both parties' emails accepted by an SMTP server, with TWO notifications instances sharing the work.
 *
 *   pnpm bench:notifications [-- --events 2000 --rate 200 --warmup 100]
 *   node bench/dist/notifications.js --events 500
 *
 * Starts an SMTP server (smtp-server) in this process, then the whole stack (fresh databases, free ports, mail over
 * SMTP to that server) and a second notifications instance on the same database and RabbitMQ namespace: the two
 * compete for the same queue. Signs up a buyer and a seller through the router and waits until notifications knows
 * both (its address book comes from auth's `user.registered`). Then publishes `order.placed` events the way the orders
 * subgraph's outbox relay will (it does not exist yet): on `<namespace>.orders`, routing key `order.placed`, persistent,
 * with publisher confirms. An event counts as committed when the broker confirmed it. Each event mails the buyer and
 * the seller; its latency is the time the SMTP server accepted the LAST of the two, minus its confirm time.
 *
 * Asserts nothing about time. Exits 1 when the stack cannot start, a wait runs out, or any event did not produce
 * exactly two accepted emails (one to the buyer, one to the seller); 2 for bad flags.
 */
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import type { AddressInfo, Socket } from 'node:net';
import { connect, type ChannelModel, type ConfirmChannel } from 'amqplib';
import { SMTPServer } from 'smtp-server';
import pg from 'pg';
import type { RunningStack } from '@jobgraph/stack';
import type { RunningSubgraph } from '@jobgraph/kit';
import { GaveUp, parseFlags, positiveNumber, runBenchmark, stopOnSignal, wholeNumber } from './cli.js';
import { fmt, percentile, table } from './load.js';

// ---------------------------------------------------------------------------------------------------------------
// Options

const USAGE = 'usage: node bench/dist/notifications.js [--events n=2000] [--rate events/s (default: unlimited)] [--warmup n=100]';
const { eventCount, rate, warmupCount } = parseFlags(USAGE, ['events', 'rate', 'warmup'], (flags) => ({
  eventCount: wholeNumber('events', flags.events, 2_000, 1),
  rate: positiveNumber('rate', flags.rate, Infinity, 1),
  warmupCount: wholeNumber('warmup', flags.warmup, 100, 0),
}));

const log = (line: string): void => console.log(line);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------------------------
// The SMTP server: records when each message was accepted, for which order and to whom

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
/** The gig title of every bench event: the order id shows in the emails' subjects ("New order: …", "Order placed: …"). */
const gigTitle = (orderId: string): string => `Bench order ${orderId}`;

interface Accepted {
  /** performance.now() when the server accepted the message (just before its 250 reply). */
  at: number;
  /** Envelope recipients (RCPT TO), lower case. */
  to: string[];
  subject: string;
  /** From the client's TCP connection to the acceptance, ms (each message comes on a connection of its own). */
  sessionMs: number;
}

/** Quoted-printable (RFC 2045) to text: soft line breaks removed, =XX decoded. */
function decodeQuotedPrintable(text: string): string {
  const joined = text.replace(/=\r?\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < joined.length; i++) {
    if (joined[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(joined.slice(i + 1, i + 3))) {
      bytes.push(parseInt(joined.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(joined.charCodeAt(i) & 0xff);
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** `=?UTF-8?Q?…?=` / `=?UTF-8?B?…?=` encoded words (RFC 2047). */
function decodeHeader(value: string): string {
  return value
    .replace(/(\?=)\s+(=\?)/g, '$1$2')
    .replace(/=\?([^?]+)\?([QqBb])\?([^?]*)\?=/g, (_m, _charset: string, enc: string, text: string) =>
      enc.toUpperCase() === 'B' ? Buffer.from(text, 'base64').toString('utf8') : decodeQuotedPrintable(text.replace(/_/g, ' ')),
    );
}

/** The subject and the order id of a raw message: from the subject, else from the (quoted-printable) body's order link. */
function readMessage(raw: string): { subject: string; orderId: string | null } {
  const split = /\r?\n\r?\n/.exec(raw);
  const head = (split ? raw.slice(0, split.index) : raw).replace(/\r?\n[ \t]+/g, ' ');
  const subjectLine = head.split(/\r?\n/).find((l) => /^subject:/i.test(l));
  const subject = subjectLine ? decodeHeader(subjectLine.slice(subjectLine.indexOf(':') + 1).trim()) : '';
  const inSubject = UUID.exec(subject)?.[0];
  if (inSubject) return { subject, orderId: inSubject.toLowerCase() };
  const inBody = /\/orders\/([0-9a-f-]{36})/i.exec(decodeQuotedPrintable(raw))?.[1];
  return { subject, orderId: inBody && UUID.test(inBody) ? inBody.toLowerCase() : null };
}

class Mailbox {
  /** Accepted messages by order id. */
  readonly byOrder = new Map<string, Accepted[]>();
  /** Accepted messages that name no order (the sign-up verification emails). */
  readonly other: Accepted[] = [];
  total = 0;
  port = 0;
  private server: SMTPServer | null = null;
  /** When each client connection opened, by remote address and port, until its message is accepted. */
  private readonly opened = new Map<string, number>();

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      // Every message comes on a connection of its own (notifications' mailer does not pool): no DNS per connection.
      disableReverseLookup: true,
      logger: false,
      closeTimeout: 500,
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const at = performance.now();
          const { subject, orderId } = readMessage(Buffer.concat(chunks).toString('latin1'));
          const key = `${session.remoteAddress}:${session.remotePort}`;
          const sessionMs = at - (this.opened.get(key) ?? NaN);
          this.opened.delete(key);
          const accepted: Accepted = { at, to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()), subject, sessionMs };
          if (orderId) {
            const list = this.byOrder.get(orderId);
            if (list) list.push(accepted);
            else this.byOrder.set(orderId, [accepted]);
          } else {
            this.other.push(accepted);
          }
          this.total++;
          callback();
        });
      },
    });
    // smtp-server greets a new connection only after a fixed 100 ms (its check for clients that talk too soon): part of
    // every message's time here, so it is measured and shown.
    server.server.on('connection', (socket: Socket) => this.opened.set(`${socket.remoteAddress}:${socket.remotePort}`, performance.now()));
    server.server.on('close', () => this.opened.clear());
    await new Promise<void>((resolve, reject) => {
      server.server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    this.port = (server.server.address() as AddressInfo).port;
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Accepted emails about the given orders. */
  countFor(orderIds: string[]): number {
    let n = 0;
    for (const id of orderIds) n += this.byOrder.get(id)?.length ?? 0;
    return n;
  }
}

// Before the stack's modules load (they read the environment): no Apollo usage reporting, quiet logs.
process.env.APOLLO_TELEMETRY_DISABLED ??= '1';
process.env.LOG_LEVEL ??= 'warn';
// Hundreds of requests per second from one IP: the router's rate limits (per user / per IP) are off.
process.env.RATE_LIMIT_USER_PER_MINUTE ??= '0';
process.env.RATE_LIMIT_IP_PER_MINUTE ??= '0';

const { startStack, SUBGRAPHS } = await import('@jobgraph/stack');
const { makeEnvelope, newId, baseEnv } = await import('@jobgraph/kit');
const { JobGraphClient, SignUpDocument } = await import('@jobgraph/client');

// ---------------------------------------------------------------------------------------------------------------
// Publishing, as the orders subgraph's outbox relay will

interface BenchEvent {
  orderId: string;
  body: Buffer;
  messageId: string;
  correlationId: string;
  timestamp: number;
  /** performance.now() when the broker confirmed it; NaN until then. */
  confirmedAt: number;
}

function orderEvents(n: number, buyerId: string, sellerId: string, label: string): BenchEvent[] {
  return Array.from({ length: n }, (_, i) => {
    const orderId = newId();
    const envelope = makeEnvelope(
      'orders',
      'order.placed',
      {
        orderId,
        buyerId,
        sellerId,
        gigTitle: gigTitle(orderId),
        price: { amount: 5_000 + (i % 100) * 100, currency: 'USD' },
        dueAt: new Date(Date.now() + 7 * 86_400_000).toISOString(),
      },
      { correlationId: `bench-${label}-${i}` },
    );
    return {
      orderId,
      body: Buffer.from(JSON.stringify(envelope)),
      messageId: envelope.id,
      correlationId: envelope.correlationId,
      timestamp: Math.floor(Date.parse(envelope.occurredAt) / 1000),
      confirmedAt: NaN,
    };
  });
}

/** Most events published before waiting for the broker's confirms (unlimited rate). */
const BATCH = 100;

interface PublishStats {
  nacked: number;
  returned: number;
}

/**
 * Publishes every event on `exchange` (routing key `order.placed`, persistent, same properties as the kit's bus),
 * recording each one's confirm time. In batches: a batch's confirms are awaited before the next one goes out, so the
 * broker is never flooded; with a rate, batch k (of rate/20 events) starts at k × batch / rate seconds.
 */
async function publishAll(channel: ConfirmChannel, exchange: string, events: BenchEvent[], stats: PublishStats, progress: (published: number) => void): Promise<void> {
  const batch = Number.isFinite(rate) ? Math.max(1, Math.min(BATCH, Math.round(rate / 20))) : BATCH;
  const started = performance.now();
  for (let from = 0; from < events.length; from += batch) {
    if (Number.isFinite(rate)) {
      const due = started + (from / rate) * 1000;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
    }
    for (const event of events.slice(from, from + batch)) {
      const ok = channel.publish(
        exchange,
        'order.placed',
        event.body,
        {
          persistent: true,
          contentType: 'application/json',
          messageId: event.messageId,
          type: 'order.placed',
          correlationId: event.correlationId,
          timestamp: event.timestamp,
          // A message no queue takes is confirmed too: have it returned instead, and count it.
          mandatory: true,
        },
        (err: unknown) => {
          if (err) stats.nacked++;
          else event.confirmedAt = performance.now();
        },
      );
      if (!ok) await once(channel, 'drain');
    }
    await channel.waitForConfirms().catch(() => undefined);
    progress(Math.min(events.length, from + batch));
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Instances

interface Consumed {
  processed: number;
  retried: number;
  dead_lettered: number;
}

/** jobgraph_events_consumed_total{type="order.placed"} of one instance, by outcome, from its /metrics. */
async function consumedOf(instance: RunningSubgraph<unknown>): Promise<Consumed> {
  // Bounded: /metrics also reads the outbox's lag from the database, so it waits when the instance's pool is full.
  const text = await (await fetch(instance.url.replace(/\/graphql$/, '/metrics'), { signal: AbortSignal.timeout(10_000) })).text();
  const counts: Consumed = { processed: 0, retried: 0, dead_lettered: 0 };
  for (const line of text.split('\n')) {
    if (!line.startsWith('jobgraph_events_consumed_total{') || !line.includes('type="order.placed"')) continue;
    const outcome = /outcome="([^"]+)"/.exec(line)?.[1] as keyof Consumed | undefined;
    if (outcome && outcome in counts) counts[outcome] += Number(line.split(' ').at(-1));
  }
  return counts;
}

const minus = (a: Consumed, b: Consumed): Consumed => ({ processed: a.processed - b.processed, retried: a.retried - b.retried, dead_lettered: a.dead_lettered - b.dead_lettered });

// ---------------------------------------------------------------------------------------------------------------
// Waiting

const tty = process.stderr.isTTY;

/**
 * Waits until `done()`, printing `status()` (every 0.5 s on a terminal, else every 5 s). Gives up (throws) when
 * `progress()` has not moved for `stallMs`, or after `maxMs` in all.
 */
async function waitUntil(what: string, done: () => boolean | Promise<boolean>, status: () => string, progress: () => number, stallMs = 30_000, maxMs = 15 * 60_000): Promise<void> {
  const started = Date.now();
  let last = progress();
  let lastMoved = Date.now();
  let lastShown = 0;
  try {
    while (!(await done())) {
      const now = Date.now();
      const p = progress();
      if (p !== last) {
        last = p;
        lastMoved = now;
      }
      if (tty && now - lastShown >= 500) {
        process.stderr.write(`\r  ${status()}   `);
        lastShown = now;
      } else if (!tty && now - lastShown >= 5_000) {
        if (lastShown !== 0) log(`  ${status()}`);
        lastShown = now;
      }
      if (now - lastMoved > stallMs) throw new GaveUp(`gave up waiting for ${what}: no progress for ${stallMs / 1000} s (${status()})`);
      if (now - started > maxMs) throw new GaveUp(`gave up waiting for ${what} after ${maxMs / 1000} s (${status()})`);
      await sleep(50);
    }
  } finally {
    if (tty) process.stderr.write('\n');
  }
  log(`  ${status()}`);
}

/**
 * What the notifications database's connections are doing (on a connection of its own: the instances' pools may be
 * full), for a run that stopped making progress.
 */
async function databaseActivity(databaseUrl: string): Promise<{ idleInTransaction: number; oldestSeconds: number; lastQuery: string; byState: string }> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ state: string | null; n: number; oldest: number | null; query: string | null }>(
      `select state, count(*)::int as n, max(extract(epoch from now() - xact_start))::float8 as oldest,
              (array_agg(left(regexp_replace(query, '\\s+', ' ', 'g'), 120) order by xact_start))[1] as query
         from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() group by state order by state`,
    );
    const idle = rows.find((r) => r.state === 'idle in transaction');
    return {
      idleInTransaction: idle?.n ?? 0,
      oldestSeconds: idle?.oldest ?? 0,
      lastQuery: idle?.query ?? '',
      byState: rows.map((r) => `${r.state ?? 'unknown'} ${r.n}`).join(', '),
    };
  } finally {
    await client.end();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Run

interface Verdict {
  exact: number;
  missing: number;
  one: number;
  more: number;
  wrongRecipients: number;
}

/** Each event must have produced exactly two accepted emails: one to the buyer ("Order placed"), one to the seller ("New order"). */
function verify(mail: Mailbox, events: BenchEvent[], buyerEmail: string, sellerEmail: string): Verdict {
  const v: Verdict = { exact: 0, missing: 0, one: 0, more: 0, wrongRecipients: 0 };
  for (const e of events) {
    const got = mail.byOrder.get(e.orderId) ?? [];
    if (got.length === 0) v.missing++;
    else if (got.length === 1) v.one++;
    else if (got.length > 2) v.more++;
    else {
      const toBuyer = got.filter((m) => m.to.length === 1 && m.to[0] === buyerEmail && m.subject.startsWith('Order placed:')).length;
      const toSeller = got.filter((m) => m.to.length === 1 && m.to[0] === sellerEmail && m.subject.startsWith('New order:')).length;
      if (toBuyer === 1 && toSeller === 1) v.exact++;
      else v.wrongRecipients++;
    }
  }
  return v;
}

const verdictOk = (v: Verdict, n: number): boolean => v.exact === n;

async function main(): Promise<number> {
  const rateText = Number.isFinite(rate) ? `${rate} events/s` : `unlimited (batches of ${BATCH}, each confirmed before the next)`;
  log(`notifications: ${eventCount.toLocaleString('en')} order.placed events (+${warmupCount} warm-up), rate ${rateText}, 2 notifications instances`);

  const mail = new Mailbox();
  let stack: RunningStack | undefined;
  let second: RunningSubgraph<unknown> | undefined;
  let amqp: ChannelModel | undefined;
  /** Set when a wait gave up: handlers may be stuck holding their connections. */
  let stalled = false;
  const { finish } = stopOnSignal('stopping', async () => {
    await amqp?.close().catch(() => undefined);
    if (stalled) {
      // Stop both instances taking events first, so retried events do not get stuck again while the first one
      // stops; stuck handlers still hold their connections until the pool's 60 s acquire timeout.
      log('(stuck event handlers keep their connections until the pool gives up, after 60 s: stopping takes a minute or two)');
      await Promise.all([second, stack?.subgraphs.notifications].map((s) => s?.bus.close(0).catch(() => undefined)));
    }
    try {
      // The second instance first: the stack drops the database and the namespace's queues when it stops.
      await second?.stop().catch((err: unknown) => console.error('could not stop the second notifications instance:', err));
      await stack?.stop();
    } finally {
      await mail.stop();
    }
  });
  try {
    await mail.start();
    log(`SMTP server (smtp-server) at ${mail.url}`);
    log('starting the stack (fresh databases, free ports, MAIL_TRANSPORT=smtp)…');
    stack = await startStack({
      freshDatabases: true,
      freePorts: true,
      env: { ...process.env, SMTP_URL: mail.url, MAIL_TRANSPORT: 'smtp' },
      onProgress: (line) => log(`  ${line}`),
    });
    const first = stack.subgraphs.notifications;
    if (!first) throw new Error(`expected a notifications subgraph, got ${Object.keys(stack.subgraphs).join(', ')}`);
    log(`  router at ${stack.url}`);
    const databaseUrl = first.orm.config.get('clientUrl');
    if (!databaseUrl) throw new Error('the notifications subgraph has no database URL');
    const ns = String(stack.env.EVENTS_NAMESPACE);

    log('starting a second notifications instance (same database, same namespace)…');
    const definition = SUBGRAPHS.find((s) => s.name === 'notifications');
    if (!definition) throw new Error('no notifications subgraph in SUBGRAPHS');
    second = await definition.start(stack.env, { databaseUrl, port: 0 });
    const instances = [
      { name: 'notifications #1 (the stack\'s)', sub: first },
      { name: 'notifications #2', sub: second },
    ];
    for (const { name, sub } of instances) log(`  ${name} at ${sub.url}`);

    log('signing up a buyer and a seller through the router…');
    const client = new JobGraphClient(stack.url);
    const tag = randomBytes(4).toString('hex');
    const accounts = await Promise.all(
      (['buyer', 'seller'] as const).map(async (role) => {
        const input = { email: `bench.${role}.${tag}@example.com`, username: `bench_${role}_${tag}`, password: 'correct horse battery staple' };
        const { signUp } = await client.expect(SignUpDocument, { input });
        return { id: signUp.user.id, email: input.email.toLowerCase() };
      }),
    );
    const [buyer, seller] = accounts;
    const knownRecipients = async (): Promise<number> => {
      const rows: Array<{ n: number }> = await first.orm.em.fork().execute('select count(*)::int as n from recipient where user_id in (?)', [[buyer.id, seller.id]]);
      return Number(rows[0]?.n ?? 0);
    };
    let known = 0;
    await waitUntil(
      "notifications' address book to know both (user.registered)",
      async () => (known = await knownRecipients()) === 2,
      () => `recipients known: ${known} / 2`,
      () => known,
      30_000,
      30_000,
    );

    const amqpUrl = stack.env.AMQP_URL ?? baseEnv.AMQP_URL.parse(undefined);
    amqp = await connect(amqpUrl);
    const channel = await amqp.createConfirmChannel();
    const stats: PublishStats = { nacked: 0, returned: 0 };
    channel.on('return', () => stats.returned++);
    channel.on('error', (err: Error) => console.error('AMQP publish channel error:', err.message));
    const exchange = `${ns}.orders`;

    const model = amqp;
    const queueState = async (queue: string): Promise<number> => {
      const ch = await model.createChannel();
      try {
        return (await ch.checkQueue(queue)).messageCount;
      } finally {
        await ch.close().catch(() => undefined);
      }
    };
    const queue = `${ns}.notifications.order-events`;

    /** When a wait gives up: where the events are and what notifications' database connections are doing. */
    const diagnose = async (): Promise<void> => {
      stalled = true;
      log('');
      log('DIAGNOSIS (the run stopped making progress):');
      try {
        // The database first: /metrics waits for a free connection, and the instances' pools may be full.
        const db = await databaseActivity(databaseUrl);
        log(`  notifications' database connections: ${db.byState}`);
        if (db.idleInTransaction > 0) {
          log(`  ${db.idleInTransaction} event-handler transaction(s) open and idle for up to ${fmt(db.oldestSeconds, 0)} s; the oldest last ran: ${db.lastQuery}`);
          log('  Open transactions that run no SQL while no email goes out: the handlers wait for something else, most likely');
          log('  a second connection from their own, full pool (10 connections, up to 16 events in flight per instance); the');
          log('  pool gives up after 60 s and the events are retried. See "When it stalls" in bench/README.md.');
        }
        log(`  ${queue}: ${await queueState(queue)} ready (not handed to a consumer yet); ${await queueState(`${queue}.dlq`)} in its DLQ`);
        for (const { name, sub } of instances) {
          const c = await consumedOf(sub).catch(() => null);
          log(`  ${name}: ${c ? `order.placed processed ${c.processed}, retried ${c.retried}, dead-lettered ${c.dead_lettered} (since start)` : '/metrics did not answer within 10 s'}`);
        }
      } catch (err) {
        log(`  (diagnosis failed: ${err instanceof Error ? err.message : String(err)})`);
      }
    };

    const run = async (label: string, events: BenchEvent[]): Promise<void> => {
      const ids = events.map((e) => e.orderId);
      const expected = events.length * 2;
      let published = 0;
      log(`${label}: publishing ${events.length.toLocaleString('en')} order.placed on ${exchange} (routing key order.placed, publisher confirms)…`);
      const publishing = publishAll(channel, exchange, events, stats, (n) => (published = n));
      let publishError: unknown = null;
      publishing.catch((err: unknown) => (publishError = err));
      const confirmed = (): number => events.reduce((a, e) => a + (Number.isNaN(e.confirmedAt) ? 0 : 1), 0);
      let emails = 0;
      try {
        await waitUntil(
          `${label}: ${expected.toLocaleString('en')} emails`,
          () => {
            if (publishError) throw publishError;
            emails = mail.countFor(ids);
            return emails >= expected && published === events.length;
          },
          () => `published ${published.toLocaleString('en')} / ${events.length.toLocaleString('en')} (confirmed ${confirmed().toLocaleString('en')}), emails accepted ${mail.countFor(ids).toLocaleString('en')} / ${expected.toLocaleString('en')} (SMTP total ${mail.total.toLocaleString('en')})`,
          () => published + mail.countFor(ids),
        );
      } catch (err) {
        await diagnose();
        throw err;
      }
      await publishing;
    };

    const warmupEvents = orderEvents(warmupCount, buyer.id, seller.id, 'warmup');
    if (warmupCount > 0) await run('warm-up', warmupEvents);
    // Every warm-up event acknowledged before the measured run starts counting.
    const before = await Promise.all(instances.map(({ sub }) => consumedOf(sub)));
    const events = orderEvents(eventCount, buyer.id, seller.id, 'run');
    await run('measured run', events);

    // All emails are in: wait until both instances have acked every event, then a moment for late duplicates.
    let acked = 0;
    try {
      await waitUntil(
        'both instances to acknowledge every event',
        async () => {
          const now = await Promise.all(instances.map(({ sub }) => consumedOf(sub)));
          acked = now.reduce((a, c, i) => a + minus(c, before[i]).processed, 0);
          return acked >= eventCount;
        },
        () => `events processed (acked) by the two instances: ${acked.toLocaleString('en')} / ${eventCount.toLocaleString('en')}`,
        () => acked,
        30_000,
        60_000,
      );
    } catch (err) {
      await diagnose();
      throw err;
    }
    await sleep(1_000);
    const after = await Promise.all(instances.map(({ sub }) => consumedOf(sub)));
    const split = instances.map(({ name, sub }, i) => ({ name, url: sub.url, c: minus(after[i], before[i]) }));
    const [waiting, dead] = [await queueState(queue), await queueState(`${queue}.dlq`)];
    const sentRows: Array<{ status: string; n: number }> = await first.orm.em
      .fork()
      .execute('select status, count(*)::int as n from email_log where event_id in (?) group by status order by status', [
        events.map((e) => e.messageId),
      ]);

    // -------------------------------------------------------------------------------------------------------------
    // Figures
    const latencies: number[] = [];
    for (const e of events) {
      const got = mail.byOrder.get(e.orderId) ?? [];
      if (got.length >= 2 && !Number.isNaN(e.confirmedAt)) latencies.push(Math.max(...got.slice(0, 2).map((m) => m.at)) - e.confirmedAt);
    }
    latencies.sort((a, b) => a - b);
    const sessions = events
      .flatMap((e) => (mail.byOrder.get(e.orderId) ?? []).map((m) => m.sessionMs))
      .filter((ms) => !Number.isNaN(ms))
      .sort((a, b) => a - b);
    const confirms = events.map((e) => e.confirmedAt).filter((t) => !Number.isNaN(t));
    const firstConfirm = Math.min(...confirms);
    const lastConfirm = Math.max(...confirms);
    const lastAccepted = Math.max(...events.flatMap((e) => (mail.byOrder.get(e.orderId) ?? []).map((m) => m.at)));
    const spanS = (lastAccepted - firstConfirm) / 1000;
    const emailsMeasured = mail.countFor(events.map((e) => e.orderId));

    log('');
    log(`Results: ${eventCount.toLocaleString('en')} order.placed → 2 emails each, 2 notifications instances (${availableParallelism()} CPUs, Node ${process.version}):`);
    log('"committed" = published on <namespace>.orders, routing key order.placed, and confirmed by RabbitMQ (publisher');
    log('confirms): what the orders subgraph\'s outbox relay will do; orders does not exist yet, so this benchmark publishes.');
    log('');
    log(
      table([
        ['measure', 'value'],
        ['publish rate', Number.isFinite(rate) ? `${rate} events/s asked` : 'unlimited'],
        ['confirms: first → last', `${fmt((lastConfirm - firstConfirm) / 1000)} s (${fmt(eventCount / Math.max((lastConfirm - firstConfirm) / 1000, 1e-9), 0)} events/s)`],
        ['first confirm → last email accepted', `${fmt(spanS)} s`],
        ['events/s (end to end)', fmt(eventCount / spanS, 1)],
        ['emails/s', fmt(emailsMeasured / spanS, 1)],
        ['latency p50 ms', fmt(percentile(latencies, 50), 1)],
        ['latency p95 ms', fmt(percentile(latencies, 95), 1)],
        ['latency p99 ms', fmt(percentile(latencies, 99), 1)],
        ['latency max ms', fmt(latencies.at(-1) ?? NaN, 1)],
        ['SMTP session per email p50 / p95 ms', `${fmt(percentile(sessions, 50), 1)} / ${fmt(percentile(sessions, 95), 1)}`],
      ]),
    );
    log('');
    log('latency of an event = when the SMTP server accepted the LAST of its two emails − when the broker confirmed it.');
    log('SMTP session = from the mailer\'s TCP connection to the acceptance of its one message; it includes smtp-server\'s');
    log('fixed 100 ms wait before its greeting. notifications sends an event\'s two emails one after the other, each on a');
    log('new connection, so about 2 × (that session) of every latency is SMTP.');
    if (!Number.isFinite(rate)) log('Unlimited rate: events are published faster than they are mailed, so the latency is mostly time queued.');
    log('');
    const totalProcessed = split.reduce((a, s) => a + s.c.processed, 0);
    log('How the work split (jobgraph_events_consumed_total{type="order.placed"}, measured run only):');
    log('');
    log(
      table([
        ['instance', 'processed', 'share', 'retried', 'dead-lettered'],
        ...split.map((s) => [`${s.name} ${s.url.replace(/\/graphql$/, '')}`, String(s.c.processed), `${fmt((100 * s.c.processed) / Math.max(totalProcessed, 1), 1)}%`, String(s.c.retried), String(s.c.dead_lettered)]),
      ]),
    );
    log('');

    const warm = verify(mail, warmupEvents, buyer.email, seller.email);
    const measured = verify(mail, events, buyer.email, seller.email);
    log('Verification: every event must produce exactly 2 accepted emails, one to the buyer ("Order placed: …") and one to the seller ("New order: …").');
    log('');
    const vRow = (name: string, n: number, v: Verdict): string[] => [name, ...[n, v.exact, v.missing, v.one, v.more, v.wrongRecipients].map((x) => x.toLocaleString('en'))];
    log(
      table([
        ['events', 'published', 'exactly 2 (buyer + seller)', 'no email', '1 email', 'more than 2', '2, wrong recipients'],
        vRow('measured', eventCount, measured),
        ...(warmupCount > 0 ? [vRow('warm-up', warmupCount, warm)] : []),
      ]),
    );
    log('');
    log(`emails accepted for the measured events: ${emailsMeasured.toLocaleString('en')} (expected ${(eventCount * 2).toLocaleString('en')}); all emails accepted: ${mail.total.toLocaleString('en')}, of which ${mail.other.length} name no bench order (the sign-up verification emails: 2 expected)`);
    log(`email_log rows of the measured events: ${sentRows.map((r) => `${r.status} ${r.n}`).join(', ') || 'none'}`);
    log(`broker: ${stats.nacked} nacked, ${stats.returned} returned unroutable; ${waiting} left in ${queue}, ${dead} in its DLQ`);

    const ok = verdictOk(measured, eventCount) && verdictOk(warm, warmupCount) && stats.nacked === 0 && stats.returned === 0 && dead === 0;
    log('');
    log(ok ? 'OK: no email lost, none sent twice.' : 'FAILED: some events did not produce exactly one email to each party (see above).');
    if (split.some((s) => s.c.retried > 0)) log('note: some deliveries were retried (an SMTP or database error); the counts above are after the retries.');
    log('The SMTP server, the publisher, the router, every subgraph and both notifications instances share this process and');
    log('machine (PostgreSQL and RabbitMQ too): compare runs only on the same, otherwise idle machine.');
    return ok ? 0 : 1;
  } finally {
    await finish();
  }
}

await runBenchmark(main);
