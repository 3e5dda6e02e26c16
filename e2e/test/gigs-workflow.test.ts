import { describe, expect, it } from 'vitest';
import {
  ApproveGigDocument,
  CreateGigDocument,
  DeleteGigDocument,
  GigDocument,
  GigWithSellerDocument,
  MyGigsDocument,
  PauseGigDocument,
  RejectGigDocument,
  ResumeGigDocument,
  SearchGigsDocument,
  SubmitGigForReviewDocument,
  UpdateGigDocument,
  UserGigsDocument,
  type GigStatus,
} from '@jobgraph/client';
import { tapEvents } from '@jobgraph/kit/testing';
import { codes, sellerInput, useStack } from './support.js';
import { amqpUrl, createGig, gigInput, newAdmin, newBuyer, newSeller, publishedGig, uniqueWord, type Account } from './gigs-support.js';

const t = useStack();

type Action = 'submit' | 'approve' | 'reject' | 'pause' | 'resume';

/** Runs a workflow action as `who` (approve and reject need an admin, the others the seller). */
function act(action: Action, id: string, who: Account) {
  const options = { token: who.token };
  switch (action) {
    case 'submit':
      return t.client.request(SubmitGigForReviewDocument, { id }, options);
    case 'approve':
      return t.client.request(ApproveGigDocument, { id }, options);
    case 'reject':
      return t.client.request(RejectGigDocument, { id, reason: 'Please show examples of your work.' }, options);
    case 'pause':
      return t.client.request(PauseGigDocument, { id }, options);
    case 'resume':
      return t.client.request(ResumeGigDocument, { id }, options);
  }
}

/** The actions that lead from DRAFT to each status. */
const PATH: Record<GigStatus, Action[]> = {
  DRAFT: [],
  PENDING_REVIEW: ['submit'],
  PUBLISHED: ['submit', 'approve'],
  REJECTED: ['submit', 'reject'],
  PAUSED: ['submit', 'approve', 'pause'],
};

const ALLOWED: Record<GigStatus, Action[]> = {
  DRAFT: ['submit'],
  PENDING_REVIEW: ['approve', 'reject'],
  PUBLISHED: ['pause'],
  REJECTED: ['submit'],
  PAUSED: ['resume'],
};

const statusOf = async (id: string, who: Account) => (await t.client.expect(GigDocument, { id }, { token: who.token })).gig?.status;

