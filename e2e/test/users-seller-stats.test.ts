import { describe, expect, it } from 'vitest';
import { BecomeSellerDocument, SellerByUsernameDocument, type SellerFieldsFragment } from '@jobgraph/client';
import { listDeadLetters, makeEnvelope, type EventEnvelope } from '@jobgraph/kit';
import { waitFor } from '@jobgraph/kit/testing';
import { amqpUrl, orderPlaced, processedCount, publish, type Member } from './notifications-support.js';
import { sellerInput, signUp, useStack } from './support.js';

// Seller stats are kept by users from orders' events; these tests publish those events as orders does.
const t = useStack();

type Stats = SellerFieldsFragment['stats'];

async function member(prefix: string): Promise<Member> {
  const session = await signUp(t.client, prefix);
  return { id: session.user.id, username: session.user.username, email: session.user.email ?? '', token: session.accessToken };
}

async function newSeller(): Promise<Member> {
  const seller = await member('seller');
  await t.client.expect(BecomeSellerDocument, { input: sellerInput }, { token: seller.token });
  return seller;
}

/** The seller's stats as their seller page shows them (signed in: the page's query also asks for the email). */
async function statsOf(seller: Member): Promise<Stats> {
  const { sellerByUsername } = await t.client.expect(SellerByUsernameDocument, { username: seller.username }, { token: seller.token });
  if (!sellerByUsername) throw new Error(`${seller.username} has no seller page`);
  return sellerByUsername.stats;
}

const stats = (ongoingJobs: number, completedJobs: number, cancelledJobs: number, earnings: number): Stats => ({
  ongoingJobs,
  completedJobs,
  cancelledJobs,
  earnings: { amount: earnings, currency: 'USD' },
});

/** Waits until the seller's stats are `expected` (events are handled asynchronously). */
async function expectStats(seller: Member, expected: Stats): Promise<void> {
  let last: Stats | undefined;
  await waitFor(async () => {
    last = await statsOf(seller);
    return JSON.stringify(last) === JSON.stringify(expected);
  }, 10_000, `${seller.username}'s stats to be ${JSON.stringify(expected)}`).catch((error: unknown) => {
    if (last === undefined) throw error;
  });
  // On a timeout, a diff of what the page last showed says more than "timed out".
  expect(last).toEqual(expected);
}

/** A later event of the order `placed` started, with the same order fields (as orders would send it). */
function next(placed: EventEnvelope, type: string, data: Record<string, unknown>): EventEnvelope {
  return makeEnvelope('orders', type, { ...(placed.data as object), ...data }, { correlationId: placed.correlationId });
}

const usd = (amount: number) => ({ amount, currency: 'USD' });
const completed = (placed: EventEnvelope, earned = usd(5_000)) =>
  next(placed, 'order.completed', { status: 'COMPLETED', sellerEarnings: earned, completedAt: new Date().toISOString() });
const cancelled = (placed: EventEnvelope) =>
  next(placed, 'order.cancelled', { status: 'CANCELLED', reason: 'Changed plans', cancelledBy: 'BUYER', refund: usd(5_000) });
const disputeResolved = (placed: EventEnvelope, outcome: 'REFUND' | 'RELEASE' | 'SPLIT', earned: number) =>
  next(placed, 'order.dispute-resolved', { status: outcome === 'SPLIT' ? 'SETTLED' : 'DISPUTED', outcome, sellerEarnings: usd(earned), refund: usd(5_000 - earned), note: null });

