// The orders subgraph under random use, through the real router: fast-check generates sequences of orders and actions
// (any party, any order, valid or not), runs them against one running stack, and after every step compares what the
// API and the books say with a small model of the rules (the issue's property test).
//
// This file lives in subgraphs/orders/test because fast-check is a devDependency of @jobgraph/orders and does not
// resolve from e2e/test; it uses the e2e support and the typed client by relative path. Replay a failure with the
// seed (and path) fast-check prints: FC_SEED=… FC_PATH=… npx vitest run subgraphs/orders/test/orders-property.test.ts
// (FC_RUNS=n for a longer search, FC_STATS=1 for a summary of what the runs did).
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  ApproveDeliveryDocument,
  CancelOrderDocument,
  DeliverOrderDocument,
  MyOrdersDocument,
  OpenDisputeDocument,
  OrderDocument,
  RequestExtensionDocument,
  RequestRevisionDocument,
  ResolveDisputeDocument,
  RespondToExtensionDocument,
  StartOrderDocument,
  WithdrawDocument,
  type DisputeOutcome,
  type OrderFieldsFragment,
  type OrderStatus,
  type PlaceOrderInput,
} from '@jobgraph/client';
import { waitFor } from '@jobgraph/kit/testing';
import { newAdmin, newBuyer, newSeller, type Account } from './gigs-support.js';
import { OK, balances, ledgerProblems, offerFromChat, orderableGig, ordersCount, ordersQuery, place, walletOf } from './orders-support.js';
import { useStack } from './support.js';

// Access tokens live an hour instead of 15 minutes: a long search (FC_RUNS) uses the same accounts throughout.
const t = useStack({ ACCESS_TOKEN_TTL_SECONDS: '3600' });
const DAY = 86_400_000;

// ---------------------------------------------------------------------------------------------------------------
// The steps fast-check generates: plain data, so a counterexample reads as a script.

type Who = 'buyer' | 'seller' | 'admin' | 'stranger';
type Method = 'ok' | 'declined' | 'flaky' | 'timeout';
type Verb = 'start' | 'deliver' | 'requestRevision' | 'approve' | 'requestExtension' | 'respondToExtension' | 'cancel' | 'openDispute' | 'resolveDispute';

/** An action on an order; `order` counts back from the run's newest order (shrinks towards it). */
type Action = { do: Verb; order: number; by: Who; days?: number; approve?: boolean; outcome?: DisputeOutcome };

type Step =
  /** A buyer orders one of the seller's gigs; then maybe repeats the request with the same key (same or other body). */
  | { do: 'placeOrder'; buyer: number; gig: number; method: Method; again: 'no' | 'sameBody' | 'otherBody' }
  /** The seller makes a custom offer in chat and the buyer orders it (any price: the fee and split rounding). */
  | { do: 'orderOffer'; buyer: number; price: number }
  | Action
  /**
   * Moves an open order on (`order` counts from the oldest open one): the `pick`-th of the actions the model allows
   * on it, so that runs reach deliveries, approvals and disputes, which random actions alone rarely do; the action
   * itself is checked like any other.
   */
  | { do: 'next'; order: number; pick: number }
  /**
   * Two such actions on one open order at the same moment: the outcome must be that of one of the two serial orders
   * (the row lock lets exactly one of two conflicting actions win; the other is refused and changes nothing).
   */
  | { do: 'race'; order: number; picks: [number, number] }
  /** The seller withdraws `permille` ‰ of what the model says is available (above 1000: more than there is). */
  | { do: 'withdraw'; permille: number };

const party = (natural: Who | Who[]) =>
  fc.oneof(
    { weight: 4, arbitrary: Array.isArray(natural) ? fc.constantFrom(...natural) : fc.constant(natural) },
    { weight: 1, arbitrary: fc.constantFrom<Who>('buyer', 'seller', 'admin', 'stranger') },
  );
const orderIndex = fc.nat({ max: 7 });
const plain = { noNullPrototype: true } as const;
const onOrder = (verb: Verb, natural: Who | Who[], extra: Record<string, fc.Arbitrary<unknown>> = {}) =>
  fc.record({ do: fc.constant(verb), order: orderIndex, by: party(natural), ...extra }, plain) as fc.Arbitrary<Step>;

