import type { Redis } from 'ioredis';

/**
 * Who is online, shared by the router (which alone sees sockets, and writes it: router/src/plugins/presence.ts)
 * and the subgraph that serves it to clients (chat's `presence(id)`, read here). A user is online while some router
 * instance holds an open socket of theirs and keeps saying so before its entry expires:
 * - `<prefix>presence:sockets:<userId>`: hash, router instance id → when that instance's claim expires (epoch ms);
 * - `<prefix>presence:online`: sorted set, user id → the latest expiry among their claims (what sweeps scan);
 * - `<prefix>presence:last-seen:<userId>`: epoch ms of the last heartbeat or disconnect (kept 30 days).
 */
export const presenceKeys = (prefix: string) => ({
  online: `${prefix}presence:online`,
  sockets: (userId: string) => `${prefix}presence:sockets:${userId}`,
  lastSeen: (userId: string) => `${prefix}presence:last-seen:${userId}`,
  /** Key prefix of `sockets`, for scripts that derive keys from ids they find in `online`. */
  socketsPrefix: `${prefix}presence:sockets:`,
  lastSeenPrefix: `${prefix}presence:last-seen:`,
});

/** How long `last-seen` outlives the user's last connection. */
export const LAST_SEEN_TTL_MS = 30 * 86_400_000;

export interface PresenceState {
  userId: string;
  online: boolean;
  /** While online: the last heartbeat (a few seconds ago at most); offline: when the last socket went; null if unknown. */
  lastSeenAt: Date | null;
}

/** The presence of each of `userIds`, in order (two Redis round trips at most, whatever the count). */
export async function readPresence(redis: Redis, prefix: string, userIds: readonly string[], now = Date.now()): Promise<PresenceState[]> {
  if (userIds.length === 0) return [];
  const keys = presenceKeys(prefix);
  const pipeline = redis.pipeline();
  for (const id of userIds) {
    pipeline.zscore(keys.online, id);
    pipeline.get(keys.lastSeen(id));
  }
  const replies = (await pipeline.exec()) ?? [];
  return userIds.map((userId, i) => {
    const [scoreErr, score] = replies[2 * i] ?? [null, null];
    const [seenErr, seen] = replies[2 * i + 1] ?? [null, null];
    if (scoreErr) throw scoreErr;
    if (seenErr) throw seenErr;
    const online = typeof score === 'string' && Number(score) > now;
    return { userId, online, lastSeenAt: typeof seen === 'string' ? new Date(Number(seen)) : null };
  });
}
