import { describe, expect, it } from 'vitest';
import { print } from 'graphql';
import {
  CreateGigDocument,
  GigDocument,
  MyGigsDocument,
  RejectGigDocument,
  SearchGigsDocument,
  SubmitGigForReviewDocument,
  UpdateGigDocument,
  UserGigsDocument,
  type CreateGigInput,
} from '@jobgraph/client';
import { codes, useStack } from './support.js';
import { createGig, gigInput, gigsRows, newAdmin, newSeller, publishedGig, type Account } from './gigs-support.js';

const t = useStack();

const written = async () => ({
  gigs: await gigsRows(t, 'select count(*) as n from gig'),
  events: await gigsRows(t, 'select count(*) as n from outbox_event'),
});

/** Asserts createGig refuses `overrides` with BAD_USER_INPUT naming `field`, and writes neither a gig nor an event. */
async function refusesCreate(seller: Account, overrides: Partial<CreateGigInput>, field: string): Promise<void> {
  const before = await written();
  const res = await t.client.request(CreateGigDocument, { input: gigInput(overrides) }, { token: seller.token });
  expect(codes(res.errors), JSON.stringify(overrides).slice(0, 80)).toEqual(['BAD_USER_INPUT']);
  expect(res.errors[0].extensions?.field).toBe(field);
  expect(res.data).toBeNull();
  expect(await written()).toEqual(before);
}

const cursor = (values: unknown) => Buffer.from(JSON.stringify(values), 'utf8').toString('base64url');

