import { HeaderMap } from '@apollo/server';
import { GraphQLError } from 'graphql';
import type { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { ErrorCode, createRedis, type Caller, type Logger } from '@jobgraph/kit';

/**
 * Request rate limits, counted in Redis so every router instance shares one budget: per caller (user id) for
 * signed-in requests, per client IP for anonymous ones (behind a proxy, set TRUST_PROXY so the IP is the
 * client's). Checked while the request's context is built, before parsing, so a refused request costs one Redis
 * round trip. A refusal is HTTP 429 with `RATE_LIMITED`, `extensions.retryAfterSeconds` and a Retry-After header.
 *
 * Redis down → fail open: requests are served unlimited (availability over limiting), logged once when the
 * outage starts and once when it ends. Operations the router runs for itself (subscription events) are not counted.
 */
export interface RateLimitOptions {
  /** Requests per minute per signed-in user; 0 disables the user limit. */
  userPerMinute: number;
  /** Requests per minute per client IP for anonymous requests; 0 disables the IP limit. */
  ipPerMinute: number;
}

/**
 * Defaults: generous for a person on a busy page (the frontend makes a handful of requests per view), and a
 * shared office or mobile NAT behind one IP can still sign in and browse; scripts hammering the API are stopped.
 */
export const DEFAULT_RATE_LIMITS: RateLimitOptions = { userPerMinute: 600, ipPerMinute: 300 };

export interface RateLimits {
  /** Counts one request; throws a 429 `RATE_LIMITED` GraphQLError when over the limit. */
  check(caller: Caller | null, ip: string | null): Promise<void>;
  close(): Promise<void>;
}

export function rateLimitedError(retryAfterSeconds: number, who: 'user' | 'ip', perMinute: number): GraphQLError {
  const headers = new HeaderMap([['retry-after', String(retryAfterSeconds)]]);
  return new GraphQLError(
    `Too many requests: at most ${perMinute} per minute ${who === 'user' ? 'per user' : 'per IP address'}; retry in ${retryAfterSeconds}s.`,
    { extensions: { code: ErrorCode.RATE_LIMITED, retryAfterSeconds, http: { status: 429, headers } } },
  );
}

export function rateLimits(
  options: Partial<RateLimitOptions> & { redisUrl: string; redisPrefix: string; log: Logger; redis?: Redis },
): RateLimits {
  const o = { ...DEFAULT_RATE_LIMITS, ...options };
  if (o.userPerMinute <= 0 && o.ipPerMinute <= 0) return { check: async () => {}, close: async () => {} };
  const ownRedis = !options.redis;
  // No offline queue: while Redis is unreachable a count fails at once (and the request is served) instead of waiting.
  const redis = options.redis ?? createRedis(o.redisUrl, o.log, { failFast: true });
  if (ownRedis) redis.connect().catch(() => undefined);
  const limiter = (points: number, kind: string) =>
    points > 0
      ? new RateLimiterRedis({ storeClient: redis, keyPrefix: `${o.redisPrefix}ratelimit:${kind}`, points, duration: 60, rejectIfRedisNotReady: true })
      : null;
  const perUser = limiter(o.userPerMinute, 'user');
  const perIp = limiter(o.ipPerMinute, 'ip');
  let failing = false;

  return {
    async check(caller, ip) {
      const [limiter, key, who, perMinute] = caller
        ? ([perUser, caller.userId, 'user', o.userPerMinute] as const)
        : ([perIp, ip ?? 'unknown', 'ip', o.ipPerMinute] as const);
      if (!limiter) return;
      try {
        await limiter.consume(key);
        if (failing) o.log.info('rate limits counting again');
        failing = false;
      } catch (err) {
        if (err instanceof RateLimiterRes) throw rateLimitedError(Math.max(1, Math.ceil(err.msBeforeNext / 1000)), who, perMinute);
        if (!failing) o.log.warn({ err: (err as Error).message }, 'rate limits not enforced: Redis unreachable (failing open)');
        failing = true;
      }
    },
    async close() {
      if (ownRedis) redis.disconnect();
    },
  };
}
