import type { Redis } from 'ioredis';
import { createRedis, type SubgraphContext, type SubgraphInfra } from '@jobgraph/kit';
import type { AuthConfig } from '../config.js';
import { SigningKeys } from './signing-keys.js';
import { Sessions } from './sessions.js';
import { LoginLimiter } from './login-limiter.js';

export interface AuthServices {
  config: AuthConfig;
  keys: SigningKeys;
  sessions: Sessions;
  limiter: LoginLimiter;
  redis: Redis;
}

export type AuthContext = SubgraphContext<AuthServices>;

export async function createAuthServices(config: AuthConfig, infra: SubgraphInfra): Promise<AuthServices> {
  const redis = createRedis(config.REDIS_URL, infra.log);
  await redis.connect();
  const keys = await SigningKeys.load(infra.orm, config.ACCESS_TOKEN_TTL_SECONDS, infra.log);
  return {
    config,
    keys,
    redis,
    sessions: new Sessions(keys, config.REFRESH_TOKEN_TTL_DAYS),
    limiter: new LoginLimiter(redis, config.REDIS_PREFIX, {
      perAccount: config.LOGIN_MAX_FAILURES_PER_ACCOUNT,
      perIp: config.LOGIN_MAX_FAILURES_PER_IP,
      windowSeconds: config.LOGIN_WINDOW_SECONDS,
    }),
  };
}
