import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { LAST_SEEN_TTL_MS, presenceKeys, publishSubscriptionEvent, type Logger } from '@jobgraph/kit';

/**
 * Presence: a user is online while they hold at least one open graphql-ws socket on ANY router instance.
 *
 * Each instance counts its own sockets per user in memory and, in Redis (keys: packages/kit/src/presence.ts), claims
 * "user U has a socket here until T" with T = now + ttl, renewed by a heartbeat every ttl/3. A claim that is not
 * renewed expires, so an instance that crashes (no goodbye) does not keep its users online: every instance sweeps
 * the expired claims every ttl/2, and whichever sweep removes a user's last claim announces them offline — at most
 * ttl + ttl/2 after the crash. All check-and-change steps are Lua scripts, so of two instances racing (a connect
 * here, a disconnect there, two sweeps) exactly one sees each transition, and it is announced once.
 *
 * Transitions are published on the channel of the subscription field `field` (default `presenceChanged`) keyed by
 * the user id, as subgraphs publish theirs; the router then loads `presence(id)` for subscribers like any event.
 */
export interface PresenceOptions {
  redis: Redis;
  prefix: string;
  log: Logger;
  /** How long a claim lives without a heartbeat; a crashed instance's users go offline within 1.5 × ttl. */
  ttlMs: number;
  /** The subscription field whose channel announces transitions. */
  field?: string;
  /** Distinguishes this instance's claims (random by default). */
  instanceId?: string;
}

// Claims a socket of ARGV[1] on instance ARGV[2] until ARGV[3]; returns 1 when the user was not online before.
// Membership of the online set is what was announced: a user is announced online when added, offline when removed.
// KEYS: sockets hash, online zset, last-seen. ARGV: user, instance, expiresAt, now, lastSeenTtl.
const TOUCH = `
local wasOnline = redis.call('ZSCORE', KEYS[2], ARGV[1])
redis.call('HSET', KEYS[1], ARGV[2], ARGV[3])
local best = 0
local claims = redis.call('HGETALL', KEYS[1])
for i = 1, #claims, 2 do
  local e = tonumber(claims[i + 1])
  if e > best then best = e end
end
redis.call('PEXPIREAT', KEYS[1], best)
redis.call('ZADD', KEYS[2], best, ARGV[1])
redis.call('SET', KEYS[3], ARGV[4], 'PX', ARGV[5])
if wasOnline then return 0 end
return 1
`;

// Drops instance ARGV[2]'s claim on user ARGV[1]; returns 1 when that was the user's last live claim (now offline).
// KEYS: sockets hash, online zset, last-seen. ARGV: user, instance, now, lastSeenTtl.
const RELEASE = `
local now = tonumber(ARGV[3])
redis.call('HDEL', KEYS[1], ARGV[2])
local best = 0
local claims = redis.call('HGETALL', KEYS[1])
for i = 1, #claims, 2 do
  local e = tonumber(claims[i + 1])
  if e > now then
    if e > best then best = e end
  else
    redis.call('HDEL', KEYS[1], claims[i])
  end
end
redis.call('SET', KEYS[3], ARGV[3], 'PX', ARGV[4])
if best > 0 then
  redis.call('ZADD', KEYS[2], best, ARGV[1])
  return 0
end
redis.call('DEL', KEYS[1])
return redis.call('ZREM', KEYS[2], ARGV[1])
`;

// Removes expired claims of users whose latest claim has expired; returns the users left with none (now offline).
// Their last-seen stays the time of their last heartbeat. Keys of users are derived from ARGV[1] (sockets prefix),
// so this script assumes one Redis, not a cluster. KEYS: online zset. ARGV: sockets prefix, now, batch size.
const SWEEP = `
local now = tonumber(ARGV[2])
local gone = {}
local users = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[3]))
for _, user in ipairs(users) do
  local key = ARGV[1] .. user
  local best = 0
  local claims = redis.call('HGETALL', key)
  for i = 1, #claims, 2 do
    local e = tonumber(claims[i + 1])
    if e > now then
      if e > best then best = e end
    else
      redis.call('HDEL', key, claims[i])
    end
  end
  if best > 0 then
    redis.call('ZADD', KEYS[1], best, user)
  else
    redis.call('DEL', key)
    redis.call('ZREM', KEYS[1], user)
    table.insert(gone, user)
  end
end
return gone
`;

const SWEEP_BATCH = 500;

type Script = (...args: string[]) => Promise<unknown>;

/** Registers a script once per connection (EVALSHA afterwards, EVAL only when Redis lost it). */
function script(redis: Redis, name: string, keys: number, lua: string): Script {
  const commands = redis as unknown as Record<string, Script | undefined>;
  if (!commands[name]) redis.defineCommand(name, { numberOfKeys: keys, lua });
  const command = commands[name];
  if (!command) throw new Error(`could not define the Redis script ${name}`);
  return command.bind(redis);
}

