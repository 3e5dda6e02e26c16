import type { Redis } from 'ioredis';
import { newId } from '@jobgraph/kit';

/** One "is typing" signal. Lives in Redis only, for CHAT_TYPING_TTL_SECONDS: nothing about typing reaches PostgreSQL. */
export interface TypingRecord {
  id: string;
  conversationId: string;
  userId: string;
  /** Both participants, so `typingEvent(id)` can tell who may see it without a database query. */
  participants: string[];
  startedAt: string;
  expiresAt: string;
}

export class TypingStore {
  /**
   * A client calls setTyping on every few keystrokes; within this window the previous signal is returned and nothing
   * is announced again, so one typist costs the router at most one event per window.
   */
  readonly throttleMs: number;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly ttlSeconds: number,
  ) {
    this.throttleMs = Math.min(2_000, Math.floor((ttlSeconds * 1000) / 2));
  }

  private key(id: string): string {
    return `${this.prefix}chat:typing:${id}`;
  }

  private latestKey(conversationId: string, userId: string): string {
    return `${this.prefix}chat:typing-latest:${conversationId}:${userId}`;
  }

  /** Records that `userId` is typing; `fresh` is false when a signal from the last throttle window was reused. */
  async signal(conversationId: string, userId: string, participants: string[], now = new Date()): Promise<{ record: TypingRecord; fresh: boolean }> {
    const latest = await this.redis.get(this.latestKey(conversationId, userId));
    if (latest) {
      const record = await this.get(latest);
      if (record) return { record, fresh: false };
    }
    const record: TypingRecord = {
      id: newId(),
      conversationId,
      userId,
      participants,
      startedAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + this.ttlSeconds * 1000).toISOString(),
    };
    await this.redis
      .multi()
      .set(this.key(record.id), JSON.stringify(record), 'EX', this.ttlSeconds)
      .set(this.latestKey(conversationId, userId), record.id, 'PX', this.throttleMs)
      .exec();
    return { record, fresh: true };
  }

  /** A signal that has not expired yet, or null. */
  async get(id: string): Promise<TypingRecord | null> {
    const raw = await this.redis.get(this.key(id));
    return raw ? (JSON.parse(raw) as TypingRecord) : null;
  }
}
