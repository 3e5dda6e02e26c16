import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { RateLimitedError } from '@jobgraph/kit';

/**
 * Messages per user per window, counted in Redis so the limit holds across every chat instance
 * (CHAT_MESSAGE_RATE_LIMIT per CHAT_MESSAGE_RATE_WINDOW_SECONDS). While Redis is unreachable each instance counts in
 * memory instead (rate-limiter-flexible's insurance limiter): a looser limit, never a chat outage.
 */
export class MessageRateLimiter {
  private readonly limiter: RateLimiterRedis;

  constructor(redis: Redis, prefix: string, options: { points: number; windowSeconds: number }) {
    this.limiter = new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: `${prefix}chat:messages`,
      points: options.points,
      duration: options.windowSeconds,
      insuranceLimiter: new RateLimiterMemory({ points: options.points, duration: options.windowSeconds }),
    });
  }

  /** Counts one message of `userId`; RATE_LIMITED (with retryAfterSeconds) once the window's allowance is used. */
  async consume(userId: string): Promise<void> {
    try {
      await this.limiter.consume(userId, 1);
    } catch (err) {
      if (err instanceof RateLimiterRes) {
        const retryAfterSeconds = Math.max(1, Math.ceil(err.msBeforeNext / 1000));
        throw new RateLimitedError(`You are sending messages too fast; wait ${retryAfterSeconds} s.`, retryAfterSeconds);
      }
      throw err;
    }
  }
}
