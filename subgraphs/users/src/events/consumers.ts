import type { ConsumerDefinition } from '@jobgraph/kit';

interface UserRegistered {
  userId: string;
  username: string;
}

function isUserRegistered(data: unknown): data is UserRegistered {
  const d = data as Partial<UserRegistered>;
  return typeof d.userId === 'string' && typeof d.username === 'string';
}

/** Every new account gets its buyer profile, exactly once however often the broker delivers the event. */
export const userRegistered: ConsumerDefinition = {
  name: 'user-registered',
  events: [{ producer: 'auth', type: 'user.registered' }],
  async handle(event, { em, log }) {
    if (!isUserRegistered(event.data)) throw new Error('user.registered without userId/username');
    // The inbox already makes redelivery harmless; `on conflict` also covers a profile becomeSeller created first.
    await em.execute(
      'insert into buyer_profile (user_id, username, created_at) values (?, ?, ?) on conflict (user_id) do nothing',
      [event.data.userId, event.data.username, event.occurredAt],
    );
    log.debug({ userId: event.data.userId }, 'buyer profile ready');
  },
};

export const consumers = [userRegistered];
