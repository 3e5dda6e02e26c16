import type { Redis } from 'ioredis';
import { createRedis, type SubgraphContext, type SubgraphInfra } from '@jobgraph/kit';
import type { ChatConfig } from '../config.js';
import { LivePublisher } from './live.js';
import { MessageRateLimiter } from './rate-limit.js';
import { TypingStore } from './typing.js';

export interface ChatServices {
  config: ChatConfig;
  /** Live pushes, typing signals, rate-limit counters; read-only for presence (written by the router). */
  redis: Redis;
  live: LivePublisher;
  limiter: MessageRateLimiter;
  typing: TypingStore;
}

export type ChatContext = SubgraphContext<ChatServices>;

export function createChatServices(config: ChatConfig, infra: SubgraphInfra): ChatServices {
  const redis = createRedis(config.REDIS_URL, infra.log);
  return {
    config,
    redis,
    live: new LivePublisher(redis, config.REDIS_PREFIX, infra.log),
    limiter: new MessageRateLimiter(redis, config.REDIS_PREFIX, {
      points: config.CHAT_MESSAGE_RATE_LIMIT,
      windowSeconds: config.CHAT_MESSAGE_RATE_WINDOW_SECONDS,
    }),
    typing: new TypingStore(redis, config.REDIS_PREFIX, config.CHAT_TYPING_TTL_SECONDS),
  };
}

export async function closeChatServices(services: ChatServices): Promise<void> {
  services.redis.disconnect();
}
