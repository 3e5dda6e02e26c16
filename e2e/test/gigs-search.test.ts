import { describe, expect, it } from 'vitest';
import { connect } from 'amqplib';
import {
  ApproveGigDocument,
  BenchSearchGigsDocument,
  CategoriesDocument,
  CreateGigDocument,
  GigDocument,
  PauseGigDocument,
  RejectGigDocument,
  SubmitGigForReviewDocument,
  SearchGigsDocument,
  SimilarGigsDocument,
  TopRatedGigsDocument,
  UpdateGigDocument,
  type CreateGigInput,
  type GigFilter,
  type GigSort,
  type SearchGigsQueryVariables,
} from '@jobgraph/client';
import { makeEnvelope, newId, type Cache } from '@jobgraph/kit';
import { waitFor } from '@jobgraph/kit/testing';
import { useStack } from './support.js';
import {
  allPages,
  amqpUrl,
  gigInput,
  gigsRows,
  newAdmin,
  newBuyer,
  newSeller,
  publishReviews,
  publishedGig,
  ratingCount,
  reviewEvent,
  uniqueWord,
  type Account,
} from './gigs-support.js';

const t = useStack();

const search = async (variables: SearchGigsQueryVariables) => (await t.client.expect(SearchGigsDocument, variables, {})).searchGigs;
/** The gig as gigs' Redis cache holds it, null when not cached (keys as services/gig-cache.ts makes them). */
async function cached(id: string): Promise<{ title: string } | null> {
  const { cache } = t.stack.subgraphs.gigs.services as { cache: Cache };
  return cache.get(`gig:${id}:${await cache.generation(`gig-generation:${id}`)}`);
}
const ids = (page: { edges: { node: { id: string } }[] }) => page.edges.map((e) => e.node.id);

/** Gives a gig reviews with these star values, and waits until they are counted. */
async function rate(gigId: string, stars: number[]): Promise<void> {
  if (stars.length === 0) return;
  await publishReviews(t, stars.map((s) => reviewEvent(gigId, s)));
  await ratingCount(t, gigId, stars.length);
}

describe('buyers find published gigs by words, typos included', () => {
  it('ranks a gig whose title matches above one whose tags do, and that above one where only the description does', async () => {
    const [seller, admin] = await Promise.all([newSeller(t), newAdmin(t)]);
    const word = uniqueWord();
    // Created best match first, so "newest first" would give the opposite order.
    const inTitle = await publishedGig(t, seller, admin, { title: `I will set up ${word} for your team` });
    const inTags = await publishedGig(t, seller, admin, { title: 'I will set up your metrics stack', tags: [word, 'metrics'] });
    const inDescription = await publishedGig(t, seller, admin, {
      title: 'I will set up your analytics stack',
      description: `A complete analytics setup, including ${word} where it fits, with dashboards and alerts.`,
    });
    const found = await search({ query: word });
    expect(ids(found)).toEqual([inTitle.id, inTags.id, inDescription.id]);
  });

  it('shows each result\'s seller name and rating in one search (the bench\'s query)', async () => {
    const [seller, admin] = await Promise.all([newSeller(t), newAdmin(t)]);
    const title = `I will benchmark ${uniqueWord()} routers`;
    await publishedGig(t, seller, admin, { title });
    const res = await t.client.expect(BenchSearchGigsDocument, { first: 100 }, {});
    const card = res.searchGigs.edges.find((e) => e.node.title === title);
    expect(card?.node.seller).toEqual({ username: seller.username, seller: { rating: { average: null } } });
  });

  it('finds "JavaScript" in a title when the buyer types "javascrpt"', async () => {
    const [seller, admin] = await Promise.all([newSeller(t), newAdmin(t)]);
    const gig = await publishedGig(t, seller, admin, { title: 'I will fix your JavaScript bugs today', tags: ['frontend'] });
    const found = await search({ query: 'javascrpt', filter: { sellerId: seller.id } });
    expect(ids(found)).toEqual([gig.id]);
    expect(ids(await search({ query: 'javascrpt' }))).toContain(gig.id);
  });

  it('finds only published gigs: drafts, gigs in review, rejected and paused gigs stay out', async () => {
    const [seller, admin] = await Promise.all([newSeller(t), newAdmin(t)]);
    const word = uniqueWord();
    const input = (what: string) => gigInput({ title: `I will tune ${word} ${what}` });
    const live = await publishedGig(t, seller, admin, input('servers well'));
    const paused = await publishedGig(t, seller, admin, input('servers, paused'));
    await t.client.expect(PauseGigDocument, { id: paused.id }, { token: seller.token });
    const draft = (await t.client.expect(CreateGigDocument, { input: input('drafts only') }, { token: seller.token })).createGig;
    const pending = (await t.client.expect(CreateGigDocument, { input: input('while pending') }, { token: seller.token })).createGig;
    await t.client.expect(SubmitGigForReviewDocument, { id: pending.id }, { token: seller.token });
    const rejected = (await t.client.expect(CreateGigDocument, { input: input('then rejected') }, { token: seller.token })).createGig;
    await t.client.expect(SubmitGigForReviewDocument, { id: rejected.id }, { token: seller.token });
    await t.client.expect(RejectGigDocument, { id: rejected.id, reason: 'Too vague to publish.' }, { token: admin.token });

    expect(ids(await search({ query: word }))).toEqual([live.id]);
    // Not even for their seller: search is the buyers' view.
    expect(ids((await t.client.expect(SearchGigsDocument, { filter: { sellerId: seller.id } }, { token: seller.token })).searchGigs)).toEqual([live.id]);
    expect(draft.status).toBe('DRAFT');
  });
});

