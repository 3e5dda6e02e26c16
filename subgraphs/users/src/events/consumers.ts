import { z } from 'zod';
import { isUuid, type ConsumerDefinition } from '@jobgraph/kit';

/** user.registered v1, as users needs it (auth's payload has more). */
const userRegistered = z.object({
  userId: z.string().refine(isUuid, 'must be a UUID'),
  username: z.string().min(1).max(30),
});

/** Every new account gets its buyer profile, exactly once however often the broker delivers the event. */
export const userRegisteredConsumer: ConsumerDefinition = {
  name: 'user-registered',
  events: [{ producer: 'auth', type: 'user.registered', schema: userRegistered }],
  async handle(event, { em, log }) {
    const data = event.data as z.infer<typeof userRegistered>;
    // The inbox already makes redelivery harmless; `on conflict` also covers a profile becomeSeller created first.
    await em.execute(
      'insert into buyer_profile (user_id, username, created_at) values (?, ?, ?) on conflict (user_id) do nothing',
      [data.userId, data.username, event.occurredAt],
    );
    log.debug({ userId: data.userId }, 'buyer profile ready');
  },
};

export const consumers = [userRegisteredConsumer];
