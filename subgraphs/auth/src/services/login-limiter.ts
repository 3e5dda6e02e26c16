import type { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { RateLimitedError } from '@jobgraph/kit';

/**
 * Counts failed sign-ins per account and per client IP in Redis (rate-limiter-flexible), so the limit holds
 * across every auth instance. Only failures count; a success clears the account's counter.
 */
export class LoginLimiter {
  private readonly byAccount: RateLimiterRedis;
  private readonly byIp: RateLimiterRedis;

  constructor(redis: Redis, prefix: string, options: { perAccount: number; perIp: number; windowSeconds: number }) {
    this.byAccount = new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: `${prefix}login-fail:account`,
      points: options.perAccount,
      duration: options.windowSeconds,
    });
    this.byIp = new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: `${prefix}login-fail:ip`,
      points: options.perIp,
      duration: options.windowSeconds,
    });
  }

  /** Throws RATE_LIMITED when this account or IP has used up its failures. */
  async check(account: string, ip: string | null): Promise<void> {
    const [acct, addr] = await Promise.all([this.byAccount.get(account), ip ? this.byIp.get(ip) : Promise.resolve(null)]);
    const blocked = [
      { res: acct, points: this.byAccount.points },
      { res: addr, points: this.byIp.points },
    ].find(({ res, points }) => res !== null && res.consumedPoints >= points);
    if (blocked?.res) {
      throw new RateLimitedError('Too many failed sign-in attempts; try again later.', Math.ceil(blocked.res.msBeforeNext / 1000));
    }
  }

  async recordFailure(account: string, ip: string | null): Promise<void> {
    await Promise.all([
      this.byAccount.penalty(account, 1),
      ip ? this.byIp.penalty(ip, 1) : Promise.resolve(),
    ]).catch((err: unknown) => {
      if (!(err instanceof RateLimiterRes)) throw err;
    });
  }

  async recordSuccess(account: string): Promise<void> {
    await this.byAccount.delete(account);
  }
}