/** Three gigs by one seller that differ in every filtered attribute, and one by another seller. */
async function catalogue(seller: Account, other: Account, admin: Account) {
  const a = await publishedGig(t, seller, admin, { categoryId: 'programming-tech', subCategoryId: 'web-development', price: 1_000, deliveryDays: 3, tags: ['react', 'css'] });
  const b = await publishedGig(t, seller, admin, { categoryId: 'graphics-design', subCategoryId: 'logo-design', price: 3_000, deliveryDays: 10, tags: ['css'] });
  const c = await publishedGig(t, seller, admin, { categoryId: 'programming-tech', subCategoryId: 'apis-integrations', price: 6_000, deliveryDays: 30, tags: ['react'] });
  const d = await publishedGig(t, other, admin, { price: 1_000 });
  return { a: a.id, b: b.id, c: c.id, d: d.id };
}

describe('buyers narrow a search with filters', () => {
  const cases: [string, (s: Account) => GigFilter, (g: Awaited<ReturnType<typeof catalogue>>) => string[]][] = [
    ['category', (s) => ({ sellerId: s.id, category: 'programming-tech' }), (g) => [g.a, g.c]],
    ['subCategory', (s) => ({ sellerId: s.id, subCategory: 'logo-design' }), (g) => [g.b]],
    ['minPrice', (s) => ({ sellerId: s.id, minPrice: 3_000 }), (g) => [g.b, g.c]],
    ['maxPrice', (s) => ({ sellerId: s.id, maxPrice: 3_000 }), (g) => [g.a, g.b]],
    ['maxDeliveryDays', (s) => ({ sellerId: s.id, maxDeliveryDays: 10 }), (g) => [g.a, g.b]],
    ['tags (one)', (s) => ({ sellerId: s.id, tags: ['React'] }), (g) => [g.a, g.c]],
    ['tags (all of them)', (s) => ({ sellerId: s.id, tags: ['react', 'css'] }), (g) => [g.a]],
  ];

  it.each(cases)('finds only the gigs matching the %s filter', async (_name, filter, expected) => {
    const [seller, other, admin] = await Promise.all([newSeller(t), newSeller(t, 'other'), newAdmin(t)]);
    const gigs = await catalogue(seller, other, admin);
    const found = await search({ filter: filter(seller), sort: 'PRICE_ASC' });
    expect(ids(found)).toEqual(expected(gigs));
  });

  it('finds only one seller\'s gigs with the sellerId filter', async () => {
    const [seller, other, admin] = await Promise.all([newSeller(t), newSeller(t, 'other'), newAdmin(t)]);
    const gigs = await catalogue(seller, other, admin);
    expect(ids(await search({ filter: { sellerId: other.id } }))).toEqual([gigs.d]);
    expect(new Set(ids(await search({ filter: { sellerId: seller.id } })))).toEqual(new Set([gigs.a, gigs.b, gigs.c]));
  });
});

