import type { Redis } from 'ioredis';
import { publishSubscriptionEvent, type Logger } from '@jobgraph/kit';

/**
 * Announces changes to the router's live subscriptions (packages/kit/src/subscriptions.ts), always after the change
 * committed, so a subscriber who loads the id finds it. A failure is logged, never thrown: the change is stored and
 * listed, only the live push is lost.
 */
export class LivePublisher {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly log: Logger,
  ) {}

  private async publish(field: string, key: string, id: string): Promise<void> {
    try {
      await publishSubscriptionEvent(this.redis, this.prefix, field, key, id);
    } catch (err) {
      this.log.warn({ err: (err as Error).message, field }, 'could not announce a chat change live; it is stored');
    }
  }

  /** `messageAdded(conversationId)`: loaded as `message(id)`. */
  messageAdded(conversationId: string, messageId: string): Promise<void> {
    return this.publish('messageAdded', conversationId, messageId);
  }

  /** `conversationUpdated` of each participant: loaded as `conversation(id)`. */
  async conversationUpdated(userIds: readonly string[], conversationId: string): Promise<void> {
    await Promise.all(userIds.map((u) => this.publish('conversationUpdated', u, conversationId)));
  }

  /** `typing(conversationId)`: loaded as `typingEvent(id)`. */
  typing(conversationId: string, typingEventId: string): Promise<void> {
    return this.publish('typing', conversationId, typingEventId);
  }
}
