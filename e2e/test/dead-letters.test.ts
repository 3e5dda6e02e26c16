import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { connect } from 'amqplib';
import type { MikroORM } from '@mikro-orm/postgresql';
import { listDeadLetters, makeEnvelope, newId, type EventEnvelope } from '@jobgraph/kit';
import { waitFor } from '@jobgraph/kit/testing';
import { useStack } from './support.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cli = path.join(repo, 'packages/stack/dist/events-cli.js');
const t = useStack();
const amqpUrl = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

const ns = () => String(t.stack.env.EVENTS_NAMESPACE);
const usersQueue = () => `${ns()}.users.user-registered`;

/** Publishes as auth would: on its exchange, routing key = event type. */
async function publishAsAuth(event: EventEnvelope): Promise<void> {
  const connection = await connect(amqpUrl);
  try {
    const channel = await connection.createConfirmChannel();
    channel.publish(`${ns()}.auth`, event.type, Buffer.from(JSON.stringify(event)), { persistent: true, contentType: 'application/json' });
    await channel.waitForConfirms();
  } finally {
    await connection.close();
  }
}

const registered = (data: Record<string, unknown>, version = 1) =>
  makeEnvelope('auth', 'user.registered', data, { correlationId: `dlq-test-${newId()}`, version });

/** The dead letter of `event` in users' DLQ, once it is there. */
const deadLetterOf = (event: EventEnvelope) =>
  waitFor(async () => (await listDeadLetters(amqpUrl, usersQueue(), 1_000)).letters.find((l) => l.messageId === event.id), 10_000, `event ${event.id} in the DLQ`);

async function buyerProfiles(userId: string): Promise<number> {
  const orm = t.stack.subgraphs.users.orm as MikroORM;
  const rows: Array<{ n: string }> = await orm.em.fork().execute('select count(*) as n from buyer_profile where user_id = ?', [userId]);
  return Number(rows[0].n);
}

const events = (...args: string[]) =>
  promisify(execFile)(process.execPath, [cli, ...args], { env: { ...process.env, EVENTS_NAMESPACE: ns(), LOG_LEVEL: 'silent' } });

describe('events a consumer can never handle go to its dead-letter queue', () => {
  it('parks a user.registered without a username, with the field in the reason, and keeps consuming', async () => {
    const userId = newId();
    const invalid = registered({ userId, email: 'no-username@example.com' });
    await publishAsAuth(invalid);

    const letter = await deadLetterOf(invalid);
    expect(letter).toMatchObject({ type: 'user.registered', attempts: 1, correlationId: invalid.correlationId, data: { userId } });
    expect(letter.reason).toMatch(/username/);
    expect(await buyerProfiles(userId)).toBe(0);

    // The consumer did not stop at the bad message: a valid one right behind it is handled.
    const valid = registered({ userId: newId(), email: 'fine@example.com', username: `fine_${newId().slice(-8)}` });
    await publishAsAuth(valid);
    await waitFor(async () => (await buyerProfiles((valid.data as { userId: string }).userId)) === 1, 10_000, 'the valid event\'s buyer profile');
  });

  it('parks an event of a version users does not know, naming the version', async () => {
    const userId = newId();
    const future = registered({ userId, email: 'future@example.com', username: `future_${userId.slice(-8)}` }, 99);
    await publishAsAuth(future);

    const letter = await deadLetterOf(future);
    expect(letter.attempts).toBe(1);
    expect(letter.reason).toMatch(/version 99/);
    expect(await buyerProfiles(userId)).toBe(0);
  });
});

describe('`pnpm events dlq` (the built command)', () => {
  it('lists dead letters with their queue and reason, replays them through the consumer, and purges them', async () => {
    const invalid = registered({ userId: newId(), email: 'cli@example.com' });
    await publishAsAuth(invalid);
    await deadLetterOf(invalid);

    const listed = await events('dlq', 'list');
    expect(listed.stdout).toContain(`${usersQueue()}.dlq`);
    expect(listed.stdout).toContain(invalid.correlationId);
    expect(listed.stdout).toMatch(/user\.registered v1 is invalid: username/);
    // Every consumer queue of the namespace is covered, not only the one with letters.
    expect(listed.stdout).toContain(`${ns()}.gigs.seller-changed.dlq: empty`);

    // Still invalid, so the replayed message goes through users' consumer and straight back, as a first attempt.
    const replayed = await events('dlq', 'replay', '--queue', usersQueue());
    expect(replayed.stdout).toMatch(new RegExp(`^${usersQueue().replace(/\./g, '\\.')}: replayed [1-9]\\d* dead letters?`, 'm'));
    const back = await deadLetterOf(invalid);
    expect(back.attempts).toBe(1);

    const purged = await events('dlq', 'purge', '--queue', usersQueue());
    expect(purged.stdout).toMatch(/purged [1-9]\d* dead letters?/);
    expect((await listDeadLetters(amqpUrl, usersQueue())).count).toBe(0);
    expect((await events('dlq', 'list', '--queue', usersQueue())).stdout.trim()).toBe(`${usersQueue()}.dlq: empty`);
  });

  it('refuses a command it does not know with exit code 2 and the usage line', async () => {
    const failed = await events('dlq', 'drop').catch((err: { code: number; stderr: string }) => err);
    expect(failed).toMatchObject({ code: 2, stderr: expect.stringContaining('usage: pnpm events dlq list|replay|purge') });
  });
});
