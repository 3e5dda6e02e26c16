import { describe, expect, it } from 'vitest';
import { ZERO, contribution, delta, mergeFact, monthOf, monthWindow, responseRate, type Contribution, type FactEvent, type RatingFact } from '../src/domain/rating-facts.js';

const created: FactEvent = { change: 'created', gigId: 'gig', sellerId: 'seller', rating: 4, createdAt: '2026-03-31T23:59:59.999Z' };
const replied: FactEvent = { ...created, change: 'replied' };
const hidden: FactEvent = { ...created, change: 'hidden' };

/** Replays events the way the consumer does: fact by fact, totals by deltas. */
function replay(events: FactEvent[]): { fact: RatingFact | null; totals: Contribution } {
  let fact: RatingFact | null = null;
  const totals: Contribution = { count: 0, sum: 0, stars: [0, 0, 0, 0, 0], replied: 0 };
  for (const e of events) {
    const next = mergeFact(fact, e);
    const d = delta(fact, next);
    totals.count += d.count;
    totals.sum += d.sum;
    totals.replied += d.replied;
    d.stars.forEach((n, i) => (totals.stars[i] += n));
    fact = next;
  }
  return { fact, totals };
}

function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
}

describe('rating facts', () => {
  it('count a review once, with its stars, month and reply', () => {
    const { fact, totals } = replay([created, replied]);
    expect(fact).toEqual({ gigId: 'gig', sellerId: 'seller', rating: 4, month: '2026-03', replied: true, hidden: false });
    expect(totals).toEqual({ count: 1, sum: 4, stars: [0, 0, 0, 1, 0], replied: 1 });
  });

  it('change nothing when an event comes again', () => {
    expect(replay([created, created, replied, replied]).totals).toEqual(replay([created, replied]).totals);
  });

  it('take a hidden review out of every counter', () => {
    expect(replay([created, replied, hidden]).totals).toEqual(ZERO);
    expect(contribution({ ...mergeFact(null, created), hidden: true })).toEqual(ZERO);
  });

  it('end on the same numbers whatever order the events arrive in', () => {
    const expected = replay([created, replied, hidden]);
    for (const order of permutations([created, replied, hidden])) expect(replay(order)).toEqual(expected);
    const visible = replay([created, replied]);
    for (const order of permutations([created, replied, created])) expect(replay(order)).toEqual(visible);
  });
});

describe('months', () => {
  it('are UTC calendar months', () => {
    expect(monthOf('2026-03-31T23:59:59.999Z')).toBe('2026-03');
    expect(monthOf('2026-04-01T00:30:00+02:00')).toBe('2026-03');
    expect(() => monthOf('not a date')).toThrow(RangeError);
  });

  it('make a window ending with the current month, across a year boundary', () => {
    expect(monthWindow(new Date('2026-02-15T12:00:00Z'), 4)).toEqual(['2025-11', '2025-12', '2026-01', '2026-02']);
    expect(monthWindow(new Date('2026-02-15T12:00:00Z'), 1)).toEqual(['2026-02']);
  });
});

describe('response rate', () => {
  it('is the share of reviews answered, null without reviews', () => {
    expect(responseRate(0, 0)).toBeNull();
    expect(responseRate(1, 3)).toBe(0.3333);
    expect(responseRate(2, 2)).toBe(1);
  });
});