describe('buyers order search results', () => {
  /** Four gigs created in an order that matches none of the sorts, with ratings. */
  async function sortable() {
    const [seller, admin] = await Promise.all([newSeller(t), newAdmin(t)]);
    const word = uniqueWord();
    const input = (title: string, price: number): Partial<CreateGigInput> => ({ title: `I will ${title} with ${word}`, price });
    const mid = await publishedGig(t, seller, admin, input('build dashboards', 2_000));
    const cheap = await publishedGig(t, seller, admin, input('write unit tests', 800));
    const dear = await publishedGig(t, seller, admin, input('migrate your database', 9_000));
    const unrated = await publishedGig(t, seller, admin, input('review your code', 3_500));
    // mid: 5.0 from 1 review; dear: 4.5 from 2; cheap: 4.5 from 4 (more reviews wins the tie); unrated: none.
    await rate(mid.id, [5]);
    await rate(dear.id, [5, 4]);
    await rate(cheap.id, [5, 4, 5, 4]);
    return { seller, word, mid: mid.id, cheap: cheap.id, dear: dear.id, unrated: unrated.id };
  }

  it('sorts by price, cheapest first (PRICE_ASC) and dearest first (PRICE_DESC)', async () => {
    const g = await sortable();
    expect(ids(await search({ filter: { sellerId: g.seller.id }, sort: 'PRICE_ASC' }))).toEqual([g.cheap, g.mid, g.unrated, g.dear]);
    expect(ids(await search({ filter: { sellerId: g.seller.id }, sort: 'PRICE_DESC' }))).toEqual([g.dear, g.unrated, g.mid, g.cheap]);
  });

  it('sorts by rating, best average first and more reviews first among equals (RATING)', async () => {
    const g = await sortable();
    const page = await search({ filter: { sellerId: g.seller.id }, sort: 'RATING' });
    expect(ids(page)).toEqual([g.mid, g.cheap, g.dear, g.unrated]);
    expect(page.edges.map((e) => e.node.rating)).toEqual([
      { count: 1, average: 5 },
      { count: 4, average: 4.5 },
      { count: 2, average: 4.5 },
      { count: 0, average: null },
    ]);
  });

  it('sorts by the time a gig went live, latest first (NEWEST), whatever order the gigs were created in', async () => {
    const [seller, admin] = await Promise.all([newSeller(t), newAdmin(t)]);
    const created: string[] = [];
    for (let i = 0; i < 3; i++) created.push((await t.client.expect(CreateGigDocument, { input: gigInput() }, { token: seller.token })).createGig.id);
    for (const id of created) await t.client.expect(SubmitGigForReviewDocument, { id }, { token: seller.token });
    // Published oldest-created last: newest-published first is creation order.
    for (const id of [...created].reverse()) await t.client.expect(ApproveGigDocument, { id }, { token: admin.token });
    expect(ids(await search({ filter: { sellerId: seller.id }, sort: 'NEWEST' }))).toEqual(created);
    // Without words, RELEVANCE is NEWEST.
    expect(ids(await search({ filter: { sellerId: seller.id } }))).toEqual(created);
  });

  it('pages through every sort order two at a time without gaps or repeats, equal keys included', async () => {
    const [seller, admin] = await Promise.all([newSeller(t), newAdmin(t)]);
    const word = uniqueWord();
    const made: string[] = [];
    // Equal prices, equal ratings and equal titles (equal relevance) on purpose: only the id breaks those ties.
    for (const [i, price] of [2_000, 1_000, 2_000, 2_000, 1_000, 2_000].entries()) {
      const title = i % 2 === 0 ? `I will automate ${word} reports` : `I will automate your reports`;
      const description = `Automated reports that run themselves every week, built with care and ${word} tooling.`;
      made.push((await publishedGig(t, seller, admin, { title, description, price })).id);
    }
    await rate(made[0], [4]);
    await rate(made[3], [4]);
    for (const sort of ['PRICE_ASC', 'PRICE_DESC', 'RATING', 'NEWEST', 'RELEVANCE'] as GigSort[]) {
      const variables = sort === 'RELEVANCE' ? { query: word, sort } : { filter: { sellerId: seller.id }, sort };
      const whole = ids(await search({ ...variables, first: 20 }));
      expect(new Set(whole), sort).toEqual(new Set(made));
      const paged = await allPages(t, { ...variables, first: 2 });
      expect(paged, sort).toEqual(whole);
    }
    // The relevance order puts the title matches (even indexes) first.
    const relevance = ids(await search({ query: word }));
    expect(new Set(relevance.slice(0, 3))).toEqual(new Set([made[0], made[2], made[4]]));
    const prices = (await search({ filter: { sellerId: seller.id }, sort: 'PRICE_ASC' })).edges.map((e) => e.node.price.amount);
    expect(prices).toEqual([1_000, 1_000, 2_000, 2_000, 2_000, 2_000]);
  });
});

