/** The average star rating shown everywhere: two decimals, null without reviews (never 0, which reads as "bad"). */
export function averageRating(sum: number, count: number): number | null {
  return count === 0 ? null : Math.round((sum / count) * 100) / 100;
}
