import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { createLogger, readPresence, subscriptionChannel } from '@jobgraph/kit';
import { removeRedisKeys, waitFor } from '@jobgraph/kit/testing';
import { PresenceTracker } from '@jobgraph/router';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `jobgraph-test-presence-${randomBytes(4).toString('hex')}:`;
const log = createLogger('presence-test', 'silent');
const TTL_MS = 600;

let redis: Redis;
let listener: Redis;
const announced: string[] = [];
const trackers: PresenceTracker[] = [];

function tracker(): PresenceTracker {
  const t = new PresenceTracker({ redis, prefix, log, ttlMs: TTL_MS });
  t.start();
  trackers.push(t);
  return t;
}

const user = () => `01900000-0000-7000-8000-${randomBytes(6).toString('hex')}`;
const online = async (id: string) => (await readPresence(redis, prefix, [id]))[0];
const transitions = (id: string) => announced.filter((a) => a === id).length;

beforeAll(async () => {
  redis = new Redis(REDIS_URL);
  listener = new Redis(REDIS_URL);
  await listener.psubscribe(subscriptionChannel(prefix, 'presenceChanged', '*'));
  listener.on('pmessage', (_pattern: string, _channel: string, message: string) => announced.push((JSON.parse(message) as { id: string }).id));
});

afterEach(async () => {
  for (const t of trackers.splice(0)) t.halt();
});

afterAll(async () => {
  listener.disconnect();
  await removeRedisKeys(REDIS_URL, prefix);
  redis.disconnect();
});

describe('presence across router instances', () => {
  it('is online while a socket is open on any instance, and announces each transition once', async () => {
    const a = tracker();
    const b = tracker();
    const u = user();
    await a.connected(u);
    await a.connected(u); // a second tab on the same instance
    await b.connected(u); // and one on another instance
    expect((await online(u)).online).toBe(true);
    await waitFor(() => transitions(u) === 1, 2_000, 'the online announcement');

    await a.disconnected(u);
    await a.disconnected(u);
    expect((await online(u)).online).toBe(true);
    await b.disconnected(u);
    const after = await online(u);
    expect(after.online).toBe(false);
    expect(after.lastSeenAt!.getTime()).toBeGreaterThan(Date.now() - 2_000);
    await waitFor(() => transitions(u) === 2, 2_000, 'the offline announcement');
    await new Promise((r) => setTimeout(r, 200));
    expect(transitions(u)).toBe(2);
  });

  it('stays online past the claim\'s lifetime while the instance keeps heartbeating', async () => {
    const a = tracker();
    const u = user();
    await a.connected(u);
    await new Promise((r) => setTimeout(r, TTL_MS * 3));
    expect((await online(u)).online).toBe(true);
    expect(transitions(u)).toBe(1);
  });

  it('takes the users of a crashed instance offline once its claims expire, announced by a surviving instance', async () => {
    const dying = tracker();
    const survivor = tracker();
    const onlyThere = user();
    const both = user();
    await dying.connected(onlyThere);
    await dying.connected(both);
    await survivor.connected(both);
    dying.halt(); // no goodbye: what a killed process does
    await waitFor(async () => !(await online(onlyThere)).online, TTL_MS * 4, 'the crashed instance\'s user to go offline');
    await waitFor(() => transitions(onlyThere) === 2, 2_000, 'the offline announcement');
    expect((await online(both)).online).toBe(true);
    expect(transitions(both)).toBe(1);
  });

  it('takes its users offline at once when an instance stops gracefully', async () => {
    const a = tracker();
    const u = user();
    await a.connected(u);
    await a.stop();
    expect((await online(u)).online).toBe(false);
    await waitFor(() => transitions(u) === 2, 2_000, 'the offline announcement');
  });
});