describe('gigs summarise buyers\' reviews into a rating', () => {
  it('shows the count, the average and the star distribution after two reviews', async () => {
    const [seller, admin] = await Promise.all([newSeller(t), newAdmin(t)]);
    const gig = await publishedGig(t, seller, admin);
    // Read it first, so the summary below must come from a cache the reviews invalidated.
    expect((await t.client.expect(GigDocument, { id: gig.id }, {})).gig?.rating).toMatchObject({ count: 0, average: null });
    expect(await cached(gig.id)).not.toBeNull();
    // A seller's review of the buyer says nothing about the gig.
    const sellerToBuyer = makeEnvelope('reviews', 'review.created', { reviewId: newId(), gigId: gig.id, rating: 1, kind: 'SELLER_TO_BUYER' }, { correlationId: 'test-seller-review' });
    await publishReviews(t, [sellerToBuyer, reviewEvent(gig.id, 5), reviewEvent(gig.id, 4)]);
    const rated = await ratingCount(t, gig.id, 2);
    expect(await gigsRows(t, 'select count(*) as n from inbox_event where event_id = ?', [sellerToBuyer.id])).toBe(1);
    expect(rated.rating).toEqual({
      count: 2,
      average: 4.5,
      distribution: [
        { stars: 5, count: 1 },
        { stars: 4, count: 1 },
        { stars: 3, count: 0 },
        { stars: 2, count: 0 },
        { stars: 1, count: 0 },
      ],
    });
  });

  it('counts a review once when the broker delivers its event twice', async () => {
    const [seller, admin] = await Promise.all([newSeller(t), newAdmin(t)]);
    const gig = await publishedGig(t, seller, admin);
    const event = reviewEvent(gig.id, 3);
    await publishReviews(t, [event, event]);
    await ratingCount(t, gig.id, 1);
    const connection = await connect(amqpUrl);
    try {
      const channel = await connection.createChannel();
      const queue = `${t.stack.env.EVENTS_NAMESPACE}.gigs.review-created`;
      await waitFor(async () => (await channel.checkQueue(queue)).messageCount === 0, 10_000, 'the queue to drain');
    } finally {
      await connection.close();
    }
    // Let the second delivery finish its handler before counting.
    await new Promise((r) => setTimeout(r, 300));
    const gigAfter = (await t.client.expect(GigDocument, { id: gig.id }, {})).gig;
    expect(gigAfter?.rating).toMatchObject({ count: 1, average: 3 });
    expect(await gigsRows(t, 'select count(*) as n from inbox_event where event_id = ?', [event.id])).toBe(1);
  });

  it('lists the best-rated gigs of a category first in topRatedGigs', async () => {
    const [seller, admin] = await Promise.all([newSeller(t), newAdmin(t)]);
    const music = { categoryId: 'music-audio', subCategoryId: 'voice-over' };
    const good = await publishedGig(t, seller, admin, { ...music, title: 'I will record a warm voice over' });
    const best = await publishedGig(t, seller, admin, { ...music, title: 'I will record a bright voice over' });
    const other = await publishedGig(t, seller, admin, { title: 'I will build a rated GraphQL API' });
    await rate(good.id, [4]);
    await rate(best.id, [5]);
    await rate(other.id, [5, 5]);
    const top = await t.client.expect(TopRatedGigsDocument, { category: 'music-audio', first: 10 }, {});
    expect(ids(top.topRatedGigs)).toEqual([best.id, good.id]);
  });

  it('suggests gigs of the same category sharing tags in similarGigs, not the gig itself', async () => {
    const [seller, admin] = await Promise.all([newSeller(t), newAdmin(t)]);
    const tag = uniqueWord('tg');
    const video = { categoryId: 'video-animation', subCategoryId: 'video-editing' };
    const base = await publishedGig(t, seller, admin, { ...video, title: 'I will edit your travel videos', tags: [tag, 'travel'] });
    const alike = await publishedGig(t, seller, admin, { ...video, title: 'I will edit your travel vlogs', tags: [tag, 'travel'] });
    const elsewhere = await publishedGig(t, seller, admin, { title: 'I will edit your travel API docs', tags: [tag, 'travel'] });
    const similar = ids((await t.client.expect(SimilarGigsDocument, { gigId: base.id, first: 10 }, {})).similarGigs);
    expect(similar[0]).toBe(alike.id);
    expect(similar).not.toContain(base.id);
    expect(similar).not.toContain(elsewhere.id);
  });
});