export class PresenceTracker {
  private readonly sockets = new Map<string, number>();
  private readonly keys: ReturnType<typeof presenceKeys>;
  private readonly field: string;
  readonly instanceId: string;
  private heartbeat: NodeJS.Timeout | null = null;
  private sweeper: NodeJS.Timeout | null = null;
  private stopped = false;
  /** Serialises Redis work per user, so a quick disconnect-reconnect reaches Redis in the order it happened. */
  private readonly pending = new Map<string, Promise<void>>();
  private readonly scripts: { touch: Script; release: Script; sweep: Script };

  /** `options.redis` must be a connection in normal mode (not one in subscriber mode). */
  constructor(private readonly options: PresenceOptions) {
    this.keys = presenceKeys(options.prefix);
    this.scripts = {
      touch: script(options.redis, 'jobgraphPresenceTouch', 3, TOUCH),
      release: script(options.redis, 'jobgraphPresenceRelease', 3, RELEASE),
      sweep: script(options.redis, 'jobgraphPresenceSweep', 1, SWEEP),
    };
    this.field = options.field ?? 'presenceChanged';
    this.instanceId = options.instanceId ?? randomBytes(8).toString('hex');
  }

  start(): void {
    const { ttlMs } = this.options;
    this.heartbeat = setInterval(() => void this.renew(), Math.max(100, Math.floor(ttlMs / 3)));
    this.heartbeat.unref();
    this.sweeper = setInterval(() => void this.sweep(), Math.max(100, Math.floor(ttlMs / 2)));
    this.sweeper.unref();
  }

  /** Users with at least one socket on this instance. */
  get localUsers(): number {
    return this.sockets.size;
  }

  /** A socket of `userId` was accepted here. */
  connected(userId: string): Promise<void> {
    if (this.stopped) return Promise.resolve();
    const count = (this.sockets.get(userId) ?? 0) + 1;
    this.sockets.set(userId, count);
    if (count > 1) return Promise.resolve();
    return this.serial(userId, () => this.touch(userId));
  }

  /** A socket of `userId` closed here. */
  disconnected(userId: string): Promise<void> {
    const count = (this.sockets.get(userId) ?? 0) - 1;
    if (count > 0) {
      this.sockets.set(userId, count);
      return Promise.resolve();
    }
    if (!this.sockets.delete(userId) || this.stopped) return Promise.resolve();
    return this.serial(userId, () => this.release(userId));
  }

  /** Graceful stop: this instance's users without sockets elsewhere go offline now, not at expiry. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.halt();
    const users = [...this.sockets.keys()];
    this.sockets.clear();
    await Promise.all([...this.pending.values()]);
    await Promise.all(users.map((u) => this.release(u)));
  }

  /** Stops heartbeats and sweeps and forgets local sockets without telling Redis: what a crash does (tests). */
  halt(): void {
    this.stopped = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
    if (this.sweeper) clearInterval(this.sweeper);
    this.heartbeat = null;
    this.sweeper = null;
  }

  private serial(userId: string, work: () => Promise<void>): Promise<void> {
    const previous = this.pending.get(userId) ?? Promise.resolve();
    const next = previous.then(work, work);
    this.pending.set(userId, next);
    void next.finally(() => {
      if (this.pending.get(userId) === next) this.pending.delete(userId);
    });
    return next;
  }

  private async touch(userId: string): Promise<void> {
    try {
      const now = Date.now();
      const becameOnline = await this.scripts.touch(
        this.keys.sockets(userId),
        this.keys.online,
        this.keys.lastSeen(userId),
        userId,
        this.instanceId,
        String(now + this.options.ttlMs),
        String(now),
        String(LAST_SEEN_TTL_MS),
      );
      if (becameOnline === 1) await this.announce(userId);
    } catch (err) {
      this.options.log.warn({ err: (err as Error).message }, 'presence: could not record a connection');
    }
  }

  private async release(userId: string): Promise<void> {
    try {
      const wentOffline = await this.scripts.release(
        this.keys.sockets(userId),
        this.keys.online,
        this.keys.lastSeen(userId),
        userId,
        this.instanceId,
        String(Date.now()),
        String(LAST_SEEN_TTL_MS),
      );
      if (wentOffline === 1) await this.announce(userId);
    } catch (err) {
      this.options.log.warn({ err: (err as Error).message }, 'presence: could not record a disconnection');
    }
  }

  /** Renews this instance's claims (and announces anyone a sweep had wrongly taken offline, e.g. after a stall). */
  private async renew(): Promise<void> {
    // Concurrently: ioredis pipelines them on its one connection, so thousands of users cost a few round trips.
    await Promise.all(
      [...this.sockets.keys()].map((userId) => this.serial(userId, () => (this.sockets.has(userId) && !this.stopped ? this.touch(userId) : Promise.resolve()))),
    );
  }

  private async sweep(): Promise<void> {
    try {
      const gone = (await this.scripts.sweep(this.keys.online, this.keys.socketsPrefix, String(Date.now()), String(SWEEP_BATCH))) as string[];
      for (const userId of gone) await this.announce(userId);
    } catch (err) {
      this.options.log.warn({ err: (err as Error).message }, 'presence: sweep failed');
    }
  }

  private async announce(userId: string): Promise<void> {
    await publishSubscriptionEvent(this.options.redis, this.options.prefix, this.field, userId, userId);
  }
}
