import { Redis } from 'ioredis';
import type { Logger } from './logger.js';

/** A Redis client for a service: fails fast while Redis is down (no offline queue) instead of stalling requests. */
export function createRedis(url: string, log: Logger, options: { failFast?: boolean } = {}): Redis {
  const redis = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: options.failFast ? 0 : 2,
    enableOfflineQueue: !options.failFast,
    retryStrategy: (attempt) => Math.min(attempt * 200, 5_000),
  });
  let down = false;
  redis.on('error', (err: Error) => {
    if (!down) log.warn({ err: err.message }, 'redis unreachable; retrying in the background');
    down = true;
  });
  redis.on('ready', () => {
    if (down) log.info('redis reachable again');
    down = false;
  });
  return redis;
}

/**
 * Cache-aside over Redis that is only ever an optimisation: every failure reads as a miss (or a no-op write),
 * and an outage is logged once when it starts and once when it ends, not per request.
 */
export class Cache {
  private failing = false;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly log: Logger,
  ) {}

  private async attempt<T>(what: () => Promise<T>, fallback: T): Promise<T> {
    try {
      const value = await what();
      if (this.failing) {
        this.failing = false;
        this.log.info('cache available again');
      }
      return value;
    } catch (err) {
      if (!this.failing) this.log.warn({ err: (err as Error).message }, 'cache unavailable; answering from the database');
      this.failing = true;
      return fallback;
    }
  }

  async get<T>(key: string): Promise<T | null> {
    const raw = await this.attempt(() => this.redis.get(this.prefix + key), null);
    return raw === null ? null : (JSON.parse(raw) as T);
  }

  async set(key: string, value: unknown, ttlSeconds: number): Promise<void> {
    await this.attempt(() => this.redis.set(this.prefix + key, JSON.stringify(value), 'EX', ttlSeconds), null);
  }

  async delete(...keys: string[]): Promise<void> {
    if (keys.length > 0) await this.attempt(() => this.redis.del(...keys.map((k) => this.prefix + k)), 0);
  }

  /** A counter to version a family of keys (bumping it invalidates them all at once); 0 when unreachable. */
  async generation(key: string): Promise<number> {
    return Number(await this.attempt(() => this.redis.get(this.prefix + key), '0')) || 0;
  }

  /**
   * Increments a generation counter. With `ttlSeconds` (longer than the TTL of the entries it versions) the
   * counter itself expires once nothing has changed for that long: by then every entry it versioned has expired.
   */
  async bump(key: string, ttlSeconds?: number): Promise<void> {
    await this.attempt(async () => {
      const multi = this.redis.multi().incr(this.prefix + key);
      if (ttlSeconds) multi.expire(this.prefix + key, ttlSeconds);
      return multi.exec();
    }, null);
  }

  /** Reads through the cache: `load` runs on a miss and its result is stored (null results are not). */
  async getOrLoad<T>(key: string, ttlSeconds: number, load: () => Promise<T | null>): Promise<T | null> {
    const hit = await this.get<T>(key);
    if (hit !== null) return hit;
    const value = await load();
    if (value !== null) await this.set(key, value, ttlSeconds);
    return value;
  }
}