const placeArb: fc.Arbitrary<Step> = fc.record(
  {
    do: fc.constant('placeOrder' as const),
    buyer: fc.nat({ max: 2 }),
    gig: fc.nat({ max: 1 }),
    method: fc.oneof({ weight: 5, arbitrary: fc.constant<Method>('ok') }, { weight: 3, arbitrary: fc.constantFrom<Method>('declined', 'flaky', 'timeout') }),
    again: fc.oneof({ weight: 4, arbitrary: fc.constant('no' as const) }, { weight: 1, arbitrary: fc.constantFrom('sameBody' as const, 'otherBody' as const) }),
  },
  plain,
);

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 1, arbitrary: placeArb },
  { weight: 1, arbitrary: fc.record({ do: fc.constant('orderOffer' as const), buyer: fc.nat({ max: 2 }), price: fc.integer({ min: 1, max: 30_000 }) }, plain) },
  { weight: 10, arbitrary: fc.record({ do: fc.constant('next' as const), order: orderIndex, pick: fc.nat({ max: 999 }) }, plain) },
  { weight: 2, arbitrary: fc.record({ do: fc.constant('race' as const), order: orderIndex, picks: fc.tuple(fc.nat({ max: 999 }), fc.nat({ max: 999 })) }, plain) },
  { weight: 1, arbitrary: onOrder('start', 'seller') },
  { weight: 1, arbitrary: onOrder('deliver', 'seller') },
  { weight: 1, arbitrary: onOrder('requestRevision', 'buyer') },
  { weight: 1, arbitrary: onOrder('approve', 'buyer') },
  { weight: 1, arbitrary: onOrder('requestExtension', 'seller', { days: fc.integer({ min: 1, max: 30 }) }) },
  { weight: 1, arbitrary: onOrder('respondToExtension', 'buyer', { approve: fc.boolean() }) },
  { weight: 1, arbitrary: onOrder('cancel', ['buyer', 'seller', 'admin']) },
  { weight: 1, arbitrary: onOrder('openDispute', ['buyer', 'seller']) },
  { weight: 1, arbitrary: onOrder('resolveDispute', 'admin', { outcome: fc.constantFrom<DisputeOutcome>('REFUND', 'RELEASE', 'SPLIT') }) },
  {
    weight: 2,
    arbitrary: fc.record(
      { do: fc.constant('withdraw' as const), permille: fc.oneof(fc.constant(1000), fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 1001, max: 3000 })) },
      plain,
    ),
  },
);

/** A run: one to three orders first (so the actions have something to act on), then anything. */
const runArb: fc.Arbitrary<Step[]> = fc
  .tuple(fc.array(placeArb, { minLength: 1, maxLength: 3 }), fc.array(stepArb, { maxLength: 25, size: 'max' }))
  .map(([first, rest]) => [...first, ...rest]);

// ---------------------------------------------------------------------------------------------------------------
// The model: the rules (the issue's, as order-state.ts documents them) written as a table, and what each order and
// the seller's wallet should look like after the steps so far.

type Role = 'BUYER' | 'SELLER' | 'ADMIN';
const ROLE: Record<Exclude<Who, 'stranger'>, Role> = { buyer: 'BUYER', seller: 'SELLER', admin: 'ADMIN' };
const WORKING: OrderStatus[] = ['PLACED', 'IN_PROGRESS', 'IN_REVISION'];
const OPEN: OrderStatus[] = [...WORKING, 'DELIVERED', 'DISPUTED'];

/** Who may take each action, from which statuses, and where it leads (null: the status stays). */
const RULES: Record<Exclude<Verb, 'cancel'>, { by: Who[]; from: OrderStatus[]; to: OrderStatus | null }> = {
  start: { by: ['seller'], from: ['PLACED'], to: 'IN_PROGRESS' },
  deliver: { by: ['seller'], from: WORKING, to: 'DELIVERED' },
  requestRevision: { by: ['buyer'], from: ['DELIVERED'], to: 'IN_REVISION' },
  approve: { by: ['buyer'], from: ['DELIVERED'], to: 'COMPLETED' },
  requestExtension: { by: ['seller'], from: WORKING, to: null },
  respondToExtension: { by: ['buyer'], from: [...WORKING, 'DELIVERED'], to: null },
  openDispute: { by: ['buyer', 'seller'], from: ['IN_PROGRESS', 'DELIVERED', 'IN_REVISION'], to: 'DISPUTED' },
  resolveDispute: { by: ['admin'], from: ['DISPUTED'], to: null },
};
const OUTCOME_STATUS: Record<DisputeOutcome, OrderStatus> = { REFUND: 'CANCELLED', RELEASE: 'COMPLETED', SPLIT: 'SETTLED' };

/** The default fee policy: 5.5 % of the price (half up), plus 2.00 under 50.00. */
const feeOf = (price: number): number => Math.floor((price * 550 + 5_000) / 10_000) + (price < 5_000 ? 200 : 0);

interface ModelOrder {
  label: string;
  id: string;
  buyer: number;
  price: number;
  fee: number;
  total: number;
  status: OrderStatus;
  cancellationRequestedBy: Role | null;
  /** Days of the pending extension request, or null. */
  pendingExtension: number | null;
  dueAt: number;
  /** Successful steps on the order, each one timeline entry (placing is the first). */
  steps: number;
  deliveries: number;
  revisions: number;
}

const CARD = 'external:card';
const PAYOUTS = 'external:payouts';
type Delta = Record<string, number>;

function delta(...entries: Array<[string, number]>): Delta {
  const out: Delta = {};
  for (const [account, amount] of entries) out[account] = (out[account] ?? 0) + amount;
  for (const k of Object.keys(out)) if (out[k] === 0) delete out[k];
  return out;
}

type Prediction =
  | { ok: false; codes: string[]; why: string }
  | { ok: true; why: string; apply: (o: ModelOrder) => void; ledger: Delta; earned: number };

