/**
 * The analytics read model's bookkeeping, as pure functions. Every buyer's review of a seller becomes one *fact*
 * (its gig, seller, stars, month, whether the seller replied, whether it is hidden); the per-gig and per-seller
 * counters are the sums of the facts' contributions. An event only ever adds knowledge to a fact (replied, hidden
 * are one-way), and the counters move by the difference between the fact's contribution before and after. So an
 * event applied twice, or events arriving in any order (a hidden review before its creation, after a retry),
 * converge on the same numbers — the numbers a rebuild from the reviews themselves gives.
 */

export interface RatingFact {
  /** Null for a review of a custom offer that named no gig: it counts for the seller only. */
  gigId: string | null;
  sellerId: string;
  /** 1–5. */
  rating: number;
  /** UTC calendar month of the review, `YYYY-MM`. */
  month: string;
  replied: boolean;
  hidden: boolean;
}

/** What one event tells about a review (every reviews event carries the review's identity). */
export interface FactEvent {
  change: 'created' | 'replied' | 'hidden';
  gigId: string | null;
  sellerId: string;
  rating: number;
  /** When the review was written (ISO 8601). */
  createdAt: string;
}

/** What a fact adds to its gig's and seller's counters. */
export interface Contribution {
  count: number;
  sum: number;
  /** Reviews per star value, index 0 = 1 star … index 4 = 5 stars. */
  stars: [number, number, number, number, number];
  replied: number;
}

export const ZERO: Contribution = Object.freeze({ count: 0, sum: 0, stars: [0, 0, 0, 0, 0], replied: 0 }) as Contribution;

/** `YYYY-MM` of an instant, in UTC: the same month the rebuild computes in SQL (`to_char(… at time zone 'UTC')`). */
export function monthOf(instant: string | Date): string {
  const date = typeof instant === 'string' ? new Date(instant) : instant;
  if (Number.isNaN(date.getTime())) throw new RangeError(`not a date: ${String(instant)}`);
  return date.toISOString().slice(0, 7);
}

/** The fact after `event`, given the fact before it (null: the first event about this review). */
export function mergeFact(before: RatingFact | null, event: FactEvent): RatingFact {
  const base: RatingFact = before ?? {
    gigId: event.gigId,
    sellerId: event.sellerId,
    rating: event.rating,
    month: monthOf(event.createdAt),
    replied: false,
    hidden: false,
  };
  return {
    ...base,
    replied: base.replied || event.change === 'replied',
    hidden: base.hidden || event.change === 'hidden',
  };
}

/** A fact's share of the counters: nothing once hidden (a hidden review leaves every aggregate). */
export function contribution(fact: RatingFact | null): Contribution {
  if (!fact || fact.hidden) return ZERO;
  const stars: Contribution['stars'] = [0, 0, 0, 0, 0];
  stars[fact.rating - 1] = 1;
  return { count: 1, sum: fact.rating, stars, replied: fact.replied ? 1 : 0 };
}

/** How the counters move when a fact goes from `before` to `after`. */
export function delta(before: RatingFact | null, after: RatingFact): Contribution {
  const a = contribution(after);
  const b = contribution(before);
  return {
    count: a.count - b.count,
    sum: a.sum - b.sum,
    stars: a.stars.map((n, i) => n - b.stars[i]) as Contribution['stars'],
    replied: a.replied - b.replied,
  };
}

/** The calendar months (`YYYY-MM`, UTC) of a window of `months` ending with the month of `now`, oldest first. */
export function monthWindow(now: Date, months: number): string[] {
  const out: string[] = [];
  const year = now.getUTCFullYear();
  const month = now.getUTCMonth();
  for (let i = months - 1; i >= 0; i--) out.push(new Date(Date.UTC(year, month - i, 1)).toISOString().slice(0, 7));
  return out;
}

/** The share of reviews the seller answered publicly, 0–1 to four decimals; null without reviews. */
export function responseRate(replied: number, count: number): number | null {
  return count === 0 ? null : Math.round((replied / count) * 10_000) / 10_000;
}
