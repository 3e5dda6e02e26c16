import { describe, expect, it } from 'vitest';
import { connect } from 'amqplib';
import type { MikroORM } from '@mikro-orm/postgresql';
import { MeDocument, MeWithSkillsDocument } from '@jobgraph/client';
import { makeEnvelope, newId } from '@jobgraph/kit';
import { waitFor } from '@jobgraph/kit/testing';
import { SUBGRAPHS } from '@jobgraph/stack';
import { signUp, useStack } from './support.js';

const t = useStack();
const amqpUrl = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

const queue = () => `${t.stack.env.EVENTS_NAMESPACE}.users.user-registered`;

async function rows(service: string, sql: string, params: unknown[]): Promise<number> {
  const orm = t.stack.subgraphs[service].orm as MikroORM;
  const result: Array<{ n: string }> = await orm.em.fork().execute(sql, params);
  return Number(result[0].n);
}

describe('users builds buyer profiles from auth events, exactly once', () => {
  it('gives a new account its buyer profile through user.registered', async () => {
    const user = await signUp(t.client, 'buyer');
    const me = await waitFor(async () => {
      const r = await t.client.expect(MeDocument, {}, { token: user.accessToken });
      return r.me?.buyer ? r.me : null;
    }, 10_000, 'the buyer profile');
    expect(me.buyer?.username).toBe(user.user.username);
  });

  it('creates one buyer profile when the broker delivers user.registered twice', async () => {
    const userId = newId();
    const event = makeEnvelope('auth', 'user.registered', { userId, username: `dup_${userId.slice(-8)}`, email: 'dup@example.com' }, { correlationId: 'test-duplicate' });
    const connection = await connect(amqpUrl);
    try {
      const channel = await connection.createConfirmChannel();
      for (let i = 0; i < 2; i++) {
        channel.publish(`${t.stack.env.EVENTS_NAMESPACE}.auth`, 'user.registered', Buffer.from(JSON.stringify(event)), { persistent: true });
      }
      await channel.waitForConfirms();
      await waitFor(async () => (await channel.checkQueue(queue())).messageCount === 0, 10_000, 'the queue to drain');
    } finally {
      await connection.close();
    }
    await waitFor(() => rows('users', 'select count(*) as n from buyer_profile where user_id = ?', [userId]), 10_000, 'the profile');
    // Let the second delivery finish its handler before counting.
    await new Promise((r) => setTimeout(r, 300));
    expect(await rows('users', 'select count(*) as n from buyer_profile where user_id = ?', [userId])).toBe(1);
    expect(await rows('users', 'select count(*) as n from inbox_event where event_id = ?', [event.id])).toBe(1);
  });

  it('loses nothing when a consumer dies holding the message before acking it', async () => {
    const users = t.stack.subgraphs.users;
    const databaseUrl = String(users.orm.config.get('clientUrl'));
    await users.stop();
    // The router's readiness follows its subgraphs: a load balancer stops sending traffic.
    const ready = await fetch(t.stack.url.replace(/\/graphql$/, '/ready'));
    expect(ready.status).toBe(503);
    expect(((await ready.json()) as { subgraphs: Record<string, string> }).subgraphs.auth).toBe('ok');

    // While users is down, auth keeps publishing: the durable queue holds the event.
    const user = await signUp(t.client, 'crash');
    // ...and the router still answers what auth can give, with UNAVAILABLE for what users would have added.
    const partial = await t.client.request(MeWithSkillsDocument, {}, { token: user.accessToken });
    expect(partial.data?.me?.username).toBe(user.user.username);
    expect(partial.data?.me?.seller).toBeNull();
    expect(partial.errors.map((e) => [e.extensions?.code, e.extensions?.serviceName])).toEqual([['UNAVAILABLE', 'users']]);
    const connection = await connect(amqpUrl);
    const channel = await connection.createChannel();
    await channel.prefetch(1);
    const taken = await waitFor(() => channel.get(queue(), { noAck: false }), 10_000, 'the event in the queue');
    expect(JSON.parse(taken.content.toString()).data.userId).toBe(user.user.id);
    // The "consumer" crashes: its connection drops with the message unacknowledged.
    await connection.close();

    const spec = SUBGRAPHS.find((s) => s.name === 'users')!;
    const restarted = await spec.start(t.stack.env, { databaseUrl, port: 0 });
    try {
      const orm = restarted.orm as MikroORM;
      const count = await waitFor(async () => {
        const r: Array<{ n: string }> = await orm.em.fork().execute('select count(*) as n from buyer_profile where user_id = ?', [user.user.id]);
        return Number(r[0].n) || null;
      }, 15_000, 'the redelivered event to create the profile');
      expect(count).toBe(1);
    } finally {
      await restarted.stop();
    }
  });
});