describe('a seller takes a gig through moderation to buyers', () => {
  it('moves a gig DRAFT → PENDING_REVIEW → PUBLISHED → PAUSED → PUBLISHED, live for buyers only while published', async () => {
    const [seller, admin, buyer] = await Promise.all([newSeller(t), newAdmin(t), newBuyer(t)]);
    const gig = await createGig(t, seller);
    expect(gig).toMatchObject({ status: 'DRAFT', publishedAt: null, seller: { id: seller.id }, price: { amount: 5_000, currency: 'USD' } });
    expect(gig.category).toEqual({ id: 'programming-tech', name: 'Programming & Tech' });
    expect(gig.subCategory).toEqual({ id: 'apis-integrations', name: 'APIs & Integrations' });

    const submitted = await t.client.expect(SubmitGigForReviewDocument, { id: gig.id }, { token: seller.token });
    expect(submitted.submitGigForReview.status).toBe('PENDING_REVIEW');
    expect((await t.client.expect(GigDocument, { id: gig.id }, { token: buyer.token })).gig).toBeNull();

    const approved = await t.client.expect(ApproveGigDocument, { id: gig.id }, { token: admin.token });
    expect(approved.approveGig.status).toBe('PUBLISHED');
    expect(approved.approveGig.publishedAt).not.toBeNull();
    expect((await t.client.expect(GigDocument, { id: gig.id }, { token: buyer.token })).gig?.title).toBe(gig.title);
    expect((await t.client.expect(GigDocument, { id: gig.id }, {})).gig?.status).toBe('PUBLISHED');

    const paused = await t.client.expect(PauseGigDocument, { id: gig.id }, { token: seller.token });
    expect(paused.pauseGig.status).toBe('PAUSED');
    expect((await t.client.expect(GigDocument, { id: gig.id }, { token: buyer.token })).gig).toBeNull();
    expect(await statusOf(gig.id, seller)).toBe('PAUSED');

    const resumed = await t.client.expect(ResumeGigDocument, { id: gig.id }, { token: seller.token });
    expect(resumed.resumeGig.status).toBe('PUBLISHED');
    expect((await t.client.expect(GigDocument, { id: gig.id }, { token: buyer.token })).gig?.status).toBe('PUBLISHED');
  });

  it('refuses every move the workflow does not allow with CONFLICT and leaves the status as it was', async () => {
    const [seller, admin] = await Promise.all([newSeller(t), newAdmin(t)]);
    const refused: string[] = [];
    for (const status of Object.keys(PATH) as GigStatus[]) {
      const gig = await createGig(t, seller);
      for (const step of PATH[status]) {
        expect((await act(step, gig.id, step === 'approve' || step === 'reject' ? admin : seller)).errors).toEqual([]);
      }
      expect(await statusOf(gig.id, seller)).toBe(status);
      const forbiddenMoves = (['submit', 'approve', 'reject', 'pause', 'resume'] as Action[]).filter((a) => !ALLOWED[status].includes(a));
      for (const action of forbiddenMoves) {
        // An admin may do every action, so only the workflow can refuse.
        const res = await act(action, gig.id, admin);
        expect(codes(res.errors), `${action} from ${status}`).toEqual(['CONFLICT']);
        expect(res.errors[0].extensions?.status).toBe(status);
        refused.push(`${status}:${action}`);
      }
      expect(await statusOf(gig.id, seller)).toBe(status);
    }
    expect(refused).toHaveLength(5 * 5 - 6);
  });

  it('shows the seller why a gig was rejected, and takes it back for review once edited', async () => {
    const [seller, admin] = await Promise.all([newSeller(t), newAdmin(t)]);
    const gig = await createGig(t, seller);
    await t.client.expect(SubmitGigForReviewDocument, { id: gig.id }, { token: seller.token });
    const rejected = await t.client.expect(RejectGigDocument, { id: gig.id, reason: '  Add a portfolio link.  ' }, { token: admin.token });
    expect(rejected.rejectGig).toMatchObject({ status: 'REJECTED', rejectionReason: 'Add a portfolio link.' });
    expect((await t.client.expect(GigDocument, { id: gig.id }, { token: seller.token })).gig?.rejectionReason).toBe('Add a portfolio link.');

    await t.client.expect(UpdateGigDocument, { id: gig.id, input: { description: `${gig.description} Portfolio: https://example.com/work.` } }, { token: seller.token });
    const again = await t.client.expect(SubmitGigForReviewDocument, { id: gig.id }, { token: seller.token });
    expect(again.submitGigForReview.status).toBe('PENDING_REVIEW');
    expect((await t.client.expect(GigDocument, { id: gig.id }, { token: seller.token })).gig?.rejectionReason).toBeNull();
  });

  it('sends a published gig back to review when its title changes, but not when only its price does', async () => {
    const [seller, admin, buyer] = await Promise.all([newSeller(t), newAdmin(t), newBuyer(t)]);
    const word = uniqueWord();
    const gig = await publishedGig(t, seller, admin, { title: `I will write ${word} scrapers` });

    const repriced = await t.client.expect(UpdateGigDocument, { id: gig.id, input: { price: 7_500 } }, { token: seller.token });
    expect(repriced.updateGig).toMatchObject({ status: 'PUBLISHED', price: { amount: 7_500 } });

    const sameTitle = await t.client.expect(UpdateGigDocument, { id: gig.id, input: { title: ` ${gig.title} ` } }, { token: seller.token });
    expect(sameTitle.updateGig.status).toBe('PUBLISHED');

    const retitled = await t.client.expect(UpdateGigDocument, { id: gig.id, input: { title: `I will write fast ${word} scrapers` } }, { token: seller.token });
    expect(retitled.updateGig.status).toBe('PENDING_REVIEW');
    expect((await t.client.expect(GigDocument, { id: gig.id }, { token: buyer.token })).gig).toBeNull();
    const search = await t.client.expect(SearchGigsDocument, { query: word }, { token: buyer.token });
    expect(search.searchGigs.edges).toEqual([]);
  });

  it('refuses createGig with FORBIDDEN to a user without a seller page', async () => {
    const buyer = await newBuyer(t);
    const res = await t.client.request(CreateGigDocument, { input: gigInput() }, { token: buyer.token });
    expect(codes(res.errors)).toEqual(['FORBIDDEN']);
    expect(res.data).toBeNull();
    const mine = await t.client.expect(MyGigsDocument, {}, { token: buyer.token });
    expect(mine.me?.gigs.edges).toEqual([]);
  });

  it('refuses createGig with UNAUTHENTICATED without a token', async () => {
    const res = await t.client.request(CreateGigDocument, { input: gigInput() }, {});
    expect(codes(res.errors)).toContain('UNAUTHENTICATED');
    expect(res.data).toBeNull();
  });

  it('hides a deleted gig from everyone, its seller included', async () => {
    const [seller, admin, buyer] = await Promise.all([newSeller(t), newAdmin(t), newBuyer(t)]);
    const word = uniqueWord();
    const gig = await publishedGig(t, seller, admin, { title: `I will design ${word} logos` });
    expect((await t.client.expect(DeleteGigDocument, { id: gig.id }, { token: seller.token })).deleteGig).toBe(true);
    expect((await t.client.expect(GigDocument, { id: gig.id }, { token: seller.token })).gig).toBeNull();
    expect((await t.client.expect(GigDocument, { id: gig.id }, { token: buyer.token })).gig).toBeNull();
    expect((await t.client.expect(SearchGigsDocument, { query: word }, {})).searchGigs.edges).toEqual([]);
    expect((await t.client.expect(MyGigsDocument, {}, { token: seller.token })).me?.gigs.edges).toEqual([]);
    expect(codes((await t.client.request(PauseGigDocument, { id: gig.id }, { token: seller.token })).errors)).toEqual(['NOT_FOUND']);
  });
});