describe('createGig and updateGig refuse bad input with BAD_USER_INPUT naming the field, and write nothing', () => {
  it('refuses a negative price and an absurd one', async () => {
    const seller = await newSeller(t);
    await refusesCreate(seller, { price: -500 }, 'price');
    await refusesCreate(seller, { price: 0 }, 'price');
    await refusesCreate(seller, { price: 2_000_000_000 }, 'price');
    await refusesCreate(seller, { price: 5_000_001 }, 'price');
  });

  it('refuses a description longer than 5,000 characters', async () => {
    const seller = await newSeller(t);
    await refusesCreate(seller, { description: 'x'.repeat(6_000) }, 'description');
  });

  it('refuses a 10 MB description at the router with 413, before any subgraph sees it', async () => {
    const seller = await newSeller(t);
    const before = await written();
    const res = await fetch(t.stack.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${seller.token}` },
      body: JSON.stringify({ query: print(CreateGigDocument), variables: { input: gigInput({ description: 'x'.repeat(10 * 1024 * 1024) }) } }),
    });
    expect(res.status).toBe(413);
    const body = (await res.json()) as { errors: { extensions: { code: string } }[] };
    expect(body.errors.map((e) => e.extensions.code)).toEqual(['BAD_USER_INPUT']);
    expect(await written()).toEqual(before);
  });

  it('refuses a category that is not in the catalogue, and a sub-category of another category', async () => {
    const seller = await newSeller(t);
    await refusesCreate(seller, { categoryId: 'time-travel', subCategoryId: null }, 'categoryId');
    // A sub-category is not a top-level category.
    await refusesCreate(seller, { categoryId: 'web-development', subCategoryId: null }, 'categoryId');
    await refusesCreate(seller, { categoryId: 'programming-tech', subCategoryId: 'logo-design' }, 'subCategoryId');
  });

  it('refuses a javascript: cover image URL, and anything but http(s)', async () => {
    const seller = await newSeller(t);
    await refusesCreate(seller, { coverImageUrl: 'javascript:alert(1)' }, 'coverImageUrl');
    await refusesCreate(seller, { coverImageUrl: 'data:image/svg+xml,<svg onload=alert(1)>' }, 'coverImageUrl');
    await refusesCreate(seller, { coverImageUrl: 'not a url' }, 'coverImageUrl');
    const ok = await createGig(t, seller, { coverImageUrl: 'https://cdn.example.com/cover.png' });
    expect(ok.coverImageUrl).toBe('https://cdn.example.com/cover.png');
  });

  it('refuses a blank title, too many tags, a one-letter tag and a zero-day delivery', async () => {
    const seller = await newSeller(t);
    await refusesCreate(seller, { title: ' '.repeat(20) }, 'title');
    await refusesCreate(seller, { tags: ['a1', 'b2', 'c3', 'd4', 'e5', 'f6'] }, 'tags');
    await refusesCreate(seller, { tags: ['graphql', 'x'] }, 'tags[1]');
    await refusesCreate(seller, { deliveryDays: 0 }, 'deliveryDays');
  });

  it('refuses a rejection without a real reason and keeps the gig waiting for review', async () => {
    const [seller, admin] = await Promise.all([newSeller(t), newAdmin(t)]);
    const gig = await createGig(t, seller);
    await t.client.expect(SubmitGigForReviewDocument, { id: gig.id }, { token: seller.token });
    const before = await written();
    const res = await t.client.request(RejectGigDocument, { id: gig.id, reason: ' no ' }, { token: admin.token });
    expect(codes(res.errors)).toEqual(['BAD_USER_INPUT']);
    expect(res.errors[0].extensions?.field).toBe('reason');
    expect(await written()).toEqual(before);
    expect((await t.client.expect(GigDocument, { id: gig.id }, { token: seller.token })).gig?.status).toBe('PENDING_REVIEW');
  });

  it('refuses a bad price on update and keeps the gig as it was', async () => {
    const [seller, admin] = await Promise.all([newSeller(t), newAdmin(t)]);
    const gig = await publishedGig(t, seller, admin);
    const before = await written();
    const res = await t.client.request(UpdateGigDocument, { id: gig.id, input: { price: -1, title: 'I will change this title at once' } }, { token: seller.token });
    expect(codes(res.errors)).toEqual(['BAD_USER_INPUT']);
    expect(res.errors[0].extensions?.field).toBe('price');
    expect(await written()).toEqual(before);
    expect((await t.client.expect(GigDocument, { id: gig.id }, { token: seller.token })).gig).toMatchObject({ title: gig.title, status: 'PUBLISHED', price: { amount: 5_000 } });
  });

  it('keeps <script> in a description as plain text, returned exactly as typed', async () => {
    const [seller, admin] = await Promise.all([newSeller(t), newAdmin(t)]);
    const description = 'I write safe pages. Example of what I remove: <script>alert(1)</script> & "quotes" \'too\'.';
    const gig = await publishedGig(t, seller, admin, { description });
    expect(gig.description).toBe(description);
    expect((await t.client.expect(GigDocument, { id: gig.id }, {})).gig?.description).toBe(description);
  });
});

describe('searches refuse bad paging input with BAD_USER_INPUT naming the argument', () => {
  it('refuses first: 100000 (at most 100 a page)', async () => {
    const seller = await newSeller(t);
    const res = await t.client.request(SearchGigsDocument, { first: 100_000 }, {});
    expect(codes(res.errors)).toEqual(['BAD_USER_INPUT']);
    expect(res.errors[0].extensions?.field).toBe('first');
    const mine = await t.client.request(MyGigsDocument, { first: 100_000 }, { token: seller.token });
    expect(codes(mine.errors)).toEqual(['BAD_USER_INPUT']);
    expect(mine.errors[0].extensions?.field).toBe('first');
  });

  it('refuses a seller filter that is not a user id, and a query longer than 200 characters', async () => {
    const badSeller = await t.client.request(SearchGigsDocument, { filter: { sellerId: 'robert; drop table gig' } }, {});
    expect(codes(badSeller.errors)).toEqual(['BAD_USER_INPUT']);
    expect(badSeller.errors[0].extensions?.field).toBe('filter.sellerId');
    const long = await t.client.request(SearchGigsDocument, { query: 'logo '.repeat(41) }, {});
    expect(codes(long.errors)).toEqual(['BAD_USER_INPUT']);
    expect(long.errors[0].extensions?.field).toBe('query');
  });

  it('refuses a cursor the list never issued', async () => {
    const seller = await newSeller(t);
    const malformed = ['garbage!', cursor([1]), cursor(['not-a-number', '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b']), cursor([1000, 'not-a-uuid']), cursor({ price: 1 })];
    for (const after of malformed) {
      const res = await t.client.request(SearchGigsDocument, { sort: 'PRICE_ASC', after }, {});
      expect(codes(res.errors), after).toEqual(['BAD_USER_INPUT']);
      expect(res.errors[0].extensions?.field, after).toBe('after');
    }
    const relevance = await t.client.request(SearchGigsDocument, { query: 'logo', after: cursor(['x', 'y']) }, {});
    expect(relevance.errors[0]?.extensions?.field).toBe('after');
    const userGigs = await t.client.request(UserGigsDocument, { id: seller.id, after: 'garbage!' }, { token: seller.token });
    expect(codes(userGigs.errors)).toEqual(['BAD_USER_INPUT']);
    expect(userGigs.errors[0].extensions?.field).toBe('after');
  });
});