describe('cached gigs and search pages follow changes at once', () => {
  it('shows a gig\'s new title right after the seller edits it, though it was cached', async () => {
    const [seller, admin] = await Promise.all([newSeller(t), newAdmin(t)]);
    const gig = await publishedGig(t, seller, admin, { title: 'I will draw a map of your city' });
    expect((await t.client.expect(GigDocument, { id: gig.id }, { token: seller.token })).gig?.title).toBe('I will draw a map of your city');
    expect((await cached(gig.id))?.title).toBe('I will draw a map of your city');
    await t.client.expect(UpdateGigDocument, { id: gig.id, input: { title: 'I will draw a map of your town' } }, { token: seller.token });
    expect((await t.client.expect(GigDocument, { id: gig.id }, { token: seller.token })).gig?.title).toBe('I will draw a map of your town');
  });

  it('shows a new price in search results and filters right after the seller changes it', async () => {
    const [seller, admin, buyer] = await Promise.all([newSeller(t), newAdmin(t), newBuyer(t)]);
    const word = uniqueWord();
    const gig = await publishedGig(t, seller, admin, { title: `I will translate ${word} manuals`, price: 4_000 });
    const before = await t.client.expect(SearchGigsDocument, { query: word }, { token: buyer.token });
    expect(before.searchGigs.edges.map((e) => e.node.price.amount)).toEqual([4_000]);
    expect(ids(await search({ query: word, filter: { maxPrice: 3_000 } }))).toEqual([]);

    await t.client.expect(UpdateGigDocument, { id: gig.id, input: { price: 2_500 } }, { token: seller.token });
    const after = await t.client.expect(SearchGigsDocument, { query: word }, { token: buyer.token });
    expect(after.searchGigs.edges.map((e) => e.node.price.amount)).toEqual([2_500]);
    expect(ids(await search({ query: word, filter: { maxPrice: 3_000 } }))).toEqual([gig.id]);
    expect((await t.client.expect(GigDocument, { id: gig.id }, { token: buyer.token })).gig?.price.amount).toBe(2_500);
  });
});

describe('the catalogue', () => {
  it('lists the top-level categories with their sub-categories', async () => {
    const { categories } = await t.client.expect(CategoriesDocument, {}, {});
    expect(categories.every((c) => c.parentId === null)).toBe(true);
    const tech = categories.find((c) => c.id === 'programming-tech');
    expect(tech?.subCategories.map((s) => s.id)).toContain('web-development');
    expect(tech?.subCategories.every((s) => s.parentId === 'programming-tech')).toBe(true);
  });
});