describe('only a gig\'s seller changes it, only admins moderate it', () => {
  it('refuses another user\'s changes to a published gig with FORBIDDEN and keeps the gig as it was', async () => {
    const [seller, admin, other] = await Promise.all([newSeller(t), newAdmin(t), newSeller(t, 'other')]);
    const gig = await publishedGig(t, seller, admin);
    const asOther = { token: other.token };
    expect(codes((await t.client.request(UpdateGigDocument, { id: gig.id, input: { title: 'I will take over your gig listing' } }, asOther)).errors)).toEqual(['FORBIDDEN']);
    expect(codes((await t.client.request(PauseGigDocument, { id: gig.id }, asOther)).errors)).toEqual(['FORBIDDEN']);
    expect(codes((await t.client.request(DeleteGigDocument, { id: gig.id }, asOther)).errors)).toEqual(['FORBIDDEN']);
    const after = (await t.client.expect(GigDocument, { id: gig.id }, asOther)).gig;
    expect(after).toMatchObject({ title: gig.title, status: 'PUBLISHED' });
  });

  it('shows a draft to its seller only: null to others, NOT_FOUND when they try to change it', async () => {
    const [seller, other] = await Promise.all([newSeller(t), newSeller(t, 'other')]);
    const gig = await createGig(t, seller);
    expect((await t.client.expect(GigDocument, { id: gig.id }, { token: seller.token })).gig?.status).toBe('DRAFT');
    expect((await t.client.expect(GigDocument, { id: gig.id }, { token: other.token })).gig).toBeNull();
    expect((await t.client.expect(GigDocument, { id: gig.id }, {})).gig).toBeNull();
    const update = await t.client.request(UpdateGigDocument, { id: gig.id, input: { price: 900 } }, { token: other.token });
    expect(codes(update.errors)).toEqual(['NOT_FOUND']);
    expect(codes((await t.client.request(SubmitGigForReviewDocument, { id: gig.id }, { token: other.token })).errors)).toEqual(['NOT_FOUND']);
    expect((await t.client.expect(GigDocument, { id: gig.id }, { token: seller.token })).gig).toMatchObject({ status: 'DRAFT', price: { amount: 5_000 } });
  });

  it('refuses approve and reject by a non-admin at the router with FORBIDDEN, even the gig\'s own seller', async () => {
    const [seller, other] = await Promise.all([newSeller(t), newBuyer(t)]);
    const gig = await createGig(t, seller);
    await t.client.expect(SubmitGigForReviewDocument, { id: gig.id }, { token: seller.token });
    for (const who of [seller, other]) {
      for (const res of [await act('approve', gig.id, who), await act('reject', gig.id, who)]) {
        expect(res.data).toBeNull();
        expect(new Set(codes(res.errors))).toEqual(new Set(['FORBIDDEN']));
        // The router's refusal: the subgraph (which would say "Only admins review gigs.") is never called.
        expect(res.errors[0].message).toBe('You are not allowed to perform this operation.');
      }
    }
    expect(await statusOf(gig.id, seller)).toBe('PENDING_REVIEW');
  });

  it('lists only published gigs in a seller\'s gigs for others, and every status for the seller', async () => {
    const [seller, admin, buyer] = await Promise.all([newSeller(t), newAdmin(t), newBuyer(t)]);
    const published = await publishedGig(t, seller, admin, { title: 'I will publish this one for you' });
    const paused = await publishedGig(t, seller, admin, { title: 'I will pause this one for a while' });
    await t.client.expect(PauseGigDocument, { id: paused.id }, { token: seller.token });
    const pending = await createGig(t, seller, { title: 'I will wait for a review of this' });
    await t.client.expect(SubmitGigForReviewDocument, { id: pending.id }, { token: seller.token });
    const draft = await createGig(t, seller, { title: 'I will finish writing this later' });

    const mine = await t.client.expect(MyGigsDocument, {}, { token: seller.token });
    // Newest first.
    expect(mine.me?.gigs.edges.map((e) => [e.node.id, e.node.status])).toEqual([
      [draft.id, 'DRAFT'],
      [pending.id, 'PENDING_REVIEW'],
      [paused.id, 'PAUSED'],
      [published.id, 'PUBLISHED'],
    ]);
    const theirs = await t.client.expect(UserGigsDocument, { id: seller.id }, { token: buyer.token });
    expect(theirs.user?.username).toBe(seller.username);
    expect(theirs.user?.gigs.edges.map((e) => e.node.id)).toEqual([published.id]);
    const anonymous = await t.client.expect(SearchGigsDocument, { filter: { sellerId: seller.id } }, {});
    expect(anonymous.searchGigs.edges.map((e) => e.node.id)).toEqual([published.id]);
  });

  it('pages through a seller\'s own gigs two at a time without gaps or repeats', async () => {
    const seller = await newSeller(t);
    const created: string[] = [];
    for (let i = 0; i < 5; i++) created.push((await createGig(t, seller, { title: `I will do task number ${i} for you` })).id);
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: Awaited<ReturnType<typeof myGigs>> = await myGigs(seller, after);
      seen.push(...page.edges.map((e) => e.node.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual([...created].reverse());
  });
});

async function myGigs(seller: Account, after: string | null) {
  const res = await t.client.expect(MyGigsDocument, { first: 2, after }, { token: seller.token });
  return res.me!.gigs;
}

describe('changes at the same moment', () => {
  it('lets one of several simultaneous edits win and answers the others CONFLICT, never a server error', async () => {
    const [seller, admin] = await Promise.all([newSeller(t), newAdmin(t)]);
    const gig = await publishedGig(t, seller, admin);
    const prices = [1_001, 1_002, 1_003, 1_004, 1_005, 1_006];
    const results = await Promise.all(prices.map((price) => t.client.request(UpdateGigDocument, { id: gig.id, input: { price } }, { token: seller.token })));
    const won = results.flatMap((r, i) => (r.errors.length === 0 ? [prices[i]] : []));
    expect(results.flatMap((r) => codes(r.errors)).filter((c) => c !== 'CONFLICT')).toEqual([]);
    expect(won.length).toBeGreaterThan(0);
    const final = (await t.client.expect(GigDocument, { id: gig.id }, { token: seller.token })).gig?.price.amount;
    expect(won).toContain(final);
  });
});

describe('a gig page shows its seller from the other subgraphs', () => {
  it('resolves gig.seller\'s username (auth) and seller page (users) through the supergraph', async () => {
    const [seller, admin, buyer] = await Promise.all([newSeller(t), newAdmin(t), newBuyer(t)]);
    const gig = await publishedGig(t, seller, admin);
    const res = await t.client.expect(GigWithSellerDocument, { id: gig.id }, { token: buyer.token });
    expect(res.gig?.seller).toEqual({ id: seller.id, username: seller.username, seller: { fullName: sellerInput.fullName, rating: { average: null } } });
  });
});

describe('gigs announces what happens to gigs', () => {
  it('publishes gig.created and gig.status-changed with the gig, the seller and the caller\'s correlation id', async () => {
    const [seller, admin] = await Promise.all([newSeller(t), newAdmin(t)]);
    const tap = await tapEvents(amqpUrl, 'gigs', ['gig.created', 'gig.status-changed'], t.stack.env.EVENTS_NAMESPACE);
    try {
      const correlationId = `gig-events-${seller.id}`;
      const created = await t.client.expect(CreateGigDocument, { input: gigInput({ price: 12_300 }) }, { token: seller.token, headers: { 'x-correlation-id': correlationId } });
      const id = created.createGig.id;
      await t.client.expect(SubmitGigForReviewDocument, { id }, { token: seller.token });
      await t.client.expect(ApproveGigDocument, { id }, { token: admin.token });

      const createdEvent = await tap.next((e) => e.type === 'gig.created' && (e.data as { gigId: string }).gigId === id);
      expect(createdEvent).toMatchObject({ producer: 'gigs', correlationId });
      expect(createdEvent.data).toMatchObject({ gigId: id, sellerId: seller.id, status: 'DRAFT', price: { amount: 12_300, currency: 'USD' }, categoryId: 'programming-tech' });
      const published = await tap.next((e) => e.type === 'gig.status-changed' && (e.data as { gigId: string; to: string }).gigId === id && (e.data as { to: string }).to === 'PUBLISHED');
      expect(published.data).toEqual({ gigId: id, sellerId: seller.id, from: 'PENDING_REVIEW', to: 'PUBLISHED', reason: null });
      // Editing the title of the live gig sends it back to review, and says so.
      await t.client.expect(UpdateGigDocument, { id, input: { title: 'I will build your GraphQL API, fast' } }, { token: seller.token });
      await tap.next((e) => e.type === 'gig.status-changed' && (e.data as { gigId: string; to: string }).gigId === id && (e.data as { to: string }).to === 'PENDING_REVIEW' && (e.data as { from: string }).from === 'PUBLISHED');
      const moves = tap.events.filter((e) => e.type === 'gig.status-changed' && (e.data as { gigId: string }).gigId === id).map((e) => (e.data as { from: string; to: string }));
      expect(moves.map((m) => `${m.from}→${m.to}`)).toEqual(['DRAFT→PENDING_REVIEW', 'PENDING_REVIEW→PUBLISHED', 'PUBLISHED→PENDING_REVIEW']);
    } finally {
      await tap.close();
    }
  });
});