const refuse = (codes: string[], why: string): Prediction => ({ ok: false, codes, why });

/** What an action on an order must do, by the rules. `wallet` is the seller's wallet account. */
function predict(step: Action, o: ModelOrder, wallet: string): Prediction {
  if (step.by === 'stranger') {
    // Not their order: it does not exist for them; settling disputes is refused to every non-admin by the router.
    return step.do === 'resolveDispute' ? refuse(['FORBIDDEN'], 'admins only') : refuse(['NOT_FOUND'], 'not a party to the order');
  }
  const role = ROLE[step.by];
  const ok = (why: string, apply: (o: ModelOrder) => void, ledger: Delta = {}, earned = 0): Prediction => ({
    ok: true,
    why,
    ledger,
    earned,
    apply: (m) => {
      apply(m);
      m.steps += 1;
    },
  });
  const release = delta(['escrow', -o.total], [wallet, o.price], ['fees', o.fee]);
  const refund = delta(['escrow', -o.total], [CARD, o.total]);
  const cancelled = (m: ModelOrder) => {
    m.status = 'CANCELLED';
    // An order that ends closes its pending extension request.
    m.pendingExtension = null;
  };

  if (step.do === 'cancel') {
    if (![...WORKING, 'DELIVERED'].includes(o.status)) return refuse(['CONFLICT'], `a ${o.status} order cannot be cancelled`);
    if (role === 'ADMIN') return ok('an admin cancels', cancelled, refund);
    if (role === 'BUYER' && o.status === 'PLACED') return ok('the buyer cancels before the start', cancelled, refund);
    if (o.cancellationRequestedBy === role) return refuse(['CONFLICT'], 'already asked to cancel');
    if (o.cancellationRequestedBy !== null) return ok('both asked to cancel', cancelled, refund);
    return ok('a cancellation request', (m) => {
      m.cancellationRequestedBy = role;
    });
  }

  const rule = RULES[step.do];
  const partyOk = rule.by.includes(step.by);
  const statusOk = rule.from.includes(o.status);
  if (!partyOk || !statusOk) {
    // Either refusal is right when both apply.
    return refuse([...(partyOk ? [] : ['FORBIDDEN']), ...(statusOk ? [] : ['CONFLICT'])], `${step.by} may not ${step.do} a ${o.status} order`);
  }
  const to = (m: ModelOrder) => {
    if (rule.to) m.status = rule.to;
  };
  switch (step.do) {
    case 'start':
      return ok('started', to);
    case 'deliver':
      return ok('delivered', (m) => {
        to(m);
        m.deliveries += 1;
        // Delivering answers a pending cancellation request.
        m.cancellationRequestedBy = null;
      });
    case 'requestRevision':
      return ok('revision requested', (m) => {
        to(m);
        m.revisions += 1;
      });
    case 'approve':
      return ok(
        'approved',
        (m) => {
          to(m);
          m.cancellationRequestedBy = null;
          m.pendingExtension = null;
        },
        release,
        o.price,
      );
    case 'requestExtension': {
      if (o.pendingExtension !== null) return refuse(['CONFLICT'], 'an extension request is pending');
      const days = step.days ?? 1;
      return ok('extension requested', (m) => {
        m.pendingExtension = days;
      });
    }
    case 'respondToExtension': {
      if (o.pendingExtension === null) return refuse(['CONFLICT'], 'no extension request is pending');
      const days = o.pendingExtension;
      return ok(step.approve ? 'extension approved' : 'extension declined', (m) => {
        if (step.approve) m.dueAt += days * DAY;
        m.pendingExtension = null;
      });
    }
    case 'openDispute':
      return ok('disputed', (m) => {
        to(m);
        m.cancellationRequestedBy = null;
      });
    case 'resolveDispute': {
      const outcome = step.outcome ?? 'REFUND';
      const settle = (m: ModelOrder) => {
        m.status = OUTCOME_STATUS[outcome];
        m.pendingExtension = null;
      };
      if (outcome === 'RELEASE') return ok('dispute released to the seller', settle, release, o.price);
      if (outcome === 'REFUND') return ok('dispute refunded to the buyer', settle, refund);
      const share = Math.floor(o.price / 2);
      return ok('dispute split', settle, delta(['escrow', -o.total], [wallet, share], [CARD, o.price - share], ['fees', o.fee]), share);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The world: accounts and gigs made once; each run starts from whatever the earlier runs left.

interface World {
  seller: Account;
  admin: Account;
  buyers: Account[];
  gigs: Array<{ id: string; price: number }>;
}

interface Books {
  balances: Map<string, number>;
  orders: number;
  charges: number;
}

interface Run {
  world: World;
  orders: ModelOrder[];
  /** What the seller's wallet must show as available. */
  wallet: number;
  books: Books;
  /** Last read of each order through the router (to prove a refused action changed nothing). */
  seen: Map<string, OrderFieldsFragment>;
  log: string[];
}

const stats = new Map<string, number>();
const count = (key: string) => stats.set(key, (stats.get(key) ?? 0) + 1);
const times = new Map<string, number[]>();
const timing = (key: string, ms: number) => times.set(key, [...(times.get(key) ?? []), ms]);

async function readBooks(): Promise<Books> {
  const [b, orders, charges] = await Promise.all([
    balances(t),
    ordersCount(t, 'select count(*) as n from orders'),
    ordersCount(t, `select count(*) as n from sandbox_operation where kind = 'CHARGE'`),
  ]);
  return { balances: b, orders, charges };
}

function changes(before: Map<string, number>, after: Map<string, number>): Delta {
  return delta(...[...new Set([...before.keys(), ...after.keys()])].map((k): [string, number] => [k, (after.get(k) ?? 0) - (before.get(k) ?? 0)]));
}

const codeOf = (errors: readonly { extensions?: Record<string, unknown> }[]): string | null =>
  errors.length === 0 ? null : String(errors[0]!.extensions?.code ?? 'NO_CODE');

const whereAmI = (run: Run): string => `after:\n  ${run.log.slice(-25).join('\n  ')}`;

function tokenOf(run: Run, who: Who, o: ModelOrder): string {
  const w = run.world;
  if (who === 'seller') return w.seller.token;
  if (who === 'admin') return w.admin.token;
  return w.buyers[who === 'buyer' ? o.buyer : (o.buyer + 1) % w.buyers.length]!.token;
}

type Sent = Promise<{ errors: readonly { message: string; extensions?: Record<string, unknown> }[] }>;

function send(step: Action, orderId: string, token: string): Sent {
  const as = { token };
  switch (step.do) {
    case 'start':
      return t.client.request(StartOrderDocument, { orderId }, as);
    case 'deliver':
      return t.client.request(DeliverOrderDocument, { input: { orderId, message: 'Here is the work.' } }, as);
    case 'requestRevision':
      return t.client.request(RequestRevisionDocument, { orderId, reason: 'Please change the colours.' }, as);
    case 'approve':
      return t.client.request(ApproveDeliveryDocument, { orderId }, as);
    case 'requestExtension':
      return t.client.request(RequestExtensionDocument, { input: { orderId, days: step.days ?? 1, reason: 'More time, please.' } }, as);
    case 'respondToExtension':
      return t.client.request(RespondToExtensionDocument, { orderId, approve: step.approve ?? false }, as);
    case 'cancel':
      return t.client.request(CancelOrderDocument, { orderId, reason: 'Changed plans.' }, as);
    case 'openDispute':
      return t.client.request(OpenDisputeDocument, { orderId, reason: 'This is not what we agreed.' }, as);
    case 'resolveDispute':
      return t.client.request(ResolveDisputeDocument, { input: { orderId, outcome: step.outcome ?? 'REFUND', note: 'Settled.' } }, as);
  }
}

function addOrder(run: Run, placed: OrderFieldsFragment, buyer: number, price: number): ModelOrder {
  const fee = feeOf(price);
  expect(placed, whereAmI(run)).toMatchObject({ status: 'PLACED', price: { amount: price }, serviceFee: { amount: fee }, total: { amount: price + fee } });
  const o: ModelOrder = {
    label: `#${run.orders.length}`,
    id: placed.id,
    buyer,
    price,
    fee,
    total: price + fee,
    status: 'PLACED',
    cancellationRequestedBy: null,
    pendingExtension: null,
    dueAt: Date.parse(placed.dueAt),
    steps: 1,
    deliveries: 0,
    revisions: 0,
  };
  run.orders.push(o);
  return o;
}

/** placeOrder as a client does it: a declined card orders nothing; a provider hiccup is retried with the same key. */
async function placeOrderStep(run: Run, step: Extract<Step, { do: 'placeOrder' }>): Promise<void> {
  const buyer = run.world.buyers[step.buyer]!;
  const gig = run.world.gigs[step.gig]!;
  const method = { ok: OK, declined: 'pm_sandbox_declined', flaky: 'pm_sandbox_flaky', timeout: 'pm_sandbox_timeout' }[step.method];
  const input: PlaceOrderInput = { gigId: gig.id, requirements: 'A logo, in blue.', paymentMethod: method };
  const key = randomUUID();
  const where = () => whereAmI(run);
  const total = gig.price + feeOf(gig.price);

  let result = await place(t, buyer, input, key);
  count(`placeOrder ${step.method}${step.again === 'no' ? '' : `, key reused (${step.again})`}`);
  run.log.push(`placeOrder by buyer ${step.buyer} on gig ${step.gig} (${step.method} card) → ${codeOf(result.errors) ?? 'ok'}`);
  if (step.method === 'declined') {
    expect(codeOf(result.errors), where()).toBe('BAD_USER_INPUT');
    await expectUnchanged(run, 'a declined payment');
    return;
  }
  if (step.method === 'flaky' || step.method === 'timeout') {
    expect(codeOf(result.errors), where()).toBe('UNAVAILABLE');
    // No order and no ledger entry yet; a timeout has charged (the answer was lost), a flaky provider has not.
    await expectBooks(run, {}, { charges: step.method === 'timeout' ? 1 : 0 }, `a ${step.method} payment before the retry`);
    result = await place(t, buyer, input, key);
    run.log.push(`  retried with the same key → ${codeOf(result.errors) ?? 'ok'}`);
  }
  expect(result.errors, where()).toEqual([]);
  run.log.push(`  → order #${run.orders.length}`);
  const o = addOrder(run, result.data!.placeOrder, step.buyer, gig.price);
  // One charge in all: a timeout's charge was already made by the first attempt (and counted above).
  await expectBooks(run, delta([CARD, -total], ['escrow', total]), { orders: 1, charges: step.method === 'timeout' ? 0 : 1 }, 'one order, one charge');

  if (step.again !== 'no') {
    const other = step.again === 'otherBody' ? { ...input, requirements: 'Something else entirely.' } : input;
    const repeat = await place(t, buyer, other, key);
    run.log.push(`  same key again (${step.again}) → ${codeOf(repeat.errors) ?? `order ${repeat.data?.placeOrder.id === o.id ? o.label : repeat.data?.placeOrder.id}`}`);
    if (step.again === 'sameBody') {
      expect(repeat.errors, where()).toEqual([]);
      expect(repeat.data!.placeOrder.id, where()).toBe(o.id);
    } else {
      expect(codeOf(repeat.errors), where()).toBe('CONFLICT');
    }
    await expectUnchanged(run, 'a repeated Idempotency-Key');
  }
}

async function orderOfferStep(run: Run, step: Extract<Step, { do: 'orderOffer' }>): Promise<void> {
  const buyer = run.world.buyers[step.buyer]!;
  const offerId = await offerFromChat(t, run.world.seller, buyer, { price: step.price, deliveryDays: 2 });
  const result = await place(t, buyer, { offerId, requirements: 'As discussed.', paymentMethod: OK });
  count('orderOffer');
  run.log.push(`orderOffer at ${step.price} by buyer ${step.buyer} → ${codeOf(result.errors) ?? `order #${run.orders.length}`}`);
  expect(result.errors, whereAmI(run)).toEqual([]);
  const o = addOrder(run, result.data!.placeOrder, step.buyer, step.price);
  await expectBooks(run, delta([CARD, -o.total], ['escrow', o.total]), { orders: 1, charges: 1 }, 'one order, one charge');
}

async function withdrawStep(run: Run, step: Extract<Step, { do: 'withdraw' }>): Promise<void> {
  const amount = Math.max(1, Math.ceil((run.wallet * step.permille) / 1000));
  const result = await t.client.request(WithdrawDocument, { amount }, { token: run.world.seller.token, headers: { 'idempotency-key': randomUUID() } });
  run.log.push(`withdraw ${amount} of ${run.wallet} → ${codeOf(result.errors) ?? 'ok'}`);
  count(`withdraw ${codeOf(result.errors) ?? 'ok'}`);
  if (amount <= run.wallet) {
    expect(result.errors, whereAmI(run)).toEqual([]);
    run.wallet -= amount;
    await expectBooks(run, delta([`wallet:${run.world.seller.id}`, -amount], [PAYOUTS, amount]), {}, 'a withdrawal');
  } else {
    expect(codeOf(result.errors), whereAmI(run)).toBe('BAD_USER_INPUT');
    await expectUnchanged(run, 'a refused withdrawal');
  }
}

/** How often a `next` step picks each action when the model allows several: the way to completion first. */
const NEXT_WEIGHTS: Record<Verb, number> = {
  start: 3,
  deliver: 3,
  approve: 3,
  requestRevision: 2,
  requestExtension: 1,
  respondToExtension: 2,
  cancel: 1,
  openDispute: 2,
  resolveDispute: 3,
};
const OUTCOMES: DisputeOutcome[] = ['REFUND', 'RELEASE', 'SPLIT'];

/**
 * The concrete action a `next` step stands for, or null when the run has no open order. It counts from the oldest
 * open order, so that a run takes its orders to an end one after the other.
 */
function nextAction(run: Run, step: Extract<Step, { do: 'next' }>): Action | null {
  const open = run.orders.filter((o) => OPEN.includes(o.status));
  if (open.length === 0) return null;
  const o = open[step.order % open.length]!;
  const order = run.orders.length - 1 - run.orders.indexOf(o);
  const params = { days: 1 + (step.pick % 5), approve: step.pick % 2 === 0, outcome: OUTCOMES[step.pick % 3] };
  const allowed = (Object.keys(NEXT_WEIGHTS) as Verb[]).flatMap((verb) => {
    const by = (['buyer', 'seller', 'admin'] as const).filter((who) => predict({ do: verb, order, by: who, ...params }, o, '').ok);
    return by.length === 0 ? [] : Array.from({ length: NEXT_WEIGHTS[verb] }, () => ({ verb, by }));
  });
  const choice = allowed[step.pick % allowed.length]!;
  return { do: choice.verb, order, by: choice.by[Math.floor(step.pick / allowed.length) % choice.by.length]!, ...params };
}

const orderAt = (run: Run, index: number): ModelOrder => run.orders[run.orders.length - 1 - (index % run.orders.length)]!;

const labelOf = (a: Action): string => {
  const detail = a.do === 'resolveDispute' ? ` ${a.outcome}` : a.do === 'requestExtension' ? ` ${a.days}d` : a.do === 'respondToExtension' ? ` ${a.approve}` : '';
  return `${a.do}${detail} by ${a.by}`;
};

const outcomeOf = (p: Prediction): string => (p.ok ? 'ok' : p.codes.join('|'));
const matches = (p: Prediction, code: string | null): boolean => (p.ok ? code === null : code !== null && p.codes.includes(code));

/** An action on one of the run's orders; returns that order and whether the action was refused. */
async function orderStep(run: Run, step: Action): Promise<{ id: string; refused: boolean } | null> {
  if (run.orders.length === 0) {
    run.log.push(`${step.do}: no order yet, skipped`);
    return null;
  }
  const o = orderAt(run, step.order);
  const expected = predict(step, o, `wallet:${run.world.seller.id}`);
  const result = await send(step, o.id, tokenOf(run, step.by, o));
  const actual = codeOf(result.errors);
  run.log.push(`${labelOf(step)} on ${o.label} (${o.status}) → ${actual ?? 'ok'}; model: ${outcomeOf(expected)} (${expected.why})`);
  count(`${step.do} ${actual ?? 'ok'}`);
  if (expected.ok) {
    expect(result.errors, whereAmI(run)).toEqual([]);
    expected.apply(o);
    run.wallet += expected.earned;
    await expectBooks(run, expected.ledger, {}, expected.why);
  } else {
    expect(expected.codes, whereAmI(run)).toContain(actual);
    await expectUnchanged(run, `a refused ${step.do}`);
  }
  return { id: o.id, refused: !expected.ok };
}

/** Two actions on one order at once; the result must be one of the two serial orders'. */
async function raceStep(run: Run, step: Extract<Step, { do: 'race' }>): Promise<{ id: string; refused: boolean } | null> {
  const a = nextAction(run, { do: 'next', order: step.order, pick: step.picks[0] });
  const b = nextAction(run, { do: 'next', order: step.order, pick: step.picks[1] });
  if (!a || !b) {
    run.log.push('race: no open order, skipped');
    return null;
  }
  const o = orderAt(run, a.order);
  const wallet = `wallet:${run.world.seller.id}`;
  const serial = (name: string, first: Action, second: Action) => {
    const m = { ...o };
    const p1 = predict(first, m, wallet);
    if (p1.ok) p1.apply(m);
    const p2 = predict(second, m, wallet);
    if (p2.ok) p2.apply(m);
    return first === a ? { name, m, pa: p1, pb: p2 } : { name, m, pa: p2, pb: p1 };
  };
  const orderings = [serial('A then B', a, b), serial('B then A', b, a)];
  const [ra, rb] = await Promise.all([send(a, o.id, tokenOf(run, a.by, o)), send(b, o.id, tokenOf(run, b.by, o))]);
  const [codeA, codeB] = [codeOf(ra.errors), codeOf(rb.errors)];
  run.log.push(
    `race on ${o.label} (${o.status}): A ${labelOf(a)} → ${codeA ?? 'ok'}, B ${labelOf(b)} → ${codeB ?? 'ok'}; ` +
      `model: ${orderings.map((c) => `${c.name}: ${outcomeOf(c.pa)}, ${outcomeOf(c.pb)}`).join('; ')}`,
  );
  count(`race ${codeA === null && codeB === null ? 'both ok' : 'one refused'}`);
  let fitting = orderings.filter((c) => matches(c.pa, codeA) && matches(c.pb, codeB));
  expect(fitting.length, `the outcome of two actions at once must be that of one serial order, ${whereAmI(run)}`).toBeGreaterThan(0);
  if (fitting.length > 1 && JSON.stringify(fitting[0]!.m) !== JSON.stringify(fitting[1]!.m)) {
    // Same answers either way but different results: the order itself tells which ran first.
    const { order } = await t.client.expect(OrderDocument, { id: o.id }, { token: run.world.admin.token });
    const pending = order.extensionRequests.find((e) => e.status === 'PENDING')?.days ?? null;
    const requestedBy = order.cancellationRequest?.requestedBy ?? null;
    fitting = fitting.filter(
      (c) =>
        c.m.status === order.status &&
        c.m.dueAt === Date.parse(order.dueAt) &&
        c.m.pendingExtension === pending &&
        (!OPEN.includes(c.m.status) || c.m.cancellationRequestedBy === requestedBy),
    );
    expect(fitting.length, `the order after two actions at once must be as one serial order leaves it, ${whereAmI(run)}`).toBeGreaterThan(0);
  }
  const chosen = fitting[0]!;
  Object.assign(o, chosen.m);
  const won = [chosen.pa, chosen.pb].filter((p): p is Extract<Prediction, { ok: true }> => p.ok);
  run.wallet += won.reduce((sum, p) => sum + p.earned, 0);
  await expectBooks(run, delta(...won.flatMap((p) => Object.entries(p.ledger))), {}, `${chosen.name}`);
  return { id: o.id, refused: false };
}

/** Checks the books moved by exactly `ledger` (and the order and charge counts by `counts`), then re-reads them. */
async function expectBooks(run: Run, ledger: Delta, counts: { orders?: number; charges?: number }, what: string): Promise<void> {
  const now = await readBooks();
  expect(
    { ledger: changes(run.books.balances, now.balances), orders: now.orders - run.books.orders, charges: now.charges - run.books.charges },
    `${what}: the books must move by exactly this, ${whereAmI(run)}`,
  ).toEqual({ ledger, orders: counts.orders ?? 0, charges: counts.charges ?? 0 });
  run.books = now;
}

async function expectUnchanged(run: Run, what: string, counts: { charges?: number } = {}): Promise<void> {
  await expectBooks(run, {}, counts, `${what} changes nothing`);
}

/** What of an order the seller's order list shows, which an action on another order (or a refused one) must leave alone. */
const fieldsOf = (o: OrderFieldsFragment) => ({
  status: o.status,
  dueAt: o.dueAt,
  startedAt: o.startedAt,
  completedAt: o.completedAt,
  cancelledAt: o.cancelledAt,
  cancellationRequest: o.cancellationRequest,
  dispute: o.dispute,
});

/**
 * After every step: the books; every order of the run (the seller's order list, one query) against the model, the
 * orders the step did not touch (or touched but was refused) unchanged; the touched order in detail; the wallet.
 */
async function checkWorld(run: Run, acted: { id: string; refused: boolean } | null, placedNow: string[]): Promise<void> {
  const where = whereAmI(run);
  const sellerId = run.world.seller.id;
  const [problems, list, details, wallet, earned, withdrawn, pending] = await Promise.all([
    ledgerProblems(t),
    t.client.expect(MyOrdersDocument, { role: 'SELLER', first: Math.max(1, run.orders.length) }, { token: run.world.seller.token }),
    Promise.all([...(acted ? [acted.id] : []), ...placedNow].map((id) => t.client.expect(OrderDocument, { id }, { token: run.world.admin.token }))),
    walletOf(t, run.world.seller),
    ordersCount(
      t,
      `select coalesce(sum(case status when 'COMPLETED' then price when 'SETTLED' then price / 2 else 0 end), 0) as n from orders where seller_id = ?`,
      [sellerId],
    ),
    ordersCount(t, `select coalesce(sum(amount), 0) as n from withdrawal where seller_id = ? and status <> 'FAILED'`, [sellerId]),
    ordersCount(t, `select coalesce(sum(price), 0) as n from orders where seller_id = ? and status in (?)`, [sellerId, OPEN]),
  ]);
  expect(problems, `the ledger's invariants, ${where}`).toEqual([]);

  const listed = new Map(list.me!.orders.edges.map((e) => [e.node.id, e.node]));
  for (const m of run.orders) {
    const order = listed.get(m.id);
    expect(order, `order ${m.label} must be in its seller's order list, ${where}`).toBeDefined();
    expect(
      {
        status: order!.status,
        dueAt: Date.parse(order!.dueAt),
        // Who asked to cancel matters while the order is open.
        cancellationRequestedBy: OPEN.includes(order!.status) ? (order!.cancellationRequest?.requestedBy ?? null) : 'n/a',
      },
      `order ${m.label} as read through the router must be where the rules put it, ${where}`,
    ).toEqual({ status: m.status, dueAt: m.dueAt, cancellationRequestedBy: OPEN.includes(m.status) ? m.cancellationRequestedBy : 'n/a' });
    const before = run.seen.get(m.id);
    if (before && (acted?.refused || m.id !== acted?.id)) {
      expect(fieldsOf(order!), `order ${m.label} must not have changed, ${where}`).toEqual(fieldsOf(before));
    }
    run.seen.set(m.id, order!);
  }

  for (const { order } of details) {
    const m = run.orders.find((o) => o.id === order.id)!;
    const pendingExtensions = order.extensionRequests.filter((e) => e.status === 'PENDING').map((e) => e.days);
    expect(
      { timeline: order.timeline.length, deliveries: order.deliveries.length, revisions: order.revisionRequests.length, pendingExtensions },
      `order ${m.label} in detail: one timeline entry per successful step, and its deliveries, revisions and pending extension, ${where}`,
    ).toEqual({ timeline: m.steps, deliveries: m.deliveries, revisions: m.revisions, pendingExtensions: m.pendingExtension === null ? [] : [m.pendingExtension] });
  }

  expect(
    { available: wallet.available.amount, pending: wallet.pending.amount },
    `the seller's wallet: available = completed prices + split shares − withdrawals (model: ${run.wallet}); pending = prices of open orders; ${where}`,
  ).toEqual({ available: earned - withdrawn, pending });
  expect(wallet.available.amount, `the seller's wallet against the model, ${where}`).toBe(run.wallet);
}

/**
 * Once the payment jobs are done with the run's refunds and payouts, the provider's books agree with the ledger:
 * every cent the ledger gave back to a card was refunded by the provider, every withdrawal was paid out.
 */
async function reconcile(run: Run): Promise<void> {
  await waitFor(
    async () =>
      (await ordersCount(t, `select (select count(*) from refund where status = 'PENDING') + (select count(*) from withdrawal where status = 'PENDING') as n`)) === 0,
    10_000,
    'the payment jobs to send every refund and payout',
  );
  const [provider] = await ordersQuery<{ charged: string; refunded: string; paid: string }>(
    t,
    `select coalesce(sum(amount) filter (where kind = 'CHARGE'), 0) as charged, coalesce(sum(amount) filter (where kind = 'REFUND'), 0) as refunded,
            coalesce(sum(amount) filter (where kind = 'PAYOUT'), 0) as paid from sandbox_operation`,
  );
  const b = await balances(t);
  expect(
    { card: b.get(CARD) ?? 0, payouts: b.get(PAYOUTS) ?? 0 },
    `the sandbox provider's charges, refunds and payouts must match the ledger's external accounts, ${whereAmI(run)}`,
  ).toEqual({ card: Number(provider!.refunded) - Number(provider!.charged), payouts: Number(provider!.paid) });
}

async function runSteps(world: World, steps: Step[]): Promise<void> {
  const wallet = (await walletOf(t, world.seller)).available.amount;
  const run: Run = { world, orders: [], wallet, books: await readBooks(), seen: new Map(), log: [`(a run of ${steps.length} steps; the wallet starts at ${wallet})`] };
  for (const step of steps) {
    const known = new Set(run.orders.map((o) => o.id));
    let acted: { id: string; refused: boolean } | null = null;
    const t0 = Date.now();
    if (step.do === 'placeOrder') await placeOrderStep(run, step);
    else if (step.do === 'orderOffer') await orderOfferStep(run, step);
    else if (step.do === 'withdraw') await withdrawStep(run, step);
    else if (step.do === 'race') {
      acted = await raceStep(run, step);
      if (!acted) continue;
    } else if (step.do === 'next') {
      const action = nextAction(run, step);
      if (!action) {
        run.log.push('next: no open order, skipped');
        continue;
      }
      acted = await orderStep(run, action);
    } else {
      acted = await orderStep(run, step);
      if (!acted) continue;
    }
    const placedNow = run.orders.filter((o) => !known.has(o.id)).map((o) => o.id);
    const t1 = Date.now();
    await checkWorld(run, acted, placedNow);
    timing(`act ${step.do}`, t1 - t0);
    timing('check', Date.now() - t1);
  }
  const t2 = Date.now();
  await reconcile(run);
  timing('reconcile', Date.now() - t2);
}

// ---------------------------------------------------------------------------------------------------------------

const env = process.env;
// 8 runs of ~15 steps (each a mutation or two, then a dozen reads): the file takes 20–35 s on 2 CPUs (stack start
// included; up to ~60 s when other suites share the CPUs); FC_RUNS=150 searches longer (~6 min).
const numRuns = env.FC_RUNS ? Number(env.FC_RUNS) : 8;

describe('orders under random sequences of actions (property)', () => {
  let world: World;

  beforeAll(async () => {
    const [seller, admin, ...buyers] = await Promise.all([newSeller(t), newAdmin(t), newBuyer(t, 'pb1'), newBuyer(t, 'pb2'), newBuyer(t, 'pb3')]);
    // Odd prices: the fee's rounding and the split's odd cent; one under 50.00 (small-order fee), one above.
    const gigs = await Promise.all([
      orderableGig(t, seller, admin, { price: 2_001, deliveryDays: 3 }),
      orderableGig(t, seller, admin, { title: 'I will review your GraphQL schema', price: 7_999, deliveryDays: 5 }),
    ]);
    world = { seller, admin, buyers, gigs: gigs.map((g) => ({ id: g.id, price: g.price.amount })) };
  });

  it(
    'keeps the books balanced, escrow equal to open orders, each order where the rules say and the seller\'s wallet exact through any sequence of order actions',
    async () => {
      await fc.assert(
        fc.asyncProperty(runArb, (steps) => runSteps(world, steps)),
        {
          numRuns,
          seed: env.FC_SEED ? Number(env.FC_SEED) : undefined,
          path: env.FC_PATH || undefined,
          // Each shrink replays a sequence on the real stack: shrinking stops after 150 s (passing runs take far less) and
          // reports the smallest sequence found so far; FC_NO_SHRINK=1 reports the first failure as is. A longer search
          // (FC_RUNS) has no limit.
          skipAllAfterTimeLimit: env.FC_RUNS ? undefined : 150_000,
          endOnFailure: env.FC_NO_SHRINK === '1',
        },
      );
      if (env.FC_STATS === '1') {
        const ms = [...times.entries()].map(([k, v]) => `${k}: n=${v.length} avg=${Math.round(v.reduce((a, b) => a + b, 0) / v.length)} ms`);
        console.log([...[...stats.entries()].map(([k, v]) => `${k}: ${v}`), ...ms].sort().join('\n'));
      }
    },
    env.FC_RUNS ? 3_600_000 : 240_000,
  );
});