describe('seller stats follow the seller\'s orders', () => {
  it('shows a new order as ongoing, and once completed as a completed job with its earnings', async () => {
    const buyer = await member('buyer');
    const seller = await newSeller();
    expect(await statsOf(seller)).toEqual(stats(0, 0, 0, 0));

    const placed = orderPlaced(buyer, seller);
    await publish(t, 'orders', [placed]);
    await expectStats(seller, stats(1, 0, 0, 0));

    await publish(t, 'orders', [completed(placed)]);
    await expectStats(seller, stats(0, 1, 0, 5_000));
  });

  it('counts a cancelled order as cancelled and earns nothing from it', async () => {
    const buyer = await member('buyer');
    const seller = await newSeller();
    const placed = orderPlaced(buyer, seller);
    const other = orderPlaced(buyer, seller);
    await publish(t, 'orders', [placed, other]);
    await expectStats(seller, stats(2, 0, 0, 0));

    await publish(t, 'orders', [cancelled(placed)]);
    await expectStats(seller, stats(1, 0, 1, 0));
  });

  it('credits the seller\'s share of a split dispute and no longer lists the order as ongoing', async () => {
    const buyer = await member('buyer');
    const seller = await newSeller();
    const placed = orderPlaced(buyer, seller);
    await publish(t, 'orders', [placed]);
    await expectStats(seller, stats(1, 0, 0, 0));

    await publish(t, 'orders', [disputeResolved(placed, 'SPLIT', 2_000)]);
    await expectStats(seller, stats(0, 0, 0, 2_000));
  });

  it('counts a dispute resolved for one side once, by the cancellation or completion that follows it', async () => {
    const buyer = await member('buyer');
    const seller = await newSeller();
    const refunded = orderPlaced(buyer, seller);
    const released = orderPlaced(buyer, seller);
    // Still ongoing: a resolution counted twice would take it off the count (which never goes below zero).
    const untouched = orderPlaced(buyer, seller);
    await publish(t, 'orders', [refunded, released, untouched]);
    await expectStats(seller, stats(3, 0, 0, 0));

    await publish(t, 'orders', [disputeResolved(refunded, 'REFUND', 0), disputeResolved(released, 'RELEASE', 5_000)]);
    await publish(t, 'orders', [cancelled(refunded), completed(released)]);
    await expectStats(seller, stats(1, 1, 1, 5_000));
  });

  it('counts an order once when the broker delivers each of its events twice', async () => {
    const buyer = await member('buyer');
    const seller = await newSeller();
    const placed = orderPlaced(buyer, seller);
    const done = completed(placed);
    const before = await processedCount(t, 'order.completed', 'users');

    await publish(t, 'orders', [placed, placed]);
    await expectStats(seller, stats(1, 0, 0, 0));
    await publish(t, 'orders', [done, done]);
    await waitFor(async () => (await processedCount(t, 'order.completed', 'users')) >= before + 2, 10_000, 'both deliveries to be handled');
    expect(await statsOf(seller)).toEqual(stats(0, 1, 0, 5_000));
  });

  it('never shows a negative number of ongoing jobs when an order\'s end arrives before its start', async () => {
    const buyer = await member('buyer');
    const seller = await newSeller();
    await publish(t, 'orders', [cancelled(orderPlaced(buyer, seller))]);
    await expectStats(seller, stats(0, 0, 1, 0));
  });

  it('counts a job completed in another currency without adding it to the seller\'s earnings', async () => {
    const buyer = await member('buyer');
    const seller = await newSeller();
    const placed = orderPlaced(buyer, seller, { price: { amount: 4_000, currency: 'EUR' } });
    await publish(t, 'orders', [placed]);
    await expectStats(seller, stats(1, 0, 0, 0));
    await publish(t, 'orders', [completed(placed, { amount: 4_000, currency: 'EUR' })]);
    await expectStats(seller, stats(0, 1, 0, 0));
  });

  it('sets a malformed order event aside in the dead-letter queue and keeps the stats as they were', async () => {
    const buyer = await member('buyer');
    const seller = await newSeller();
    const placed = orderPlaced(buyer, seller);
    const malformed = completed(placed, { amount: 12.5, currency: 'usd' });
    await publish(t, 'orders', [placed, malformed]);

    const queue = `${t.stack.env.EVENTS_NAMESPACE}.users.seller-stats`;
    const letter = await waitFor(
      async () => (await listDeadLetters(amqpUrl, queue, 1_000)).letters.find((l) => l.messageId === malformed.id),
      10_000,
      'the malformed event in the DLQ',
    );
    expect(letter.reason).toMatch(/sellerEarnings\.amount/);
    expect(letter.reason).toMatch(/sellerEarnings\.currency/);
    await expectStats(seller, stats(1, 0, 0, 0));
  });
});
