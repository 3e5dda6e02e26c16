import { randomBytes } from 'node:crypto';
import { connect } from 'amqplib';
import type { MikroORM } from '@mikro-orm/postgresql';
import {
  ApproveGigDocument,
  BecomeSellerDocument,
  CreateGigDocument,
  GigDocument,
  SearchGigsDocument,
  SignInDocument,
  SubmitGigForReviewDocument,
  type CreateGigInput,
  type GigFieldsFragment,
  type SearchGigsQuery,
  type SearchGigsQueryVariables,
} from '@jobgraph/client';
import { makeEnvelope, newId, type EventEnvelope } from '@jobgraph/kit';
import { waitFor } from '@jobgraph/kit/testing';
import { setAdmin } from '@jobgraph/stack';
import { sellerInput, signUp, type TestStack } from './support.js';

export const amqpUrl = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

export interface Account {
  id: string;
  username: string;
  email: string;
  token: string;
}

/** A word no other test uses, to search for one test's gigs only. */
export const uniqueWord = (prefix = 'zq'): string => `${prefix}${randomBytes(4).toString('hex').replace(/[0-9]/g, (d) => 'abcdefghij'[Number(d)])}`;

/** A valid gig; `overrides` change what a test is about. */
export function gigInput(overrides: Partial<CreateGigInput> = {}): CreateGigInput {
  return {
    title: 'I will build your GraphQL API',
    description: 'A typed, tested GraphQL API for your product, with documentation and a handover call.',
    basicTitle: 'Basic API',
    basicDescription: 'Up to five types and their queries.',
    categoryId: 'programming-tech',
    subCategoryId: 'apis-integrations',
    tags: ['graphql', 'api'],
    price: 5_000,
    deliveryDays: 7,
    ...overrides,
  };
}

/** Rows in a gigs table, straight from its database (to prove refused input wrote nothing). */
export async function gigsRows(t: TestStack, sql: string, params: unknown[] = []): Promise<number> {
  const orm = t.stack.subgraphs.gigs.orm as MikroORM;
  const rows: Array<{ n: string }> = await orm.em.fork().execute(sql, params);
  return Number(rows[0].n);
}

/**
 * A new seller whose seller page gigs already knows: gigs learns of sellers from users' `seller.created`
 * event, and refuses createGig with FORBIDDEN until then.
 */
export async function newSeller(t: TestStack, prefix = 'seller'): Promise<Account> {
  const user = await signUp(t.client, prefix);
  await t.client.expect(BecomeSellerDocument, { input: sellerInput }, { token: user.accessToken });
  await waitFor(async () => (await gigsRows(t, 'select count(*) as n from seller where user_id = ?', [user.user.id])) > 0, 10_000, 'gigs to learn of the seller');
  return { id: user.user.id, username: user.user.username, email: user.user.email!, token: user.accessToken };
}

/** A plain user (no seller page). */
export async function newBuyer(t: TestStack, prefix = 'buyer'): Promise<Account> {
  const user = await signUp(t.client, prefix);
  return { id: user.user.id, username: user.user.username, email: user.user.email!, token: user.accessToken };
}

/** An admin: the role is granted in auth's database and reaches the token at the next sign-in. */
export async function newAdmin(t: TestStack): Promise<Account> {
  const user = await signUp(t.client, 'admin');
  await setAdmin(t.stack.subgraphs.auth.orm as MikroORM, user.user.email!, true);
  const signedIn = await t.client.expect(SignInDocument, { input: { login: user.user.username, password: user.password } });
  return { id: user.user.id, username: user.user.username, email: user.user.email!, token: signedIn.signIn.accessToken };
}

export async function createGig(t: TestStack, seller: Account, overrides: Partial<CreateGigInput> = {}): Promise<GigFieldsFragment> {
  return (await t.client.expect(CreateGigDocument, { input: gigInput(overrides) }, { token: seller.token })).createGig;
}

/** Creates, submits and approves a gig: what buyers can find. */
export async function publishedGig(t: TestStack, seller: Account, admin: Account, overrides: Partial<CreateGigInput> = {}): Promise<GigFieldsFragment> {
  const gig = await createGig(t, seller, overrides);
  await t.client.expect(SubmitGigForReviewDocument, { id: gig.id }, { token: seller.token });
  await t.client.expect(ApproveGigDocument, { id: gig.id }, { token: admin.token });
  return gig;
}

/** Every page of a search, `first` at a time: the ids in order. */
export async function allPages(t: TestStack, variables: Omit<SearchGigsQueryVariables, 'after'>, token?: string): Promise<string[]> {
  const ids: string[] = [];
  let after: string | null = null;
  for (let page = 0; page < 50; page++) {
    const { searchGigs }: SearchGigsQuery = await t.client.expect(SearchGigsDocument, { ...variables, after }, { token });
    ids.push(...searchGigs.edges.map((e) => e.node.id));
    if (!searchGigs.pageInfo.hasNextPage) return ids;
    after = searchGigs.pageInfo.endCursor;
  }
  throw new Error('more than 50 pages');
}

/** A `review.created` event as the reviews subgraph announces it. */
export function reviewEvent(gigId: string, rating: number): EventEnvelope {
  return makeEnvelope('reviews', 'review.created', { reviewId: newId(), gigId, rating, kind: 'BUYER_TO_SELLER' }, { correlationId: `test-review-${gigId}` });
}

/** Publishes events on the fanout exchange `<namespace>.review.created`, as reviews would (each as many times as listed). */
export async function publishReviews(t: TestStack, events: EventEnvelope[]): Promise<void> {
  const connection = await connect(amqpUrl);
  try {
    const channel = await connection.createConfirmChannel();
    for (const event of events) {
      channel.publish(`${t.stack.env.EVENTS_NAMESPACE}.review.created`, '', Buffer.from(JSON.stringify(event)), { persistent: true });
    }
    await channel.waitForConfirms();
  } finally {
    await connection.close();
  }
}

/** Waits until the gig's rating counts `count` reviews. */
export async function ratingCount(t: TestStack, gigId: string, count: number, token?: string): Promise<GigFieldsFragment> {
  return waitFor(async () => {
    const gig = (await t.client.expect(GigDocument, { id: gigId }, { token })).gig;
    return gig && gig.rating.count >= count ? gig : null;
  }, 10_000, `${count} reviews on the gig`);
}
